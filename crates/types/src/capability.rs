//! What an operation needs (its ACL requirement) and what it does (capability group and
//! effect). The effect is the axis Magento's ACL lacks: `Magento_Catalog::products` guards
//! GET and DELETE alike, while tokens and agents need to tell read from write.

use crate::acl::AclResource;
use serde::Serialize;

/// The credential an operation requires, as Magento's webapi.xml `<resources>` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acl {
    /// No credential needed (`anonymous`).
    Anonymous,
    /// A customer acting on their own data (`self`); forced parameters bind the customer.
    SelfCustomer,
    /// An admin or integration holding every listed resource (AND, as Magento checks them).
    Resources(&'static [AclResource]),
    /// An integration's OAuth consumer whose handshake signature was verified
    /// (`/oauth/token/request`, `/oauth/token/access`).
    OAuthConsumer,
    /// A platform API (`/api/v1`) operation: what the caller's account, session or
    /// personal access token must hold (see [`PlatformAcl`]).
    Platform(PlatformAcl),
}

/// What a platform operation needs. Typed, so that the one decision
/// (`storegate_domain::access::decide`) compares enums, never strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformAcl {
    /// `resource` at `level` in the store the request addresses (its `{storeId}`): a
    /// session through the account's role there, a token through its effective grants.
    Store(crate::scopes::Resource, crate::scopes::Level),
    /// Anything signed in to an account (a session or a personal access token), acting on
    /// that account's own records (`GET /tokens`, `GET /stores`).
    Account,
    /// A session only: creating, rotating and revoking tokens, signing out. A token can
    /// never mint or revoke tokens, so a leaked token cannot outlive its revocation.
    Session,
}

impl Acl {
    /// The `%resources` parameter of Magento's authorization error.
    pub fn describe(&self) -> String {
        match self {
            Acl::Anonymous => "anonymous".into(),
            Acl::SelfCustomer => "self".into(),
            Acl::OAuthConsumer => "oauth_consumer".into(),
            Acl::Resources(list) => list.iter().map(|r| r.id()).collect::<Vec<_>>().join(", "),
            Acl::Platform(PlatformAcl::Store(resource, level)) => format!("{resource}:{level}"),
            Acl::Platform(PlatformAcl::Account) => "account".into(),
            Acl::Platform(PlatformAcl::Session) => "session".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Read,
    Write,
    Destructive,
}

impl Effect {
    pub fn is_write(self) -> bool {
        !matches!(self, Effect::Read)
    }
}

/// The groups agents and tokens are granted by (off / read / full per group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityGroup {
    System,
    Auth,
    Stores,
    Products,
    Categories,
    Customers,
    Carts,
    Orders,
    Invoices,
    Shipments,
    Creditmemos,
    Inventory,
    Cms,
    Pricing,
    /// The status of queued (async and bulk) operations.
    Bulk,
}
