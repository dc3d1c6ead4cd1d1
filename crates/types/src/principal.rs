//! Who is making a request. Every request has exactly one principal.

use crate::acl::AclResource;
use crate::ids::{AdminUserId, CustomerId, TenantId};
use std::collections::BTreeSet;

/// The ACL resources granted to an admin user through its role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// `Magento_Backend::all`: every resource, present and future.
    pub all: bool,
    pub resources: BTreeSet<AclResource>,
}

impl Grants {
    pub fn allows(&self, resource: AclResource) -> bool {
        self.all || self.resources.contains(&resource)
    }

    pub fn from_resources(resources: impl IntoIterator<Item = AclResource>) -> Self {
        let resources: BTreeSet<_> = resources.into_iter().collect();
        Grants { all: resources.contains(&AclResource::BackendAll), resources }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No credential was presented, or the credential was unknown or expired.
    Anonymous,
    Admin {
        tenant: TenantId,
        id: AdminUserId,
        username: String,
        grants: Grants,
    },
    Customer {
        tenant: TenantId,
        id: CustomerId,
        email: String,
    },
    /// A third-party system holding an integration's access token (OAuth 1.0a signed, or
    /// as a Bearer token when the store allows it). Reaches exactly its grants.
    Integration {
        tenant: TenantId,
        id: i64,
        name: String,
        grants: Grants,
    },
    /// An integration's OAuth consumer during the activation handshake, its signature
    /// verified: it may exchange tokens (`/oauth/token/*`) and nothing else.
    OAuthConsumer {
        tenant: TenantId,
        consumer_id: i64,
        integration: String,
        /// The verified request token (the access-token step), `None` on the request-token step.
        request_token: Option<i64>,
    },
    /// A platform account's personal access token (`sg_pat_…`, `/api/v1` only). Its grants
    /// per store are already effective: the token's scopes ∩ the account's current role.
    PersonalToken {
        account_id: i64,
        token_id: i64,
        stores: Vec<StoreGrant>,
    },
    /// A platform account signed in with a session token (`sg_ses_…`, `/api/v1` only). Its
    /// grants per store are its roles' grants.
    Account {
        account_id: i64,
        email: String,
        /// The SHA-256 hex of the session token, so that signing out can end this session.
        session_hash: String,
        stores: Vec<StoreGrant>,
    },
}

/// What a platform principal may do in one platform store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreGrant {
    pub store_id: i64,
    pub code: String,
    pub grants: crate::scopes::Grants,
}

impl Principal {
    /// The platform account behind a session or a personal access token.
    pub fn account_id(&self) -> Option<i64> {
        match self {
            Principal::PersonalToken { account_id, .. } | Principal::Account { account_id, .. } => Some(*account_id),
            _ => None,
        }
    }

    /// The platform stores a session or token reaches, with its grants there.
    pub fn platform_stores(&self) -> &[StoreGrant] {
        match self {
            Principal::PersonalToken { stores, .. } | Principal::Account { stores, .. } => stores,
            _ => &[],
        }
    }
}

/// The audit log's view of a principal: kind, id and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalRef {
    pub kind: &'static str,
    pub id: Option<i64>,
    pub name: String,
}

impl Principal {
    pub fn tenant(&self) -> Option<TenantId> {
        match self {
            Principal::Anonymous | Principal::PersonalToken { .. } | Principal::Account { .. } => None,
            Principal::Admin { tenant, .. }
            | Principal::Customer { tenant, .. }
            | Principal::Integration { tenant, .. }
            | Principal::OAuthConsumer { tenant, .. } => Some(*tenant),
        }
    }

    pub fn reference(&self) -> PrincipalRef {
        match self {
            Principal::Anonymous => PrincipalRef { kind: "anonymous", id: None, name: "an anonymous caller".into() },
            Principal::Admin { id, username, .. } => {
                PrincipalRef { kind: "admin", id: Some(id.0), name: format!("admin {username}") }
            }
            // The customer's e-mail is personal data; the audit log names customers by id.
            Principal::Customer { id, .. } => {
                PrincipalRef { kind: "customer", id: Some(id.0), name: format!("customer #{id}") }
            }
            Principal::Integration { id, name, .. } => {
                PrincipalRef { kind: "integration", id: Some(*id), name: format!("integration {name}") }
            }
            Principal::OAuthConsumer { consumer_id, integration, .. } => PrincipalRef {
                kind: "oauth_consumer",
                id: Some(*consumer_id),
                name: format!("the OAuth consumer of integration {integration}"),
            },
            Principal::PersonalToken { token_id, account_id, .. } => PrincipalRef {
                kind: "personal_token",
                id: Some(*token_id),
                name: format!("personal access token #{token_id} of account #{account_id}"),
            },
            // The account's e-mail is personal data; the audit log names accounts by id.
            Principal::Account { account_id, .. } => {
                PrincipalRef { kind: "account", id: Some(*account_id), name: format!("account #{account_id}") }
            }
        }
    }
}
