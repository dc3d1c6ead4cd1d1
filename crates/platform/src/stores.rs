//! Platform stores: what a token is scoped to. A store is `embedded` (an engine tenant of
//! this process, made with Magento's bootstrap data by `tenancy::create`) or `gateway` (a
//! remote Magento reached through `/api/v1/stores/{id}/commerce/…`, whose integration token
//! is encrypted at rest). A store is `live` or `test`; tokens reach only stores of their
//! own mode. Deletion is soft: a deleted store keeps its code and is invisible.

use crate::scopes::Role;
use crate::{Mode, at, invalid};
use storegate_db::{Db, DbError, Exec, Row, sql};
use storegate_domain::crypto::Crypto;
use storegate_domain::{StorageResult, tenancy};
use storegate_types::{ApiError, ErrorCode, TenantId};
use time::OffsetDateTime;

/// The code of the store made at first start over the default tenant.
pub const DEFAULT_CODE: &str = "default";
pub const MAX_NAME: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Embedded,
    Gateway,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Embedded => "embedded",
            Kind::Gateway => "gateway",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "embedded" => Some(Kind::Embedded),
            "gateway" => Some(Kind::Gateway),
            _ => None,
        }
    }
}

/// A store as handlers show it; the upstream token never leaves [`upstream_token`].
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    pub id: i64,
    pub tenant_id: Option<TenantId>,
    pub code: String,
    pub name: String,
    pub mode: Mode,
    pub kind: Kind,
    pub upstream_url: Option<String>,
    pub upstream_store_code: Option<String>,
    pub created_at: String,
}

const FIELDS: &str =
    "s.id, s.tenant_id, s.code, s.name, s.mode, s.kind, s.upstream_url, s.upstream_store_code, s.created_at";

pub(crate) fn from_row(r: &Row) -> Result<Store, DbError> {
    let mode: String = r.get("mode")?;
    let kind: String = r.get("kind")?;
    Ok(Store {
        id: r.get("id")?,
        tenant_id: r.get::<Option<i64>>("tenant_id")?.map(TenantId),
        code: r.get("code")?,
        name: r.get("name")?,
        mode: Mode::parse(&mode).ok_or_else(|| DbError::Decode(format!("store mode {mode:?}")))?,
        kind: Kind::parse(&kind).ok_or_else(|| DbError::Decode(format!("store kind {kind:?}")))?,
        upstream_url: r.get("upstream_url")?,
        upstream_store_code: r.get("upstream_store_code")?,
        created_at: r.get("created_at")?,
    })
}

/// Lower-case letters, digits, `_` and `-`, starting with a letter, at most 32 characters
/// (Magento's store code rule, with `-` for readable URLs).
pub fn check_code(code: &str) -> Result<(), ApiError> {
    let ok = (1..=32).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok { Ok(()) } else { Err(invalid("code", code, "1-32 of a-z 0-9 _ -, starting with a letter")) }
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid("name", name, "1-255 characters, no control characters"));
    }
    Ok(name.to_owned())
}

fn taken(code: &str) -> ApiError {
    ApiError::positional(ErrorCode::AlreadyExists, [format!("A store with the code {code}")])
}

async fn code_in_use(ex: &mut impl Exec, code: &str) -> Result<bool, ApiError> {
    let n: i64 = ex
        .fetch_scalar(sql!(
            "SELECT (SELECT COUNT(*) FROM platform_stores WHERE code = $1) + (SELECT COUNT(*) FROM tenants WHERE code = $1)",
            code.to_owned()
        ))
        .await
        .storage()?;
    Ok(n > 0)
}

async fn insert(
    ex: &mut impl Exec,
    fields: (Option<TenantId>, &str, &str, Mode, Kind),
    upstream: Option<(&str, &str, String)>,
    owner: i64,
    now: OffsetDateTime,
) -> Result<Store, ApiError> {
    let (tenant, code, name, mode, kind) = fields;
    let (url, store_code, token) = match upstream {
        Some((u, c, t)) => (Some(u.to_owned()), Some(c.to_owned()), Some(t)),
        None => (None, None, None),
    };
    let row = ex
        .fetch_one(sql!(
            "INSERT INTO platform_stores (tenant_id, code, name, mode, kind, upstream_url, upstream_store_code, \
             upstream_token_encrypted, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            tenant.map(|t| t.0),
            code.to_owned(),
            name.to_owned(),
            mode.as_str(),
            kind.as_str(),
            url,
            store_code,
            token,
            at(now)
        ))
        .await;
    let id: i64 = match row {
        Ok(r) => r.at(0).storage()?,
        Err(DbError::UniqueViolation(_)) => return Err(taken(code)),
        Err(e) => return Err(storegate_domain::storage(e)),
    };
    crate::members::insert(ex, id, owner, Role::Owner, now).await?;
    get(ex, id).await
}

