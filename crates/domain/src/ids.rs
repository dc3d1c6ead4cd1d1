//! Ids are numbered per tenant (so Magento's well-known ids hold in every tenant) from
//! one counter row per tenant and entity. On PostgreSQL the upsert locks that row until the
//! transaction ends, which keeps concurrent writers from taking the same id, and also makes
//! every writer of that entity wait for the one before it to commit. The `_detached` forms
//! take ids in a statement of their own that commits at once (`Exec::fetch_all_detached`):
//! the hot entities of checkout and order handling use them; an id whose transaction rolls
//! back is skipped, as Magento's sequences skip them.

use storegate_db::{DbError, Exec, Query, sql};
use storegate_types::TenantId;

fn take(tenant: TenantId, entity: &str, count: i64) -> Query {
    sql!(
        "INSERT INTO id_sequences (tenant_id, entity, next_id) VALUES ($1, $2, 1 + $3) \
         ON CONFLICT (tenant_id, entity) DO UPDATE SET next_id = id_sequences.next_id + $3 \
         RETURNING next_id",
        tenant.0,
        entity.to_owned(),
        count
    )
}

/// Reserves `count` consecutive ids and answers the first.
pub async fn reserve(ex: &mut impl Exec, tenant: TenantId, entity: &str, count: i64) -> Result<i64, DbError> {
    let next: i64 = ex.fetch_scalar(take(tenant, entity, count)).await?;
    Ok(next - count)
}

pub async fn next(ex: &mut impl Exec, tenant: TenantId, entity: &str) -> Result<i64, DbError> {
    reserve(ex, tenant, entity, 1).await
}

/// [`reserve`] in a statement that commits at once. Only for entities whose counter the
/// caller's transaction has not touched (no `ensure_above` before it) in a tenant that
/// is already committed.
pub async fn reserve_detached(ex: &mut impl Exec, tenant: TenantId, entity: &str, count: i64) -> Result<i64, DbError> {
    let rows = ex.fetch_all_detached(take(tenant, entity, count)).await?;
    let next: i64 = rows.first().ok_or(DbError::NoRows)?.at(0)?;
    Ok(next - count)
}

pub async fn next_detached(ex: &mut impl Exec, tenant: TenantId, entity: &str) -> Result<i64, DbError> {
    reserve_detached(ex, tenant, entity, 1).await
}

/// Makes sure ids handed out from now on are above `used` (after rows with fixed ids).
pub async fn ensure_above(ex: &mut impl Exec, tenant: TenantId, entity: &str, used: i64) -> Result<(), DbError> {
    ex.execute(sql!(
        "INSERT INTO id_sequences (tenant_id, entity, next_id) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, entity) DO UPDATE SET next_id = \
         CASE WHEN id_sequences.next_id > $3 THEN id_sequences.next_id ELSE $3 END",
        tenant.0,
        entity.to_owned(),
        // Checked: `used` may be a client-chosen id; the last i64 has no successor.
        used.checked_add(1).ok_or_else(|| DbError::Other(format!("no {entity} id can follow {used}")))?
    ))
    .await
    .map(|_| ())
}
