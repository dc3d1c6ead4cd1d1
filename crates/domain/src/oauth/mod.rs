//! OAuth 1.0a as Magento runs it for integrations: the signed-request check every route
//! accepts, and the two-step token exchange of the activation handshake.
//!
//! [`signature`] holds the pure functions (header, base string, HMAC); this module the
//! checks that need storage: consumers, request and access tokens, nonces. Consumer and
//! token secrets key the signature, so they are stored encrypted ([`Crypto`]); tokens are
//! looked up by their SHA-256 hash.

pub mod signature;

use crate::crypto::Crypto;
use crate::{StorageResult, clock, ids, integration, tokens};
use signature::SignatureMethod;
use storegate_db::{Db, Exec, sql};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, ErrorCode, TenantId};

/// How far a timestamp may stray from the server's clock, either way, in seconds
/// (Magento's `TIME_DEVIATION`). Nonces are kept twice as long, then pruned.
pub const TIMESTAMP_WINDOW: i64 = 600;

/// How long consumer credentials may run the token exchange after activation
/// (Magento's `oauth/consumer/expiration_period`).
pub const HANDSHAKE_WINDOW: i64 = 300;

/// Length of consumer keys and secrets, tokens, token secrets and verifiers (Magento's).
pub const TOKEN_LENGTH: usize = 32;

/// A random `[a-z0-9]{32}` string (about 165 bits), Magento's format for OAuth values.
pub fn random_token() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..TOKEN_LENGTH).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// What the signature covers, as the HTTP edge received it.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    pub method: String,
    /// The base string URIs the signature may have been made over: the URL as received
    /// (scheme and Host header) and, when configured, the public base URL's form.
    pub urls: Vec<String>,
    /// The `Authorization: OAuth` parameters, decoded, `realm` dropped.
    pub protocol: Vec<(String, String)>,
    /// Query-string and form-body parameters, decoded.
    pub params: Vec<(String, String)>,
    /// Seconds since the epoch, now.
    pub now: i64,
}

