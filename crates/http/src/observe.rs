//! Metrics and request ids. Metrics go through the `metrics` facade to a Prometheus
//! recorder installed once per process; `/metrics` renders it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use storegate_db::Db;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id of the current request, set by [`request_id`].
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Echoes a valid incoming `X-Request-Id` (1–128 visible ASCII characters from a safe
/// set), otherwise makes a fresh one, and puts it on the response.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_valid_request_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    response
}

pub fn is_valid_request_id(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use.
pub fn prometheus() -> &'static PrometheusHandle {
    PROMETHEUS.get_or_init(|| {
        let buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("storegate_request_duration_seconds".into()), &buckets)
            .expect("valid buckets");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (tests embedding several servers use one).
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

pub fn record_request(operation: &'static str, status: u16, seconds: f64) {
    let status = status.to_string();
    metrics::counter!("storegate_requests_total", "operation" => operation, "status" => status).increment(1);
    metrics::histogram!("storegate_request_duration_seconds", "operation" => operation).record(seconds);
}

pub fn render(db: &Db) -> String {
    let stats = db.pool_stats();
    let backend = db.backend().name();
    metrics::gauge!("storegate_db_pool_connections", "backend" => backend).set(stats.size as f64);
    metrics::gauge!("storegate_db_pool_idle", "backend" => backend).set(stats.idle as f64);
    metrics::gauge!("storegate_db_pool_waiting", "backend" => backend).set(stats.waiting as f64);
    prometheus().render()
}
