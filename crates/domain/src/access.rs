//! Who is calling, and the one permission decision every surface asks.
//!
//! Architecture invariant: [`decide`] is the only place that says yes or no to an
//! operation. Handlers never check permissions themselves.

use crate::tokens::{self, TokenKind};
use crate::{StorageResult, admin};
use std::borrow::Cow;
use storegate_db::{Exec, sql};
use storegate_types::principal::{Grants, Principal};
use storegate_types::{Acl, ApiError, CustomerId, Effect, ErrorCode, Params, PlatformAcl, TenantId};

/// The outcome of [`decide`], with the reason the audit log records.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    /// Borrowed for the fixed reasons, so that allowing a request allocates nothing.
    pub reason: Cow<'static, str>,
    /// Present when denied: the error the caller gets.
    pub error: Option<ApiError>,
}

impl Decision {
    fn allow(reason: impl Into<Cow<'static, str>>) -> Decision {
        Decision { allowed: true, reason: reason.into(), error: None }
    }

    fn deny(code: ErrorCode, acl: &Acl, reason: impl Into<Cow<'static, str>>) -> Decision {
        let error = ApiError {
            params: Params::Named(vec![("resources".into(), serde_json::Value::String(acl.describe()))]),
            ..ApiError::new(code)
        };
        Decision { allowed: false, reason: reason.into(), error: Some(error) }
    }
}

/// `(principal, operation, tenant, addressed platform store) → decision`. `store` is the
/// platform store a `/api/v1/stores/{storeId}/…` request addresses (`None` elsewhere); only
/// [`PlatformAcl::Store`] looks at it.
pub fn decide(principal: &Principal, acl: &Acl, effect: Effect, tenant: TenantId, store: Option<i64>) -> Decision {
    let _ = effect; // Admin roles are coarse, as in Magento; tokens and agents use the effect.
    if let Some(own) = principal.tenant()
        && own != tenant
    {
        return Decision::deny(ErrorCode::Forbidden, acl, "the credential belongs to another store");
    }
    match (acl, principal) {
        (Acl::Anonymous, _) => Decision::allow("the operation is open to anyone"),
        (_, Principal::Anonymous) => {
            Decision::deny(ErrorCode::Unauthenticated, acl, "no valid credential was presented")
        }
        // Platform credentials reach `/api/v1` only, until the gateway maps their grants
        // onto Magento's resources.
        (Acl::SelfCustomer | Acl::Resources(_), Principal::PersonalToken { .. } | Principal::Account { .. }) => {
            Decision::deny(ErrorCode::Forbidden, acl, "platform credentials do not reach the Magento surface yet")
        }
        (Acl::SelfCustomer, Principal::Customer { .. }) => Decision::allow("customers may act on their own data"),
        (Acl::SelfCustomer, _) => Decision::deny(ErrorCode::Forbidden, acl, "only a customer may use this operation"),
        (Acl::Resources(needed), Principal::Admin { grants, .. }) => match missing(grants, needed) {
            None => Decision::allow(format!("the role grants {}", acl.describe())),
            Some(r) => Decision::deny(ErrorCode::Forbidden, acl, format!("the role lacks {}", r.id())),
        },
        (Acl::Resources(needed), Principal::Integration { grants, .. }) => match missing(grants, needed) {
            None => Decision::allow(format!("the integration grants {}", acl.describe())),
            Some(r) => Decision::deny(ErrorCode::Forbidden, acl, format!("the integration lacks {}", r.id())),
        },
        (Acl::Resources(_), Principal::Customer { .. }) => {
            Decision::deny(ErrorCode::Forbidden, acl, "customers cannot use admin operations")
        }
        // A consumer mid-handshake holds no access token yet: it reaches nothing else.
        (Acl::Resources(_), Principal::OAuthConsumer { .. }) => {
            Decision::deny(ErrorCode::Unauthenticated, acl, "an OAuth consumer without an access token")
        }
        (Acl::OAuthConsumer, Principal::OAuthConsumer { .. }) => {
            Decision::allow("the OAuth consumer's handshake signature was verified")
        }
        (Acl::OAuthConsumer, _) => {
            Decision::deny(ErrorCode::Unauthenticated, acl, "only a signed OAuth consumer may exchange tokens")
        }
        (Acl::Platform(need), Principal::PersonalToken { stores, .. } | Principal::Account { stores, .. }) => {
            let kind = if matches!(principal, Principal::Account { .. }) { "session" } else { "token" };
            match need {
                PlatformAcl::Account => Decision::allow("the account acts on its own records"),
                PlatformAcl::Session if kind == "session" => Decision::allow("a signed-in session manages its account"),
                PlatformAcl::Session => {
                    Decision::deny(ErrorCode::Forbidden, acl, "only a signed-in session may manage tokens")
                }
                PlatformAcl::Store(resource, level) => {
                    let held = store.and_then(|id| stores.iter().find(|s| s.store_id == id));
                    match held {
                        Some(s) if s.grants.allows(*resource, *level) => {
                            Decision::allow(format!("the {kind} holds {resource}:{level} in store {}", s.code))
                        }
                        Some(s) => Decision::deny(
                            ErrorCode::Forbidden,
                            acl,
                            format!("the {kind} lacks {resource}:{level} in store {}", s.code),
                        ),
                        None => {
                            Decision::deny(ErrorCode::Forbidden, acl, format!("the {kind} does not reach this store"))
                        }
                    }
                }
            }
        }
        (Acl::Platform(_), _) => {
            Decision::deny(ErrorCode::Forbidden, acl, "only a platform account's session or token may use /api/v1")
        }
    }
}