impl SignedRequest {
    fn get(&self, name: &str) -> Option<&str> {
        self.protocol.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn require(&self, names: &[&str]) -> Result<(), ApiError> {
        let missing = names.iter().filter(|n| self.get(n).is_none()).map(|n| ApiError::required(n)).collect();
        ApiError::aggregate(missing).map_or(Ok(()), Err)
    }

    /// True when any candidate URL's signature matches.
    fn signature_matches(&self, method: SignatureMethod, consumer_secret: &str, token_secret: &str) -> bool {
        let given = self.get("oauth_signature").unwrap_or("");
        let mut all = self.protocol.clone();
        all.extend(self.params.iter().cloned());
        self.urls.iter().any(|url| {
            let base = signature::base_string(&self.method, url, &all);
            signature::constant_time_eq(&signature::sign(method, consumer_secret, token_secret, &base), given)
        })
    }
}

const REQUIRED: &[&str] =
    &["oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_nonce", "oauth_timestamp"];

struct Consumer {
    id: i64,
    integration_id: i64,
    integration: String,
    secret: String,
    verifier_hash: Option<String>,
    activated_at: Option<String>,
}

struct Token {
    id: i64,
    kind: String,
    secret: String,
    used: bool,
    revoked: bool,
}

/// Checks a signed request in Magento's order (version, required parameters, token
/// length, signature method, consumer, timestamp, token, signature, then the nonce) and
/// answers who signed it: the integration for an access token, or its consumer
/// mid-handshake.
///
/// The nonce is recorded (and old ones pruned) only once the signature holds: anyone who
/// knows a consumer key (it is not a secret) could otherwise spend a nonce with a forged
/// request, turning each forgery into a write and refusing the real request that follows.
pub async fn authenticate(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    req: &SignedRequest,
) -> Result<Principal, ApiError> {
    let method = check_protocol(req)?;
    let mut ex = db.clone();
    let consumer = consumer_by_key(&mut ex, tenant, crypto, req.get("oauth_consumer_key").unwrap_or("")).await?;
    check_timestamp(req.get("oauth_timestamp").unwrap_or(""), req.now)?;
    let signer = verify_signer(&mut ex, tenant, crypto, req, method, &consumer).await?;
    record_nonce(&mut ex, tenant, consumer.id, req.get("oauth_nonce").unwrap_or(""), req.now).await?;
    match signer {
        Signer::Handshake(principal) => Ok(principal),
        Signer::Integration => integration::principal(&mut ex, tenant, consumer.integration_id).await,
    }
}

/// Who a request's verified signature speaks for.
enum Signer {
    /// The consumer, exchanging tokens.
    Handshake(Principal),
    /// The consumer's integration, with an access token.
    Integration,
}

/// The token checks and the signature, with reads only.
async fn verify_signer(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    req: &SignedRequest,
    method: SignatureMethod,
    consumer: &Consumer,
) -> Result<Signer, ApiError> {
    let Some(token) = req.get("oauth_token") else {
        // The request-token step: signed by the consumer alone, within the handshake window.
        check_handshake_window(consumer)?;
        return verified(req, method, &consumer.secret, "", handshake(tenant, consumer, None)).map(Signer::Handshake);
    };
    let token = token_by_value(ex, tenant, crypto, consumer.id, token).await?;
    if token.kind == "request" {
        check_request_token(req, consumer, &token)?;
        return verified(req, method, &consumer.secret, &token.secret, handshake(tenant, consumer, Some(token.id)))
            .map(Signer::Handshake);
    }
    if token.revoked {
        return Err(ApiError::new(ErrorCode::OauthTokenRevoked));
    }
    if !req.signature_matches(method, &consumer.secret, &token.secret) {
        return Err(ApiError::new(ErrorCode::OauthSignatureInvalid));
    }
    Ok(Signer::Integration)
}

/// The checks that need no storage: version, required parameters, token length, method.
fn check_protocol(req: &SignedRequest) -> Result<SignatureMethod, ApiError> {
    if let Some(version) = req.get("oauth_version")
        && version != "1.0"
    {
        return Err(ApiError::positional(ErrorCode::OauthVersionRejected, [version]));
    }
    req.require(REQUIRED)?;
    if req.get("oauth_token").is_some_and(|t| t.len() != TOKEN_LENGTH) {
        return Err(ApiError::new(ErrorCode::OauthTokenLength));
    }
    SignatureMethod::parse(req.get("oauth_signature_method").unwrap_or(""))
}

/// The access-token step: the verifier is present and right, the request token unspent,
/// the consumer still within its handshake window.
fn check_request_token(req: &SignedRequest, consumer: &Consumer, token: &Token) -> Result<(), ApiError> {
    req.require(&["oauth_verifier"])?;
    check_handshake_window(consumer)?;
    if token.used {
        return Err(ApiError::new(ErrorCode::OauthTokenUsed));
    }
    let verifier = tokens::hash(req.get("oauth_verifier").unwrap_or(""));
    if !consumer.verifier_hash.as_deref().is_some_and(|h| signature::constant_time_eq(h, &verifier)) {
        return Err(ApiError::new(ErrorCode::OauthVerifierInvalid));
    }
    Ok(())
}

fn verified(
    req: &SignedRequest,
    method: SignatureMethod,
    consumer_secret: &str,
    token_secret: &str,
    principal: Principal,
) -> Result<Principal, ApiError> {
    if req.signature_matches(method, consumer_secret, token_secret) {
        Ok(principal)
    } else {
        Err(ApiError::new(ErrorCode::OauthSignatureInvalid))
    }
}

fn handshake(tenant: TenantId, consumer: &Consumer, request_token: Option<i64>) -> Principal {
    Principal::OAuthConsumer {
        tenant,
        consumer_id: consumer.id,
        integration: consumer.integration.clone(),
        request_token,
    }
}

/// Refuses timestamps that are not positive or stray more than the window from now.
fn check_timestamp(text: &str, now: i64) -> Result<(), ApiError> {
    match text.parse::<i64>() {
        Ok(ts) if ts > 0 && (ts - now).abs() <= TIMESTAMP_WINDOW => Ok(()),
        _ => Err(ApiError::new(ErrorCode::OauthTimestampRefused)),
    }
}

/// Consumer credentials exchange tokens only within the window after activation.
fn check_handshake_window(consumer: &Consumer) -> Result<(), ApiError> {
    let started = consumer.activated_at.as_deref().and_then(clock::parse);
    match started {
        Some(t) if clock::now() - t <= time::Duration::seconds(HANDSHAKE_WINDOW) => Ok(()),
        _ => Err(ApiError::new(ErrorCode::OauthConsumerExpired)),
    }
}

async fn consumer_by_key(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    key: &str,
) -> Result<Consumer, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT c.id, c.integration_id, i.name, c.secret_encrypted, c.verifier_hash, c.activated_at \
             FROM oauth_consumers c JOIN integrations i ON i.tenant_id = c.tenant_id AND i.id = c.integration_id \
             WHERE c.tenant_id = $1 AND c.consumer_key = $2",
            tenant.0,
            key.to_owned()
        ))
        .await
        .storage()?
        .ok_or_else(|| ApiError::new(ErrorCode::OauthConsumerUnknown))?;
    Ok(Consumer {
        id: row.at(0).storage()?,
        integration_id: row.at(1).storage()?,
        integration: row.at(2).storage()?,
        secret: crypto.decrypt(&row.at::<String>(3).storage()?)?,
        verifier_hash: row.at(4).storage()?,
        activated_at: row.at(5).storage()?,
    })
}

