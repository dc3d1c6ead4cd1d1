//! The one pipeline. Every entry point (a request run now, a request queued through
//! `/rest/async/…`, a worker running a queued operation; later the platform API, the
//! gateway and MCP) reads its request into a principal, a store view, an operation and an
//! input, and hands them here. The steps, in order:
//!
//! store view → the one permission decision (a denial audited) → forced parameters →
//! context → the call (shared answer cache, timeout, panic caught, audit journaled in the
//! write's own transaction, an optional commit guard) → audit settled.
//!
//! An entry point decides only how to read its request and how to render the outcome.

use crate::App;
use futures::FutureExt;
use serde_json::Value;
use std::sync::Arc;
use storegate_api::{Cache, Ctx, ErasedOp, Forced, Reply, Surface};
use storegate_db::guard::{GuardOutcome, with_commit_guard, with_commit_journal};
use storegate_domain::access::{self, Decision};
use storegate_domain::audit::{self, AuditEntry};
use storegate_domain::store::{self, StoreView};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, ErrorCode};

/// Which entry point a call came through, as the audit log's channel names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    /// A request, run now or accepted into the queue.
    Rest,
    /// A queued operation run by a worker.
    Bulk,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Rest => "rest",
            Channel::Bulk => "bulk",
        }
    }
}

/// The store view a call runs in: the surface's own for system operations, else the one
/// named by its code (the default view when none is named).
pub(crate) async fn resolve_store(
    app: &App,
    epoch: Option<u64>,
    surface: Surface,
    code: Option<&str>,
) -> Result<Arc<StoreView>, ApiError> {
    if surface == Surface::System {
        return Ok(app.system_store.clone());
    }
    let key = code.map(str::to_owned);
    if let Some(view) = app.caches.stores.get(epoch, &key) {
        return Ok(view);
    }
    let view = load_store(app, code).await?;
    app.caches.stores.put(epoch, key, view.clone(), 1);
    Ok(view)
}

async fn load_store(app: &App, code: Option<&str>) -> Result<Arc<StoreView>, ApiError> {
    let mut reader = app.db.reader().await.map_err(storegate_domain::storage)?;
    let view = match code {
        None => store::default_view(&mut reader, app.tenant).await,
        Some("all") => store::view_by_code(&mut reader, app.tenant, store::ADMIN_CODE)
            .await?
            .ok_or_else(|| ApiError::internal("the admin store view is missing")),
        // Magento leaves an unknown code in the path, where no route matches it.
        Some(code) => store::view_by_code(&mut reader, app.tenant, code)
            .await?
            .filter(|v| v.id != 0)
            .ok_or_else(|| ApiError::new(ErrorCode::RouteNotFound)),
    };
    view.map(Arc::new)
}

/// A call that passed the one permission decision: what runs, for whom, where.
pub(crate) struct Admitted<'a> {
    pub app: &'a App,
    pub channel: Channel,
    pub op: &'static dyn ErasedOp,
    pub request_id: &'a str,
    /// Read before any data, so that no kept answer can be older than it.
    pub epoch: Option<u64>,
    pub principal: Principal,
    pub store: Arc<StoreView>,
    pub decision: Decision,
}

/// Makes the one permission decision for `principal` on `op` in `store`. A denial is
/// audited (an anonymous one counted, so that a flood is not a write flood) and answered
/// with its error.
pub(crate) async fn admit<'a>(
    app: &'a App,
    channel: Channel,
    op: &'static dyn ErasedOp,
    request_id: &'a str,
    epoch: Option<u64>,
    principal: Principal,
    store: Arc<StoreView>,
) -> Result<Admitted<'a>, ApiError> {
    admit_in(app, channel, op, request_id, epoch, principal, store, None).await
}

/// As [`admit`], for a platform request addressing the platform store `platform_store`
/// (`/api/v1/stores/{storeId}/…`): the decision weighs the principal's grants there.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn admit_in<'a>(
    app: &'a App,
    channel: Channel,
    op: &'static dyn ErasedOp,
    request_id: &'a str,
    epoch: Option<u64>,
    principal: Principal,
    store: Arc<StoreView>,
    platform_store: Option<i64>,
) -> Result<Admitted<'a>, ApiError> {
    let spec = op.spec();
    let decision = access::decide(&principal, &spec.acl, spec.effect, app.tenant, platform_store);
    let admitted = Admitted { app, channel, op, request_id, epoch, principal, store, decision };
    if admitted.decision.allowed {
        return Ok(admitted);
    }
    let error = admitted.decision.error.clone().unwrap_or_else(|| ApiError::new(ErrorCode::Forbidden));
    if admitted.principal == Principal::Anonymous {
        let status = crate::render::status_of(app.compat, spec.surface, error.code);
        let store = &admitted.store.code;
        app.denials.note(spec.id, spec.summary, store, status, &admitted.decision.reason, request_id);
    } else {
        admitted.audit().record(&Value::Null, Err(&error)).await;
    }
    Err(error)
}

