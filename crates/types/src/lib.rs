//! The shared vocabulary of storegate: error codes, ACL resources, principals and ids.
//!
//! Architecture invariant: this crate does no IO and knows nothing of HTTP, SQL or the
//! async runtime, so every other crate can depend on it.

pub mod acl;
pub mod capability;
pub mod error;
pub mod ids;
pub mod principal;
pub mod scopes;

pub use capability::{Acl, CapabilityGroup, Effect, PlatformAcl};
pub use error::{ApiError, ErrorCode, ErrorKind, Params};
pub use ids::{AdminUserId, CustomerId, RoleId, StoreViewId, TenantId, WebsiteId};
