//! The asynchronous and bulk Web API's durable queue: bulks and their operations, accepted
//! in one transaction, leased by workers (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! several nodes share the work), retried with backoff, and reported in Magento's shapes.
//!
//! An operation is applied at most once: the worker arms a commit guard
//! ([`storegate_db::guard`]) that marks the operation complete inside the transaction that
//! applies it, and only while the worker's lease (owner and attempt number) still holds.

use crate::crypto::Crypto;
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, clock, ids};
use storegate_db::{Backend, Exec, Query, Row, Value, insert_rows, sql};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Magento's operation status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Complete = 1,
    RetriablyFailed = 2,
    NotRetriablyFailed = 3,
    Open = 4,
    Rejected = 5,
}

impl Status {
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Status> {
        [Status::Complete, Status::RetriablyFailed, Status::NotRetriablyFailed, Status::Open, Status::Rejected]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// Who sent a bulk, as Magento numbers user types: 1 integration, 2 admin, 3 customer, 4 guest.
pub fn user_of(principal: &Principal) -> (i64, Option<i64>) {
    match principal {
        Principal::Integration { id, .. } => (1, Some(*id)),
        Principal::Admin { id, .. } => (2, Some(id.0)),
        Principal::Customer { id, .. } => (3, Some(id.0)),
        Principal::Anonymous
        | Principal::OAuthConsumer { .. }
        | Principal::PersonalToken { .. }
        | Principal::Account { .. } => (4, None),
    }
}

/// Largest number of operations one request may carry (Magento's input-list limit).
pub const MAX_OPERATIONS: usize = 5_000;

/// A bulk about to be accepted.
#[derive(Debug, Clone)]
pub struct NewBulk {
    pub uuid: String,
    pub principal: Principal,
    pub store_code: Option<String>,
    /// `Topic async.V1.products.POST`.
    pub description: String,
}

/// One operation of a new bulk: accepted with its input, or rejected with the reason.
#[derive(Debug, Clone)]
pub struct NewOperation {
    pub operation: &'static str,
    pub topic: String,
    pub input: serde_json::Value,
    pub rejected: Option<ApiError>,
}

/// Writes the bulk and all its operations in one transaction; rejected operations are kept
/// (status 5) so the bulk's status reports them.
pub async fn accept(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    bulk: &NewBulk,
    operations: &[NewOperation],
) -> Result<(), ApiError> {
    let now = clock::now_text();
    let (user_type, user_id) = user_of(&bulk.principal);
    ex.execute(sql!(
        "INSERT INTO bulks (tenant_id, uuid, user_type, user_id, store_code, description, operation_count, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant.0,
        bulk.uuid.clone(),
        user_type,
        user_id,
        bulk.store_code.clone(),
        bulk.description.clone(),
        operations.len() as i64,
        now.clone()
    ))
    .await
    .storage()?;
    let first = ids::reserve(ex, tenant, "bulk_operation", operations.len() as i64).await.storage()?;
    let rows = operations
        .iter()
        .enumerate()
        .map(|(position, op)| {
            let (status, message) = match &op.rejected {
                None => (Status::Open, None),
                Some(e) => (Status::Rejected, Some(e.message())),
            };
            vec![
                Value::from(tenant.0),
                Value::from(first + position as i64),
                Value::from(bulk.uuid.clone()),
                Value::from(position as i64),
                Value::from(op.operation),
                Value::from(op.topic.clone()),
                Value::from(crypto.encrypt(&op.input.to_string())),
                Value::from(status.code()),
                Value::from(message),
                Value::from(op.rejected.as_ref().map(|e| i64::from(e.code.status()))),
                Value::from(now.clone()),
            ]
        })
        .collect();
    insert_rows(
        ex,
        "bulk_operations",
        &[
            "tenant_id",
            "id",
            "bulk_uuid",
            "position",
            "operation",
            "topic_name",
            "payload",
            "status",
            "result_message",
            "error_code",
            "next_attempt_at",
        ],
        rows,
    )
    .await
    .storage()?;
    Ok(())
}

/// An operation a worker holds the lease of.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub bulk_uuid: String,
    pub position: i64,
    pub operation: String,
    pub input: serde_json::Value,
    /// The lease's attempt number; with the owner it identifies this lease.
    pub attempt: i64,
    pub user_type: i64,
    pub user_id: Option<i64>,
    pub store_code: Option<String>,
}

/// Leases up to `limit` due open operations for `lease` to this worker's node.
pub async fn claim(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    node: &str,
    limit: i64,
    lease: time::Duration,
) -> Result<Vec<Claimed>, ApiError> {
    let now = clock::now_text();
    // PostgreSQL: rows another node is claiming right now are skipped, not waited for.
    let skip_locked = match ex.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = ex
        .fetch_all(sql!(
            format!(
                "UPDATE bulk_operations SET lease_owner = $2, lease_until = $3, attempts = attempts + 1 \
                 WHERE tenant_id = $1 AND id IN (SELECT id FROM bulk_operations \
                   WHERE tenant_id = $1 AND status = 4 AND next_attempt_at <= $4 \
                   AND (lease_until IS NULL OR lease_until < $4) ORDER BY next_attempt_at, id LIMIT $5 {skip_locked}) \
                 RETURNING id, bulk_uuid, position, operation, payload, attempts"
            ),
            tenant.0,
            node.to_owned(),
            clock::after(lease),
            now,
            limit
        ))
        .await
        .storage()?;
    let mut claimed = Vec::with_capacity(rows.len());
    let mut bulks: std::collections::HashMap<String, (i64, Option<i64>, Option<String>)> = Default::default();
    for row in rows {
        let bulk_uuid: String = row.at(1).storage()?;
        if !bulks.contains_key(&bulk_uuid) {
            let b = ex
                .fetch_optional(sql!(
                    "SELECT user_type, user_id, store_code FROM bulks WHERE tenant_id = $1 AND uuid = $2",
                    tenant.0,
                    bulk_uuid.clone()
                ))
                .await
                .storage()?
                .ok_or_else(|| ApiError::internal("an operation's bulk is missing"))?;
            bulks.insert(bulk_uuid.clone(), (b.at(0).storage()?, b.at(1).storage()?, b.at(2).storage()?));
        }
        let (user_type, user_id, store_code) = bulks[&bulk_uuid].clone();
        let payload: String = row.at(4).storage()?;
        let input = serde_json::from_str(&crypto.decrypt(&payload)?)
            .map_err(|e| ApiError::internal(format!("an operation's payload is not JSON: {e}")))?;
        claimed.push(Claimed {
            id: row.at(0).storage()?,
            bulk_uuid,
            position: row.at(2).storage()?,
            operation: row.at(3).storage()?,
            input,
            attempt: row.at(5).storage()?,
            user_type,
            user_id,
            store_code,
        });
    }
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// The statement that marks `op` complete, changing a row only while its lease holds: the
/// commit guard of the transaction that applies it. The lease's owner stays, naming the
/// node that applied the operation.
pub fn completion_guard(tenant: TenantId, op: &Claimed, node: &str) -> Query {
    sql!(
        "UPDATE bulk_operations SET status = 1, result_message = $5, finished_at = $6, lease_until = NULL \
         WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND attempts = $4 AND status = 4",
        tenant.0,
        op.id,
        node.to_owned(),
        op.attempt,
        success_message(&op.operation),
        clock::now_text()
    )
}

fn success_message(operation: &str) -> String {
    format!("Service execution success {operation}")
}

/// After the operation committed (its guard marked it complete): keeps its result.
pub async fn record_result(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    id: i64,
    result: Option<&serde_json::Value>,
) -> Result<(), ApiError> {
    let data = result.map(|r| crypto.encrypt(&r.to_string()));
    ex.execute(sql!(
        "UPDATE bulk_operations SET result_data = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        id,
        data
    ))
    .await
    .storage()?;
    Ok(())
}

/// An operation that succeeded without committing anything (nothing to guard): complete,
/// if the lease still holds.
pub async fn complete_unguarded(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    op: &Claimed,
    node: &str,
    result: Option<&serde_json::Value>,
) -> Result<(), ApiError> {
    if ex.execute(completion_guard(tenant, op, node)).await.storage()? == 1 {
        record_result(ex, tenant, crypto, op.id, result).await?;
    }
    Ok(())
}

/// A failed attempt: open again at `retry_at`, or finally failed with `status`.
pub async fn fail(
    ex: &mut impl Exec,
    tenant: TenantId,
    op: &Claimed,
    node: &str,
    error: &ApiError,
    retry_at: Option<String>,
    status: Status,
) -> Result<(), ApiError> {
    let (status, next, finished) = match retry_at {
        Some(at) => (Status::Open, at, None),
        None => (status, clock::now_text(), Some(clock::now_text())),
    };
    ex.execute(sql!(
        "UPDATE bulk_operations SET status = $5, result_message = $6, error_code = $7, next_attempt_at = $8, \
         finished_at = $9, lease_owner = NULL, lease_until = NULL \
         WHERE tenant_id = $1 AND id = $2 AND lease_owner = $3 AND attempts = $4 AND status = 4",
        tenant.0,
        op.id,
        node.to_owned(),
        op.attempt,
        status.code(),
        error.message(),
        i64::from(error.code.status()),
        next,
        finished
    ))
    .await
    .storage()?;
    Ok(())
}

/// Frees every lease (SQLite: this process is the only node, so any lease is a previous
/// life's, left by a crash).
pub async fn release_leases(ex: &mut impl Exec, tenant: TenantId) -> Result<u64, ApiError> {
    ex.execute(sql!(
        "UPDATE bulk_operations SET lease_owner = NULL, lease_until = NULL WHERE tenant_id = $1 AND status = 4 AND lease_owner IS NOT NULL",
        tenant.0
    ))
    .await
    .storage()
}

/// A bulk as its status endpoints describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulk {
    pub uuid: String,
    pub user_type: i64,
    pub user_id: Option<i64>,
    pub description: String,
    pub operation_count: i64,
    pub created_at: String,
}

/// One operation as its status endpoints describe it; `input` and `result` are decrypted.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The registry id of the queued operation (`customers.account.create`).
    pub operation: String,
    /// Who queued it, as [`user_of`] numbers it.
    pub queued_by: (i64, Option<i64>),
    pub position: i64,
    pub bulk_uuid: String,
    pub topic_name: String,
    pub status: i64,
    pub result_message: Option<String>,
    pub error_code: Option<i64>,
    pub input: String,
    pub result: Option<String>,
}

