//! The workers that run queued operations (`/rest/async/…`, `/rest/async/bulk/…`).
//!
//! Each worker leases a few due operations at a time and runs each the way the dispatcher
//! runs a request: the principal is read again, the one permission decision is made again,
//! the handler runs under the request timeout, and the outcome is audited (channel `bulk`).
//! The operation is marked complete by a commit guard inside the transaction that applies
//! it, so a crash between the two cannot run it twice; a failure that may pass (storage
//! unavailable, timeout) is retried with exponential backoff, any other is final.

use crate::App;
use crate::pipeline::{self, Channel};
use std::sync::Arc;
use std::time::Duration;
use storegate_api::{Reply, Surface};
use storegate_db::guard::GuardOutcome;
use storegate_domain::StorageResult;
use storegate_domain::access;
use storegate_domain::bulk::{self, Claimed, Status};
use storegate_types::{ApiError, ErrorCode};
use tokio::sync::Notify;

/// Operations a worker leases at once.
const BATCH: i64 = 16;
/// Attempts before a failure that may pass is given up as "failed, retriable" (status 2).
const MAX_ATTEMPTS: i64 = 5;
/// How often an idle worker looks for work queued by other nodes or due for a retry.
const POLL: Duration = Duration::from_millis(500);

/// This process's workers: how many, who they are to other nodes, and how to wake them.
pub struct Jobs {
    workers: usize,
    /// Names this node's leases; random per process, so a restarted node never mistakes a
    /// previous life's lease for its own.
    node: String,
    wake: Notify,
}

impl Jobs {
    pub fn new(workers: usize) -> Jobs {
        Jobs { workers, node: uuid::Uuid::new_v4().to_string(), wake: Notify::new() }
    }

    /// Something was queued: an idle worker looks at once rather than at its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Aborts the workers when dropped (the server stopped).
pub struct Workers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Workers {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

pub fn start(app: Arc<App>) -> Workers {
    let handles = (0..app.jobs.workers).map(|_| tokio::spawn(work(app.clone()))).collect();
    Workers(handles)
}

async fn work(app: Arc<App>) {
    if app.db.backend() == storegate_db::Backend::Sqlite {
        // One process owns a SQLite store: any lease is a previous life's, left by a crash.
        if let Err(e) = release_leases(&app).await {
            tracing::warn!(error = %e, "releasing stale bulk leases failed");
        }
    }
    loop {
        let claimed = match claim(&app).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "leasing bulk operations failed");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                () = app.jobs.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
            continue;
        }
        // More may be waiting: let another idle worker look too.
        app.jobs.wake.notify_one();
        for op in claimed {
            run(&app, op).await;
        }
    }
}

async fn release_leases(app: &App) -> Result<(), ApiError> {
    let mut tx = app.db.begin().await.storage()?;
    bulk::release_leases(&mut tx, app.tenant).await?;
    tx.commit().await.storage()
}

/// The lease covers the longest an operation may run, and a little more. Operations later
/// in a batch may outlive it; then another node may lease them too, and the commit guard
/// lets only one of the two apply it.
fn lease(app: &App) -> time::Duration {
    time::Duration::try_from(app.request_timeout + Duration::from_secs(5)).unwrap_or(time::Duration::minutes(1))
}

async fn claim(app: &App) -> Result<Vec<Claimed>, ApiError> {
    let mut tx = app.db.begin().await.storage()?;
    let claimed = bulk::claim(&mut tx, app.tenant, &app.settings.crypto, &app.jobs.node, BATCH, lease(app)).await?;
    tx.commit().await.storage()?;
    Ok(claimed)
}

/// Runs one leased operation to its outcome; never fails itself (an outcome it cannot
/// record is logged, and the lease's expiry lets another worker try again).
async fn run(app: &App, op: Claimed) {
    let request_id = format!("bulk-{}-{}", op.bulk_uuid, op.position);
    let outcome = execute(app, &op, &request_id).await;
    if let Err(e) = record(app, &op, outcome).await {
        tracing::error!(request_id, error = %e, "recording a bulk operation's outcome failed");
    }
}

/// What became of an attempt.
enum Outcome {
    /// Committed with its completion; keep the result.
    Applied(Option<serde_json::Value>),
    /// Succeeded without writing anything, so nothing marked it complete yet.
    Done(Option<serde_json::Value>),
    Failed(ApiError),
    /// Another worker holds the lease now; this attempt committed nothing.
    LeaseLost,
}

