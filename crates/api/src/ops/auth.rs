//! Token endpoints.

use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Forced, Method, OpSpec, Surface};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::StorageResult;
use storegate_domain::admin;
use storegate_domain::customer::account;
use storegate_domain::tokens::{self, TokenKind};
use storegate_types::ApiError;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Credentials {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub username: Option<String>,
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub password: Option<String>,
}

impl Credentials {
    /// Both fields are required; missing ones are reported together, as Magento does.
    fn require(self) -> Result<(String, String), ApiError> {
        let username = self.username.filter(|u| !u.is_empty());
        let password = self.password.filter(|p| !p.is_empty());
        let mut errors = Vec::new();
        if username.is_none() {
            errors.push(ApiError::required("username"));
        }
        if password.is_none() {
            errors.push(ApiError::required("password"));
        }
        match ApiError::aggregate(errors) {
            Some(e) => Err(e),
            None => Ok((username.unwrap_or_default(), password.unwrap_or_default())),
        }
    }
}

/// The sign-in lockout as this request sees it: failures count per account and per
/// (account, client address).
pub(crate) fn lockout(cx: &Ctx) -> tokens::Lockout<'_> {
    tokens::Lockout { throttle: &cx.settings.throttle, crypto: &cx.settings.crypto, client: cx.client }
}

pub struct CreateAdminToken;

impl Operation for CreateAdminToken {
    const SPEC: OpSpec = OpSpec {
        id: "auth.admin_token.create",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/integration/admin/token",
        acl: Acl::Anonymous,
        group: CapabilityGroup::Auth,
        limits: crate::spec::SIGN_IN_LIMITS,
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Sign in as an admin user and receive a Bearer token (4 hours by default).",
        audit: "{username} signed in to {store} and received an admin token",
        // Not the name tried: a failed attempt's name may be anyone's email address.
        target: None,
    };
    type Input = Credentials;
    type Output = String;

    async fn call(cx: &Ctx, input: Credentials) -> Result<String, ApiError> {
        let (username, password) = input.require()?;
        let lifetime = time::Duration::try_from(cx.settings.admin_token_lifetime).unwrap_or(time::Duration::hours(4));
        admin::sign_in(&cx.db, cx.tenant, &username, &password, &lockout(cx), lifetime).await
    }
}

pub struct CreateCustomerToken;

impl Operation for CreateCustomerToken {
    const SPEC: OpSpec = OpSpec {
        id: "auth.customer_token.create",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/integration/customer/token",
        acl: Acl::Anonymous,
        group: CapabilityGroup::Auth,
        limits: crate::spec::SIGN_IN_LIMITS,
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "Sign in as a customer (username is the email) and receive a Bearer token (1 hour by default).",
        // The email is personal data: the sentence does not name it.
        audit: "a customer signed in to {store} and received a customer token",
        target: None,
    };
    type Input = Credentials;
    type Output = String;

    async fn call(cx: &Ctx, input: Credentials) -> Result<String, ApiError> {
        let (username, password) = input.require()?;
        let lifetime =
            time::Duration::try_from(cx.settings.customer_token_lifetime).unwrap_or(time::Duration::hours(1));
        let website = super::customers::request_website(cx).await?;
        account::sign_in(&cx.db, cx.tenant, website, &username, &password, &lockout(cx), lifetime).await
    }
}

/// The calling customer, bound from the token.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CallingCustomer {
    #[serde(deserialize_with = "crate::wire::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_id: i64,
}

pub struct RevokeCustomerToken;

impl Operation for RevokeCustomerToken {
    const SPEC: OpSpec = OpSpec {
        id: "auth.customer_token.revoke",
        surface: Surface::Magento,
        method: Method::Post,
        path: "/V1/integration/customer/revoke-customer-token",
        acl: Acl::SelfCustomer,
        group: CapabilityGroup::Auth,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[Forced::CustomerId("customer_id")],
        summary: "Revoke every token of the calling customer.",
        audit: "{principal} signed out of {store}, revoking all of their customer tokens",
        target: Some("customer_id"),
    };
    type Input = CallingCustomer;
    type Output = bool;

    async fn call(cx: &Ctx, input: CallingCustomer) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        tokens::revoke_all(&mut tx, cx.tenant, TokenKind::Customer, input.customer_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![CreateAdminToken, CreateCustomerToken, RevokeCustomerToken];
