//! Personal access tokens: created by an account for selected stores with per-resource
//! scopes, an optional expiry and an optional IP allowlist; shown once; listed by metadata;
//! revoked, rotated (with a grace period for the old secret) or revoked by a secret-scanning
//! report.
//!
//! A token never grants more than its account: creation is refused when the account's role
//! in a selected store does not cover the scopes, and every authentication intersects the
//! token's scopes with the account's *current* role in each store, so a lost or downgraded
//! membership takes effect on the next request. Live tokens reach live stores only, test
//! tokens test stores only.

use crate::scopes::{Grants, Level, Resource, Role, Scope};
use crate::{Mode, Secret, accounts, at, invalid, members, stores, tokens};
use ipnet::IpNet;
use serde_json::json;
use std::net::IpAddr;
use storegate_db::{DbError, Exec, Row, sql};
use storegate_domain::StorageResult;
use storegate_types::{ApiError, ErrorCode};
use time::{Duration, OffsetDateTime};

pub const MAX_NAME: usize = 100;
pub const MAX_STORES: usize = 100;
pub const MAX_ALLOWED_IPS: usize = 64;
/// The longest a rotated token's old secret stays valid.
pub const MAX_ROTATION_GRACE: Duration = Duration::hours(24);
/// Last use is recorded at most this often per token.
pub const LAST_USED_RESOLUTION: Duration = Duration::minutes(1);

/// What creating a token needs. `stores` are store ids.
#[derive(Debug, Clone)]
pub struct NewPat {
    pub name: String,
    pub mode: Mode,
    pub stores: Vec<i64>,
    pub scopes: Grants,
    pub expires_at: Option<OffsetDateTime>,
    /// Empty: any address.
    pub allowed_ips: Vec<IpNet>,
}

/// A store a token is scoped to.
#[derive(Debug, Clone, PartialEq)]
pub struct PatStore {
    pub id: i64,
    pub code: String,
}

/// A token's metadata (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct Pat {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub mode: Mode,
    pub prefix: String,
    pub last4: String,
    pub stores: Vec<PatStore>,
    pub scopes: Grants,
    pub allowed_ips: Vec<IpNet>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<String>,
    pub rotated_from: Option<i64>,
    pub grace_until: Option<String>,
}

impl Pat {
    /// `sg_pat_live_…abcd`, how lists show a token.
    pub fn display(&self) -> String {
        format!("{}…{}", self.prefix, self.last4)
    }

    /// Whether the token would be accepted at `now` (not revoked, expired or past its grace).
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        let now = at(now);
        self.revoked_at.is_none()
            && self.expires_at.as_ref().is_none_or(|e| *e > now)
            && self.grace_until.as_ref().is_none_or(|g| *g > now)
    }
}

/// A new token: its secret, shown once, and its metadata.
#[derive(Debug, Clone)]
pub struct CreatedPat {
    pub token: Secret,
    pub pat: Pat,
}

/// Parses a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address (as /32 or /128).
pub fn parse_cidr(text: &str) -> Result<IpNet, ApiError> {
    let text = text.trim();
    let net = match text.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) => text
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| invalid("allowed_ips", text, "not an IPv4 or IPv6 CIDR"))?,
    };
    Ok(net.trunc())
}

/// IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as dual-stack sockets report IPv4 clients)
/// are compared as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

pub fn ip_allowed(allowed: &[IpNet], client: Option<IpAddr>) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let Some(ip) = client.map(canonical) else { return false };
    allowed.iter().any(|net| net.contains(&ip))
}

fn scope_error(scope: Scope, store: &str) -> ApiError {
    ApiError::named(ErrorCode::PlatformScopeExceedsRole, [("scope", json!(scope.to_string())), ("store", json!(store))])
}

fn mode_error(mode: Mode, store: &stores::Store) -> ApiError {
    ApiError::named(
        ErrorCode::PlatformTokenModeMismatch,
        [("mode", json!(mode.as_str())), ("storeMode", json!(store.mode.as_str())), ("store", json!(store.code))],
    )
}

