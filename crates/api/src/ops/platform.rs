//! The platform API (`/api/v1`): sessions, the stores an account reaches, and its personal
//! access tokens. Handlers are thin: the one decision (`access::decide`, from each
//! operation's [`PlatformAcl`]) has already allowed the call; they read the caller's account
//! from the principal and call `storegate_platform`.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, Cache, CapabilityGroup, Effect, Method, OpSpec, Surface};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storegate_domain::StorageResult;
use storegate_platform::pats::{self, NewPat, Pat};
use storegate_platform::{Grants, Level, Mode, Resource, accounts, stores};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, PlatformAcl};
use time::{Duration, OffsetDateTime};

const fn spec(
    id: &'static str,
    method: Method,
    path: &'static str,
    acl: Acl,
    effect: Effect,
    summary: &'static str,
    audit: &'static str,
) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Platform,
        method,
        path,
        acl,
        // Sessions and tokens carry credentials (answered `no-store`); stores override it.
        group: CapabilityGroup::Auth,
        effect,
        forced: &[],
        summary,
        audit,
        target: None,
        limits: &[],
        cache: Cache::Never,
    }
}

const ACCOUNT: Acl = Acl::Platform(PlatformAcl::Account);
const SESSION: Acl = Acl::Platform(PlatformAcl::Session);

/// The calling account; the decision admitted only platform principals, so anything else
/// is a declaration error, answered as a refusal rather than a panic.
fn account_of(cx: &Ctx) -> Result<i64, ApiError> {
    cx.principal.account_id().ok_or_else(|| ApiError::new(storegate_types::ErrorCode::Forbidden))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

// Sessions ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SignInInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: Option<String>,
    #[schemars(length(max = crate::limits::PASSWORD))]
    pub password: Option<String>,
}

/// A new session: its token, shown once, and when it expires (`YYYY-MM-DD HH:MM:SS`, UTC).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SessionOut {
    /// `sg_ses_…`: send it as `Authorization: Bearer …`.
    pub token: String,
    pub expires_at: String,
}

pub struct SignIn;

impl Operation for SignIn {
    const SPEC: OpSpec = OpSpec {
        limits: crate::spec::PLATFORM_SIGN_IN_LIMITS,
        ..spec(
            "platform.sessions.create",
            Method::Post,
            "/auth/sessions",
            Acl::Anonymous,
            Effect::Write,
            "Sign in to a platform account with e-mail and password; answers a session token.",
            "an account signed in to the platform API",
        )
    };
    type Input = SignInInput;
    type Output = SessionOut;

    async fn call(cx: &Ctx, input: SignInInput) -> Result<SessionOut, ApiError> {
        let email = input.email.filter(|e| !e.is_empty());
        let password = input.password.filter(|p| !p.is_empty());
        let mut errors = Vec::new();
        if email.is_none() {
            errors.push(ApiError::required("email"));
        }
        if password.is_none() {
            errors.push(ApiError::required("password"));
        }
        if let Some(e) = ApiError::aggregate(errors) {
            return Err(e);
        }
        let lockout =
            accounts::Lockout { throttle: &cx.settings.throttle, crypto: &cx.settings.crypto, client: cx.client };
        let signed = accounts::sign_in(
            &cx.db,
            &email.unwrap_or_default(),
            &password.unwrap_or_default(),
            &lockout,
            accounts::SESSION_LIFETIME,
            now(),
        )
        .await?;
        Ok(SessionOut { token: signed.session.expose().to_owned(), expires_at: signed.expires_at })
    }
}

pub struct SignOut;

impl Operation for SignOut {
    const SPEC: OpSpec = spec(
        "platform.sessions.delete",
        Method::Delete,
        "/auth/sessions/current",
        SESSION,
        Effect::Write,
        "Sign out: end the session that sent the request.",
        "{principal} signed out of the platform API",
    );
    type Input = NoInput;
    type Output = bool;

    async fn call(cx: &Ctx, _: NoInput) -> Result<bool, ApiError> {
        let Principal::Account { session_hash, .. } = &cx.principal else {
            return Err(ApiError::new(storegate_types::ErrorCode::Forbidden));
        };
        accounts::end_session(&mut cx.db.clone(), session_hash).await
    }
}

// Stores -----------------------------------------------------------------------------------

/// A store the caller reaches, with what the caller may do there.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `live` or `test`.
    pub mode: String,
    /// `embedded` or `gateway`.
    pub kind: String,
    /// The caller's effective grants there, as `resource:level`.
    pub scopes: Vec<String>,
    pub created_at: String,
}

fn store_out(store: stores::Store, grants: &Grants) -> StoreOut {
    StoreOut {
        id: store.id,
        code: store.code,
        name: store.name,
        mode: store.mode.as_str().to_owned(),
        kind: store.kind.as_str().to_owned(),
        scopes: grants.scopes().map(|s| s.to_string()).collect(),
        created_at: store.created_at,
    }
}

pub struct ListStores;