fn missing(grants: &Grants, needed: &[storegate_types::acl::AclResource]) -> Option<storegate_types::acl::AclResource> {
    needed.iter().copied().find(|r| !grants.allows(*r))
}

/// Resolves a Bearer token to its principal. Unknown, expired and revoked tokens make the
/// caller anonymous, as Magento treats them; the permission decision then refuses.
/// Grants are read on every request so that role changes apply at once.
pub async fn authenticate_bearer(ex: &mut impl Exec, tenant: TenantId, token: &str) -> Result<Principal, ApiError> {
    Ok(authenticate_bearer_until(ex, tenant, token).await?.0)
}

/// As [`authenticate_bearer`], with the token's expiry (`None` for an anonymous result), so
/// that a cache of the answer never outlives the token.
pub async fn authenticate_bearer_until(
    ex: &mut impl Exec,
    tenant: TenantId,
    token: &str,
) -> Result<(Principal, Option<String>), ApiError> {
    let Some(resolved) = tokens::resolve(ex, tenant, token).await? else { return Ok((Principal::Anonymous, None)) };
    let principal = principal_of(ex, tenant, resolved.kind, resolved.subject).await?;
    let until = (principal != Principal::Anonymous).then_some(resolved.expires_at);
    Ok((principal, until))
}

/// The principal a background job acts for, read again when it runs (as Magento's consumer
/// does), so a user disabled or a role narrowed after the job was accepted applies to it.
/// `user_type` is Magento's: 1 integration, 2 admin, 3 customer, 4 guest.
pub async fn reload(
    ex: &mut impl Exec,
    tenant: TenantId,
    user_type: i64,
    user_id: Option<i64>,
) -> Result<Principal, ApiError> {
    match (user_type, user_id) {
        (1, Some(id)) => {
            // Reauthorising an integration revokes what it was trusted with until then.
            let active: Option<String> = ex
                .fetch_optional_scalar(sql!(
                    "SELECT status FROM integrations WHERE tenant_id = $1 AND id = $2",
                    tenant.0,
                    id
                ))
                .await
                .storage()?;
            match active.as_deref() {
                Some("active") => crate::integration::principal(ex, tenant, id).await,
                _ => Ok(Principal::Anonymous),
            }
        }
        (2, Some(id)) => principal_of(ex, tenant, TokenKind::Admin, id).await,
        (3, Some(id)) => principal_of(ex, tenant, TokenKind::Customer, id).await,
        _ => Ok(Principal::Anonymous),
    }
}

