//! Reads the live schema back from either database in one normalised form, so a test can
//! prove that the SQLite and PostgreSQL migration sets describe the same tables, columns,
//! nullability and indexes.

use crate::{Backend, Db, DbError, sql};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column name → (type class, nullable).
    pub columns: BTreeMap<String, (TypeClass, bool)>,
    pub primary_key: Vec<String>,
    /// Secondary indexes and unique constraints as (columns, unique); names differ by backend.
    pub indexes: BTreeSet<(Vec<String>, bool)>,
}

/// How an index column that is an expression (not a plain column) is named on both backends.
const EXPRESSION: &str = "(expression)";

/// Column types folded into what both databases can agree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeClass {
    Integer,
    Real,
    Text,
    Blob,
    Boolean,
    Other,
}

impl TypeClass {
    fn from_declared(t: &str) -> TypeClass {
        let t = t.to_ascii_lowercase();
        if t.contains("bool") {
            TypeClass::Boolean
        } else if t.contains("int") {
            TypeClass::Integer
        } else if t.contains("char") || t.contains("text") || t.contains("clob") {
            TypeClass::Text
        } else if t.contains("blob") || t.contains("bytea") {
            TypeClass::Blob
        } else if t.contains("real") || t.contains("double") || t.contains("float") {
            TypeClass::Real
        } else {
            TypeClass::Other
        }
    }
}

pub async fn introspect(db: &Db) -> Result<Schema, DbError> {
    match db.backend() {
        Backend::Sqlite => introspect_sqlite(db).await,
        Backend::Postgres => introspect_postgres(db).await,
    }
}

async fn introspect_sqlite(db: &Db) -> Result<Schema, DbError> {
    let mut schema = Schema::default();
    let tables = db
        .fetch_all(sql!(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ))
        .await?;
    for t in tables {
        let name: String = t.at(0)?;
        let mut table = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in
            db.fetch_all(sql!("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)", name.clone())).await?
        {
            let column: String = c.at(0)?;
            let declared: String = c.at(1)?;
            let not_null: bool = c.at(2)?;
            let pk_pos: i64 = c.at(3)?;
            if pk_pos > 0 {
                pk.push((pk_pos, column.clone()));
            }
            table.columns.insert(column, (TypeClass::from_declared(&declared), !not_null && pk_pos == 0));
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        for idx in
            db.fetch_all(sql!("SELECT name, \"unique\", origin FROM pragma_index_list($1)", name.clone())).await?
        {
            let index: String = idx.at(0)?;
            let unique: bool = idx.at(1)?;
            let origin: String = idx.at(2)?;
            if origin == "pk" {
                continue;
            }
            let cols = db
                .fetch_all(sql!(
                    "SELECT coalesce(name, $2) FROM pragma_index_info($1) ORDER BY seqno",
                    index,
                    EXPRESSION
                ))
                .await?
                .iter()
                .map(|r| r.at::<String>(0))
                .collect::<Result<Vec<_>, _>>()?;
            table.indexes.insert((cols, unique));
        }
        schema.tables.insert(name, table);
    }
    Ok(schema)
}

async fn introspect_postgres(db: &Db) -> Result<Schema, DbError> {
    let mut schema = Schema::default();
    let columns = db
        .fetch_all(sql!(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             ORDER BY table_name, ordinal_position"
        ))
        .await?;
    for c in columns {
        let table: String = c.at(0)?;
        let column: String = c.at(1)?;
        let declared: String = c.at(2)?;
        let nullable: String = c.at(3)?;
        schema
            .tables
            .entry(table)
            .or_default()
            .columns
            .insert(column, (TypeClass::from_declared(&declared), nullable == "YES"));
    }
    let indexes = db
        .fetch_all(sql!(
            "SELECT t.relname::text, i.indisunique, i.indisprimary, \
                    array_to_string(array_agg(coalesce(a.attname::text, $1) ORDER BY k.ord), ',') \
             FROM pg_index i \
             JOIN pg_class t ON t.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema() \
             JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true \
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary",
            EXPRESSION
        ))
        .await?;
    for idx in indexes {
        let table: String = idx.at(0)?;
        let unique: bool = idx.at(1)?;
        let primary: bool = idx.at(2)?;
        let cols: Vec<String> = idx.at::<String>(3)?.split(',').map(str::to_owned).collect();
        let entry = schema.tables.entry(table).or_default();
        if primary {
            entry.primary_key = cols;
        } else {
            entry.indexes.insert((cols, unique));
        }
    }
    // Primary key columns are NOT NULL by definition; SQLite's pragma reports them so too.
    for table in schema.tables.values_mut() {
        for pk in &table.primary_key {
            if let Some(col) = table.columns.get_mut(pk) {
                col.1 = false;
            }
        }
    }
    Ok(schema)
}

/// Human-readable differences between two schemas; empty when they agree.
pub fn differences(left: &Schema, right: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<_> = left.tables.keys().chain(right.tables.keys()).collect();
    for name in names {
        match (left.tables.get(name), right.tables.get(name)) {
            (Some(_), None) => out.push(format!("table {name} only on the left")),
            (None, Some(_)) => out.push(format!("table {name} only on the right")),
            (Some(l), Some(r)) => {
                let cols: BTreeSet<_> = l.columns.keys().chain(r.columns.keys()).collect();
                for c in cols {
                    if l.columns.get(c) != r.columns.get(c) {
                        out.push(format!("{name}.{c}: {:?} vs {:?}", l.columns.get(c), r.columns.get(c)));
                    }
                }
                if l.primary_key != r.primary_key {
                    out.push(format!("{name} primary key: {:?} vs {:?}", l.primary_key, r.primary_key));
                }
                for i in l.indexes.symmetric_difference(&r.indexes) {
                    let side = if l.indexes.contains(i) { "left" } else { "right" };
                    out.push(format!("{name} index {:?} unique={} only on the {side}", i.0, i.1));
                }
            }
            (None, None) => unreachable!(),
        }
    }
    out
}