/// What became of a call.
pub(crate) struct Executed {
    pub result: Result<Reply, ApiError>,
    /// Whether the commit guard passed to [`Admitted::execute`] applied, refused or was unused.
    pub guarded: GuardOutcome,
    /// The handler panicked (a bug: logged with the request id, answered as a 500).
    pub panicked: bool,
}

impl Admitted<'_> {
    /// The audit writer of this call.
    pub fn audit(&self) -> Audit<'_> {
        Audit {
            app: self.app,
            channel: self.channel.as_str(),
            op: self.op,
            request_id: self.request_id,
            principal: &self.principal,
            store: &self.store,
            decision: &self.decision,
        }
    }

    /// Binds the parameters the caller's identity decides (`/mine`, `/me`), over anything sent.
    pub fn bind_forced(&self, input: &mut Value) {
        bind_forced(self.op.spec().forced, &self.principal, input);
    }

    /// What the handler runs with.
    pub fn context(&self, client: Option<std::net::IpAddr>) -> Ctx {
        Ctx {
            db: self.app.db.clone(),
            tenant: self.app.tenant,
            store: self.store.clone(),
            principal: self.principal.clone(),
            settings: self.app.settings.clone(),
            host: self.app.host.clone(),
            request_id: self.request_id.to_owned(),
            client,
        }
    }

    /// Runs the operation on `input` (forced parameters already bound): from the shared
    /// answer cache when its declaration allows, else under the request timeout with its
    /// audit row journaled in the write's own transaction, and `guard` (a statement that
    /// must succeed for a commit to happen) armed when given; then settles the audit row.
    pub async fn execute(
        &self,
        input: Value,
        client: Option<std::net::IpAddr>,
        guard: Option<storegate_db::Query>,
    ) -> Executed {
        let app = self.app;
        let spec = self.op.spec();
        let cache_key = (spec.cache == Cache::Shared).then(|| (spec.id, self.store.id, input.to_string()));
        if let Some(hit) = cache_key.as_ref().and_then(|k| app.caches.responses.get(self.epoch, k)) {
            let result = Ok(Reply::JsonBytes(hit.to_vec()));
            return Executed { result, guarded: GuardOutcome::Unused, panicked: false };
        }
        // Only audited operations need their input after the call.
        let (call_input, kept_input) =
            if spec.audits_success() { (input.clone(), input) } else { (input, Value::Null) };
        let cx = self.context(client);
        let timed = async {
            if spec.surface == Surface::System {
                // Probes answer at once (readiness bounds its own database check).
                self.op.invoke(&cx, call_input).await
            } else {
                match tokio::time::timeout(app.request_timeout, self.op.invoke(&cx, call_input)).await {
                    Ok(r) => r,
                    Err(_) => Err(ApiError::new(ErrorCode::Timeout)),
                }
            }
        };
        let caught = async {
            match std::panic::AssertUnwindSafe(timed).catch_unwind().await {
                Ok(result) => Ok(result),
                Err(panic) => Err(self.panicked(panic.as_ref())),
            }
        };
        let audit = self.audit();
        let journaled = async {
            match audit.journal(&kept_input) {
                Some(entry) => with_commit_journal(entry, caught).await,
                None => (caught.await, false),
            }
        };
        let ((outcome, journaled), guarded) = match guard {
            Some(guard) => with_commit_guard(guard, journaled).await,
            None => (journaled.await, GuardOutcome::Unused),
        };
        let (result, panicked) = match outcome {
            Ok(result) => (result, false),
            Err(error) => (Err(error), true),
        };
        audit.settle(&kept_input, result.as_ref().map(Reply::as_json), journaled).await;
        if let (Some(key), Ok(Reply::JsonBytes(body))) = (cache_key, &result) {
            app.caches.responses.put(self.epoch, key, Arc::from(body.as_slice()), body.len());
        }
        Executed { result, guarded, panicked }
    }

    /// A handler panicked: the detail goes to the log under the request id, which is also
    /// the report id the caller sees; the answer says nothing of it.
    fn panicked(&self, panic: &(dyn std::any::Any + Send)) -> ApiError {
        let detail = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        tracing::error!(
            request_id = self.request_id,
            operation = self.op.spec().id,
            panic = detail,
            "handler panicked"
        );
        ApiError::internal(detail)
    }
}

