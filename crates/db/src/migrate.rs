//! Migrations ship inside the binary, one file per backend and version, and run at start
//! (or through `storegate migrate`). Both sets must describe the same schema; the
//! `schema_parity` test introspects both and compares them.

use crate::{Backend, Db, DbError, Exec, sql};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migrations {
    ($($version:literal $name:literal;)*) => {
        pub const MIGRATIONS: &[Migration] = &[$(
            Migration {
                version: $version,
                name: $name,
                sqlite: include_str!(concat!("../migrations/sqlite/", stringify!($version), "_", $name, ".sql")),
                postgres: include_str!(concat!("../migrations/postgres/", stringify!($version), "_", $name, ".sql")),
            },
        )*];
    };
}

migrations! {
    1 "foundation";
    2 "catalog_customers_cms";
    3 "inventory";
    4 "sales";
    5 "pricing";
    6 "catalog_read_indexes";
    7 "sales_documents";
    8 "integrations";
    9 "reservation_totals";
    10 "order_stock_reserved";
    11 "bulk_operations";
    12 "login_failures_per_client";
    13 "audit_journal";
    14 "attribute_value_prefix_index";
    15 "platform";
}

impl Migration {
    pub fn script(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// What a migration run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<i64>,
    pub current: i64,
}

/// Applies every migration not yet applied, each in its own transaction. Concurrent runners
/// (several nodes starting at once, or the CLI beside a server) serialise on a lock:
/// SQLite's write lock, PostgreSQL's advisory lock.
pub async fn run(db: &Db) -> Result<MigrationReport, DbError> {
    let mut report = MigrationReport::default();
    for migration in MIGRATIONS {
        let mut tx = db.begin().await?;
        tx.lock(MIGRATION_LOCK_KEY).await?;
        if db.backend() == Backend::Postgres {
            // `CREATE TABLE IF NOT EXISTS` would log a NOTICE on every start.
            tx.execute(sql!("SET LOCAL client_min_messages TO warning")).await?;
        }
        tx.execute_script(
            "CREATE TABLE IF NOT EXISTS schema_migrations (\
             version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .await?;
        let done: i64 = tx
            .fetch_scalar(sql!("SELECT COUNT(*) FROM schema_migrations WHERE version = $1", migration.version))
            .await?;
        if done == 0 {
            tx.execute_script(migration.script(db.backend())).await?;
            tx.execute(sql!(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                now_text()
            ))
            .await?;
            report.applied.push(migration.version);
        }
        tx.commit().await?;
        report.current = migration.version;
    }
    if db.backend() == Backend::Postgres {
        let mut tx = db.begin().await?;
        tx.lock(MIGRATION_LOCK_KEY).await?;
        tx.execute_script(NOTIFY_ON_CHANGE).await?;
        tx.commit().await?;
    }
    Ok(report)
}

/// Every table, including those later migrations add, tells listening nodes that it
/// changed (see `crate::changes`). Idempotent, so it runs after every migration run.
const NOTIFY_ON_CHANGE: &str = r#"
SET LOCAL client_min_messages TO warning;
CREATE OR REPLACE FUNCTION storegate_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_notify('storegate_changes', '');
    RETURN NULL;
END;
$fn$;
DO $do$
DECLARE t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format(
            'CREATE OR REPLACE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION storegate_notify_change()',
            t.tablename || '_notify_change', t.tablename);
    END LOOP;
END;
$do$;
"#;

/// Any constant shared by every storegate node will do.
const MIGRATION_LOCK_KEY: i64 = 0x0053_544f_5245_4741;

fn now_text() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing_and_both_scripts_exist() {
        let mut last = 0;
        for m in MIGRATIONS {
            assert!(m.version > last);
            last = m.version;
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }
}
