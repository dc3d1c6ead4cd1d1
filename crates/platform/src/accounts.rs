//! Platform accounts: people (or robots) who sign in to `/api/v1` and are members of stores.
//!
//! - Emails are trimmed, lower-cased and checked with the customer rules
//!   (`customer::account::normalize_email`); one account per email.
//! - Passwords follow Magento's customer policy (`customer::account::check_password`: 8 to
//!   256 characters, three character classes, no edge spaces, not the email) and are hashed
//!   with argon2id on the bounded hashing pool (`domain::password`).
//! - Sign-in verifies a password on every path (an unknown email costs a dummy hash, as the
//!   admin sign-in does). The lockout is the admin one's rule and defaults
//!   (`tokens::Throttle`: 6 failures from one address lock the account for that address for
//!   30 minutes, 5 × 6 from all addresses lock it for everyone), counted in
//!   `account_login_failures` because the admin counter is keyed by tenant and accounts are
//!   above tenants.
//! - Sessions (`sg_ses_…`) are stored as SHA-256 hashes with an expiry.

use crate::{Secret, at, invalid, tokens};
use std::net::IpAddr;
use storegate_db::{Db, DbError, Exec, Row, sql};
use storegate_domain::crypto::Crypto;
use storegate_domain::customer::account::{check_password, normalize_email};
use storegate_domain::tokens::Throttle;
use storegate_domain::{StorageResult, password};
use storegate_types::{ApiError, ErrorCode};
use time::{Duration, OffsetDateTime};

/// The longest account name.
pub const MAX_NAME: usize = 255;
/// How long a session lasts unless the caller says otherwise.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: String,
}

const COLUMNS: &str = "SELECT id, email, name, disabled, created_at FROM accounts";

fn from_row(r: &Row) -> Result<Account, DbError> {
    Ok(Account {
        id: r.get("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        disabled: r.get("disabled")?,
        created_at: r.get("created_at")?,
    })
}

/// What creating an account needs.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// Defaults to the email's local part.
    pub name: Option<&'a str>,
}

fn email_of(raw: &str) -> Result<String, ApiError> {
    normalize_email(raw).ok_or_else(|| ApiError::positional(ErrorCode::InvalidEmail, [raw.trim().to_owned()]))
}

pub async fn create(ex: &mut impl Exec, new: &NewAccount<'_>, now: OffsetDateTime) -> Result<Account, ApiError> {
    let email = email_of(new.email)?;
    check_password(new.password, &email)?;
    let name = match new.name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_owned(),
        None => email.split('@').next().unwrap_or_default().to_owned(),
    };
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid("name", name, "at most 255 characters, no control characters"));
    }
    if by_email(ex, &email).await?.is_some() {
        return Err(taken(&email));
    }
    let hash = password::hash(new.password.to_owned()).await?;
    let row = ex
        .fetch_one(sql!(
            "INSERT INTO accounts (email, name, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, email, name, disabled, created_at",
            email.clone(),
            name,
            hash,
            false,
            at(now)
        ))
        .await;
    match row {
        Ok(r) => from_row(&r).storage(),
        Err(DbError::UniqueViolation(_)) => Err(taken(&email)),
        Err(e) => Err(storegate_domain::storage(e)),
    }
}

fn taken(email: &str) -> ApiError {
    ApiError::positional(ErrorCode::AlreadyExists, [format!("An account with the email {email}")])
}

pub async fn get(ex: &mut impl Exec, id: i64) -> Result<Account, ApiError> {
    let row = ex.fetch_optional(sql!(format!("{COLUMNS} WHERE id = $1"), id)).await.storage()?;
    row.as_ref().map(from_row).transpose().storage()?.ok_or_else(|| ApiError::no_such_entity("accountId", id))
}

/// The account with this email (any case), if there is one.
pub async fn by_email(ex: &mut impl Exec, email: &str) -> Result<Option<Account>, ApiError> {
    let Some(email) = normalize_email(email) else { return Ok(None) };
    let row = ex.fetch_optional(sql!(format!("{COLUMNS} WHERE email = $1"), email)).await.storage()?;
    row.as_ref().map(from_row).transpose().storage()
}

