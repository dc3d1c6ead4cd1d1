//! Idempotency-Key records for POST and PATCH on `/api/v1` (platform-contracts §7.3):
//!
//! - a key is scoped to the credential (`pat:<id>`, see `PatPrincipal::idempotency_scope`)
//!   and is 1 to 255 visible ASCII characters;
//! - the first request records `running`; a retry while it runs is [`Begin::InFlight`]
//!   (answer 409 with `Retry-After: 1`); a retry after it finished replays the recorded
//!   status, safe headers and body ([`Begin::Replay`], add `Idempotent-Replayed: true`);
//!   the same key with another method, path or fingerprint is [`Begin::Mismatch`] (422);
//! - only 2xx and 4xx outcomes are recorded; any other outcome (a 5xx, a timeout) releases
//!   the key, so the client's retry runs again (Stripe replays 500s; we do not, because a
//!   5xx here means nothing was committed, or nothing we could vouch for);
//! - records are kept 24 hours; a `running` record older than [`STALE_RUNNING`] is taken to
//!   be abandoned (a crashed process) and a new request takes the key over.
//!
//! Call [`begin`] and [`finish`] on the `Db` itself (autocommit), not inside the request's
//! transaction: the `running` record must be visible to concurrent retries at once.

use crate::at;
use serde_json::json;
use sha2::{Digest, Sha256};
use storegate_db::{DbError, Exec, sql};
use storegate_domain::StorageResult;
use storegate_types::{ApiError, ErrorCode};
use time::{Duration, OffsetDateTime};

pub const MAX_KEY_LEN: usize = 255;
pub const RETENTION: Duration = Duration::hours(24);
/// A request still `running` after this is treated as abandoned.
pub const STALE_RUNNING: Duration = Duration::minutes(10);

/// A recorded outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: run the request, then [`finish`].
    Fresh,
    Replay(Recorded),
    InFlight,
    Mismatch,
}

/// Checks a key's shape: 1-255 characters, visible ASCII (the header's quotes removed).
pub fn check_key(key: &str) -> Result<(), ApiError> {
    if (1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(ApiError::named(ErrorCode::IdempotencyKeyInvalid, [("max", json!(MAX_KEY_LEN))]))
    }
}

