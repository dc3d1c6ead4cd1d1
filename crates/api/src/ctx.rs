//! What a handler gets besides its input: the database, the tenant and store view the
//! request runs in, the authenticated principal and the server's settings.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use storegate_db::Db;
use storegate_domain::crypto::Crypto;
use storegate_domain::store::StoreView;
use storegate_domain::tokens::Throttle;
use storegate_types::TenantId;
use storegate_types::principal::Principal;

/// Server settings that operations read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub admin_token_lifetime: Duration,
    pub customer_token_lifetime: Duration,
    pub throttle: Throttle,
    pub base_url: String,
    /// Largest searchCriteria page; also what a search without `pageSize` returns at most.
    pub max_page_size: i64,
    /// Where uploaded media (product images) are written; served under `/media/`.
    pub media_dir: PathBuf,
    /// Encrypts personal data and credentials at rest.
    pub crypto: Crypto,
    /// Accept integration access tokens as plain `Authorization: Bearer` tokens
    /// (Magento's `oauth/consumer/enable_integration_as_bearer`; off by default since 2.4.4).
    pub integration_bearer: bool,
}

impl Settings {
    /// Settings for tests and embedding: defaults with the given key and media directory.
    pub fn new(crypto: Crypto, media_dir: PathBuf) -> Settings {
        Settings {
            admin_token_lifetime: Duration::from_secs(4 * 3600),
            customer_token_lifetime: Duration::from_secs(3600),
            throttle: Throttle::default(),
            base_url: "http://127.0.0.1:8080".into(),
            max_page_size: 1000,
            media_dir,
            crypto,
            integration_bearer: false,
        }
    }
}

/// Facilities of the hosting process that some operations report on.
pub trait Host: Send + Sync {
    /// Prometheus text exposition of the process's metrics.
    fn render_metrics(&self) -> String;
    /// The OpenAPI document, built once from the registry.
    fn openapi(&self) -> Arc<serde_json::Value>;
    /// The edge's one permission decision (`access::decide`) for `principal` on the
    /// registered operation `operation_id`: whether it could call it now. `false` for an
    /// id the registry does not know. Lets a handler show data governed by another
    /// operation's ACL without deciding anything itself.
    fn permits(&self, principal: &Principal, operation_id: &str, tenant: TenantId) -> bool;
}

#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub tenant: TenantId,
    pub store: Arc<StoreView>,
    pub principal: Principal,
    pub settings: Arc<Settings>,
    pub host: Arc<dyn Host>,
    pub request_id: String,
    /// The caller's network address (`None` for queued work and the CLI): the sign-in
    /// lockout counts failures per account and address.
    pub client: Option<std::net::IpAddr>,
}
