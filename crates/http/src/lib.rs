//! The HTTP edge: a router derived from the operation registry, the one dispatcher, each
//! surface's error format, and the middleware every request passes (request id, panic
//! guard, tracing, timeouts, body limit).
//!
//! Architecture invariant: this is the only crate that knows about HTTP. It authenticates
//! and authorises through `storegate_domain::access`, never by itself.

mod auth;
pub mod bulk;
pub mod cache;
pub mod client;
pub mod denials;
pub mod dispatch;
pub mod fields;
mod input;
pub mod jobs;
pub mod observe;
mod pipeline;
pub mod query;
pub mod render;
pub mod routes;
pub mod throttle;

use axum::Router;
use render::StatusCompat;
use routes::RouteTable;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use storegate_api::{Host, Settings};
use storegate_db::Db;
use storegate_types::TenantId;

/// How the HTTP server behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Largest request body of an operation anyone may call, in bytes.
    pub anonymous_body_limit: usize,
    /// Longest an operation may run before it is stopped with a 503.
    pub request_timeout: Duration,
    /// Answer 401/404 where real Magento does, instead of 403/405.
    pub magento_status_compat: bool,
    /// Largest body of an `/rest/async/bulk/…` request, in bytes (it carries many payloads).
    pub bulk_body_limit: usize,
    /// Workers running queued operations in this process (0: this node only accepts).
    pub bulk_workers: usize,
    /// Proxies whose `X-Forwarded-For` names the client (see [`client::address`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How often anonymous denials, counted in memory, are written to the audit log.
    pub denial_flush: Duration,
    /// The quotas of the rate limiter (see [`throttle`]).
    pub rates: throttle::Rates,
    /// Redis shared by every node for rate limits; this process alone when unset.
    pub redis: Option<throttle::RedisConfig>,
    /// Whether anonymous callers may queue operations through `/rest/async/…`.
    pub anonymous_bulk: bool,
    /// Most operations one anonymous or customer request may queue.
    pub bulk_caller_max: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit: 2 * 1024 * 1024,
            anonymous_body_limit: 256 * 1024,
            request_timeout: Duration::from_secs(30),
            magento_status_compat: false,
            bulk_body_limit: 16 * 1024 * 1024,
            bulk_workers: 2,
            trusted_proxies: Vec::new(),
            denial_flush: Duration::from_secs(10),
            rates: throttle::Rates::default(),
            redis: None,
            anonymous_bulk: false,
            bulk_caller_max: 10,
        }
    }
}

/// What every request needs, shared by all of them.
pub struct App {
    pub db: Db,
    pub tenant: TenantId,
    pub routes: RouteTable,
    /// `/rest/async/bulk/V1/…` routes (see [`RouteTable::build_bulk`]).
    pub bulk_routes: RouteTable,
    pub bulk_body_limit: usize,
    pub jobs: jobs::Jobs,
    pub settings: Arc<Settings>,
    pub host: Arc<dyn Host>,
    pub compat: StatusCompat,
    pub metrics: observe::RequestMetrics,
    /// The store view system operations run in (they belong to no store view).
    pub system_store: Arc<storegate_domain::store::StoreView>,
    pub caches: Caches,
    pub body_limit: usize,
    pub anonymous_body_limit: usize,
    pub request_timeout: Duration,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub denials: denials::Denials,
    pub denial_flush: Duration,
    /// The one rate limiter (per address, per account, per cart, per queued-work caller).
    pub throttle: throttle::Throttle,
    pub anonymous_bulk: bool,
    pub bulk_caller_max: usize,
}

/// The read caches (see [`cache`]): store views by code, principals by token hash, and the
/// serialised answers of operations whose answer depends only on their input and store view.
pub struct Caches {
    pub stores: cache::EpochCache<Option<String>, Arc<storegate_domain::store::StoreView>>,
    pub principals: cache::EpochCache<[u8; 32], (storegate_types::principal::Principal, time::OffsetDateTime)>,
    pub responses: cache::EpochCache<(&'static str, i64, String), Arc<[u8]>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            stores: cache::EpochCache::new(1_000, 1_000),
            principals: cache::EpochCache::new(10_000, 10_000),
            responses: cache::EpochCache::new(50_000, 64 * 1024 * 1024),
        }
    }
}

struct ProcessHost {
    db: Db,
    openapi: OnceLock<Arc<serde_json::Value>>,
}

impl Host for ProcessHost {
    fn render_metrics(&self) -> String {
        observe::render(&self.db)
    }

    fn openapi(&self) -> Arc<serde_json::Value> {
        self.openapi
            .get_or_init(|| {
                Arc::new(storegate_api::openapi::document(storegate_api::operations(), env!("CARGO_PKG_VERSION")))
            })
            .clone()
    }

    fn permits(&self, principal: &storegate_types::principal::Principal, operation_id: &str, tenant: TenantId) -> bool {
        storegate_api::registry::find(operation_id).is_some_and(|op| {
            let spec = op.spec();
            storegate_domain::access::decide(principal, &spec.acl, spec.effect, tenant, None).allowed
        })
    }
}