pub async fn find(ex: &mut impl Exec, tenant: TenantId, uuid: &str) -> Result<Bulk, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT uuid, user_type, user_id, description, operation_count, created_at FROM bulks \
             WHERE tenant_id = $1 AND uuid = $2",
            tenant.0,
            uuid.to_owned()
        ))
        .await
        .storage()?
        .ok_or_else(|| ApiError::named(ErrorCode::BulkNotFound, [("bulkUuid", serde_json::json!(uuid))]))?;
    Ok(Bulk {
        uuid: row.at(0).storage()?,
        user_type: row.at(1).storage()?,
        user_id: row.at(2).storage()?,
        description: row.at(3).storage()?,
        operation_count: row.at(4).storage()?,
        created_at: row.at(5).storage()?,
    })
}

const OPERATION_COLUMNS: &str = "o.position, o.bulk_uuid, o.topic_name, o.status, o.result_message, o.error_code, \
     o.payload, o.result_data, o.operation, b.user_type, b.user_id";

/// The operations joined with their bulk, which says who queued them.
const OPERATIONS_FROM: &str =
    "FROM bulk_operations o JOIN bulks b ON b.tenant_id = o.tenant_id AND b.uuid = o.bulk_uuid";

impl Operation {
    /// Status and ids only: drops the input, the result and the result message (which may
    /// echo input values), for a reader who may not see the queued operation's data.
    pub fn without_data(self) -> Operation {
        Operation { input: "null".into(), result: None, result_message: None, ..self }
    }
}

