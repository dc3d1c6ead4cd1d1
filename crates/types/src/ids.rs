//! Typed identifiers, so a customer id can never be passed where a tenant id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type! {
    /// A platform store (DESIGN.md "Tenancy"). Called a tenant in code so that it is never
    /// confused with a Magento store view.
    TenantId;
    /// A Magento store view (`store_id` on the wire).
    StoreViewId;
    /// A Magento website.
    WebsiteId;
    /// An admin user of one tenant.
    AdminUserId;
    /// An admin role of one tenant.
    RoleId;
    /// A customer of one tenant.
    CustomerId;
}