/// Creates a token for `account`; refused when a store is unknown, of the other mode, not
/// one the account belongs to, or when the account's role there does not cover the scopes.
pub async fn create(
    ex: &mut impl Exec,
    account: i64,
    new: &NewPat,
    now: OffsetDateTime,
) -> Result<CreatedPat, ApiError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid("name", name, "1-100 characters, no control characters"));
    }
    let mut store_ids = new.stores.clone();
    store_ids.sort_unstable();
    store_ids.dedup();
    if store_ids.is_empty() {
        return Err(ApiError::required("stores"));
    }
    if store_ids.len() > MAX_STORES {
        return Err(ApiError::named(
            ErrorCode::TooManyItems,
            [("fieldName", json!("stores")), ("max", json!(MAX_STORES))],
        ));
    }
    if new.scopes.is_empty() {
        return Err(ApiError::required("scopes"));
    }
    if new.allowed_ips.len() > MAX_ALLOWED_IPS {
        return Err(ApiError::named(
            ErrorCode::TooManyItems,
            [("fieldName", json!("allowed_ips")), ("max", json!(MAX_ALLOWED_IPS))],
        ));
    }
    if let Some(expires) = new.expires_at
        && expires <= now
    {
        return Err(invalid("expires_at", at(expires), "must be in the future"));
    }
    let owner = accounts::get(ex, account).await?;
    if owner.disabled {
        return Err(ApiError::new(ErrorCode::Forbidden).with_internal("disabled account"));
    }
    for id in &store_ids {
        let store = stores::get(ex, *id).await?;
        let role = members::role_of(ex, store.id, account)
            .await?
            .ok_or_else(|| ApiError::positional(ErrorCode::PlatformStoreAccessDenied, [store.code.clone()]))?;
        if store.mode != new.mode {
            return Err(mode_error(new.mode, &store));
        }
        if let Some(scope) = role.grants().missing(&new.scopes).into_iter().next() {
            return Err(scope_error(scope, &store.code));
        }
    }
    insert(ex, account, name, new.mode, &store_ids, &new.scopes, new.expires_at.map(at), &new.allowed_ips, None, now)
        .await
}

/// Creates a token on behalf of a token (`POST /api/v1/tokens` called with a PAT): on top of
/// [`create`]'s rules, the new token may not exceed the calling token's effective grants.
pub async fn create_bounded(
    ex: &mut impl Exec,
    caller: &PatPrincipal,
    new: &NewPat,
    now: OffsetDateTime,
) -> Result<CreatedPat, ApiError> {
    for id in &new.stores {
        let Some(access) = caller.store(*id) else {
            return Err(ApiError::positional(ErrorCode::PlatformStoreAccessDenied, [id.to_string()]));
        };
        if let Some(scope) = access.grants.missing(&new.scopes).into_iter().next() {
            return Err(scope_error(scope, &access.code));
        }
    }
    if new.mode != caller.mode {
        return Err(invalid("mode", new.mode.as_str(), "a token can only create tokens of its own mode"));
    }
    create(ex, caller.account_id, new, now).await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    ex: &mut impl Exec,
    account: i64,
    name: &str,
    mode: Mode,
    store_ids: &[i64],
    scopes: &Grants,
    expires_at: Option<String>,
    allowed_ips: &[IpNet],
    rotated_from: Option<i64>,
    now: OffsetDateTime,
) -> Result<CreatedPat, ApiError> {
    let generated = tokens::generate(mode);
    let ips = (!allowed_ips.is_empty())
        .then(|| serde_json::to_string(&allowed_ips.iter().map(|n| n.to_string()).collect::<Vec<_>>()))
        .transpose()
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let id: i64 = ex
        .fetch_scalar(sql!(
            "INSERT INTO personal_access_tokens (account_id, name, token_hash, prefix, last4, mode, expires_at, \
             allowed_ips, created_at, rotated_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            account,
            name.to_owned(),
            generated.hash.clone(),
            generated.prefix,
            generated.last4.clone(),
            mode.as_str(),
            expires_at,
            ips,
            at(now),
            rotated_from
        ))
        .await
        .storage()?;
    for store in store_ids {
        ex.execute(sql!("INSERT INTO token_stores (token_id, store_id) VALUES ($1, $2)", id, *store))
            .await
            .storage()?;
    }
    for scope in scopes.scopes() {
        ex.execute(sql!(
            "INSERT INTO token_scopes (token_id, resource, level) VALUES ($1, $2, $3)",
            id,
            scope.resource.as_str(),
            scope.level.as_str()
        ))
        .await
        .storage()?;
    }
    let pat = load(ex, id).await?;
    Ok(CreatedPat { token: generated.secret, pat })
}