/// The code, name and mode of a new store.
#[derive(Debug, Clone, Copy)]
pub struct NewStore<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub mode: Mode,
}

/// A new embedded store: a fresh engine tenant with Magento's default structure, and the
/// store row owned by `owner`. Two transactions (the tenant is made by `tenancy::create`):
/// should the second fail, the tenant stays without a store and its code stays taken.
pub async fn create_embedded(
    db: &Db,
    owner: i64,
    new: &NewStore<'_>,
    base_url: &str,
    now: OffsetDateTime,
) -> Result<Store, ApiError> {
    let NewStore { code, name, mode } = *new;
    check_code(code)?;
    let name = check_name(name)?;
    crate::accounts::get(&mut db.clone(), owner).await?;
    if code_in_use(&mut db.clone(), code).await? {
        return Err(taken(code));
    }
    let tenant = tenancy::create(db, code, &name, base_url).await.map_err(|e| match e.internal.as_deref() {
        Some(m) if m.contains("unique") => taken(code),
        _ => e,
    })?;
    let mut tx = db.begin().await.storage()?;
    let store = insert(&mut tx, (Some(tenant), code, &name, mode, Kind::Embedded), None, owner, now).await?;
    tx.commit().await.storage()?;
    Ok(store)
}

/// Where a gateway store's Magento is and the integration token to reach it with.
#[derive(Clone)]
pub struct Upstream<'a> {
    pub url: &'a str,
    pub store_code: &'a str,
    pub token: &'a str,
}

impl std::fmt::Debug for Upstream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream").field("url", &self.url).field("store_code", &self.store_code).finish_non_exhaustive()
    }
}

/// An `http` or `https` URL with a host, without credentials, query or fragment; answered
/// without a trailing slash.
pub fn check_upstream_url(url: &str) -> Result<String, ApiError> {
    let bad = |why: &str| invalid("upstream_url", url, why.to_owned());
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return Err(bad("needs a host and no user:password@"));
    }
    if url.len() > 2048 || url.contains(['?', '#', ' ']) || url.chars().any(char::is_control) {
        return Err(bad("at most 2048 characters, no query, fragment or spaces"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A new gateway store owned by `owner`; the upstream token is encrypted with `crypto`.
pub async fn create_gateway(
    ex: &mut impl Exec,
    crypto: &Crypto,
    owner: i64,
    new: &NewStore<'_>,
    upstream: &Upstream<'_>,
    now: OffsetDateTime,
) -> Result<Store, ApiError> {
    let NewStore { code, name, mode } = *new;
    check_code(code)?;
    let name = check_name(name)?;
    let url = check_upstream_url(upstream.url)?;
    if upstream.store_code.is_empty() || upstream.store_code.len() > 64 {
        return Err(invalid("upstream_store_code", upstream.store_code, "1-64 characters"));
    }
    if upstream.token.trim().is_empty() || upstream.token.len() > 4096 {
        return Err(invalid("upstream_token", "***", "1-4096 characters"));
    }
    crate::accounts::get(ex, owner).await?;
    if code_in_use(ex, code).await? {
        return Err(taken(code));
    }
    let secret = crypto.encrypt(upstream.token.trim());
    insert(ex, (None, code, &name, mode, Kind::Gateway), Some((&url, upstream.store_code, secret)), owner, now).await
}

/// A store that is not deleted.
pub async fn get(ex: &mut impl Exec, id: i64) -> Result<Store, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {FIELDS} FROM platform_stores s WHERE s.id = $1 AND s.deleted_at IS NULL"),
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(from_row).transpose().storage()?.ok_or_else(|| ApiError::no_such_entity("storeId", id))
}

pub async fn by_code(ex: &mut impl Exec, code: &str) -> Result<Store, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {FIELDS} FROM platform_stores s WHERE s.code = $1 AND s.deleted_at IS NULL"),
            code.to_owned()
        ))
        .await
        .storage()?;
    row.as_ref().map(from_row).transpose().storage()?.ok_or_else(|| ApiError::no_such_entity("storeCode", code))
}

