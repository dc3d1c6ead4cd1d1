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
}

impl Acl {
    /// The `%resources` parameter of Magento's authorization error.
    pub fn describe(&self) -> String {
        match self {
            Acl::Anonymous => "anonymous".into(),
            Acl::SelfCustomer => "self".into(),
            Acl::OAuthConsumer => "oauth_consumer".into(),
            Acl::Resources(list) => list.iter().map(|r| r.id()).collect::<Vec<_>>().join(", "),
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
