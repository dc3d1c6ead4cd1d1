//! Integrations: named sets of ACL resources that a third-party system reaches with an
//! OAuth 1.0a access token (Magento's System > Integrations). Created, activated,
//! reauthorised and deleted from the command line; the token lasts until revoked.

use crate::crypto::Crypto;
use crate::oauth::{self, TokenPair};
use crate::{StorageResult, clock, ids, tokens};
use storegate_db::{DbError, Exec, sql};
use storegate_types::acl::AclResource;
use storegate_types::principal::{Grants, Principal};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// What `integration create` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewIntegration {
    pub name: String,
    pub resources: Vec<String>,
    /// `--all`: every resource, present and future (Magento_Backend::all).
    pub all: bool,
    pub endpoint: Option<String>,
    pub identity_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub id: i64,
    pub name: String,
    pub endpoint: Option<String>,
    pub identity_link: Option<String>,
    /// `inactive` until activated, then `active`.
    pub status: String,
    pub resources: Vec<String>,
    pub consumer_id: i64,
    pub consumer_key: String,
}

/// The four credentials an activated integration uses, shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub access_token_secret: String,
}

/// What the activation POST to the integration's endpoint carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    pub endpoint: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub verifier: String,
}

fn invalid(field: &str, value: &str, why: &str) -> ApiError {
    ApiError::invalid_value(field, value.to_owned()).with_internal(why.to_owned())
}

fn not_found(name: &str) -> ApiError {
    ApiError::no_such_entity("name", serde_json::Value::String(name.to_owned()))
}

/// Only http(s) URLs are stored; whether the address may be reached is decided when the
/// activation POST is sent (the outbound client refuses private targets).
fn check_url(field: &str, url: Option<&str>) -> Result<(), ApiError> {
    match url {
        Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) || u.len() > 2000 => {
            Err(invalid(field, u, "an http:// or https:// URL"))
        }
        _ => Ok(()),
    }
}

fn checked_resources(new: &NewIntegration) -> Result<Vec<AclResource>, ApiError> {
    if new.all {
        return Ok(vec![AclResource::BackendAll]);
    }
    if new.resources.is_empty() {
        return Err(ApiError::required("resource"));
    }
    let mut list = new
        .resources
        .iter()
        .map(|r| AclResource::from_id(r).ok_or_else(|| invalid("resource", r, "not a known ACL resource")))
        .collect::<Result<Vec<_>, _>>()?;
    list.sort();
    list.dedup();
    Ok(list)
}

pub async fn create(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    new: &NewIntegration,
) -> Result<Integration, ApiError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(invalid("name", name, "1-255 characters"));
    }
    check_url("endpoint", new.endpoint.as_deref())?;
    check_url("identity_link_url", new.identity_link.as_deref())?;
    let resources = checked_resources(new)?;
    let id = ids::next(ex, tenant, "integration").await.storage()?;
    let now = clock::now_text();
    let inserted = ex
        .execute(sql!(
            "INSERT INTO integrations (tenant_id, id, name, endpoint, identity_link, all_resources, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'inactive', $7, $7)",
            tenant.0,
            id,
            name.to_owned(),
            new.endpoint.clone(),
            new.identity_link.clone(),
            new.all,
            now.clone()
        ))
        .await;
    match inserted {
        Ok(_) => {}
        Err(DbError::UniqueViolation(_)) => {
            return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("An integration named \"{name}\"")]));
        }
        Err(e) => return Err(crate::storage(e)),
    }
    replace_resources(ex, tenant, id, &resources).await?;
    let consumer_id = ids::next(ex, tenant, "oauth_consumer").await.storage()?;
    let consumer_key = oauth::random_token();
    ex.execute(sql!(
        "INSERT INTO oauth_consumers (tenant_id, id, integration_id, consumer_key, secret_encrypted, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        tenant.0,
        consumer_id,
        id,
        consumer_key.clone(),
        crypto.encrypt(&oauth::random_token()),
        now
    ))
    .await
    .storage()?;
    find(ex, tenant, name).await?.ok_or_else(|| not_found(name))
}

/// What `integration update` changes; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct IntegrationChanges {
    /// New resources (replacing the old ones), or `all`.
    pub resources: Option<Vec<String>>,
    pub all: bool,
    pub endpoint: Option<String>,
    pub identity_link: Option<String>,
}