impl Operation for ListStores {
    const SPEC: OpSpec = OpSpec {
        group: CapabilityGroup::Stores,
        ..spec(
            "platform.stores.list",
            Method::Get,
            "/stores",
            ACCOUNT,
            Effect::Read,
            "List the stores the caller reaches (a token: its stores where the account is still a member).",
            "{principal} listed its stores",
        )
    };
    type Input = NoInput;
    type Output = Vec<StoreOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Vec<StoreOut>, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let mut out = Vec::new();
        for held in cx.principal.platform_stores() {
            out.push(store_out(stores::get(&mut r, held.store_id).await?, &held.grants));
        }
        Ok(out)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StoreIdInput {
    /// The store's id or code.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub store_id: String,
}

pub struct GetStore;

impl Operation for GetStore {
    const SPEC: OpSpec = OpSpec {
        group: CapabilityGroup::Stores,
        ..spec(
            "platform.stores.get",
            Method::Get,
            "/stores/{storeId}",
            Acl::Platform(PlatformAcl::Store(Resource::Stores, Level::Read)),
            Effect::Read,
            "One store the caller reaches, by id or code.",
            "{principal} read store {store_id}",
        )
    };
    type Input = StoreIdInput;
    type Output = StoreOut;

    async fn call(cx: &Ctx, input: StoreIdInput) -> Result<StoreOut, ApiError> {
        // The decision admitted the call for this store, so the principal holds it.
        let held = cx
            .principal
            .platform_stores()
            .iter()
            .find(|s| s.store_id.to_string() == input.store_id || s.code == input.store_id)
            .ok_or_else(|| ApiError::no_such_entity("storeId", input.store_id.clone()))?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(store_out(stores::get(&mut r, held.store_id).await?, &held.grants))
    }
}

// Tokens -----------------------------------------------------------------------------------

/// A personal access token's metadata. The secret is never shown again after creation.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    /// `live` or `test`.
    pub mode: String,
    /// `sg_pat_live_` or `sg_pat_test_`.
    pub prefix: String,
    /// The secret's last four characters, to recognise it.
    pub last4: String,
    /// Store codes.
    pub stores: Vec<String>,
    /// `resource:level` scopes, as granted (effective grants are also bounded by the role).
    pub scopes: Vec<String>,
    pub allowed_ips: Vec<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<String>,
    pub rotated_from: Option<i64>,
    pub grace_until: Option<String>,
    /// Whether it would be accepted now.
    pub active: bool,
}

impl From<Pat> for TokenOut {
    fn from(p: Pat) -> TokenOut {
        let active = p.is_active(now());
        TokenOut {
            id: p.id,
            name: p.name,
            mode: p.mode.as_str().to_owned(),
            prefix: p.prefix,
            last4: p.last4,
            stores: p.stores.into_iter().map(|s| s.code).collect(),
            scopes: p.scopes.scopes().map(|s| s.to_string()).collect(),
            allowed_ips: p.allowed_ips.iter().map(|n| n.to_string()).collect(),
            created_at: p.created_at,
            expires_at: p.expires_at,
            last_used_at: p.last_used_at,
            last_used_ip: p.last_used_ip,
            revoked_at: p.revoked_at,
            rotated_from: p.rotated_from,
            grace_until: p.grace_until,
            active,
        }
    }
}

/// A new token: the secret, shown this once, and its metadata.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedTokenOut {
    /// `sg_pat_live_…`: shown once; store it now.
    pub token: String,
    #[serde(flatten)]
    pub metadata: TokenOut,
}