/// The stores `account` is a member of, with its role in each, by id.
pub async fn list_for_account(ex: &mut impl Exec, account: i64) -> Result<Vec<(Store, Role)>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT {FIELDS}, m.role FROM platform_stores s JOIN store_members m ON m.store_id = s.id \
                 WHERE m.account_id = $1 AND s.deleted_at IS NULL ORDER BY s.id"
            ),
            account
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            let role: String = r.get("role").storage()?;
            let role = Role::parse(&role).ok_or_else(|| ApiError::internal(format!("stored role {role:?}")))?;
            Ok((from_row(r).storage()?, role))
        })
        .collect()
}

/// Every store that is not deleted (the CLI's `store list`).
pub async fn list_all(ex: &mut impl Exec) -> Result<Vec<Store>, ApiError> {
    let rows = ex
        .fetch_all(sql!(format!("SELECT {FIELDS} FROM platform_stores s WHERE s.deleted_at IS NULL ORDER BY s.id")))
        .await
        .storage()?;
    rows.iter().map(from_row).collect::<Result<_, _>>().storage()
}

pub async fn rename(ex: &mut impl Exec, id: i64, name: &str) -> Result<Store, ApiError> {
    let name = check_name(name)?;
    let n = ex
        .execute(sql!("UPDATE platform_stores SET name = $1 WHERE id = $2 AND deleted_at IS NULL", name, id))
        .await
        .storage()?;
    if n == 0 {
        return Err(ApiError::no_such_entity("storeId", id));
    }
    get(ex, id).await
}

/// Soft delete: the store disappears from lists, lookups and every token at once. Its
/// engine tenant (if embedded) and its data stay. The default store cannot be deleted.
pub async fn delete(ex: &mut impl Exec, id: i64, now: OffsetDateTime) -> Result<(), ApiError> {
    let store = get(ex, id).await?;
    if store.code == DEFAULT_CODE {
        return Err(invalid("storeId", id, "the default store cannot be deleted"));
    }
    ex.execute(sql!("UPDATE platform_stores SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL", at(now), id))
        .await
        .storage()?;
    Ok(())
}

/// The decrypted upstream token of a gateway store (`None` for an embedded one).
pub async fn upstream_token(ex: &mut impl Exec, crypto: &Crypto, id: i64) -> Result<Option<String>, ApiError> {
    get(ex, id).await?;
    let stored: Option<String> = ex
        .fetch_scalar(sql!("SELECT upstream_token_encrypted FROM platform_stores WHERE id = $1", id))
        .await
        .storage()?;
    crypto.decrypt_opt(stored.as_deref())
}

const DEFAULT_LOCK: i64 = 0x5347_5f44_4546;

/// The live store `default` over the default tenant, owned by `owner`: made on first call,
/// found afterwards (an owner is added only while the store has none). Needs the default
/// tenant (`tenancy::bootstrap`). Safe to run from several processes at once.
pub async fn ensure_default(db: &Db, owner: i64, now: OffsetDateTime) -> Result<Store, ApiError> {
    let mut tx = db.begin().await.storage()?;
    tx.lock(DEFAULT_LOCK).await.storage()?;
    let existing = tx
        .fetch_optional(sql!(format!("SELECT {FIELDS} FROM platform_stores s WHERE s.code = $1"), DEFAULT_CODE))
        .await
        .storage()?
        .as_ref()
        .map(from_row)
        .transpose()
        .storage()?;
    let store = match existing {
        Some(store) => {
            let owners: i64 = tx
                .fetch_scalar(sql!(
                    "SELECT COUNT(*) FROM store_members WHERE store_id = $1 AND role = $2",
                    store.id,
                    Role::Owner.as_str()
                ))
                .await
                .storage()?;
            if owners == 0 {
                tx.execute(sql!("DELETE FROM store_members WHERE store_id = $1 AND account_id = $2", store.id, owner))
                    .await
                    .storage()?;
                crate::members::insert(&mut tx, store.id, owner, Role::Owner, now).await?;
            }
            store
        }
        None => {
            let tenant = tenancy::default_tenant(&mut tx)
                .await?
                .ok_or_else(|| ApiError::internal("the default tenant does not exist yet"))?;
            crate::accounts::get(&mut tx, owner).await?;
            insert(&mut tx, (Some(tenant.id), DEFAULT_CODE, &tenant.name, Mode::Live, Kind::Embedded), None, owner, now)
                .await?
        }
    };
    tx.commit().await.storage()?;
    Ok(store)
}