/// Changes an integration. New resources apply to its live token at once (grants are read
/// per request), as Magento's admin does on save.
pub async fn update(
    ex: &mut impl Exec,
    tenant: TenantId,
    name: &str,
    changes: &IntegrationChanges,
) -> Result<Integration, ApiError> {
    let found = find(ex, tenant, name).await?.ok_or_else(|| not_found(name))?;
    check_url("endpoint", changes.endpoint.as_deref())?;
    check_url("identity_link_url", changes.identity_link.as_deref())?;
    // Whether the integration holds every resource now; `None` when resources are unchanged.
    let mut all_now = None;
    if changes.all || changes.resources.is_some() {
        let wanted = NewIntegration {
            resources: changes.resources.clone().unwrap_or_default(),
            all: changes.all,
            ..NewIntegration::default()
        };
        let resources = checked_resources(&wanted)?;
        replace_resources(ex, tenant, found.id, &resources).await?;
        all_now = Some(resources.contains(&AclResource::BackendAll));
    }
    ex.execute(sql!(
        "UPDATE integrations SET endpoint = COALESCE($1, endpoint), identity_link = COALESCE($2, identity_link), \
         all_resources = COALESCE($3, all_resources), updated_at = $4 WHERE tenant_id = $5 AND id = $6",
        changes.endpoint.clone(),
        changes.identity_link.clone(),
        all_now,
        clock::now_text(),
        tenant.0,
        found.id
    ))
    .await
    .storage()?;
    find(ex, tenant, name).await?.ok_or_else(|| not_found(name))
}

async fn replace_resources(
    ex: &mut impl Exec,
    tenant: TenantId,
    id: i64,
    resources: &[AclResource],
) -> Result<(), ApiError> {
    ex.execute(sql!("DELETE FROM integration_resources WHERE tenant_id = $1 AND integration_id = $2", tenant.0, id))
        .await
        .storage()?;
    for r in resources {
        ex.execute(sql!(
            "INSERT INTO integration_resources (tenant_id, integration_id, resource) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            r.id()
        ))
        .await
        .storage()?;
    }
    Ok(())
}