fn operation_of(row: &Row, crypto: &Crypto) -> Result<Operation, ApiError> {
    let payload: String = row.at(6).storage()?;
    let result: Option<String> = row.at(7).storage()?;
    Ok(Operation {
        position: row.at(0).storage()?,
        bulk_uuid: row.at(1).storage()?,
        topic_name: row.at(2).storage()?,
        status: row.at(3).storage()?,
        result_message: row.at(4).storage()?,
        error_code: row.at(5).storage()?,
        input: crypto.decrypt(&payload)?,
        result: crypto.decrypt_opt(result.as_deref())?,
        operation: row.at(8).storage()?,
        queued_by: (row.at(9).storage()?, row.at(10).storage()?),
    })
}

/// Every operation of a bulk, in request order.
pub async fn operations(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    uuid: &str,
) -> Result<Vec<Operation>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT {OPERATION_COLUMNS} {OPERATIONS_FROM} WHERE o.tenant_id = $1 AND o.bulk_uuid = $2 ORDER BY o.position"
            ),
            tenant.0,
            uuid.to_owned()
        ))
        .await
        .storage()?;
    rows.iter().map(|r| operation_of(r, crypto)).collect()
}

/// How many of a bulk's operations have `status`.
pub async fn count_with_status(ex: &mut impl Exec, tenant: TenantId, uuid: &str, status: i64) -> Result<i64, ApiError> {
    find(ex, tenant, uuid).await?;
    ex.fetch_scalar(sql!(
        "SELECT COUNT(*) FROM bulk_operations WHERE tenant_id = $1 AND bulk_uuid = $2 AND status = $3",
        tenant.0,
        uuid.to_owned(),
        status
    ))
    .await
    .storage()
}

const OPERATION_SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "o.position", kind: FieldKind::Int },
        Field { name: "bulk_uuid", sql: "o.bulk_uuid", kind: FieldKind::Text },
        Field { name: "topic_name", sql: "o.topic_name", kind: FieldKind::Text },
        Field { name: "status", sql: "o.status", kind: FieldKind::Int },
        Field { name: "error_code", sql: "o.error_code", kind: FieldKind::Int },
        Field { name: "result_message", sql: "o.result_message", kind: FieldKind::Text },
        Field { name: "started_at", sql: "b.created_at", kind: FieldKind::DateTime },
    ],
    eav: None,
    tiebreak: "o.id",
};

/// Operations of every bulk matching `criteria` (Magento's `GET /V1/bulk`), and the total.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Operation>, i64), ApiError> {
    let compiled = search::compile(criteria, &OPERATION_SEARCH_FIELDS, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("{OPERATIONS_FROM} WHERE o.tenant_id = $1 AND ({})", compiled.condition);
    let (rows, total) = search::fetch_page(ex, tenant, &compiled, OPERATION_COLUMNS, &from).await?;
    let items = rows.iter().map(|r| operation_of(r, crypto)).collect::<Result<_, _>>()?;
    Ok((items, total))
}