pub async fn list(ex: &mut impl Exec) -> Result<Vec<Account>, ApiError> {
    let rows = ex.fetch_all(sql!(format!("{COLUMNS} ORDER BY id"))).await.storage()?;
    rows.iter().map(from_row).collect::<Result<_, _>>().storage()
}

pub async fn set_disabled(ex: &mut impl Exec, id: i64, disabled: bool) -> Result<(), ApiError> {
    let changed = ex.execute(sql!("UPDATE accounts SET disabled = $1 WHERE id = $2", disabled, id)).await.storage()?;
    if changed == 0 {
        return Err(ApiError::no_such_entity("accountId", id));
    }
    if disabled {
        ex.execute(sql!("DELETE FROM account_sessions WHERE account_id = $1", id)).await.storage()?;
    }
    Ok(())
}

/// Sets a new password: ends every session and lifts every sign-in lock of the account.
pub async fn set_password(ex: &mut impl Exec, id: i64, new_password: &str) -> Result<(), ApiError> {
    let account = get(ex, id).await?;
    check_password(new_password, &account.email)?;
    let hash = password::hash(new_password.to_owned()).await?;
    ex.execute(sql!("UPDATE accounts SET password_hash = $1 WHERE id = $2", hash, id)).await.storage()?;
    ex.execute(sql!("DELETE FROM account_sessions WHERE account_id = $1", id)).await.storage()?;
    ex.execute(sql!("DELETE FROM account_login_failures WHERE account_id = $1", id)).await.storage()?;
    Ok(())
}

// Sign-in and its lockout --------------------------------------------------------------------

/// The lockout as one sign-in sees it (mirrors `tokens::Lockout`).
#[derive(Debug, Clone, Copy)]
pub struct Lockout<'a> {
    pub throttle: &'a Throttle,
    pub crypto: &'a Crypto,
    pub client: Option<IpAddr>,
}

const ACCOUNT_ROW: &str = "*";

/// The client address as a keyed hash (IPv6 by its /64), as the admin lockout keys it.
fn client_key(crypto: &Crypto, client: Option<IpAddr>) -> String {
    storegate_domain::tokens::keyed_client(crypto, "account sign-in client", client)
}

async fn is_locked(ex: &mut impl Exec, account: i64, client: &str, now: OffsetDateTime) -> Result<bool, ApiError> {
    let locks: i64 = ex
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM account_login_failures WHERE account_id = $1 AND client IN ($2, $3) \
             AND lock_expires_at > $4",
            account,
            client.to_owned(),
            ACCOUNT_ROW,
            at(now)
        ))
        .await
        .storage()?;
    Ok(locks > 0)
}

async fn count_failure(
    ex: &mut impl Exec,
    account: i64,
    client: &str,
    limit: i64,
    lock_until: OffsetDateTime,
) -> Result<(), ApiError> {
    let failures: i64 = ex
        .fetch_scalar(sql!(
            "INSERT INTO account_login_failures (account_id, client, failures) VALUES ($1, $2, 1) \
             ON CONFLICT (account_id, client) DO UPDATE SET failures = account_login_failures.failures + 1 \
             RETURNING failures",
            account,
            client.to_owned()
        ))
        .await
        .storage()?;
    if failures >= limit {
        ex.execute(sql!(
            "UPDATE account_login_failures SET failures = 0, lock_expires_at = $1 WHERE account_id = $2 AND client = $3",
            at(lock_until),
            account,
            client.to_owned()
        ))
        .await
        .storage()?;
    }
    Ok(())
}

/// A successful sign-in: the account and its new session, shown once.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub session: Secret,
    pub expires_at: String,
}

