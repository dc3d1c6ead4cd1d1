//! The HTTP edge: a router derived from the operation registry, the one dispatcher, each
//! surface's error format, and the middleware every request passes (request id, panic
//! guard, tracing, timeouts, body limit).
//!
//! Architecture invariant: this is the only crate that knows about HTTP. It authenticates
//! and authorises through `storegate_domain::access`, never by itself.

pub mod dispatch;
pub mod observe;
pub mod query;
pub mod render;
pub mod routes;

use axum::Router;
use render::StatusCompat;
use routes::RouteTable;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use storegate_api::{Host, Settings};
use storegate_db::Db;
use storegate_types::TenantId;
use tower_http::catch_panic::CatchPanicLayer;

/// How the HTTP server behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest an operation may run before it is stopped with a 503.
    pub request_timeout: Duration,
    /// Answer 401/404 where real Magento does, instead of 403/405.
    pub magento_status_compat: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            body_limit: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            magento_status_compat: false,
        }
    }
}

/// What every request needs, shared by all of them.
pub struct App {
    pub db: Db,
    pub tenant: TenantId,
    pub routes: RouteTable,
    pub settings: Arc<Settings>,
    pub host: Arc<dyn Host>,
    pub compat: StatusCompat,
    pub body_limit: usize,
    pub request_timeout: Duration,
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
        Ok(App {
            host: Arc::new(ProcessHost { db: db.clone(), openapi: OnceLock::new() }),
            db,
            tenant,
            routes,
            settings: Arc::new(settings),
            compat: StatusCompat { magento: config.magento_status_compat },
            body_limit: config.body_limit,
            request_timeout: config.request_timeout,
        })
    }

    /// The axum router: every request goes to the dispatcher, inside the middleware.
    pub fn router(self) -> Router {
        Router::new()
            .fallback(dispatch::dispatch)
            .with_state(Arc::new(self))
            .layer(CatchPanicLayer::custom(dispatch::panic_response))
            .layer(axum::middleware::from_fn(observe::request_id))
    }
}

/// Serves until `shutdown` completes, then stops accepting and lets in-flight requests
/// finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.router()).with_graceful_shutdown(shutdown).await
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
                Lookup::Found(found, _) => assert_eq!(found.spec().id, s.id, "{concrete} routes to another operation"),
                _ => panic!("{} {} is declared but not routed", s.method.as_str(), s.path),
            }
        }
    }
}
