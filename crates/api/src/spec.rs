//! The declaration every operation makes once. From these the router, the permission
//! check, the OpenAPI document and the audit sentences are derived.

pub use storegate_types::{Acl, CapabilityGroup, Effect};

/// Which API surface an operation belongs to; each has its own paths and error format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Surface {
    /// `/rest[/<store_code>]/V1/…`: paths are declared without that prefix.
    Magento,
    /// Health, readiness and metrics at fixed absolute paths.
    System,
    /// Magento's OAuth 1.0a token exchange at `/oauth/…`: form-encoded answers, and errors
    /// as `oauth_problem=…`, as Magento's token controllers give them.
    OAuth,
    /// The platform API at `/api/v1/…`: paths are declared without that prefix; JSON with
    /// snake_case fields; errors as RFC 9457 `application/problem+json`.
    Platform,
}

/// The URL prefix of [`Surface::Platform`] paths.
pub const PLATFORM_PREFIX: &str = "/api/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// A parameter bound from the caller's identity, never from the request (Magento's
/// `<parameter force="true">%customer_id%</parameter>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forced {
    /// Sets the named input field to the calling customer's id.
    CustomerId(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct OpSpec {
    /// Stable id: operationId, audit key, later the MCP tool name and token scope.
    pub id: &'static str,
    pub surface: Surface,
    pub method: Method,
    /// Path template with `{name}` parameters, relative to the surface's prefix.
    pub path: &'static str,
    pub acl: Acl,
    pub group: CapabilityGroup,
    pub effect: Effect,
    pub forced: &'static [Forced],
    /// One sentence; the OpenAPI summary.
    pub summary: &'static str,
    /// Plain-English audit sentence with `{placeholders}` from `principal`, `store`, the
    /// input and the output (dotted paths reach nested fields).
    pub audit: &'static str,
    /// The placeholder naming what the operation acted on, for the audit log's target column.
    pub target: Option<&'static str>,
    /// The rate limits the dispatcher applies before the handler runs (quotas are
    /// configuration: `storegate_http::throttle`). Empty for most operations.
    pub limits: &'static [Limit],
    /// Whether the response cache may keep its answers.
    pub cache: Cache,
}

/// Whether an operation's answers may be kept and served again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// Never: the answer depends on who asks, or the operation changes something.
    Never,
    /// The answer depends only on the input and the store view, never on who asks, so any
    /// caller that passes the permission decision may be served a kept answer. Any commit
    /// retires every kept answer (`storegate_http::cache`).
    Shared,
}

/// One rate limit on an operation: which quota, counted per what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    pub policy: Policy,
    pub key: LimitKey,
}

impl Limit {
    /// Counted per client address.
    pub const fn per_address(policy: Policy) -> Limit {
        Limit { policy, key: LimitKey::Address }
    }

    /// Counted per value of an input field (an account's user name or email, a cart).
    pub const fn per_field(policy: Policy, field: &'static str) -> Limit {
        Limit { policy, key: LimitKey::Field(field) }
    }
}

/// What a limit counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey {
    /// The client's address (`storegate_http::client::address`).
    Address,
    /// The value of this (snake_case) input field, after forced parameters are bound;
    /// compared case-insensitively, so `A@x` and `a@x` share a count.
    Field(&'static str),
}

/// The named quotas. Each has its own configurable rate; an operation may be under several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Policy {
    SignInPerAddress,
    SignInPerAccount,
    PasswordResetPerAddress,
    PasswordResetPerAccount,
    RegistrationPerAddress,
    GuestCartPerAddress,
    CouponPerAddress,
    CouponPerCart,
    /// Operations queued through `/rest/async/…` by anonymous and customer callers.
    QueuedPerCaller,
}

