//! Password resets (Magento's `initiatePasswordReset`, `validateResetPasswordLinkToken` and
//! `resetPassword`).
//!
//! A reset token is 32 random characters, mailed once and stored only as its SHA-256 hash
//! in `customer_password_resets` (one live token per customer), expiring after
//! [`RESET_LINK_LIFETIME`]. The mail is queued in `mail_outbox` with its recipient and body
//! encrypted, since the body carries the token.
//!
//! Deviation from Magento, on purpose: asking for a reset answers `true` for unknown emails
//! too, and an unknown customer or email on the validation and reset routes reads as a
//! mismatched token, so none of these anonymous routes reveals whether an account exists.

use super::account::{check_password, set_password};
use crate::crypto::Crypto;
use crate::tokens;
use crate::{StorageResult, clock, ids, password};
use storegate_db::{Db, Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// How long a reset link works: Magento's `customer/password/reset_link_expiration_period`
/// default of 2 hours. A constant rather than configuration for now.
pub const RESET_LINK_LIFETIME: time::Duration = time::Duration::hours(2);

/// The two mails Magento can send (`template` of `PUT /V1/customers/password`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetMail {
    /// `email_reset`: "reset your password" with the link.
    Reset,
    /// `email_reminder`: "forgot your password?" with the link.
    Reminder,
}

impl ResetMail {
    pub fn parse(template: &str) -> Result<ResetMail, ApiError> {
        match template {
            "email_reset" => Ok(ResetMail::Reset),
            "email_reminder" => Ok(ResetMail::Reminder),
            other => Err(ApiError::named(
                ErrorCode::InvalidResetTemplate,
                [
                    ("value", other.into()),
                    ("fieldName", "template".into()),
                    ("template1", "email_reminder".into()),
                    ("template2", "email_reset".into()),
                ],
            )),
        }
    }

    /// The outbox template id (Magento's configuration names for these mails).
    fn template_id(self) -> &'static str {
        match self {
            ResetMail::Reset => "customer_password_forgot_email_template",
            ResetMail::Reminder => "customer_password_remind_email_template",
        }
    }

    fn subject(self) -> &'static str {
        match self {
            ResetMail::Reset => "Reset your password",
            ResetMail::Reminder => "Password reminder",
        }
    }
}

fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..32).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

fn mismatched() -> ApiError {
    ApiError::new(ErrorCode::ResetTokenMismatch)
}

/// Drops the customer's pending reset, if any.
pub async fn forget(ex: &mut impl Exec, tenant: TenantId, customer_id: i64) -> Result<(), ApiError> {
    ex.execute(sql!(
        "DELETE FROM customer_password_resets WHERE tenant_id = $1 AND customer_id = $2",
        tenant.0,
        customer_id
    ))
    .await
    .storage()
    .map(|_| ())
}

/// `PUT /V1/customers/password`: for an active account with this email in `website_id`,
/// replaces any pending reset with a new token and queues the mail carrying it. Answers
/// nothing either way.
pub async fn initiate(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    website_id: i64,
    email: &str,
    mail: ResetMail,
    base_url: &str,
) -> Result<(), ApiError> {
    let email = email.trim().to_lowercase();
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, firstname FROM customers WHERE tenant_id = $1 AND website_id = $2 AND email = $3 \
             AND is_active = $4",
            tenant.0,
            website_id,
            email.clone(),
            true
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(()) };
    let customer_id: i64 = row.get("id").storage()?;
    let firstname: String = row.get("firstname").storage()?;
    let token = generate();
    ex.execute(sql!(
        "INSERT INTO customer_password_resets (tenant_id, customer_id, token_hash, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, customer_id) DO UPDATE SET token_hash = excluded.token_hash, \
         expires_at = excluded.expires_at",
        tenant.0,
        customer_id,
        tokens::hash(&token),
        clock::after(RESET_LINK_LIFETIME)
    ))
    .await
    .storage()?;
    let link =
        format!("{}/customer/account/createPassword/?id={customer_id}&token={token}", base_url.trim_end_matches('/'));
    let body = format!(
        "Hello {firstname},\n\nThere was recently a request to change the password for your account.\n\n\
         If you requested this change, set a new password here: {link}\n\n\
         The link works for {} hours. If you did not make this request, you can ignore this email \
         and your password will stay the same.\n\nCustomer ID: {customer_id}\nReset token: {token}\n",
        RESET_LINK_LIFETIME.whole_hours()
    );
    let id = ids::next_detached(ex, tenant, "mail_outbox").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO mail_outbox (tenant_id, id, template, recipient, subject, body, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
        tenant.0,
        id,
        mail.template_id(),
        crypto.encrypt(&email),
        mail.subject(),
        crypto.encrypt(&body),
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

/// Checks `token` against the customer's pending reset: mismatched (or none, or unknown
/// customer) and expired are Magento's two 400s.
async fn check_token(ex: &mut impl Exec, tenant: TenantId, customer_id: i64, token: &str) -> Result<(), ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT token_hash, expires_at FROM customer_password_resets WHERE tenant_id = $1 AND customer_id = $2",
            tenant.0,
            customer_id
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Err(mismatched()) };
    let stored: String = row.get("token_hash").storage()?;
    if stored != tokens::hash(token) {
        return Err(mismatched());
    }
    let expires: String = row.get("expires_at").storage()?;
    if expires <= clock::now_text() {
        return Err(ApiError::new(ErrorCode::ResetTokenExpired));
    }
    Ok(())
}

/// `GET /V1/customers/{customerId}/password/resetLinkToken/{resetPasswordLinkToken}`.
pub async fn validate_link(
    ex: &mut impl Exec,
    tenant: TenantId,
    customer_id: i64,
    token: &str,
) -> Result<(), ApiError> {
    if customer_id <= 0 {
        return Err(ApiError::invalid_value("customerId", customer_id));
    }
    if token.trim().is_empty() {
        return Err(ApiError::required("resetPasswordLinkToken"));
    }
    check_token(ex, tenant, customer_id, token).await
}

/// `POST /V1/customers/resetPassword`: checks the token, then the new password's
/// strength, then consumes the token (once only, even under concurrent use), stores the
/// new password and revokes every token of the customer.
pub async fn reset(
    db: &Db,
    tenant: TenantId,
    website_id: i64,
    email: &str,
    token: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    if token.trim().is_empty() {
        return Err(ApiError::required("resetToken"));
    }
    let email = email.trim().to_lowercase();
    let mut reader = db.reader().await.storage()?;
    let customer_id: Option<i64> = reader
        .fetch_optional_scalar(sql!(
            "SELECT id FROM customers WHERE tenant_id = $1 AND website_id = $2 AND email = $3",
            tenant.0,
            website_id,
            email.clone()
        ))
        .await
        .storage()?;
    let Some(customer_id) = customer_id else { return Err(mismatched()) };
    check_token(&mut reader, tenant, customer_id, token).await?;
    drop(reader);
    check_password(new_password, &email)?;
    let hash = password::hash(new_password.to_owned()).await?;
    let mut tx = db.begin().await.storage()?;
    let consumed = tx
        .execute(sql!(
            "DELETE FROM customer_password_resets WHERE tenant_id = $1 AND customer_id = $2 AND token_hash = $3 \
             AND expires_at > $4",
            tenant.0,
            customer_id,
            tokens::hash(token),
            clock::now_text()
        ))
        .await
        .storage()?;
    if consumed != 1 {
        return Err(mismatched());
    }
    set_password(&mut tx, tenant, customer_id, hash).await?;
    tx.commit().await.storage()
}
