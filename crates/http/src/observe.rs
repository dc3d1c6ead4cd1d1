//! Metrics and request ids. Metrics go through the `metrics` facade to a Prometheus
//! recorder installed once per process; `/metrics` renders it.

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock};
use storegate_db::Db;

pub const REQUEST_ID_HEADER: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Where a client's own id for a request is echoed back (see [`correlation_id`]).
pub const CORRELATION_ID_HEADER: axum::http::HeaderName = axum::http::HeaderName::from_static("x-correlation-id");

/// A client's own id for its request (`X-Correlation-Id`, or `X-Request-Id` as many clients
/// send it), if it is 1–128 characters from a safe set. It is logged and echoed beside the
/// server's request id, never used as it: two clients may send the same one.
pub fn correlation_id(headers: &axum::http::HeaderMap) -> Option<String> {
    [&CORRELATION_ID_HEADER, &REQUEST_ID_HEADER]
        .into_iter()
        .find_map(|name| headers.get(name))
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_valid_request_id(v))
        .map(str::to_owned)
}

/// A process-unique id: a random per-process prefix and a counter, 32 hex characters like
/// a UUID. Request ids need to be unique, not unguessable, and this costs no system call.
pub fn new_request_id() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| uuid::Uuid::new_v4().as_u64_pair().0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(32);
    for word in [prefix, n] {
        for shift in (0..16).rev() {
            id.push(HEX[((word >> (shift * 4)) & 0xf) as usize] as char);
        }
    }
    id
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

/// Metric handles per operation (by registry index) and status, registered once: looking
/// a labelled metric up in the recorder on every request costs more than the request.
pub struct RequestMetrics {
    operations: Vec<OperationMetrics>,
}

struct OperationMetrics {
    id: &'static str,
    duration: metrics::Histogram,
    /// Counters by status; a handful per operation, so a short list beats a map.
    counts: RwLock<Vec<(u16, metrics::Counter)>>,
}

impl RequestMetrics {
    pub fn new(operations: &[&'static dyn storegate_api::ErasedOp]) -> Self {
        let operations = operations
            .iter()
            .map(|op| {
                let id = op.spec().id;
                OperationMetrics {
                    id,
                    duration: metrics::histogram!("storegate_request_duration_seconds", "operation" => id),
                    counts: RwLock::new(Vec::new()),
                }
            })
            .collect();
        RequestMetrics { operations }
    }

    pub fn record(&self, operation: usize, status: u16, seconds: f64) {
        let Some(op) = self.operations.get(operation) else { return };
        op.duration.record(seconds);
        if let Ok(counts) = op.counts.read()
            && let Some((_, count)) = counts.iter().find(|(s, _)| *s == status)
        {
            count.increment(1);
            return;
        }
        let count = metrics::counter!("storegate_requests_total", "operation" => op.id, "status" => status.to_string());
        count.increment(1);
        if let Ok(mut counts) = op.counts.write() {
            counts.push((status, count));
        }
    }
}

/// Histogram samples queue up in the recorder until drained into their buckets; without
/// this they grow without bound between scrapes (tens of megabytes a minute under load).
/// Starts one draining task per process.
pub fn start_upkeep() {
    static STARTED: OnceLock<()> = OnceLock::new();
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    STARTED.get_or_init(|| {
        tokio::spawn(async {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                tick.tick().await;
                prometheus().run_upkeep();
            }
        });
    });
}

pub fn render(db: &Db) -> String {
    let stats = db.pool_stats();
    let backend = db.backend().name();
    metrics::gauge!("storegate_db_pool_connections", "backend" => backend).set(stats.size as f64);
    metrics::gauge!("storegate_db_pool_idle", "backend" => backend).set(stats.idle as f64);
    metrics::gauge!("storegate_db_pool_waiting", "backend" => backend).set(stats.waiting as f64);
    let hashing = storegate_domain::password::stats();
    metrics::gauge!("storegate_password_hashers").set(hashing.hashers as f64);
    metrics::gauge!("storegate_password_hashes_in_flight").set(hashing.in_flight as f64);
    metrics::gauge!("storegate_password_hashes_queued").set(hashing.queued as f64);
    metrics::gauge!("storegate_password_hashes_in_flight_peak").set(hashing.peak as f64);
    metrics::counter!("storegate_password_hashes_refused_total").absolute(hashing.refused);
    prometheus().render()
}

/// A finished request's metric and log line (probes, which arrive every few seconds, log
/// at debug).
pub(crate) fn finished(
    app: &crate::App,
    routed: crate::routes::Routed,
    principal: &storegate_types::principal::Principal,
    status: u16,
    started: std::time::Instant,
    request_id: &str,
) {
    let spec = routed.op.spec();
    let seconds = started.elapsed().as_secs_f64();
    app.metrics.record(routed.index, status, seconds);
    let probe = spec.surface == storegate_api::Surface::System;
    if !probe || tracing::enabled!(tracing::Level::DEBUG) {
        let who = principal.reference().name;
        let latency_ms = seconds * 1000.0;
        if probe {
            tracing::debug!(request_id = %request_id, operation = spec.id, principal = %who, status, latency_ms, "request");
        } else {
            tracing::info!(request_id = %request_id, operation = spec.id, principal = %who, status, latency_ms, "request");
        }
    }
}
