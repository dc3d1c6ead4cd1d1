//! The audit log: an append-only table (triggers refuse UPDATE and DELETE) with one row per
//! write and per denial, each with a plain-English sentence. Secrets never enter it: the
//! sentence is rendered from declared fields only, and passwords are never declared.

use crate::{StorageResult, clock};
use storegate_db::{Db, Exec, Query, sql};
use storegate_types::principal::PrincipalRef;
use storegate_types::{ApiError, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub tenant: Option<TenantId>,
    pub request_id: String,
    /// How the call arrived: `rest`, `cli`, later `mcp`.
    pub channel: &'static str,
    pub principal: PrincipalRef,
    pub operation_id: String,
    pub store_code: Option<String>,
    pub target: Option<String>,
    pub allowed: bool,
    pub reason: Option<String>,
    pub status: u16,
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub entry: AuditEntry,
}

pub async fn append(ex: &mut impl Exec, entry: &AuditEntry) -> Result<(), ApiError> {
    ex.execute(insert("audit_log", entry)).await.storage().map(|_| ())
}

/// The statement that journals `entry` inside the transaction of the write it describes (see
/// `storegate_db::guard::with_commit_journal`), until [`settle`] or [`recover`] moves it.
pub fn journal(entry: &AuditEntry) -> Query {
    insert("audit_journal", entry)
}

/// Writes a finished call's audit row. When its journal entry was committed with the write,
/// the entry is replaced in the same transaction, so exactly one row remains either way.
pub async fn settle(db: &Db, entry: &AuditEntry, journaled: bool) -> Result<(), ApiError> {
    if !journaled {
        return append(&mut db.clone(), entry).await;
    }
    let mut tx = db.begin().await.storage()?;
    append(&mut tx, entry).await?;
    tx.execute(sql!(
        "DELETE FROM audit_journal WHERE request_id = $1 AND operation_id = $2",
        entry.request_id.clone(),
        entry.operation_id.clone()
    ))
    .await
    .storage()?;
    tx.commit().await.storage()
}

/// Moves journal entries older than `age` into the audit log: writes whose process stopped
/// (a crash, a kill) after committing them and before recording their answer. Their sentence
/// is rendered from the input alone and their reason says so. Only old entries are moved, so
/// a write still running on another node is left to settle itself.
pub async fn recover(db: &Db, age: std::time::Duration) -> Result<u64, ApiError> {
    let before = clock::format(clock::now() - age);
    let mut tx = db.begin().await.storage()?;
    let moved = tx
        .execute(sql!(
            "INSERT INTO audit_log (at, tenant_id, request_id, channel, principal_kind, principal_id, principal_name, \
             operation_id, store_code, target, decision, reason, status, sentence) \
             SELECT at, tenant_id, request_id, channel, principal_kind, principal_id, principal_name, operation_id, \
             store_code, target, decision, $2, status, sentence FROM audit_journal WHERE at < $1 ORDER BY id",
            before.clone(),
            RECOVERED
        ))
        .await
        .storage()?;
    if moved > 0 {
        tx.execute(sql!("DELETE FROM audit_journal WHERE at < $1", before)).await.storage()?;
    }
    tx.commit().await.storage()?;
    Ok(moved)
}

/// The reason on a recovered row.
pub const RECOVERED: &str = "the write was committed, and the server stopped before it recorded the answer";

fn insert(table: &'static str, entry: &AuditEntry) -> Query {
    let sql = format!(
        "INSERT INTO {table} (at, tenant_id, request_id, channel, principal_kind, principal_id, principal_name, \
         operation_id, store_code, target, decision, reason, status, sentence) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    );
    Query::new(sql)
        .bind(clock::now_text())
        .bind(entry.tenant.map(|t| t.0))
        .bind(entry.request_id.clone())
        .bind(entry.channel)
        .bind(entry.principal.kind)
        .bind(entry.principal.id)
        .bind(entry.principal.name.clone())
        .bind(entry.operation_id.clone())
        .bind(entry.store_code.clone())
        .bind(entry.target.clone())
        .bind(if entry.allowed { "allowed" } else { "denied" })
        .bind(entry.reason.clone())
        .bind(entry.status)
        .bind(entry.sentence.clone())
}

/// The newest `limit` entries, oldest first, optionally only those after id `after`.
pub async fn tail(
    ex: &mut impl Exec,
    tenant: Option<TenantId>,
    limit: i64,
    after: i64,
) -> Result<Vec<AuditRecord>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, at, tenant_id, request_id, channel, principal_kind, principal_id, principal_name, operation_id, \
             store_code, target, decision, reason, status, sentence FROM audit_log \
             WHERE (CAST($1 AS BIGINT) IS NULL OR tenant_id = $1) AND id > $2 ORDER BY id DESC LIMIT $3",
            tenant.map(|t| t.0),
            after,
            limit
        ))
        .await
        .storage()?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows.iter().rev() {
        let kind: String = r.get("principal_kind").storage()?;
        out.push(AuditRecord {
            id: r.get("id").storage()?,
            at: r.get("at").storage()?,
            entry: AuditEntry {
                tenant: r.get::<Option<i64>>("tenant_id").storage()?.map(TenantId),
                request_id: r.get("request_id").storage()?,
                channel: channel_name(&r.get::<String>("channel").storage()?),
                principal: PrincipalRef {
                    kind: principal_kind_name(&kind),
                    id: r.get("principal_id").storage()?,
                    name: r.get("principal_name").storage()?,
                },
                operation_id: r.get("operation_id").storage()?,
                store_code: r.get("store_code").storage()?,
                target: r.get("target").storage()?,
                allowed: r.get::<String>("decision").storage()? == "allowed",
                reason: r.get("reason").storage()?,
                status: r.get::<i64>("status").storage()? as u16,
                sentence: r.get("sentence").storage()?,
            },
        });
    }
    Ok(out)
}

fn channel_name(s: &str) -> &'static str {
    match s {
        "rest" => "rest",
        "cli" => "cli",
        "mcp" => "mcp",
        _ => "other",
    }
}

fn principal_kind_name(s: &str) -> &'static str {
    match s {
        "admin" => "admin",
        "customer" => "customer",
        "anonymous" => "anonymous",
        "system" => "system",
        _ => "other",
    }
}