async fn token_by_value(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    consumer: i64,
    token: &str,
) -> Result<Token, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, kind, secret_encrypted, used_at, revoked_at FROM oauth_tokens \
             WHERE token_hash = $1 AND tenant_id = $2 AND consumer_id = $3",
            tokens::hash(token),
            tenant.0,
            consumer
        ))
        .await
        .storage()?
        .ok_or_else(|| ApiError::new(ErrorCode::OauthTokenUnknown))?;
    Ok(Token {
        id: row.at(0).storage()?,
        kind: row.at(1).storage()?,
        secret: crypto.decrypt(&row.at::<String>(2).storage()?)?,
        used: row.at::<Option<String>>(3).storage()?.is_some(),
        revoked: row.at::<Option<String>>(4).storage()?.is_some(),
    })
}

/// Records the nonce; a nonce seen before from this consumer is a replay. Nonces older
/// than twice the timestamp window can no longer be replayed (their timestamps are
/// refused), so they are pruned here.
async fn record_nonce(
    ex: &mut impl Exec,
    tenant: TenantId,
    consumer: i64,
    nonce: &str,
    now: i64,
) -> Result<(), ApiError> {
    if nonce.is_empty() || nonce.len() > 255 {
        return Err(ApiError::invalid_value("oauth_nonce", nonce.chars().take(255).collect::<String>()));
    }
    let inserted = ex
        .execute(sql!(
            "INSERT INTO oauth_nonces (tenant_id, consumer_id, nonce, seen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, consumer_id, nonce) DO NOTHING",
            tenant.0,
            consumer,
            nonce.to_owned(),
            now
        ))
        .await
        .storage()?;
    if inserted == 0 {
        return Err(ApiError::positional(ErrorCode::OauthNonceUsed, [consumer]));
    }
    ex.execute(sql!(
        "DELETE FROM oauth_nonces WHERE tenant_id = $1 AND consumer_id = $2 AND seen_at < $3",
        tenant.0,
        consumer,
        now - 2 * TIMESTAMP_WINDOW
    ))
    .await
    .storage()?;
    Ok(())
}

