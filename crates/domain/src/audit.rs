//! The audit log: an append-only table (triggers refuse UPDATE and DELETE) with one row per
//! write and per denial, each with a plain-English sentence. Secrets never enter it: the
//! sentence is rendered from declared fields only, and passwords are never declared.

use crate::{StorageResult, clock};
use storegate_db::{Exec, sql};
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
    ex.execute(sql!(
        "INSERT INTO audit_log (at, tenant_id, request_id, channel, principal_kind, principal_id, principal_name, \
         operation_id, store_code, target, decision, reason, status, sentence) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        clock::now_text(),
        entry.tenant.map(|t| t.0),
        entry.request_id.clone(),
        entry.channel,
        entry.principal.kind,
        entry.principal.id,
        entry.principal.name.clone(),
        entry.operation_id.clone(),
        entry.store_code.clone(),
        entry.target.clone(),
        if entry.allowed { "allowed" } else { "denied" },
        entry.reason.clone(),
        entry.status,
        entry.sentence.clone()
    ))
    .await
    .storage()
    .map(|_| ())
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