/// SHA-256 hex over the method, path, canonical query (its `&`-separated pairs sorted) and
/// body, each length-prefixed so that no two requests share a preimage.
pub fn fingerprint(method: &str, path: &str, query: Option<&str>, body: &[u8]) -> String {
    let mut pairs: Vec<&str> = query.unwrap_or("").split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_unstable();
    let query = pairs.join("&");
    let mut h = Sha256::new();
    for part in [method.to_ascii_uppercase().as_bytes(), path.as_bytes(), query.as_bytes(), body] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Claims `key` for a request, or answers what happened to the earlier request with it.
/// Race-safe on both databases: `INSERT … ON CONFLICT DO NOTHING`, then a read.
pub async fn begin(
    ex: &mut impl Exec,
    scope: &str,
    key: &str,
    method: &str,
    path: &str,
    fingerprint: &str,
    now: OffsetDateTime,
) -> Result<Begin, ApiError> {
    check_key(key)?;
    // Expired records, and runs abandoned long ago, give the key back first.
    ex.execute(sql!(
        "DELETE FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2 \
         AND (expires_at <= $3 OR (state = 'running' AND created_at <= $4))",
        scope.to_owned(),
        key.to_owned(),
        at(now),
        at(now - STALE_RUNNING)
    ))
    .await
    .storage()?;
    let claimed = ex
        .execute(sql!(
            "INSERT INTO idempotency_keys (scope, idempotency_key, method, path, fingerprint, state, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, 'running', $6, $7) ON CONFLICT (scope, idempotency_key) DO NOTHING",
            scope.to_owned(),
            key.to_owned(),
            method.to_ascii_uppercase(),
            path.to_owned(),
            fingerprint.to_owned(),
            at(now),
            at(now + RETENTION)
        ))
        .await
        .storage()?;
    if claimed == 1 {
        return Ok(Begin::Fresh);
    }
    let row = ex
        .fetch_optional(sql!(
            "SELECT method, path, fingerprint, state, status, headers, body FROM idempotency_keys \
             WHERE scope = $1 AND idempotency_key = $2",
            scope.to_owned(),
            key.to_owned()
        ))
        .await
        .storage()?;
    // Released between our insert and read: the retry should simply be sent again.
    let Some(row) = row else { return Ok(Begin::InFlight) };
    let same = row.get::<String>("method").storage()? == method.to_ascii_uppercase()
        && row.get::<String>("path").storage()? == path
        && row.get::<String>("fingerprint").storage()? == fingerprint;
    if !same {
        return Ok(Begin::Mismatch);
    }
    if row.get::<String>("state").storage()? != "done" {
        return Ok(Begin::InFlight);
    }
    let status: i64 = row.get("status").storage()?;
    let headers: Option<String> = row.get("headers").storage()?;
    let headers: Vec<(String, String)> = match headers {
        Some(h) => serde_json::from_str(&h).map_err(|e| ApiError::internal(format!("idempotency headers: {e}")))?,
        None => Vec::new(),
    };
    let body: Option<Vec<u8>> = row.get("body").storage()?;
    Ok(Begin::Replay(Recorded {
        status: u16::try_from(status).map_err(|_| ApiError::internal("stored status out of range"))?,
        headers,
        body: body.unwrap_or_default(),
    }))
}

/// Records the outcome of a [`Begin::Fresh`] request: 2xx and 4xx are kept for replay;
/// anything else releases the key. `headers` should be the safe ones (no `Set-Cookie`, no
/// rate-limit counters).
pub async fn finish(ex: &mut impl Exec, scope: &str, key: &str, outcome: &Recorded) -> Result<(), ApiError> {
    if !(200..300).contains(&outcome.status) && !(400..500).contains(&outcome.status) {
        return release(ex, scope, key).await;
    }
    let headers = serde_json::to_string(&outcome.headers).map_err(|e| ApiError::internal(e.to_string()))?;
    ex.execute(sql!(
        "UPDATE idempotency_keys SET state = 'done', status = $1, headers = $2, body = $3 \
         WHERE scope = $4 AND idempotency_key = $5",
        i64::from(outcome.status),
        headers,
        outcome.body.clone(),
        scope.to_owned(),
        key.to_owned()
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Gives a key back without recording anything (a 5xx, a panic, a timeout).
pub async fn release(ex: &mut impl Exec, scope: &str, key: &str) -> Result<(), ApiError> {
    ex.execute(sql!(
        "DELETE FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2 AND state = 'running'",
        scope.to_owned(),
        key.to_owned()
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Deletes records past their retention; answers how many.
pub async fn purge_expired(ex: &mut impl Exec, now: OffsetDateTime) -> Result<u64, ApiError> {
    ex.execute(sql!("DELETE FROM idempotency_keys WHERE expires_at <= $1", at(now)))
        .await
        .map_err(|e: DbError| storegate_domain::storage(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_fingerprints() {
        assert!(check_key("9f1c5b8e-40d5-43e8-bc93-6894a57f9324").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key(&"k".repeat(256)).is_err());
        assert!(check_key(&"k".repeat(255)).is_ok());
        assert!(check_key("has space").is_err());
        assert!(check_key("ünï").is_err());
        let a = fingerprint("post", "/api/v1/x", Some("b=2&a=1"), b"{}");
        assert_eq!(a, fingerprint("POST", "/api/v1/x", Some("a=1&b=2"), b"{}"), "query order is canonical");
        assert_ne!(a, fingerprint("POST", "/api/v1/x", Some("a=1&b=2"), b"{ }"));
        assert_ne!(a, fingerprint("PATCH", "/api/v1/x", Some("a=1&b=2"), b"{}"));
        assert_ne!(
            fingerprint("POST", "/a", Some("b"), b""),
            fingerprint("POST", "/ab", None, b""),
            "parts are length-prefixed"
        );
        assert_eq!(a.len(), 64);
    }
}