/// `POST /api/v1/auth/sessions`: checks the password (on every path, so refusals cannot be
/// told apart by timing), the lockout and `disabled`; opens a session on success. Every
/// refusal is the same `InvalidCredentials`.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    lockout: &Lockout<'_>,
    lifetime: Duration,
    now: OffsetDateTime,
) -> Result<SignedIn, ApiError> {
    let refused = |why: &str| ApiError::new(ErrorCode::InvalidCredentials).with_internal(why.to_owned());
    let client = client_key(lockout.crypto, lockout.client);
    let mut reader = db.reader().await.storage()?;
    let found = match normalize_email(email) {
        Some(email) => reader
            .fetch_optional(sql!(
                format!("SELECT id, email, name, disabled, created_at, password_hash FROM accounts WHERE email = $1"),
                email
            ))
            .await
            .storage()?,
        None => None,
    };
    let (account, hash) = match &found {
        Some(r) => (Some(from_row(r).storage()?), Some(r.get::<String>("password_hash").storage()?)),
        None => (None, None),
    };
    let locked = match &account {
        Some(a) => is_locked(&mut reader, a.id, &client, now).await?,
        None => false,
    };
    drop(reader);
    let valid = password::verify(password.to_owned(), hash).await?;
    let Some(account) = account else { return Err(refused("unknown account email")) };
    if locked {
        return Err(refused("account locked after repeated failures"));
    }
    let mut tx = db.begin().await.storage()?;
    if valid && !account.disabled {
        tx.execute(sql!(
            "DELETE FROM account_login_failures WHERE account_id = $1 AND client IN ($2, $3)",
            account.id,
            client,
            ACCOUNT_ROW
        ))
        .await
        .storage()?;
        let (session, expires_at) = open_session(&mut tx, account.id, lifetime, now).await?;
        tx.commit().await.storage()?;
        Ok(SignedIn { account, session, expires_at })
    } else {
        let throttle = lockout.throttle;
        let until = now + throttle.lock;
        count_failure(&mut tx, account.id, &client, throttle.max_failures, until).await?;
        let account_max = throttle.max_failures.saturating_mul(storegate_domain::tokens::ACCOUNT_FACTOR);
        count_failure(&mut tx, account.id, ACCOUNT_ROW, account_max, until).await?;
        tx.commit().await.storage()?;
        Err(refused("wrong password, or disabled account"))
    }
}

/// Lifts every sign-in lock of an account; answers whether there was one to lift.
pub async fn unlock(ex: &mut impl Exec, id: i64) -> Result<bool, ApiError> {
    Ok(ex.execute(sql!("DELETE FROM account_login_failures WHERE account_id = $1", id)).await.storage()? > 0)
}

// Sessions -----------------------------------------------------------------------------------

/// Opens a session for an account (after a sign-in); answers the token and its expiry.
pub async fn open_session(
    ex: &mut impl Exec,
    account: i64,
    lifetime: Duration,
    now: OffsetDateTime,
) -> Result<(Secret, String), ApiError> {
    let token = tokens::generate_session();
    let expires_at = at(now + lifetime);
    ex.execute(sql!(
        "INSERT INTO account_sessions (token_hash, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        tokens::hash(token.expose()),
        account,
        expires_at.clone(),
        at(now)
    ))
    .await
    .storage()?;
    Ok((token, expires_at))
}

/// The account of a live session, or `None` (unknown, expired, or the account disabled).
pub async fn resolve_session(
    ex: &mut impl Exec,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<Account>, ApiError> {
    if !token.starts_with(tokens::SESSION_PREFIX) {
        return Ok(None);
    }
    let row = ex
        .fetch_optional(sql!(
            "SELECT a.id, a.email, a.name, a.disabled, a.created_at FROM account_sessions s \
             JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled = $3",
            tokens::hash(token),
            at(now),
            false
        ))
        .await
        .storage()?;
    row.as_ref().map(from_row).transpose().storage()
}

/// Ends a session; answers whether it existed.
pub async fn revoke_session(ex: &mut impl Exec, token: &str) -> Result<bool, ApiError> {
    let n =
        ex.execute(sql!("DELETE FROM account_sessions WHERE token_hash = $1", tokens::hash(token))).await.storage()?;
    Ok(n > 0)
}

/// Ends the session whose token hashes to `token_hash` ([`tokens::hash`]); answers whether
/// it existed. Signing out holds the hash, not the token.
pub async fn end_session(ex: &mut impl Exec, token_hash: &str) -> Result<bool, ApiError> {
    let n = ex
        .execute(sql!("DELETE FROM account_sessions WHERE token_hash = $1", token_hash.to_owned()))
        .await
        .storage()?;
    Ok(n > 0)
}

/// Removes expired sessions; answers how many.
pub async fn purge_sessions(ex: &mut impl Exec, now: OffsetDateTime) -> Result<u64, ApiError> {
    ex.execute(sql!("DELETE FROM account_sessions WHERE expires_at <= $1", at(now))).await.storage()
}