const FIELDS: &str = "id, account_id, name, mode, prefix, last4, allowed_ips, created_at, expires_at, last_used_at, \
     last_used_ip, revoked_at, rotated_from, grace_until";

fn parse_ips(stored: Option<String>) -> Result<Vec<IpNet>, ApiError> {
    let Some(text) = stored else { return Ok(Vec::new()) };
    let list: Vec<String> = serde_json::from_str(&text).map_err(|e| ApiError::internal(format!("allowed_ips: {e}")))?;
    list.iter().map(|s| s.parse::<IpNet>().map_err(|e| ApiError::internal(format!("allowed_ips {s:?}: {e}")))).collect()
}

fn mode_of(text: &str) -> Result<Mode, ApiError> {
    Mode::parse(text).ok_or_else(|| ApiError::internal(format!("stored token mode {text:?}")))
}

async fn scopes_of(ex: &mut impl Exec, token: i64) -> Result<Grants, ApiError> {
    let rows =
        ex.fetch_all(sql!("SELECT resource, level FROM token_scopes WHERE token_id = $1", token)).await.storage()?;
    let mut grants = Grants::new();
    for r in rows {
        let resource: String = r.get("resource").storage()?;
        let level: String = r.get("level").storage()?;
        // A resource a later version dropped grants nothing.
        if let (Some(resource), Some(level)) = (Resource::parse(&resource), Level::parse(&level)) {
            grants.grant(resource, level);
        }
    }
    Ok(grants)
}

async fn from_row(ex: &mut impl Exec, r: &Row) -> Result<Pat, ApiError> {
    let id: i64 = r.get("id").storage()?;
    let store_rows = ex
        .fetch_all(sql!(
            "SELECT s.id, s.code FROM token_stores t JOIN platform_stores s ON s.id = t.store_id \
             WHERE t.token_id = $1 AND s.deleted_at IS NULL ORDER BY s.id",
            id
        ))
        .await
        .storage()?;
    let stores = store_rows
        .iter()
        .map(|s| Ok(PatStore { id: s.get("id")?, code: s.get("code")? }))
        .collect::<Result<Vec<_>, DbError>>()
        .storage()?;
    let mode: String = r.get("mode").storage()?;
    Ok(Pat {
        id,
        account_id: r.get("account_id").storage()?,
        name: r.get("name").storage()?,
        mode: mode_of(&mode)?,
        prefix: r.get("prefix").storage()?,
        last4: r.get("last4").storage()?,
        stores,
        scopes: scopes_of(ex, id).await?,
        allowed_ips: parse_ips(r.get("allowed_ips").storage()?)?,
        created_at: r.get("created_at").storage()?,
        expires_at: r.get("expires_at").storage()?,
        last_used_at: r.get("last_used_at").storage()?,
        last_used_ip: r.get("last_used_ip").storage()?,
        revoked_at: r.get("revoked_at").storage()?,
        rotated_from: r.get("rotated_from").storage()?,
        grace_until: r.get("grace_until").storage()?,
    })
}

async fn load(ex: &mut impl Exec, id: i64) -> Result<Pat, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("SELECT {FIELDS} FROM personal_access_tokens WHERE id = $1"), id))
        .await
        .storage()?
        .ok_or_else(|| ApiError::no_such_entity("tokenId", id))?;
    from_row(ex, &row).await
}

/// One of the account's tokens.
pub async fn get(ex: &mut impl Exec, account: i64, id: i64) -> Result<Pat, ApiError> {
    let pat = load(ex, id).await?;
    if pat.account_id != account {
        return Err(ApiError::no_such_entity("tokenId", id));
    }
    Ok(pat)
}

/// The account's tokens, revoked ones included, by id.
pub async fn list(ex: &mut impl Exec, account: i64) -> Result<Vec<Pat>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!("SELECT {FIELDS} FROM personal_access_tokens WHERE account_id = $1 ORDER BY id"),
            account
        ))
        .await
        .storage()?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(from_row(ex, r).await?);
    }
    Ok(out)
}

/// Revokes one of the account's tokens (again: no change).
pub async fn revoke(ex: &mut impl Exec, account: i64, id: i64, now: OffsetDateTime) -> Result<(), ApiError> {
    get(ex, account, id).await?;
    revoke_by_id(ex, id, now).await
}

