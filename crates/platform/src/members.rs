//! Who belongs to a store and with which role. A store always keeps at least one owner: the
//! last one can neither leave nor be demoted. Changes apply to tokens at once, since a
//! token's effective grants are re-read from the membership on every authentication.
//!
//! `change_role` and `remove` must run in a transaction (`&mut Tx`): they lock the store row
//! before counting owners, so two owners demoting each other at once cannot both succeed.

use crate::scopes::Role;
use crate::{accounts, at, stores};
use storegate_db::{DbError, Exec, Row, Tx, sql};
use storegate_domain::StorageResult;
use storegate_types::{ApiError, ErrorCode};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

fn from_row(r: &Row) -> Result<Member, DbError> {
    let role: String = r.get("role")?;
    Ok(Member {
        account_id: r.get("account_id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        role: Role::parse(&role).ok_or_else(|| DbError::Decode(format!("member role {role:?}")))?,
        created_at: r.get("created_at")?,
    })
}

const SELECT: &str = "SELECT m.account_id, a.email, a.name, m.role, m.created_at \
     FROM store_members m JOIN accounts a ON a.id = m.account_id";

pub(crate) async fn insert(
    ex: &mut impl Exec,
    store: i64,
    account: i64,
    role: Role,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "INSERT INTO store_members (store_id, account_id, role, created_at) VALUES ($1, $2, $3, $4)",
        store,
        account,
        role.as_str(),
        at(now)
    ))
    .await
    .storage()
    .map(|_| ())
}

pub async fn list(ex: &mut impl Exec, store: i64) -> Result<Vec<Member>, ApiError> {
    stores::get(ex, store).await?;
    let rows =
        ex.fetch_all(sql!(format!("{SELECT} WHERE m.store_id = $1 ORDER BY m.account_id"), store)).await.storage()?;
    rows.iter().map(from_row).collect::<Result<_, _>>().storage()
}

/// The account's role in the store, `None` when it is not a member (or the store is deleted).
pub async fn role_of(ex: &mut impl Exec, store: i64, account: i64) -> Result<Option<Role>, ApiError> {
    let role: Option<String> = ex
        .fetch_optional_scalar(sql!(
            "SELECT m.role FROM store_members m JOIN platform_stores s ON s.id = m.store_id \
             WHERE m.store_id = $1 AND m.account_id = $2 AND s.deleted_at IS NULL",
            store,
            account
        ))
        .await
        .storage()?;
    role.map(|r| Role::parse(&r).ok_or_else(|| ApiError::internal(format!("stored role {r:?}")))).transpose()
}

async fn get(ex: &mut impl Exec, store: i64, account: i64) -> Result<Member, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("{SELECT} WHERE m.store_id = $1 AND m.account_id = $2"), store, account))
        .await
        .storage()?;
    row.as_ref().map(from_row).transpose().storage()?.ok_or_else(|| ApiError::no_such_entity("accountId", account))
}

/// Adds the account with this email to the store.
pub async fn add(
    ex: &mut impl Exec,
    store: i64,
    email: &str,
    role: Role,
    now: OffsetDateTime,
) -> Result<Member, ApiError> {
    stores::get(ex, store).await?;
    let account =
        accounts::by_email(ex, email).await?.ok_or_else(|| ApiError::no_such_entity("email", email.to_owned()))?;
    if role_of(ex, store, account.id).await?.is_some() {
        return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("The member {}", account.email)]));
    }
    match insert(ex, store, account.id, role, now).await {
        Err(e) if e.internal.as_deref().is_some_and(|m| m.contains("unique")) => {
            return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("The member {}", account.email)]));
        }
        other => other?,
    }
    get(ex, store, account.id).await
}

/// Locks the store's row until the transaction ends (a no-op update: portable, and SQLite's
/// single writer serialises anyway), then counts its owners.
async fn lock_and_count_owners(tx: &mut Tx, store: i64) -> Result<i64, ApiError> {
    let n = tx
        .execute(sql!("UPDATE platform_stores SET name = name WHERE id = $1 AND deleted_at IS NULL", store))
        .await
        .storage()?;
    if n == 0 {
        return Err(ApiError::no_such_entity("storeId", store));
    }
    tx.fetch_scalar(sql!("SELECT COUNT(*) FROM store_members WHERE store_id = $1 AND role = $2", store, "owner"))
        .await
        .storage()
}

fn last_owner(store: i64) -> ApiError {
    ApiError::positional(ErrorCode::PlatformLastOwner, [store])
}

pub async fn change_role(tx: &mut Tx, store: i64, account: i64, role: Role) -> Result<Member, ApiError> {
    let owners = lock_and_count_owners(tx, store).await?;
    let current = get(tx, store, account).await?;
    if current.role == Role::Owner && role != Role::Owner && owners <= 1 {
        return Err(last_owner(store));
    }
    tx.execute(sql!(
        "UPDATE store_members SET role = $1 WHERE store_id = $2 AND account_id = $3",
        role.as_str(),
        store,
        account
    ))
    .await
    .storage()?;
    get(tx, store, account).await
}

/// Removes a member (or lets one leave). Its tokens lose this store at once.
pub async fn remove(tx: &mut Tx, store: i64, account: i64) -> Result<(), ApiError> {
    let owners = lock_and_count_owners(tx, store).await?;
    let current = get(tx, store, account).await?;
    if current.role == Role::Owner && owners <= 1 {
        return Err(last_owner(store));
    }
    tx.execute(sql!("DELETE FROM store_members WHERE store_id = $1 AND account_id = $2", store, account))
        .await
        .storage()?;
    Ok(())
}
