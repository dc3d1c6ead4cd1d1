//! Bearer tokens for the Magento surface and the sign-in throttle in front of them.
//!
//! A token is 32 random characters from `[a-z0-9]` (Magento's classic opaque format, about
//! 165 bits), returned once and stored only as its SHA-256 hash: high-entropy secrets need
//! no slow hash, and SHA-256 is what secret-scanning feedback uses to name a token.

use crate::{StorageResult, clock};
use sha2::{Digest, Sha256};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};
use time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Admin,
    Customer,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Admin => "admin",
            TokenKind::Customer => "customer",
        }
    }

    fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "admin" => Some(TokenKind::Admin),
            "customer" => Some(TokenKind::Customer),
            _ => None,
        }
    }
}

pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Issues a token for `subject` and answers the plain token, which is never stored.
pub async fn issue(
    ex: &mut impl Exec,
    tenant: TenantId,
    kind: TokenKind,
    subject: i64,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let token = generate();
    ex.execute(sql!(
        "INSERT INTO access_tokens (token_hash, tenant_id, kind, subject_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        hash(&token),
        tenant.0,
        kind.as_str(),
        subject,
        clock::now_text(),
        clock::after(lifetime)
    ))
    .await
    .storage()?;
    Ok(token)
}

/// A live token: whose it is and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub kind: TokenKind,
    pub subject: i64,
    /// `YYYY-MM-DD HH:MM:SS` UTC, as stored.
    pub expires_at: String,
}

/// The live token's kind, subject and expiry, or `None` when unknown, expired or revoked.
pub async fn resolve(ex: &mut impl Exec, tenant: TenantId, token: &str) -> Result<Option<Resolved>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT kind, subject_id, expires_at FROM access_tokens \
             WHERE token_hash = $1 AND tenant_id = $2 AND revoked_at IS NULL AND expires_at > $3",
            hash(token),
            tenant.0,
            clock::now_text()
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let kind: String = row.get("kind").storage()?;
    let Some(kind) = TokenKind::parse(&kind) else { return Ok(None) };
    Ok(Some(Resolved { kind, subject: row.get("subject_id").storage()?, expires_at: row.get("expires_at").storage()? }))
}

/// Revokes every live token of one subject; answers how many.
pub async fn revoke_all(ex: &mut impl Exec, tenant: TenantId, kind: TokenKind, subject: i64) -> Result<u64, ApiError> {
    ex.execute(sql!(
        "UPDATE access_tokens SET revoked_at = $1 \
         WHERE tenant_id = $2 AND kind = $3 AND subject_id = $4 AND revoked_at IS NULL",
        clock::now_text(),
        tenant.0,
        kind.as_str(),
        subject
    ))
    .await
    .storage()
}

/// Magento's sign-in throttle (`oauth/authentication_lock`): after `max_failures` failed
/// attempts for one user name and type, the name is locked for `lock` whatever the password.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub max_failures: i64,
    pub lock: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { max_failures: 6, lock: Duration::minutes(30) }
    }
}

impl Throttle {
    pub async fn is_locked(
        &self,
        ex: &mut impl Exec,
        tenant: TenantId,
        kind: TokenKind,
        username: &str,
    ) -> Result<bool, ApiError> {
        let until: Option<Option<String>> = ex
            .fetch_optional(sql!(
                "SELECT lock_expires_at FROM login_failures WHERE tenant_id = $1 AND user_type = $2 AND username = $3",
                tenant.0,
                kind.as_str(),
                username.to_owned()
            ))
            .await
            .storage()?
            .map(|r| r.at(0))
            .transpose()
            .storage()?;
        Ok(matches!(until, Some(Some(t)) if t > clock::now_text()))
    }

    pub async fn record_failure(
        &self,
        ex: &mut impl Exec,
        tenant: TenantId,
        kind: TokenKind,
        username: &str,
    ) -> Result<(), ApiError> {
        let failures: i64 = ex
            .fetch_scalar(sql!(
                "INSERT INTO login_failures (tenant_id, user_type, username, failures) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (tenant_id, user_type, username) DO UPDATE SET failures = login_failures.failures + 1 \
                 RETURNING failures",
                tenant.0,
                kind.as_str(),
                username.to_owned()
            ))
            .await
            .storage()?;
        if failures >= self.max_failures {
            ex.execute(sql!(
                "UPDATE login_failures SET failures = 0, lock_expires_at = $1 \
                 WHERE tenant_id = $2 AND user_type = $3 AND username = $4",
                clock::after(self.lock),
                tenant.0,
                kind.as_str(),
                username.to_owned()
            ))
            .await
            .storage()?;
        }
        Ok(())
    }

    pub async fn reset(
        &self,
        ex: &mut impl Exec,
        tenant: TenantId,
        kind: TokenKind,
        username: &str,
    ) -> Result<(), ApiError> {
        ex.execute(sql!(
            "DELETE FROM login_failures WHERE tenant_id = $1 AND user_type = $2 AND username = $3",
            tenant.0,
            kind.as_str(),
            username.to_owned()
        ))
        .await
        .storage()
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_and_hashes_hex() {
        let a = super::generate();
        assert_eq!(a.len(), 32);
        assert_ne!(a, super::generate());
        assert_eq!(super::hash("abc").len(), 64);
    }
}