impl Policy {
    pub const ALL: &'static [Policy] = &[
        Policy::SignInPerAddress,
        Policy::SignInPerAccount,
        Policy::PasswordResetPerAddress,
        Policy::PasswordResetPerAccount,
        Policy::RegistrationPerAddress,
        Policy::GuestCartPerAddress,
        Policy::CouponPerAddress,
        Policy::CouponPerCart,
        Policy::QueuedPerCaller,
    ];

    /// The policy's name in `RateLimit-Policy` headers and configuration.
    pub const fn name(self) -> &'static str {
        match self {
            Policy::SignInPerAddress => "sign-in-per-address",
            Policy::SignInPerAccount => "sign-in-per-account",
            Policy::PasswordResetPerAddress => "password-reset-per-address",
            Policy::PasswordResetPerAccount => "password-reset-per-account",
            Policy::RegistrationPerAddress => "registration-per-address",
            Policy::GuestCartPerAddress => "guest-cart-per-address",
            Policy::CouponPerAddress => "coupon-per-address",
            Policy::CouponPerCart => "coupon-per-cart",
            Policy::QueuedPerCaller => "queued-per-caller",
        }
    }
}

/// The limits of a sign-in whose account is the `username` field.
pub const SIGN_IN_LIMITS: &[Limit] =
    &[Limit::per_address(Policy::SignInPerAddress), Limit::per_field(Policy::SignInPerAccount, "username")];
/// The limits of a platform account's sign-in, whose account is the `email` field.
pub const PLATFORM_SIGN_IN_LIMITS: &[Limit] =
    &[Limit::per_address(Policy::SignInPerAddress), Limit::per_field(Policy::SignInPerAccount, "email")];
/// The limits of an OAuth token exchange: a consumer's sign-in, per address.
pub const TOKEN_EXCHANGE_LIMITS: &[Limit] = &[Limit::per_address(Policy::SignInPerAddress)];
/// The limits of an anonymous registration.
pub const REGISTRATION_LIMITS: &[Limit] = &[Limit::per_address(Policy::RegistrationPerAddress)];
/// The limits of opening a guest cart.
pub const GUEST_CART_LIMITS: &[Limit] = &[Limit::per_address(Policy::GuestCartPerAddress)];
/// The limits of applying a coupon to the cart named by `cart_field`'s value (two consts,
/// as a declaration cannot build a slice at run time).
pub const COUPON_LIMITS_BY_CUSTOMER: &[Limit] =
    &[Limit::per_address(Policy::CouponPerAddress), Limit::per_field(Policy::CouponPerCart, "customer_id")];
pub const COUPON_LIMITS_BY_CART: &[Limit] =
    &[Limit::per_address(Policy::CouponPerAddress), Limit::per_field(Policy::CouponPerCart, "cart_id")];
/// The limits of a password reset for the account named by the `email` field.
pub const PASSWORD_RESET_LIMITS: &[Limit] =
    &[Limit::per_address(Policy::PasswordResetPerAddress), Limit::per_field(Policy::PasswordResetPerAccount, "email")];

impl OpSpec {
    /// Path parameter names as written in the path, in order (the input field is their
    /// snake_case form, see [`crate::input::snake_case`]).
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            // `{*rest}` is a catch-all whose parameter is called `rest`.
            .map(|name| name.trim_start_matches('*'))
            .collect()
    }

    /// Whether `/rest/async/…` and `/rest/async/bulk/…` may queue it: a Magento write, but not
    /// a sign-in (a token issued in the background would be kept in the bulk's results, for
    /// anyone who may read bulk status).
    pub fn queueable(&self) -> bool {
        self.surface == Surface::Magento && self.method != Method::Get && self.group != CapabilityGroup::Auth
    }

    /// Whether its answers carry credentials (sign-ins, the OAuth token exchange): those are
    /// answered `Cache-Control: no-store`, errors included, so no cache keeps a token.
    pub fn carries_credentials(&self) -> bool {
        self.group == CapabilityGroup::Auth || self.surface == Surface::OAuth
    }

    /// Reads are audited only for principals whose policy asks for it; writes and
    /// denials always.
    pub fn audits_success(&self) -> bool {
        self.effect.is_write()
    }
}