async fn execute(app: &App, op: &Claimed, request_id: &str) -> Outcome {
    let Some(routed) = app.routes.by_id(&op.operation) else {
        return Outcome::Failed(ApiError::internal(format!("operation {} is no longer served", op.operation)));
    };
    let epoch = app.db.change_epoch();
    // The principal is read again and decided again: a role narrowed since acceptance applies.
    let principal = match reload(app, op).await {
        Ok(p) => p,
        Err(e) => return Outcome::Failed(e),
    };
    let store = match pipeline::resolve_store(app, epoch, Surface::Magento, op.store_code.as_deref()).await {
        Ok(s) => s,
        Err(e) => return Outcome::Failed(e),
    };
    let call = match pipeline::admit(app, Channel::Bulk, routed.op, request_id, epoch, principal, store).await {
        Ok(call) => call,
        Err(e) => return Outcome::Failed(e),
    };
    let mut input = op.input.clone();
    call.bind_forced(&mut input);
    let guard = bulk::completion_guard(app.tenant, op, &app.jobs.node);
    let executed = call.execute(input, None, Some(guard)).await;
    if executed.panicked {
        // A bug, not a passing condition: the operation fails for good and the worker
        // lives on (the pipeline logged the panic under the operation's request id).
        return Outcome::Failed(ApiError::new(ErrorCode::OperationPanicked));
    }
    let output = executed.result.as_ref().ok().and_then(Reply::to_json);
    match (executed.result, executed.guarded) {
        (_, GuardOutcome::Refused) => Outcome::LeaseLost,
        (Ok(_), GuardOutcome::Applied) => Outcome::Applied(output),
        (Ok(_), GuardOutcome::Unused) => Outcome::Done(output),
        (Err(e), GuardOutcome::Applied) => {
            // A handler that commits more than once failed after its first commit: the
            // operation is marked complete, as its first part is applied.
            tracing::warn!(request_id, error = %e, "a bulk operation failed after committing part of its work");
            Outcome::Applied(None)
        }
        (Err(e), GuardOutcome::Unused) => Outcome::Failed(e),
    }
}

async fn reload(app: &App, op: &Claimed) -> Result<storegate_types::principal::Principal, ApiError> {
    let mut reader = app.db.reader().await.storage()?;
    access::reload(&mut reader, app.tenant, op.user_type, op.user_id).await
}

async fn record(app: &App, op: &Claimed, outcome: Outcome) -> Result<(), ApiError> {
    let crypto = &app.settings.crypto;
    let node = &app.jobs.node;
    let mut tx = app.db.begin().await.storage()?;
    match outcome {
        Outcome::Applied(result) => bulk::record_result(&mut tx, app.tenant, crypto, op.id, result.as_ref()).await?,
        Outcome::Done(result) => {
            bulk::complete_unguarded(&mut tx, app.tenant, crypto, op, node, result.as_ref()).await?
        }
        Outcome::LeaseLost => {
            tracing::warn!(operation = op.id, "a bulk operation's lease expired while it ran; left to its new holder");
        }
        Outcome::Failed(e) => {
            // Storage unavailable, overloaded, a timeout: may pass. A panic is a bug: it won't.
            let transient = e.code.status() >= 500 && e.code != ErrorCode::OperationPanicked;
            let retry_at = (transient && op.attempt < MAX_ATTEMPTS).then(|| backoff(op.attempt));
            let status = if transient { Status::RetriablyFailed } else { Status::NotRetriablyFailed };
            bulk::fail(&mut tx, app.tenant, op, node, &e, retry_at, status).await?;
        }
    }
    tx.commit().await.storage()
}

/// 1 s, 2 s, 4 s, … after attempt 1, 2, 3, …, at most a minute.
fn backoff(attempt: i64) -> String {
    let seconds = 1_i64 << (attempt - 1).clamp(0, 6);
    storegate_domain::clock::after(time::Duration::seconds(seconds.min(60)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let due = |attempt| {
            let at = storegate_domain::clock::parse(&super::backoff(attempt)).unwrap();
            (at - storegate_domain::clock::now()).whole_seconds()
        };
        // Times are stored to the second, so each is a little below its target.
        for (attempt, seconds) in [(1, 1), (2, 2), (3, 4), (4, 8), (7, 60), (30, 60)] {
            assert!((seconds - 2..=seconds).contains(&due(attempt)), "attempt {attempt}: {}", due(attempt));
        }
    }
}
