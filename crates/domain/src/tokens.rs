//! Bearer tokens for the Magento surface and the sign-in throttle in front of them.
//!
//! A token is 32 random characters from `[a-z0-9]` (Magento's classic opaque format, about
//! 165 bits), returned once and stored only as its SHA-256 hash: high-entropy secrets need
//! no slow hash, and SHA-256 is what secret-scanning feedback uses to name a token.

use crate::crypto::Crypto;
use crate::{StorageResult, clock};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
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

/// Magento's sign-in throttle (`oauth/authentication_lock`), counted per account and per
/// (account, client address) so that one address cannot lock an account for everyone:
///
/// - `max_failures` failed attempts on one account from one address lock that account for
///   that address for `lock`, whatever the password (Magento's rule, per address);
/// - `max_failures × ACCOUNT_FACTOR` failed attempts on one account from all addresses
///   together lock it for every address for `lock`, which no single address can reach;
/// - a successful sign-in clears the count of its address and the account-wide count; a new
///   password (`admin reset-password`, a customer's reset or change) and `admin unlock` clear
///   every count and lock of the account.
///
/// Attempts refused by a lock are not counted. Only existing accounts are counted: a name
/// that matches no account writes nothing (per-address rate limits cover probing).
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub max_failures: i64,
    pub lock: Duration,
}

/// How many addresses' worth of failures lock an account for everyone.
pub const ACCOUNT_FACTOR: i64 = 5;

/// The `client` key of the account-wide row (addresses are stored as hex keyed hashes).
const ACCOUNT: &str = "*";

impl Default for Throttle {
    fn default() -> Self {
        Throttle { max_failures: 6, lock: Duration::minutes(30) }
    }
}

/// The lockout as one request sees it: the rule, the key that hashes client addresses, and
/// the caller's address (`None` outside HTTP).
#[derive(Debug, Clone, Copy)]
pub struct Lockout<'a> {
    pub throttle: &'a Throttle,
    pub crypto: &'a Crypto,
    pub client: Option<IpAddr>,
}

impl Lockout<'_> {
    /// The keys of one attempt on one existing account.
    pub fn attempt(&self, kind: TokenKind, subject: i64) -> Attempt {
        Attempt { kind, subject, client: client_key(self.crypto, self.client) }
    }
}

/// One sign-in attempt: the account tried and the (hashed) address trying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub kind: TokenKind,
    pub subject: i64,
    client: String,
}

/// The address as a keyed hash, so the table holds no address in clear. An IPv6 client is
/// counted by its /64, which one host usually owns whole.
fn client_key(crypto: &Crypto, client: Option<IpAddr>) -> String {
    keyed_client(crypto, "sign-in client", client)
}

/// A client address as a keyed hash for `purpose` (each purpose its own key, so two tables
/// cannot be joined on it); an IPv6 client by its /64, which one host usually owns whole.
pub fn keyed_client(crypto: &Crypto, purpose: &str, client: Option<IpAddr>) -> String {
    let Some(ip) = client else { return "unknown".into() };
    let ip = match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED)),
        v4 => v4,
    };
    crypto.blind_index(purpose, &ip.to_string())
}

impl Throttle {
    fn account_max(&self) -> i64 {
        self.max_failures.saturating_mul(ACCOUNT_FACTOR)
    }

    /// Whether the account is locked for this address or for everyone.
    pub async fn is_locked(&self, ex: &mut impl Exec, tenant: TenantId, attempt: &Attempt) -> Result<bool, ApiError> {
        let locks: i64 = ex
            .fetch_scalar(sql!(
                "SELECT COUNT(*) FROM login_failures WHERE tenant_id = $1 AND user_type = $2 AND subject_id = $3 \
                 AND client IN ($4, $5) AND lock_expires_at > $6",
                tenant.0,
                attempt.kind.as_str(),
                attempt.subject,
                attempt.client.clone(),
                ACCOUNT,
                clock::now_text()
            ))
            .await
            .storage()?;
        Ok(locks > 0)
    }

    /// Counts a failure for the address and for the account, locking either at its limit.
    pub async fn record_failure(
        &self,
        ex: &mut impl Exec,
        tenant: TenantId,
        attempt: &Attempt,
    ) -> Result<(), ApiError> {
        self.count(ex, tenant, attempt, &attempt.client, self.max_failures).await?;
        self.count(ex, tenant, attempt, ACCOUNT, self.account_max()).await
    }

    async fn count(
        &self,
        ex: &mut impl Exec,
        tenant: TenantId,
        attempt: &Attempt,
        client: &str,
        limit: i64,
    ) -> Result<(), ApiError> {
        let failures: i64 = ex
            .fetch_scalar(sql!(
                "INSERT INTO login_failures (tenant_id, user_type, subject_id, client, failures) VALUES ($1, $2, $3, $4, 1) \
                 ON CONFLICT (tenant_id, user_type, subject_id, client) DO UPDATE SET failures = login_failures.failures + 1 \
                 RETURNING failures",
                tenant.0,
                attempt.kind.as_str(),
                attempt.subject,
                client.to_owned()
            ))
            .await
            .storage()?;
        if failures >= limit {
            ex.execute(sql!(
                "UPDATE login_failures SET failures = 0, lock_expires_at = $1 \
                 WHERE tenant_id = $2 AND user_type = $3 AND subject_id = $4 AND client = $5",
                clock::after(self.lock),
                tenant.0,
                attempt.kind.as_str(),
                attempt.subject,
                client.to_owned()
            ))
            .await
            .storage()?;
        }
        Ok(())
    }

    /// A successful sign-in: clears this address's count and the account-wide count.
    pub async fn reset(&self, ex: &mut impl Exec, tenant: TenantId, attempt: &Attempt) -> Result<(), ApiError> {
        ex.execute(sql!(
            "DELETE FROM login_failures WHERE tenant_id = $1 AND user_type = $2 AND subject_id = $3 AND client IN ($4, $5)",
            tenant.0,
            attempt.kind.as_str(),
            attempt.subject,
            attempt.client.clone(),
            ACCOUNT
        ))
        .await
        .storage()
        .map(|_| ())
    }
}

/// Lifts every lock and count of one account (a new password, or `admin unlock`); answers
/// how many rows were cleared.
pub async fn unlock(ex: &mut impl Exec, tenant: TenantId, kind: TokenKind, subject: i64) -> Result<u64, ApiError> {
    ex.execute(sql!(
        "DELETE FROM login_failures WHERE tenant_id = $1 AND user_type = $2 AND subject_id = $3",
        tenant.0,
        kind.as_str(),
        subject
    ))
    .await
    .storage()
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

    #[test]
    fn client_keys_are_keyed_hashes_and_ipv6_counts_by_its_64() {
        let c = crate::crypto::Crypto::from_key(&[3u8; 32]);
        let key = |ip: &str| super::client_key(&c, Some(ip.parse().unwrap()));
        assert_eq!(key("10.0.0.1"), key("::ffff:10.0.0.1"));
        assert_ne!(key("10.0.0.1"), key("10.0.0.2"));
        assert!(!key("10.0.0.1").contains("10.0"));
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }
}