pub async fn find(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<Option<Integration>, ApiError> {
    Ok(list_where(ex, tenant, Some(name)).await?.into_iter().next())
}

pub async fn list(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<Integration>, ApiError> {
    list_where(ex, tenant, None).await
}

async fn list_where(ex: &mut impl Exec, tenant: TenantId, name: Option<&str>) -> Result<Vec<Integration>, ApiError> {
    const SELECT: &str = "SELECT i.id, i.name, i.endpoint, i.identity_link, i.status, c.id, c.consumer_key \
         FROM integrations i JOIN oauth_consumers c ON c.tenant_id = i.tenant_id AND c.integration_id = i.id \
         WHERE i.tenant_id = $1";
    // Two statements rather than `$2 IS NULL OR …`, whose type PostgreSQL cannot infer.
    let query = match name {
        Some(name) => sql!(format!("{SELECT} AND i.name = $2"), tenant.0, name.to_owned()),
        None => sql!(format!("{SELECT} ORDER BY i.id"), tenant.0),
    };
    let rows = ex.fetch_all(query).await.storage()?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.at(0).storage()?;
        out.push(Integration {
            id,
            name: row.at(1).storage()?,
            endpoint: row.at(2).storage()?,
            identity_link: row.at(3).storage()?,
            status: row.at(4).storage()?,
            resources: resources_of(ex, tenant, id).await?,
            consumer_id: row.at(5).storage()?,
            consumer_key: row.at(6).storage()?,
        });
    }
    Ok(out)
}

async fn resources_of(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Vec<String>, ApiError> {
    ex.fetch_column(sql!(
        "SELECT resource FROM integration_resources WHERE tenant_id = $1 AND integration_id = $2 ORDER BY resource",
        tenant.0,
        id
    ))
    .await
    .storage()
}

/// The principal an access token of this integration stands for; its grants are read on
/// every request, so a change applies at once.
pub async fn principal(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Principal, ApiError> {
    let name: Option<String> = ex
        .fetch_optional_scalar(sql!("SELECT name FROM integrations WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    let Some(name) = name else { return Ok(Principal::Anonymous) };
    let ids = resources_of(ex, tenant, id).await?;
    let grants = Grants::from_resources(ids.iter().filter_map(|r| AclResource::from_id(r)));
    Ok(Principal::Integration { tenant, id, name, grants })
}

pub async fn delete(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<(), ApiError> {
    let deleted = ex
        .execute(sql!("DELETE FROM integrations WHERE tenant_id = $1 AND name = $2", tenant.0, name.to_owned()))
        .await
        .storage()?;
    if deleted == 0 { Err(not_found(name)) } else { Ok(()) }
}

async fn consumer_secret(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    consumer: i64,
) -> Result<String, ApiError> {
    let stored: String = ex
        .fetch_scalar(sql!(
            "SELECT secret_encrypted FROM oauth_consumers WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            consumer
        ))
        .await
        .storage()?;
    crypto.decrypt(&stored)
}

/// An integration that exists, for `activate` and `reauthorize`: `active` says which state
/// the command expects it in.
async fn expect(ex: &mut impl Exec, tenant: TenantId, name: &str, active: bool) -> Result<Integration, ApiError> {
    let found = find(ex, tenant, name).await?.ok_or_else(|| not_found(name))?;
    if (found.status == "active") != active {
        let why = if active { "not active yet: activate it first" } else { "already active: reauthorize it instead" };
        return Err(invalid("name", name, why));
    }
    Ok(found)
}

/// Activation without an endpoint: the store issues the access token itself and shows all
/// four credentials, as Magento's admin does. Any earlier token is revoked.
pub async fn activate_locally(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    integration: &Integration,
) -> Result<Credentials, ApiError> {
    oauth::revoke_access_tokens(ex, tenant, integration.consumer_id).await?;
    let TokenPair { token, secret } = oauth::issue_token(ex, tenant, crypto, integration.consumer_id, "access").await?;
    mark_active(ex, tenant, integration.consumer_id).await?;
    Ok(Credentials {
        consumer_key: integration.consumer_key.clone(),
        consumer_secret: consumer_secret(ex, tenant, crypto, integration.consumer_id).await?,
        access_token: token,
        access_token_secret: secret,
    })
}

/// Activation with an endpoint: opens the handshake window and sets a fresh verifier; the
/// caller posts the answer to the endpoint, and the integration then exchanges tokens.
/// Any earlier token is revoked.
pub async fn open_handshake(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    integration: &Integration,
) -> Result<Handshake, ApiError> {
    let endpoint = integration.endpoint.clone().ok_or_else(|| invalid("endpoint", "", "the integration has none"))?;
    oauth::revoke_access_tokens(ex, tenant, integration.consumer_id).await?;
    let verifier = oauth::random_token();
    ex.execute(sql!(
        "UPDATE oauth_consumers SET verifier_hash = $1, activated_at = $2 WHERE tenant_id = $3 AND id = $4",
        tokens::hash(&verifier),
        clock::now_text(),
        tenant.0,
        integration.consumer_id
    ))
    .await
    .storage()?;
    Ok(Handshake {
        endpoint,
        consumer_key: integration.consumer_key.clone(),
        consumer_secret: consumer_secret(ex, tenant, crypto, integration.consumer_id).await?,
        verifier,
    })
}

/// An inactive integration, ready for [`activate_locally`] or [`open_handshake`].
pub async fn for_activation(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<Integration, ApiError> {
    expect(ex, tenant, name, false).await
}

/// Magento's Reauthorize: the active integration's tokens are revoked at once; a new
/// activation (local or handshake) follows.
pub async fn reauthorize(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<Integration, ApiError> {
    let found = expect(ex, tenant, name, true).await?;
    oauth::revoke_access_tokens(ex, tenant, found.consumer_id).await?;
    set_status(ex, tenant, found.id, "inactive").await?;
    Ok(Integration { status: "inactive".into(), ..found })
}

/// The integration behind `consumer` has an access token now.
pub async fn mark_active(ex: &mut impl Exec, tenant: TenantId, consumer: i64) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE integrations SET status = 'active', updated_at = $1 \
         WHERE tenant_id = $2 AND id = (SELECT integration_id FROM oauth_consumers WHERE tenant_id = $2 AND id = $3)",
        clock::now_text(),
        tenant.0,
        consumer
    ))
    .await
    .storage()
    .map(|_| ())
}

async fn set_status(ex: &mut impl Exec, tenant: TenantId, id: i64, status: &str) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE integrations SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
        status.to_owned(),
        clock::now_text(),
        tenant.0,
        id
    ))
    .await
    .storage()
    .map(|_| ())
}
