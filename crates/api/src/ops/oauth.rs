//! The OAuth 1.0a token exchange of an integration's activation (Magento's
//! `/oauth/token/request` and `/oauth/token/access`), on the OAuth surface: fixed absolute
//! paths as in Magento, answers form-encoded
//! (`oauth_token=…&oauth_token_secret=…`). The dispatcher verifies the signed request
//! (consumer, timestamp, nonce, request token, verifier, signature) before either runs;
//! the permission decision admits only a consumer so verified.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation, Reply};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_domain::oauth::{self, TokenPair};
use storegate_types::ApiError;
use storegate_types::principal::Principal;

const fn exchange(id: &'static str, path: &'static str, summary: &'static str, audit: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::OAuth,
        method: Method::Post,
        path,
        acl: Acl::OAuthConsumer,
        group: CapabilityGroup::Auth,
        // Token exchanges are sign-ins of a consumer: the same per-address quota.
        limits: crate::spec::TOKEN_EXCHANGE_LIMITS,
        cache: crate::spec::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary,
        audit,
        target: None,
    }
}

/// The verified consumer and request token, as the dispatcher established them.
fn consumer(cx: &Ctx) -> Result<(i64, Option<i64>), ApiError> {
    match &cx.principal {
        Principal::OAuthConsumer { consumer_id, request_token, .. } => Ok((*consumer_id, *request_token)),
        _ => Err(ApiError::internal("the token exchange ran without a verified OAuth consumer")),
    }
}

/// `oauth_token=…&oauth_token_secret=…`, Magento's answer.
fn form(pair: TokenPair) -> String {
    let encode = oauth::signature::encode;
    format!("oauth_token={}&oauth_token_secret={}", encode(&pair.token), encode(&pair.secret))
}

fn form_reply(body: String) -> Result<Reply, ApiError> {
    Ok(Reply::Text { body, content_type: "application/x-www-form-urlencoded" })
}

pub struct RequestToken;

impl Operation for RequestToken {
    const SPEC: OpSpec = exchange(
        "oauth.token.request",
        "/oauth/token/request",
        "OAuth 1.0a: a request token for an integration's consumer (signed with the consumer secret).",
        "{principal} received a request token",
    );
    type Input = NoInput;
    type Output = String;

    async fn call(cx: &Ctx, _: NoInput) -> Result<String, ApiError> {
        let (consumer, _) = consumer(cx)?;
        oauth::request_token(&cx.db, cx.tenant, &cx.settings.crypto, consumer).await.map(form)
    }

    fn reply(output: String) -> Result<Reply, ApiError> {
        form_reply(output)
    }
}

pub struct AccessToken;

impl Operation for AccessToken {
    const SPEC: OpSpec = exchange(
        "oauth.token.access",
        "/oauth/token/access",
        "OAuth 1.0a: the integration's long-lived access token for a request token and its verifier.",
        "{principal} received an access token",
    );
    type Input = NoInput;
    type Output = String;

    async fn call(cx: &Ctx, _: NoInput) -> Result<String, ApiError> {
        match consumer(cx)? {
            (consumer, Some(request)) => {
                oauth::access_token(&cx.db, cx.tenant, &cx.settings.crypto, consumer, request).await.map(form)
            }
            // Signed without a request token: Magento requires one here.
            (_, None) => Err(ApiError::required("oauth_token")),
        }
    }

    fn reply(output: String) -> Result<Reply, ApiError> {
        form_reply(output)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![RequestToken, AccessToken];