impl From<pats::CreatedPat> for CreatedTokenOut {
    fn from(c: pats::CreatedPat) -> CreatedTokenOut {
        CreatedTokenOut { token: c.token.expose().to_owned(), metadata: c.pat.into() }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenInput {
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// `live` (default) or `test`.
    #[serde(default)]
    #[schemars(length(max = 8))]
    pub mode: Option<String>,
    /// Store codes (or ids) the token reaches.
    #[schemars(length(max = 100), inner(length(max = crate::limits::VARCHAR)))]
    pub stores: Vec<String>,
    /// `resource:level`, e.g. `products:read`.
    #[schemars(length(max = 64), inner(length(max = 64)))]
    pub scopes: Vec<String>,
    /// Days until it expires (1 to 366); never when absent.
    #[serde(default)]
    #[schemars(range(min = 1, max = 366))]
    pub expires_in_days: Option<i64>,
    /// CIDRs or addresses it may be used from; any when empty.
    #[serde(default)]
    #[schemars(length(max = 64), inner(length(max = 64)))]
    pub allowed_ips: Vec<String>,
}

pub struct ListTokens;

impl Operation for ListTokens {
    const SPEC: OpSpec = spec(
        "platform.tokens.list",
        Method::Get,
        "/tokens",
        ACCOUNT,
        Effect::Read,
        "List the account's personal access tokens (metadata only; revoked ones included).",
        "{principal} listed its tokens",
    );
    type Input = NoInput;
    type Output = Vec<TokenOut>;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Vec<TokenOut>, ApiError> {
        let account = account_of(cx)?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(pats::list(&mut r, account).await?.into_iter().map(Into::into).collect())
    }
}

pub struct CreateToken;

impl Operation for CreateToken {
    const SPEC: OpSpec = spec(
        "platform.tokens.create",
        Method::Post,
        "/tokens",
        SESSION,
        Effect::Write,
        "Create a personal access token for selected stores and scopes; the secret is shown once.",
        "{principal} created personal access token \"{name}\"",
    );
    type Input = CreateTokenInput;
    type Output = CreatedTokenOut;

    async fn call(cx: &Ctx, input: CreateTokenInput) -> Result<CreatedTokenOut, ApiError> {
        let account = account_of(cx)?;
        let mode = match input.mode.as_deref() {
            None => Mode::Live,
            Some(m) => Mode::parse(m).ok_or_else(|| ApiError::invalid_value("mode", m))?,
        };
        let scopes = Grants::parse(input.scopes.iter().map(String::as_str))
            .map_err(|bad| ApiError::invalid_value("scopes", bad))?;
        if scopes.is_empty() {
            return Err(ApiError::required("scopes"));
        }
        let expires_at = match input.expires_in_days {
            None => None,
            Some(d @ 1..=366) => Some(now() + Duration::days(d)),
            Some(d) => return Err(ApiError::invalid_value("expires_in_days", d)),
        };
        let allowed_ips = input.allowed_ips.iter().map(|t| pats::parse_cidr(t)).collect::<Result<Vec<_>, _>>()?;
        let mut tx = cx.db.begin().await.storage()?;
        let mut store_ids = Vec::with_capacity(input.stores.len());
        for s in &input.stores {
            let store = match s.parse::<i64>() {
                Ok(id) => stores::get(&mut tx, id).await?,
                Err(_) => stores::by_code(&mut tx, s).await?,
            };
            store_ids.push(store.id);
        }
        let new = NewPat { name: input.name, mode, stores: store_ids, scopes, expires_at, allowed_ips };
        let created = pats::create(&mut tx, account, &new, now()).await?;
        tx.commit().await.storage()?;
        Ok(created.into())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TokenIdInput {
    #[schemars(length(max = 20))]
    pub token_id: String,
}

impl TokenIdInput {
    fn id(&self) -> Result<i64, ApiError> {
        self.token_id.parse().map_err(|_| ApiError::invalid_value("tokenId", self.token_id.clone()))
    }
}

pub struct GetToken;

impl Operation for GetToken {
    const SPEC: OpSpec = spec(
        "platform.tokens.get",
        Method::Get,
        "/tokens/{tokenId}",
        ACCOUNT,
        Effect::Read,
        "One of the account's personal access tokens (metadata only).",
        "{principal} read personal access token #{id}",
    );
    type Input = TokenIdInput;
    type Output = TokenOut;

    async fn call(cx: &Ctx, input: TokenIdInput) -> Result<TokenOut, ApiError> {
        let account = account_of(cx)?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(pats::get(&mut r, account, input.id()?).await?.into())
    }
}

pub struct RevokeToken;

impl Operation for RevokeToken {
    const SPEC: OpSpec = spec(
        "platform.tokens.revoke",
        Method::Delete,
        "/tokens/{tokenId}",
        SESSION,
        Effect::Destructive,
        "Revoke one of the account's personal access tokens; it is refused from the next request.",
        "{principal} revoked personal access token #{id}",
    );
    type Input = TokenIdInput;
    type Output = TokenOut;

    async fn call(cx: &Ctx, input: TokenIdInput) -> Result<TokenOut, ApiError> {
        let account = account_of(cx)?;
        let id = input.id()?;
        let mut tx = cx.db.begin().await.storage()?;
        pats::revoke(&mut tx, account, id, now()).await?;
        let pat = pats::get(&mut tx, account, id).await?;
        tx.commit().await.storage()?;
        Ok(pat.into())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RotateInput {
    #[schemars(length(max = 20))]
    pub token_id: String,
    /// How long the old secret keeps working, in seconds (0, the default, to 86400).
    #[serde(default)]
    #[schemars(range(min = 0, max = 86400))]
    pub grace_seconds: Option<i64>,
}

pub struct RotateToken;

impl Operation for RotateToken {
    const SPEC: OpSpec = spec(
        "platform.tokens.rotate",
        Method::Post,
        "/tokens/{tokenId}/rotate",
        SESSION,
        Effect::Write,
        "Issue a new secret for a token (same name, stores and scopes); the old one lasts the grace period.",
        "{principal} rotated personal access token #{rotated_from} into #{id}",
    );
    type Input = RotateInput;
    type Output = CreatedTokenOut;

    async fn call(cx: &Ctx, input: RotateInput) -> Result<CreatedTokenOut, ApiError> {
        let account = account_of(cx)?;
        let id = TokenIdInput { token_id: input.token_id }.id()?;
        let grace = Duration::seconds(input.grace_seconds.unwrap_or(0));
        let mut tx = cx.db.begin().await.storage()?;
        let created = pats::rotate(&mut tx, account, id, grace, now()).await?;
        tx.commit().await.storage()?;
        Ok(created.into())
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    SignIn,
    SignOut,
    ListStores,
    GetStore,
    ListTokens,
    CreateToken,
    GetToken,
    RevokeToken,
    RotateToken
];