/// Revokes any token by id (operators: `storegate token revoke ID`).
pub async fn revoke_by_id(ex: &mut impl Exec, id: i64, now: OffsetDateTime) -> Result<(), ApiError> {
    load(ex, id).await?;
    ex.execute(sql!(
        "UPDATE personal_access_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        at(now),
        id
    ))
    .await
    .storage()?;
    Ok(())
}

/// Whom to tell about a token revoked from a secret-scanning report.
#[derive(Debug, Clone, PartialEq)]
pub struct RevokedReport {
    pub token_id: i64,
    pub account_id: i64,
    pub email: String,
    pub name: String,
    /// False when it was revoked already.
    pub newly_revoked: bool,
}

/// Revokes the token whose SHA-256 hex is `token_hash` (a secret-scanning report names a
/// leaked token; the caller hashes it with [`tokens::hash`]). `None` when no token has it.
pub async fn revoke_by_hash(
    ex: &mut impl Exec,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<RevokedReport>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT p.id, p.account_id, p.name, p.revoked_at, a.email FROM personal_access_tokens p \
             JOIN accounts a ON a.id = p.account_id WHERE p.token_hash = $1",
            token_hash.to_ascii_lowercase()
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.get("id").storage()?;
    let was: Option<String> = row.get("revoked_at").storage()?;
    if was.is_none() {
        revoke_by_id(ex, id, now).await?;
    }
    Ok(Some(RevokedReport {
        token_id: id,
        account_id: row.get("account_id").storage()?,
        email: row.get("email").storage()?,
        name: row.get("name").storage()?,
        newly_revoked: was.is_none(),
    }))
}

/// Issues a new secret with the same name, stores, scopes, expiry and allowlist; the old
/// secret keeps working for `grace` (at most 24 hours; zero revokes it at once).
pub async fn rotate(
    ex: &mut impl Exec,
    account: i64,
    id: i64,
    grace: Duration,
    now: OffsetDateTime,
) -> Result<CreatedPat, ApiError> {
    if grace > MAX_ROTATION_GRACE {
        return Err(ApiError::positional(ErrorCode::PlatformRotationGraceTooLong, [MAX_ROTATION_GRACE.whole_hours()]));
    }
    if grace.is_negative() {
        return Err(invalid("grace", grace.whole_seconds(), "may not be negative"));
    }
    let old = get(ex, account, id).await?;
    if old.revoked_at.is_some() || old.grace_until.is_some() || !old.is_active(now) {
        return Err(ApiError::positional(ErrorCode::PlatformTokenNotActive, [id]));
    }
    let store_ids: Vec<i64> = ex
        .fetch_column(sql!("SELECT store_id FROM token_stores WHERE token_id = $1 ORDER BY store_id", id))
        .await
        .storage()?;
    let created = insert(
        ex,
        account,
        &old.name,
        old.mode,
        &store_ids,
        &old.scopes,
        old.expires_at.clone(),
        &old.allowed_ips,
        Some(id),
        now,
    )
    .await?;
    if grace.is_zero() {
        revoke_by_id(ex, id, now).await?;
    } else {
        ex.execute(sql!("UPDATE personal_access_tokens SET grace_until = $1 WHERE id = $2", at(now + grace), id))
            .await
            .storage()?;
    }
    Ok(created)
}

// Authentication -------------------------------------------------------------------------

/// What a token may do in one store right now.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreAccess {
    pub store_id: i64,
    pub code: String,
    /// The account's current role there.
    pub role: Role,
    /// The token's scopes ∩ the role's grants.
    pub grants: Grants,
}

/// An authenticated token.
#[derive(Debug, Clone, PartialEq)]
pub struct PatPrincipal {
    pub token_id: i64,
    pub account_id: i64,
    pub mode: Mode,
    /// Stores the token is scoped to where the account is still a member, by id.
    pub stores: Vec<StoreAccess>,
}

impl PatPrincipal {
    pub fn store(&self, id: i64) -> Option<&StoreAccess> {
        self.stores.iter().find(|s| s.store_id == id)
    }

    /// Whether the token may use `resource` at `level` in store `id`.
    pub fn allows(&self, store: i64, resource: Resource, level: Level) -> bool {
        self.store(store).is_some_and(|s| s.grants.allows(resource, level))
    }