/// Sets each forced field to the caller's identity.
pub(crate) fn bind_forced(forced: &[Forced], principal: &Principal, input: &mut Value) {
    for f in forced {
        if let (Forced::CustomerId(field), Principal::Customer { id, .. }, Some(map)) =
            (f, principal, input.as_object_mut())
        {
            map.insert((*field).to_owned(), Value::from(id.0));
        }
    }
}

/// Writes the audit row for a write (whatever its outcome) or a denial.
pub(crate) struct Audit<'a> {
    pub app: &'a App,
    /// `rest` for requests, `bulk` for queued operations run by a worker.
    pub channel: &'static str,
    pub op: &'static dyn ErasedOp,
    pub request_id: &'a str,
    pub principal: &'a Principal,
    pub store: &'a Arc<StoreView>,
    pub decision: &'a Decision,
}

impl Audit<'_> {
    pub async fn record(&self, input: &Value, outcome: Result<Option<&Value>, &ApiError>) {
        self.settle(input, outcome, false).await;
    }

    /// Writes the row of a finished call; `journaled` says its journal entry (see
    /// [`Audit::journal`]) was committed with the write and is to be replaced.
    pub async fn settle(&self, input: &Value, outcome: Result<Option<&Value>, &ApiError>, journaled: bool) {
        let Some(mut entry) = self.entry(input, outcome) else { return };
        if journaled && let Some(reason) = entry.reason.as_mut().filter(|_| outcome.is_err()) {
            // It failed after its transaction committed (a timeout, a later step).
            reason.push_str(" (its changes were committed before it failed)");
        }
        if let Err(e) = audit::settle(&self.app.db, &entry, journaled).await {
            // An audit failure must not turn a completed write into an error, but it is loud.
            tracing::error!(request_id = self.request_id, operation = entry.operation_id, error = %e, "audit write failed");
        }
    }

    /// The statement journaling this write's audit row inside the write's own transaction,
    /// its sentence rendered from the input alone, for a write audited on success.
    pub fn journal(&self, input: &Value) -> Option<storegate_db::Query> {
        self.op.spec().audits_success().then(|| self.entry(input, Ok(None))).flatten().map(|e| audit::journal(&e))
    }

    /// The audit row of this call, or `None` when the operation is not audited.
    fn entry(&self, input: &Value, outcome: Result<Option<&Value>, &ApiError>) -> Option<AuditEntry> {
        let spec = self.op.spec();
        let denied = !self.decision.allowed;
        if !denied && !spec.audits_success() {
            return None;
        }
        let who = self.principal.reference();
        let store = self.store.code.clone();
        let output = outcome.ok().flatten();
        let target = spec.target.and_then(|t| {
            storegate_api::audit::lookup(input, t).or_else(|| output.and_then(|o| storegate_api::audit::lookup(o, t)))
        });
        let (status, sentence, reason) = match outcome {
            _ if denied => (
                crate::render::status_of(
                    self.app.compat,
                    spec.surface,
                    self.decision.error.as_ref().map_or(ErrorCode::Forbidden, |e| e.code),
                ),
                format!("{} was denied \"{}\": {}", who.name, spec.summary.trim_end_matches('.'), self.decision.reason),
                Some(self.decision.reason.to_string()),
            ),
            Ok(_) => (200, storegate_api::audit::render(spec.audit, &who.name, &store, input, output), None),
            Err(e) => {
                // The error's template with only field names filled in: the values sent (a
                // guessed coupon, a mistyped date of birth) stay out of the log.
                let failure = storegate_api::audit::failure_text(e);
                let sentence =
                    format!("{} tried \"{}\" and failed: {failure}", who.name, spec.summary.trim_end_matches('.'));
                (crate::render::status_of(self.app.compat, spec.surface, e.code), sentence, Some(failure))
            }
        };
        Some(self.row(target, status, sentence, reason))
    }

    /// Writes one audit row for this operation, its principal and store view.
    pub async fn append(&self, target: Option<String>, status: u16, sentence: String, reason: Option<String>) {
        let entry = self.row(target, status, sentence, reason);
        if let Err(e) = audit::append(&mut self.app.db.clone(), &entry).await {
            tracing::error!(request_id = self.request_id, operation = entry.operation_id, error = %e, "audit write failed");
        }
    }

    fn row(&self, target: Option<String>, status: u16, sentence: String, reason: Option<String>) -> AuditEntry {
        AuditEntry {
            tenant: Some(self.app.tenant),
            request_id: self.request_id.to_owned(),
            channel: self.channel,
            principal: self.principal.reference(),
            operation_id: self.op.spec().id.to_owned(),
            store_code: Some(self.store.code.clone()),
            target,
            allowed: self.decision.allowed,
            reason,
            status,
            sentence,
        }
    }
}