impl App {
    pub fn new(db: Db, tenant: TenantId, settings: Settings, config: &HttpConfig) -> Result<App, String> {
        Self::with_operations(db, tenant, settings, config, storegate_api::operations())
    }

    /// An app serving exactly `operations`; the binary serves the whole registry, tests of
    /// the dispatcher itself may add operations of their own.
    pub fn with_operations(
        db: Db,
        tenant: TenantId,
        settings: Settings,
        config: &HttpConfig,
        operations: &[&'static dyn storegate_api::ErasedOp],
    ) -> Result<App, String> {
        observe::prometheus();
        let routes = RouteTable::build(operations)?;
        let bulk_routes = RouteTable::build_bulk(operations)?;
        Ok(App {
            host: Arc::new(ProcessHost { db: db.clone(), openapi: OnceLock::new() }),
            db,
            tenant,
            routes,
            bulk_routes,
            bulk_body_limit: config.bulk_body_limit,
            jobs: jobs::Jobs::new(config.bulk_workers),
            settings: Arc::new(settings),
            compat: StatusCompat { magento: config.magento_status_compat },
            metrics: observe::RequestMetrics::new(operations),
            caches: Caches::default(),
            system_store: Arc::new(storegate_domain::store::StoreView {
                id: 0,
                code: storegate_domain::store::ADMIN_CODE.into(),
                name: "Admin".into(),
                website_id: 0,
                group_id: 0,
                is_active: true,
            }),
            body_limit: config.body_limit,
            // Never above the general limit, whichever was configured.
            anonymous_body_limit: config.anonymous_body_limit.min(config.body_limit),
            request_timeout: config.request_timeout,
            trusted_proxies: config.trusted_proxies.clone(),
            denials: denials::Denials::default(),
            denial_flush: config.denial_flush,
            throttle: throttle::Throttle::new(config.rates.clone(), config.redis.clone())?,
            anonymous_bulk: config.anonymous_bulk,
            bulk_caller_max: config.bulk_caller_max,
        })
    }

    /// An axum router sending every request to the dispatcher, for embedding storegate in
    /// another axum application; [`serve`] does without it.
    pub fn router(self) -> Router {
        Router::new().fallback(dispatch::dispatch).with_state(Arc::new(self))
    }
}

/// Serves until `shutdown` completes, then stops accepting and lets in-flight requests
/// finish.
///
/// Connections are served by hyper directly: routing happens in the dispatcher from the
/// registry, so a router in front would only add a boxed service per request.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    observe::start_upkeep();
    let app = Arc::new(app);
    let _workers = jobs::start(app.clone());
    let recovery = tokio::spawn(recover_audit_journal(app.clone()));
    let denials = tokio::spawn(flush_denials(app.clone()));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    // Headers must arrive within the request timeout: a slow client (slowloris) cannot
    // hold a connection forever. The body has the same bound (`input::read_json`).
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(app.request_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait and keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let peer = client::Peer(peer.ip().to_canonical());
        let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            let app = app.clone();
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(peer);
            async move { Ok::<_, std::convert::Infallible>(dispatch::dispatch_request(app, req).await) }
        });
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    recovery.abort();
    denials.abort();
    app.denials.flush(&app.db, app.tenant).await;
    Ok(())
}

/// Writes the anonymous denials counted since the last tick (see [`denials`]).
async fn flush_denials(app: Arc<App>) {
    let mut tick = tokio::time::interval(app.denial_flush);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        app.denials.flush(&app.db, app.tenant).await;
    }
}

/// Every minute, moves into the audit log the journaled rows of writes whose process
/// stopped before recording their answer (see `storegate_domain::audit::recover`). Only rows
/// older than any request may run are taken, so nodes sharing a database never take each
/// other's writes in flight.
async fn recover_audit_journal(app: Arc<App>) {
    let age = (app.request_timeout * 2).max(Duration::from_secs(60));
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match storegate_domain::audit::recover(&app.db, age).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(rows = n, "recovered audit rows of writes whose answer was never recorded"),
            Err(e) => tracing::debug!(error = %e, "audit journal recovery did not run"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::routes::{Lookup, RouteTable};
    use storegate_api::operations;

    /// Every declaration is routed to itself, and the table holds nothing else.
    #[test]
    fn every_declared_operation_is_routed_and_nothing_else() {
        let table = RouteTable::build(operations()).expect("routes build");
        assert_eq!(table.len(), operations().len());
        for op in operations() {
            let s = op.spec();
            let concrete: String = s
                .path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "some%20value" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            match table.lookup(s.surface, Some(s.method), &concrete) {
                Lookup::Found(found, _) => {
                    assert_eq!(found.op.spec().id, s.id, "{concrete} routes to another operation")
                }
                _ => panic!("{} {} is declared but not routed", s.method.as_str(), s.path),
            }
        }
    }
}