/// A token and its secret, shown once to the integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub token: String,
    pub secret: String,
}

/// Stores a new token of `kind` for the consumer and answers it in clear.
pub async fn issue_token(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    consumer: i64,
    kind: &str,
) -> Result<TokenPair, ApiError> {
    let pair = TokenPair { token: random_token(), secret: random_token() };
    let id = ids::next(ex, tenant, "oauth_token").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO oauth_tokens (tenant_id, id, consumer_id, kind, token_hash, secret_encrypted, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        tenant.0,
        id,
        consumer,
        kind.to_owned(),
        tokens::hash(&pair.token),
        crypto.encrypt(&pair.secret),
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(pair)
}

/// The request-token step (`POST /oauth/token/request`).
pub async fn request_token(db: &Db, tenant: TenantId, crypto: &Crypto, consumer: i64) -> Result<TokenPair, ApiError> {
    let mut tx = db.begin().await.storage()?;
    let pair = issue_token(&mut tx, tenant, crypto, consumer, "request").await?;
    tx.commit().await.storage()?;
    Ok(pair)
}

/// The access-token step (`POST /oauth/token/access`): spends the verified request token
/// once, revokes any earlier access token of the consumer and issues the long-lived one.
pub async fn access_token(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    consumer: i64,
    request_token: i64,
) -> Result<TokenPair, ApiError> {
    let mut tx = db.begin().await.storage()?;
    let spent = tx
        .execute(sql!(
            "UPDATE oauth_tokens SET used_at = $1 \
             WHERE tenant_id = $2 AND id = $3 AND consumer_id = $4 AND kind = 'request' AND used_at IS NULL",
            clock::now_text(),
            tenant.0,
            request_token,
            consumer
        ))
        .await
        .storage()?;
    if spent == 0 {
        return Err(ApiError::new(ErrorCode::OauthTokenUsed));
    }
    revoke_access_tokens(&mut tx, tenant, consumer).await?;
    let pair = issue_token(&mut tx, tenant, crypto, consumer, "access").await?;
    integration::mark_active(&mut tx, tenant, consumer).await?;
    tx.commit().await.storage()?;
    Ok(pair)
}

/// Revokes every live token (request and access) of a consumer.
pub async fn revoke_access_tokens(ex: &mut impl Exec, tenant: TenantId, consumer: i64) -> Result<u64, ApiError> {
    ex.execute(sql!(
        "UPDATE oauth_tokens SET revoked_at = $1 WHERE tenant_id = $2 AND consumer_id = $3 AND revoked_at IS NULL",
        clock::now_text(),
        tenant.0,
        consumer
    ))
    .await
    .storage()
}

/// An integration access token presented as `Authorization: Bearer` (only when the store
/// allows it): the integration, or `None` for an unknown or revoked token.
pub async fn bearer(ex: &mut impl Exec, tenant: TenantId, token: &str) -> Result<Option<Principal>, ApiError> {
    let integration: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT c.integration_id FROM oauth_tokens t \
             JOIN oauth_consumers c ON c.tenant_id = t.tenant_id AND c.id = t.consumer_id \
             WHERE t.token_hash = $1 AND t.tenant_id = $2 AND t.kind = 'access' AND t.revoked_at IS NULL",
            tokens::hash(token),
            tenant.0
        ))
        .await
        .storage()?;
    match integration {
        Some(id) => integration::principal(ex, tenant, id).await.map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_inside_the_window_only() {
        assert!(check_timestamp("1000", 1000).is_ok());
        assert!(check_timestamp("1600", 1000).is_ok());
        assert!(check_timestamp("1601", 1000).is_err());
        assert!(check_timestamp("399", 1000).is_err());
        assert!(check_timestamp("0", 0).is_err());
        assert!(check_timestamp("soon", 1000).is_err());
        assert_eq!(random_token().len(), TOKEN_LENGTH);
    }
}
