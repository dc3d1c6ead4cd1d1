//! Who is calling: a Bearer token or an OAuth 1.0a signed request becomes a principal. The
//! entry points read credentials here; what the principal may do is the pipeline's
//! decision ([`crate::pipeline`]), never this module's.

use crate::App;
use crate::input::too_large;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use sha2::Digest;
use storegate_domain::access;
use storegate_types::principal::{Principal, StoreGrant};
use storegate_types::{ApiError, ErrorCode};

/// A Bearer token or an OAuth 1.0a signed request becomes a principal; anything else is
/// anonymous. Anonymous operations skip the lookup. Bearer answers are cached by token hash
/// until the token expires or anything in the database changes (a revocation, a role edit
/// from the CLI); signed requests are checked every time (each spends a nonce).
pub(crate) async fn authenticate(
    app: &App,
    epoch: Option<u64>,
    acl: storegate_types::Acl,
    req: &mut Request,
) -> Result<Principal, ApiError> {
    if acl == storegate_types::Acl::Anonymous {
        return Ok(Principal::Anonymous);
    }
    let authorization = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    // OAuth parameters come in the Authorization header or, as Magento also accepts, in
    // the query string (an empty protocol list tells `signed_request` to take them there).
    let oauth_query = authorization.is_none() && req.uri().query().is_some_and(|q| q.contains("oauth_signature="));
    let oauth_header = authorization.and_then(storegate_domain::oauth::signature::parse_header).transpose()?;
    if oauth_header.is_some() || oauth_query {
        let signed = signed_request(app, oauth_header.unwrap_or_default(), req).await?;
        return storegate_domain::oauth::authenticate(&app.db, app.tenant, &app.settings.crypto, &signed).await;
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 512);
    let Some(token) = token else { return Ok(Principal::Anonymous) };
    if token.starts_with("sg_pat_") || token.starts_with(storegate_platform::tokens::SESSION_PREFIX) {
        let client = crate::client::address(req, &app.trusted_proxies);
        return platform(app, token, client).await;
    }
    let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
    let now = time::OffsetDateTime::now_utc();
    if let Some((principal, until)) = app.caches.principals.get(epoch, &key)
        && until > now
    {
        return Ok(principal);
    }
    let mut reader = app.db.reader().await.map_err(storegate_domain::storage)?;
    let (mut principal, mut until) = access::authenticate_bearer_until(&mut reader, app.tenant, token).await?;
    if principal == Principal::Anonymous
        && app.settings.integration_bearer
        && let Some(integration) = storegate_domain::oauth::bearer(&mut reader, app.tenant, token).await?
    {
        // Integration tokens last until revoked; a revocation changes the epoch, which
        // retires the cached answer.
        principal = integration;
        until = Some(storegate_domain::clock::format(now + time::Duration::hours(1)));
    }
    if let Some(until) = until.as_deref().and_then(storegate_domain::clock::parse) {
        app.caches.principals.put(epoch, key, (principal.clone(), until), 1);
    }
    Ok(principal)
}

/// A platform credential (`sg_pat_…` or `sg_ses_…`) becomes its principal, read afresh on
/// every request (never cached), so a revocation, an expiry or a removed membership applies
/// at once. An unknown, expired or revoked one is refused (401), never made anonymous.
async fn platform(app: &App, token: &str, client: Option<std::net::IpAddr>) -> Result<Principal, ApiError> {
    use storegate_platform::{accounts, pats, stores, tokens};
    let now = time::OffsetDateTime::now_utc();
    if token.starts_with(tokens::SESSION_PREFIX) {
        let mut reader = app.db.reader().await.map_err(storegate_domain::storage)?;
        let account = accounts::resolve_session(&mut reader, token, now).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::PlatformTokenInvalid).with_internal("unknown or expired session")
        })?;
        let stores = stores::list_for_account(&mut reader, account.id)
            .await?
            .into_iter()
            .map(|(store, role)| StoreGrant { store_id: store.id, code: store.code, grants: role.grants() })
            .collect();
        return Ok(Principal::Account {
            account_id: account.id,
            email: account.email,
            session_hash: tokens::hash(token),
            stores,
        });
    }
    // Recording the last use writes, so this reads through the `Db`, not a reader.
    let pat = pats::authenticate(&mut app.db.clone(), token, client, now).await?;
    let stores =
        pat.stores.into_iter().map(|s| StoreGrant { store_id: s.store_id, code: s.code, grants: s.grants }).collect();
    Ok(Principal::PersonalToken { account_id: pat.account_id, token_id: pat.token_id, stores })
}

/// What an OAuth signature covers: the method, the URL (scheme and Host as received, and
/// the configured public base URL's scheme and host for servers behind a proxy), the
/// query parameters and, for a form-encoded body, its parameters. The body is read and
/// put back for the handler. With no header parameters, the `oauth_*` ones are taken from
/// the query string and form body.
async fn signed_request(
    app: &App,
    protocol: Vec<(String, String)>,
    req: &mut Request,
) -> Result<storegate_domain::oauth::SignedRequest, ApiError> {
    use storegate_domain::oauth::signature;
    let headers = req.headers();
    let path = req.uri().path().to_owned();
    let forwarded = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let scheme = forwarded.as_deref().or(req.uri().scheme_str()).unwrap_or("http").to_owned();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).or(req.uri().authority().map(|a| a.as_str()));
    let mut urls = Vec::with_capacity(2);
    if let Some(host) = host {
        urls.push(signature::base_url(&scheme, host, &path));
    }
    if let Some((public_scheme, rest)) = app.settings.base_url.split_once("://") {
        let public_host = rest.split('/').next().unwrap_or(rest);
        let public = signature::base_url(public_scheme, public_host, &path);
        if !urls.contains(&public) {
            urls.push(public);
        }
    }
    let mut params = req.uri().query().map(signature::parse_form).unwrap_or_default();
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let body = std::mem::take(req.body_mut());
        let bytes = axum::body::to_bytes(body, app.body_limit).await.map_err(|_| too_large(app.body_limit))?;
        params.extend(signature::parse_form(&String::from_utf8_lossy(&bytes)));
        *req.body_mut() = Body::from(bytes);
    }
    let (protocol, params) = if protocol.is_empty() {
        params.into_iter().partition(|(k, _)| k.starts_with("oauth_"))
    } else {
        (protocol, params)
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Ok(storegate_domain::oauth::SignedRequest { method: req.method().as_str().to_owned(), urls, protocol, params, now })
}