async fn principal_of(
    ex: &mut impl Exec,
    tenant: TenantId,
    kind: TokenKind,
    subject: i64,
) -> Result<Principal, ApiError> {
    match (kind, subject) {
        (TokenKind::Admin, id) => match admin::find_active_user(ex, tenant, id).await? {
            Some(user) => {
                let grants = admin::grants(ex, tenant, user.role_id).await?;
                Ok(Principal::Admin { tenant, id: user.id, username: user.username, grants })
            }
            None => Ok(Principal::Anonymous),
        },
        (TokenKind::Customer, id) => {
            let row = ex
                .fetch_optional(sql!(
                    "SELECT email FROM customers WHERE tenant_id = $1 AND id = $2 AND is_active = $3",
                    tenant.0,
                    id,
                    true
                ))
                .await
                .storage()?;
            Ok(match row {
                Some(r) => Principal::Customer { tenant, id: CustomerId(id), email: r.at(0).storage()? },
                None => Principal::Anonymous,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storegate_types::AdminUserId;
    use storegate_types::acl::AclResource;

    fn admin(resources: &[AclResource]) -> Principal {
        Principal::Admin {
            tenant: TenantId(1),
            id: AdminUserId(1),
            username: "a".into(),
            grants: Grants::from_resources(resources.iter().copied()),
        }
    }

    const PRODUCTS: Acl = Acl::Resources(&[AclResource::CatalogProducts]);

    #[test]
    fn deny_by_default_and_exact_resources() {
        let t = TenantId(1);
        assert!(decide(&Principal::Anonymous, &Acl::Anonymous, Effect::Read, t, None).allowed);
        let d = decide(&Principal::Anonymous, &PRODUCTS, Effect::Read, t, None);
        assert_eq!(d.error.unwrap().code, ErrorCode::Unauthenticated);
        assert!(decide(&admin(&[AclResource::CatalogProducts]), &PRODUCTS, Effect::Write, t, None).allowed);
        // A parent does not grant its children, as in Magento.
        let d = decide(&admin(&[AclResource::CatalogInventory]), &PRODUCTS, Effect::Read, t, None);
        assert!(!d.allowed);
        assert_eq!(d.error.unwrap().message(), "The consumer isn't authorized to access Magento_Catalog::products.");
        assert!(decide(&admin(&[AclResource::BackendAll]), &PRODUCTS, Effect::Destructive, t, None).allowed);
    }

    #[test]
    fn other_tenants_and_wrong_principal_kinds_are_refused() {
        let root = admin(&[AclResource::BackendAll]);
        assert!(!decide(&root, &PRODUCTS, Effect::Read, TenantId(2), None).allowed);
        assert!(!decide(&root, &Acl::SelfCustomer, Effect::Read, TenantId(1), None).allowed);
        let customer = Principal::Customer { tenant: TenantId(1), id: CustomerId(3), email: "c@example.com".into() };
        assert!(decide(&customer, &Acl::SelfCustomer, Effect::Write, TenantId(1), None).allowed);
        assert!(!decide(&customer, &PRODUCTS, Effect::Read, TenantId(1), None).allowed);
    }

    #[test]
    fn integrations_reach_exactly_their_grants_and_consumers_only_the_handshake() {
        let t = TenantId(1);
        let integration = Principal::Integration {
            tenant: t,
            id: 4,
            name: "erp".into(),
            grants: Grants::from_resources([AclResource::CatalogProducts]),
        };
        assert!(decide(&integration, &PRODUCTS, Effect::Write, t, None).allowed);
        let orders = Acl::Resources(&[AclResource::SalesActionsView]);
        let d = decide(&integration, &orders, Effect::Read, t, None);
        assert_eq!(d.error.unwrap().code, ErrorCode::Forbidden);
        assert!(!decide(&integration, &Acl::OAuthConsumer, Effect::Write, t, None).allowed);
        assert!(!decide(&integration, &PRODUCTS, Effect::Read, TenantId(2), None).allowed);
        let consumer =
            Principal::OAuthConsumer { tenant: t, consumer_id: 1, integration: "erp".into(), request_token: None };
        assert!(decide(&consumer, &Acl::OAuthConsumer, Effect::Write, t, None).allowed);
        assert!(!decide(&consumer, &PRODUCTS, Effect::Read, t, None).allowed);
        assert!(!decide(&Principal::Anonymous, &Acl::OAuthConsumer, Effect::Write, t, None).allowed);
        assert_eq!(integration.reference().name, "integration erp");
    }

    #[test]
    fn platform_requirements_weigh_grants_in_the_addressed_store_and_deny_by_default() {
        use storegate_types::principal::StoreGrant;
        use storegate_types::scopes::{Grants, Level, Resource};
        let t = TenantId(1);
        let stores = vec![StoreGrant {
            store_id: 7,
            code: "default".into(),
            grants: Grants::new().with(Resource::Products, Level::Read),
        }];
        let pat = Principal::PersonalToken { account_id: 1, token_id: 2, stores: stores.clone() };
        let session =
            Principal::Account { account_id: 1, email: "o@example.com".into(), session_hash: "h".into(), stores };
        let products_read = Acl::Platform(PlatformAcl::Store(Resource::Products, Level::Read));
        let products_write = Acl::Platform(PlatformAcl::Store(Resource::Products, Level::Write));
        let stores_read = Acl::Platform(PlatformAcl::Store(Resource::Stores, Level::Read));
        assert!(decide(&pat, &products_read, Effect::Read, t, Some(7)).allowed);
        assert!(!decide(&pat, &products_write, Effect::Write, t, Some(7)).allowed);
        assert!(!decide(&pat, &stores_read, Effect::Read, t, Some(7)).allowed);
        // Another store, or none addressed: refused.
        assert!(!decide(&pat, &products_read, Effect::Read, t, Some(8)).allowed);
        assert!(!decide(&pat, &products_read, Effect::Read, t, None).allowed);
        // Account-level: any platform principal; session-level: sessions only.
        let account = Acl::Platform(PlatformAcl::Account);
        let only_session = Acl::Platform(PlatformAcl::Session);
        assert!(decide(&pat, &account, Effect::Read, t, None).allowed);
        assert!(decide(&session, &account, Effect::Read, t, None).allowed);
        assert!(decide(&session, &only_session, Effect::Write, t, None).allowed);
        let d = decide(&pat, &only_session, Effect::Write, t, None);
        assert_eq!(d.error.unwrap().code, ErrorCode::Forbidden);
        // Magento principals never reach platform operations, platform principals never Magento's.
        assert!(!decide(&admin(&[AclResource::BackendAll]), &account, Effect::Read, t, None).allowed);
        assert!(!decide(&pat, &PRODUCTS, Effect::Read, t, None).allowed);
        assert!(!decide(&session, &Acl::SelfCustomer, Effect::Read, t, None).allowed);
        let d = decide(&Principal::Anonymous, &account, Effect::Read, t, None);
        assert_eq!(d.error.unwrap().code, ErrorCode::Unauthenticated);
    }
}