    /// The Idempotency-Key scope of this credential.
    pub fn idempotency_scope(&self) -> String {
        format!("pat:{}", self.token_id)
    }
}

fn refused(why: &str) -> ApiError {
    ApiError::new(ErrorCode::PlatformTokenInvalid).with_internal(why.to_owned())
}

/// Authenticates a bearer token at `now` from `client` (`None`: unknown, which an allowlist
/// refuses). Checks format, hash, revocation, expiry, rotation grace, the account and the
/// allowlist; answers the effective grants per store. Records the last use at most once a
/// minute (a failure to record is logged, not fatal; pass the `Db` or a transaction, as a
/// read-only connection cannot record).
pub async fn authenticate(
    ex: &mut impl Exec,
    token: &str,
    client: Option<IpAddr>,
    now: OffsetDateTime,
) -> Result<PatPrincipal, ApiError> {
    let mode = tokens::check_format(token).map_err(|e| refused(&e.to_string()))?;
    let row = ex
        .fetch_optional(sql!(
            "SELECT p.id, p.account_id, p.mode, p.expires_at, p.allowed_ips, p.revoked_at, p.grace_until, \
             p.last_used_at, a.disabled FROM personal_access_tokens p JOIN accounts a ON a.id = p.account_id \
             WHERE p.token_hash = $1",
            tokens::hash(token)
        ))
        .await
        .storage()?
        .ok_or_else(|| refused("unknown token"))?;
    let now_text = at(now);
    let id: i64 = row.get("id").storage()?;
    let account_id: i64 = row.get("account_id").storage()?;
    if row.get::<Option<String>>("revoked_at").storage()?.is_some() {
        return Err(refused("revoked token"));
    }
    if row.get::<Option<String>>("expires_at").storage()?.is_some_and(|e| e <= now_text) {
        return Err(refused("expired token"));
    }
    if row.get::<Option<String>>("grace_until").storage()?.is_some_and(|g| g <= now_text) {
        return Err(refused("rotated token past its grace period"));
    }
    if row.get::<bool>("disabled").storage()? {
        return Err(refused("disabled account"));
    }
    if mode_of(&row.get::<String>("mode").storage()?)? != mode {
        return Err(refused("stored mode differs from the prefix"));
    }
    let allowed = parse_ips(row.get("allowed_ips").storage()?)?;
    if !ip_allowed(&allowed, client) {
        return Err(ApiError::new(ErrorCode::PlatformTokenAddressRefused)
            .with_internal(format!("client {client:?} is not in the token's allowlist")));
    }
    let scopes = scopes_of(ex, id).await?;
    let rows = ex
        .fetch_all(sql!(
            "SELECT s.id, s.code, m.role FROM token_stores t \
             JOIN platform_stores s ON s.id = t.store_id AND s.deleted_at IS NULL AND s.mode = $3 \
             JOIN store_members m ON m.store_id = t.store_id AND m.account_id = $2 \
             WHERE t.token_id = $1 ORDER BY s.id",
            id,
            account_id,
            mode.as_str()
        ))
        .await
        .storage()?;
    let mut stores = Vec::with_capacity(rows.len());
    for r in rows {
        let role: String = r.get("role").storage()?;
        let role = Role::parse(&role).ok_or_else(|| ApiError::internal(format!("stored role {role:?}")))?;
        stores.push(StoreAccess {
            store_id: r.get("id").storage()?,
            code: r.get("code").storage()?,
            role,
            grants: scopes.intersect(&role.grants()),
        });
    }
    let last: Option<String> = row.get("last_used_at").storage()?;
    let ip_text = client.map(|ip| canonical(ip).to_string());
    let cutoff = at(now - LAST_USED_RESOLUTION);
    if last.as_ref().is_none_or(|l| *l <= cutoff) {
        let touched = ex
            .execute(sql!(
                "UPDATE personal_access_tokens SET last_used_at = $1, last_used_ip = $2 WHERE id = $3",
                now_text,
                ip_text,
                id
            ))
            .await;
        if let Err(e) = touched {
            tracing::warn!(error = %e, token_id = id, "cannot record a token's last use");
        }
    }
    Ok(PatPrincipal { token_id: id, account_id, mode, stores })
}
