//! The one dispatcher. Every request to every operation passes here, in this order:
//! route → store view → authenticate → authorise (the one decision) → forced parameters →
//! parse input → handler → audit → render. No handler can skip a step.

use crate::render;
use crate::routes::{Lookup, Routed};
use crate::{App, observe, query};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::FutureExt;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use sha2::Digest;
use std::sync::Arc;
use std::time::Instant;
use storegate_api::{Ctx, ErasedOp, Forced, Method, Reply, Surface};
use storegate_domain::access::{self, Decision};
use storegate_domain::audit::{self, AuditEntry};
use storegate_domain::store::{self, StoreView};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, ErrorCode};

/// Where a request is headed once the surface prefix is understood.
struct Target<'a> {
    surface: Surface,
    store_code: Option<&'a str>,
    /// Run now, or queue (`/rest/async/…`, `/rest/async/bulk/…`).
    mode: Mode,
    path: &'a str,
}

/// How a Magento write is run: now, or queued as one operation (`async`) or one per array
/// element (`async/bulk`) for the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Now,
    Async,
    Bulk,
}

/// `/rest/V1/…`, `/rest/<code>/V1/…` and `/rest/schema` belong to the Magento surface; the
/// first segment after `/rest` is a store code unless it is where Magento paths begin.
/// `async/` or `async/bulk/` before `V1` queues the request.
fn classify(path: &str) -> Target<'_> {
    let system = |surface| Target { surface, store_code: None, mode: Mode::Now, path };
    if path.starts_with("/oauth/") {
        return system(Surface::OAuth);
    }
    let Some(rest) = path.strip_prefix("/rest/") else {
        return system(Surface::System);
    };
    let (first, after) = rest.split_once('/').map_or((rest, ""), |(f, a)| (f, a));
    let (store_code, remainder) = match first {
        "V1" | "schema" | "async" => (None, &path["/rest".len()..]),
        code => {
            let start = path.len() - after.len() - 1;
            (Some(code), if after.is_empty() { "/" } else { &path[start..] })
        }
    };
    let (mode, path) = if let Some(p) = remainder.strip_prefix("/async/bulk").filter(|p| p.starts_with("/V1/")) {
        (Mode::Bulk, p)
    } else if let Some(p) = remainder.strip_prefix("/async").filter(|p| p.starts_with("/V1/")) {
        (Mode::Async, p)
    } else {
        (Mode::Now, remainder)
    };
    Target { surface: Surface::Magento, store_code, mode, path }
}

/// The entry point of every request: gives it a request id, runs it inside the panic
/// guard, and puts the id on whatever comes back, the panic's 500 included.
///
/// Request ids and the panic guard live here rather than in tower layers: each layer
/// costs a boxed, cloned service per request, which on `/health` was a fifth of the
/// server's CPU (BENCHMARKS.md), and here the panic response knows the request's id.
pub async fn dispatch(State(app): State<Arc<App>>, req: Request) -> Response {
    dispatch_request(app, req).await
}

pub async fn dispatch_request(app: Arc<App>, req: Request) -> Response {
    // The server's id is always its own, so ids stay unique; a client's id is kept apart as
    // a correlation id, on the log lines and echoed back.
    let request_id = observe::new_request_id();
    let correlation = observe::correlation_id(req.headers());
    let span = match &correlation {
        Some(c) => tracing::info_span!("request", correlation_id = %c),
        None => tracing::Span::none(),
    };
    let work = tracing::Instrument::instrument(handle(app, req, &request_id), span);
    let guarded = std::panic::AssertUnwindSafe(work).catch_unwind().await;
    let mut response = guarded.unwrap_or_else(|panic| panic_response(panic, &request_id));
    let headers = response.headers_mut();
    // The id is visible ASCII, so the conversion cannot fail; it reuses the string's buffer.
    if let Ok(v) = HeaderValue::from_maybe_shared(bytes::Bytes::from(request_id)) {
        headers.insert(observe::REQUEST_ID_HEADER, v);
    }
    if let Some(v) = correlation.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(observe::CORRELATION_ID_HEADER, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn handle(app: Arc<App>, req: Request, request_id: &str) -> Response {
    let started = Instant::now();
    let uri = req.uri().clone();
    let field_filter = uri.query().and_then(fields_param).and_then(|f| crate::fields::FieldFilter::parse(&f));
    let target = classify(uri.path());
    let surface = target.surface;
    let method = Method::parse(req.method().as_str());
    // Clients send `/V1/products/` and `/V1/store/storeConfigs/`: the same route, never a redirect.
    let path = match target.path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => target.path,
    };
    if target.mode != Mode::Now {
        return crate::bulk::accept(&app, target.mode, target.store_code, path, req, request_id, started).await;
    }
    let (routed, raw_params) = match app.routes.lookup(surface, method, path) {
        Lookup::Found(routed, params) => (routed, params),
        Lookup::WrongMethod(allowed) => {
            let mut r = fail(&app, surface, &ApiError::new(ErrorCode::MethodNotAllowed), request_id, None);
            let allow = allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
            if let Ok(v) = HeaderValue::from_str(&allow) {
                r.headers_mut().insert(header::ALLOW, v);
            }
            return r;
        }
        Lookup::NotFound => return fail(&app, surface, &ApiError::new(ErrorCode::RouteNotFound), request_id, None),
    };
    let op = routed.op;
    let spec = op.spec();
    let store_code = target.store_code.map(str::to_owned);
    let method = spec.method;
    let mut limits = crate::throttle::Verdicts::default();
    let (principal, outcome) =
        run(&app, routed, method, store_code.as_deref(), raw_params, req, request_id, &mut limits).await;
    let status = match &outcome {
        Ok(_) => 200,
        Err(e) => app.compat.status(e.code),
    };
    observe(&app, routed, &principal, status, started, request_id);
    let mut response = match outcome {
        Ok(reply) => render::reply(match field_filter {
            Some(filter) => filter_reply(reply, &filter),
            None => reply,
        }),
        Err(e) => fail(&app, surface, &e, request_id, Some(spec.id)),
    };
    if spec.carries_credentials() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    limits.apply(response.headers_mut());
    response
}

/// A finished request's metric and log line (probes, which arrive every few seconds, log
/// at debug).
pub(crate) fn observe(
    app: &App,
    routed: Routed,
    principal: &Principal,
    status: u16,
    started: Instant,
    request_id: &str,
) {
    let spec = routed.op.spec();
    let seconds = started.elapsed().as_secs_f64();
    app.metrics.record(routed.index, status, seconds);
    let probe = spec.surface == Surface::System;
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

/// The decoded value of the `fields` query parameter, if any.
fn fields_param(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "fields").then(|| percent_decode_str(&v.replace('+', " ")).decode_utf8_lossy().into_owned())
    })
}

fn filter_reply(reply: Reply, filter: &crate::fields::FieldFilter) -> Reply {
    match reply.to_json() {
        Some(value) => Reply::Json(filter.apply(value)),
        None => reply,
    }
}

pub(crate) fn fail(app: &App, surface: Surface, e: &ApiError, request_id: &str, operation: Option<&str>) -> Response {
    if e.code.status() >= 500 {
        tracing::error!(request_id, operation, error = %e, "request failed");
    }
    let mut response = render::error(surface, e, app.compat, request_id);
    if e.code == ErrorCode::BodyTooLarge {
        // The body was left unread, so this connection cannot carry another request; saying
        // so keeps a client from sending its next request down a closing connection.
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if let Some(v) = crate::throttle::retry_after_of(e).and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Everything after routing; answers who called (anonymous if that was never established)
/// and the outcome, and leaves the rate limits' verdicts in `limits` for the headers.
#[allow(clippy::too_many_arguments)]
async fn run(
    app: &App,
    routed: Routed,
    method: Method,
    store_code: Option<&str>,
    raw_params: Vec<(String, String)>,
    req: Request,
    request_id: &str,
    limits: &mut crate::throttle::Verdicts,
) -> (Principal, Result<Reply, ApiError>) {
    let op = routed.op;
    let spec = op.spec();
    // Read before any data, so nothing cached below can be older than this epoch.
    let epoch = app.db.change_epoch();
    let store = match resolve_store(app, epoch, spec.surface, store_code).await {
        Ok(s) => s,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    let mut req = req;
    let client = crate::client::address(&req, &app.trusted_proxies);
    // Rate limits (the operation's declared `limits`): per address before anything else is
    // read or written, so a refused flood costs almost nothing and is not audited.
    if let Err(e) = app.throttle.check_address(spec.limits, client, limits).await {
        return (Principal::Anonymous, Err(e));
    }
    let (principal, decision) = match admit(app, epoch, op, &mut req, request_id, &store).await {
        (principal, Ok(decision)) => (principal, decision),
        (principal, Err(e)) => return (principal, Err(e)),
    };
    let audit =
        Audit { app, channel: "rest", op, request_id, principal: &principal, store: &store, decision: &decision };
    // Magento checks the ACL before refusing reads on the `all` store.
    if store_code == Some("all") && method == Method::Get {
        return (principal, Err(ApiError::new(ErrorCode::GetWithAllStore)));
    }
    // Operations anyone may call take smaller bodies, checked against Content-Length before
    // a byte is read, so a flood of large anonymous bodies costs no parsing. (Such operations
    // never look at a token, so the operation's ACL decides, not who sent it.)
    let open_to_anyone = spec.acl == storegate_types::Acl::Anonymous;
    let body_limit = if open_to_anyone { app.anonymous_body_limit } else { app.body_limit };
    let input = match read_input(app, method, raw_params, req, body_limit).await {
        Ok(mut input) => {
            bind_forced(spec.forced, &principal, &mut input);
            // Per account or cart: the key is in the input.
            if let Err(e) = app.throttle.check_fields(spec.limits, &input, limits).await {
                return (principal, Err(e));
            }
            input
        }
        Err(e) => {
            audit.record(&Value::Null, Err(&e)).await;
            return (principal, Err(e));
        }
    };
    let cx = context(app, &store, &principal, request_id, client);
    let cache_key = is_cacheable(spec.id).then(|| (routed.index, store.id, input.to_string()));
    if let Some(hit) = cache_key.as_ref().and_then(|k| app.caches.responses.get(epoch, k)) {
        return (principal, Ok(Reply::JsonBytes(hit.to_vec())));
    }
    // Only audited operations need their input after the call.
    let (call_input, kept_input) = if spec.audits_success() { (input.clone(), input) } else { (input, Value::Null) };
    let call = async {
        if spec.surface == Surface::System {
            // Probes answer at once (readiness bounds its own database check).
            op.invoke(&cx, call_input).await
        } else {
            match tokio::time::timeout(app.request_timeout, op.invoke(&cx, call_input)).await {
                Ok(r) => r,
                Err(_) => Err(ApiError::new(ErrorCode::Timeout)),
            }
        }
    };
    // A write's audit row is journaled in the write's own transaction, then settled here.
    let (result, journaled) = match audit.journal(&kept_input) {
        Some(entry) => storegate_db::guard::with_commit_journal(entry, call).await,
        None => (call.await, false),
    };
    audit.settle(&kept_input, result.as_ref().map(Reply::as_json), journaled).await;
    if let (Some(key), Ok(Reply::JsonBytes(body))) = (cache_key, &result) {
        app.caches.responses.put(epoch, key, Arc::from(body.as_slice()), body.len());
    }
    (principal, result)
}

/// Authenticates the caller and makes the one permission decision; a denial is audited
/// and answered with its error. Queued operations are admitted here too, when accepted.
pub(crate) async fn admit(
    app: &App,
    epoch: Option<u64>,
    op: &'static dyn ErasedOp,
    req: &mut Request,
    request_id: &str,
    store: &Arc<StoreView>,
) -> (Principal, Result<Decision, ApiError>) {
    let spec = op.spec();
    let principal = match authenticate(app, epoch, spec.acl, req).await {
        Ok(p) => p,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    let decision = access::decide(&principal, &spec.acl, spec.effect, app.tenant);
    if !decision.allowed {
        let error = decision.error.clone().unwrap_or_else(|| ApiError::new(ErrorCode::Forbidden));
        if principal == Principal::Anonymous {
            // Counted and written in batches: an anonymous flood must not become a write flood.
            let status = app.compat.status(error.code);
            app.denials.note(spec.id, spec.summary, &store.code, status, &decision.reason, request_id);
        } else {
            let audit =
                Audit { app, channel: "rest", op, request_id, principal: &principal, store, decision: &decision };
            audit.record(&Value::Null, Err(&error)).await;
        }
        return (principal, Err(error));
    }
    (principal, Ok(decision))
}

/// What a handler runs with.
pub(crate) fn context(
    app: &App,
    store: &Arc<StoreView>,
    principal: &Principal,
    request_id: &str,
    client: Option<std::net::IpAddr>,
) -> Ctx {
    Ctx {
        db: app.db.clone(),
        tenant: app.tenant,
        store: store.clone(),
        principal: principal.clone(),
        settings: app.settings.clone(),
        host: app.host.clone(),
        request_id: request_id.to_owned(),
        client,
    }
}

/// Reads whose answer depends only on their input and store view, never on who asks
/// (every caller that passes the permission decision gets the same product).
fn is_cacheable(operation: &str) -> bool {
    matches!(operation, "catalog.product.get" | "catalog.product.list" | "catalog.categories.tree")
}

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

/// A Bearer token or an OAuth 1.0a signed request becomes a principal; anything else is
/// anonymous. Anonymous operations skip the lookup. Bearer answers are cached by token hash
/// until the token expires or anything in the database changes (a revocation, a role edit
/// from the CLI); signed requests are checked every time (each spends a nonce).
pub(crate) async fn authenticate(
    app: &App,
    epoch: Option<u64>,
    acl: storegate_types::Acl,
    req: &mut Request,
) -> Result<Principal, ApiError> {
    if acl == storegate_types::Acl::Anonymous {
        return Ok(Principal::Anonymous);
    }
    let authorization = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    // OAuth parameters come in the Authorization header or, as Magento also accepts, in
    // the query string (an empty protocol list tells `signed_request` to take them there).
    let oauth_query = authorization.is_none() && req.uri().query().is_some_and(|q| q.contains("oauth_signature="));
    let oauth_header = authorization.and_then(storegate_domain::oauth::signature::parse_header).transpose()?;
    if oauth_header.is_some() || oauth_query {
        let signed = signed_request(app, oauth_header.unwrap_or_default(), req).await?;
        return storegate_domain::oauth::authenticate(&app.db, app.tenant, &app.settings.crypto, &signed).await;
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 512);
    let Some(token) = token else { return Ok(Principal::Anonymous) };
    let key: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
    let now = time::OffsetDateTime::now_utc();
    if let Some((principal, until)) = app.caches.principals.get(epoch, &key)
        && until > now
    {
        return Ok(principal);
    }
    let mut reader = app.db.reader().await.map_err(storegate_domain::storage)?;
    let (mut principal, mut until) = access::authenticate_bearer_until(&mut reader, app.tenant, token).await?;
    if principal == Principal::Anonymous
        && app.settings.integration_bearer
        && let Some(integration) = storegate_domain::oauth::bearer(&mut reader, app.tenant, token).await?
    {
        // Integration tokens last until revoked; a revocation changes the epoch, which
        // retires the cached answer.
        principal = integration;
        until = Some(storegate_domain::clock::format(now + time::Duration::hours(1)));
    }
    if let Some(until) = until.as_deref().and_then(storegate_domain::clock::parse) {
        app.caches.principals.put(epoch, key, (principal.clone(), until), 1);
    }
    Ok(principal)
}

/// What an OAuth signature covers: the method, the URL (scheme and Host as received, and
/// the configured public base URL's scheme and host for servers behind a proxy), the
/// query parameters and, for a form-encoded body, its parameters. The body is read and
/// put back for the handler. With no header parameters, the `oauth_*` ones are taken from
/// the query string and form body.
async fn signed_request(
    app: &App,
    protocol: Vec<(String, String)>,
    req: &mut Request,
) -> Result<storegate_domain::oauth::SignedRequest, ApiError> {
    use storegate_domain::oauth::signature;
    let headers = req.headers();
    let path = req.uri().path().to_owned();
    let forwarded = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let scheme = forwarded.as_deref().or(req.uri().scheme_str()).unwrap_or("http").to_owned();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).or(req.uri().authority().map(|a| a.as_str()));
    let mut urls = Vec::with_capacity(2);
    if let Some(host) = host {
        urls.push(signature::base_url(&scheme, host, &path));
    }
    if let Some((public_scheme, rest)) = app.settings.base_url.split_once("://") {
        let public_host = rest.split('/').next().unwrap_or(rest);
        let public = signature::base_url(public_scheme, public_host, &path);
        if !urls.contains(&public) {
            urls.push(public);
        }
    }
    let mut params = req.uri().query().map(signature::parse_form).unwrap_or_default();
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let body = std::mem::take(req.body_mut());
        let bytes = axum::body::to_bytes(body, app.body_limit).await.map_err(|_| too_large(app.body_limit))?;
        params.extend(signature::parse_form(&String::from_utf8_lossy(&bytes)));
        *req.body_mut() = Body::from(bytes);
    }
    let (protocol, params) = if protocol.is_empty() {
        params.into_iter().partition(|(k, _)| k.starts_with("oauth_"))
    } else {
        (protocol, params)
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Ok(storegate_domain::oauth::SignedRequest { method: req.method().as_str().to_owned(), urls, protocol, params, now })
}

pub(crate) fn bind_forced(forced: &[Forced], principal: &Principal, input: &mut Value) {
    for f in forced {
        if let (Forced::CustomerId(field), Principal::Customer { id, .. }, Some(map)) =
            (f, principal, input.as_object_mut())
        {
            map.insert((*field).to_owned(), Value::from(id.0));
        }
    }
}

/// Merges query parameters, path parameters and the JSON body's top-level keys into one
/// object, as Magento maps them onto the service method's arguments by name. Path
/// parameters win over the body, so a body cannot retarget the request.
async fn read_input(
    app: &App,
    method: Method,
    raw_params: Vec<(String, String)>,
    req: Request,
    body_limit: usize,
) -> Result<Value, ApiError> {
    let query = query_input(&req)?;
    // A body trickling in byte by byte must not hold the request open past its timeout.
    let body = match method {
        Method::Get => None,
        _ => object_body(read_json(app, req, body_limit).await?)?,
    };
    let params = raw_params.into_iter().map(|(name, raw)| decode_path_param(&name, &raw)).collect::<Result<_, _>>()?;
    let input = merge_input(query, body, params);
    refuse_nul(&input, "input")?;
    Ok(input)
}

/// A NUL character is refused wherever it appears (a key, a value, at any depth): no
/// field means one, and PostgreSQL cannot store it in text.
pub(crate) fn refuse_nul(value: &Value, field: &str) -> Result<(), ApiError> {
    let refused = |field: &str, text: &str| ApiError::invalid_value(field, text.replace('\0', "\\u0000"));
    match value {
        Value::String(text) if text.contains('\0') => Err(refused(field, text)),
        Value::Object(map) => map.iter().try_for_each(|(key, v)| {
            if key.contains('\0') {
                return Err(refused(key, key));
            }
            refuse_nul(v, key)
        }),
        Value::Array(items) => items.iter().try_for_each(|v| refuse_nul(v, field)),
        _ => Ok(()),
    }
}

/// A request body as the top-level keys of an operation's input: a JSON object or nothing.
pub(crate) fn object_body(body: Option<Value>) -> Result<Option<Map<String, Value>>, ApiError> {
    match body {
        None => Ok(None),
        Some(Value::Object(body)) => Ok(Some(body)),
        Some(_) => Err(ApiError::new(ErrorCode::DecodingError).with_internal("the body is not a JSON object")),
    }
}

/// The query string's parameters as an input object.
pub(crate) fn query_input(req: &Request) -> Result<Map<String, Value>, ApiError> {
    match req.uri().query().filter(|q| !q.is_empty()).map(query::parse) {
        Some(Ok(Value::Object(m))) => Ok(m),
        Some(Err(e)) => Err(ApiError::invalid_value("query", Value::String(e.0))),
        _ => Ok(Map::new()),
    }
}

/// One operation's input: query, then body (keys normalised to snake_case), then path
/// parameters, each overriding the one before.
pub(crate) fn merge_input(
    query: Map<String, Value>,
    body: Option<Map<String, Value>>,
    params: Vec<(String, Value)>,
) -> Value {
    let mut input = query;
    if let Some(body) = body {
        input.extend(body);
    }
    let mut input = match storegate_api::input::normalize_keys(Value::Object(input)) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    for (name, value) in params {
        input.insert(storegate_api::input::snake_case(&name), value);
    }
    Value::Object(input)
}

/// PHP's urldecode, as Magento decodes path parameters: `+` is a space (clients such as
/// my-magento encode SKUs with quote_plus); a literal plus arrives as %2B.
pub(crate) fn decode_path_param(name: &str, raw: &str) -> Result<(String, Value), ApiError> {
    let raw = raw.replace('+', " ");
    let value = percent_decode_str(&raw)
        .decode_utf8()
        .map_err(|_| ApiError::invalid_value(name, Value::String(raw.clone())))?
        .into_owned();
    Ok((name.to_owned(), Value::String(value)))
}

/// The JSON body, if any, read within the request timeout and `limit` bytes.
pub(crate) async fn read_json(app: &App, req: Request, limit: usize) -> Result<Option<Value>, ApiError> {
    tokio::time::timeout(app.request_timeout, read_body(req, limit))
        .await
        .map_err(|_| ApiError::new(ErrorCode::BodyTimeout))?
}

async fn read_body(req: Request, limit: usize) -> Result<Option<Value>, ApiError> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| too_large(limit))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match content_type.as_deref().map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase()) {
        None => return Err(ApiError::new(ErrorCode::ContentTypeMissing)),
        Some(ct) if ct == "application/json" || ct.ends_with("+json") => {}
        Some(ct) => return Err(ApiError::positional(ErrorCode::ContentTypeUnsupported, [ct])),
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::new(ErrorCode::DecodingError).with_internal(e.to_string()))
}

pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::positional(ErrorCode::BodyTooLarge, [limit])
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
                self.app.compat.status(self.decision.error.as_ref().map_or(ErrorCode::Forbidden, |e| e.code)),
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
                (self.app.compat.status(e.code), sentence, Some(failure))
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

/// A handler panicked: log it under the request id, which is also the report id the
/// caller sees, and answer a Magento-shaped 500 without the panic's detail.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>, request_id: &str) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(request_id, panic = detail, "handler panicked");
    let body = render::magento_error_body(&ApiError::internal(detail), request_id);
    render::json_response(StatusCode::INTERNAL_SERVER_ERROR, &body)
}

#[cfg(test)]
mod tests {
    use super::{Mode, classify};
    use storegate_api::Surface;

    #[test]
    fn rest_prefixes() {
        let t = classify("/rest/V1/products/a%2Fb");
        assert_eq!((t.surface, t.store_code, t.path), (Surface::Magento, None, "/V1/products/a%2Fb"));
        let t = classify("/rest/default/V1/products");
        assert_eq!((t.store_code, t.path), (Some("default"), "/V1/products"));
        let t = classify("/rest/all/V1/products/x");
        assert_eq!((t.store_code, t.path), (Some("all"), "/V1/products/x"));
        let t = classify("/rest/schema");
        assert_eq!((t.store_code, t.path), (None, "/schema"));
        let t = classify("/rest/fr/schema");
        assert_eq!((t.store_code, t.path), (Some("fr"), "/schema"));
        let t = classify("/health");
        assert_eq!((t.surface, t.path), (Surface::System, "/health"));
        let t = classify("/rest/async/V1/products");
        assert_eq!((t.store_code, t.mode, t.path), (None, Mode::Async, "/V1/products"));
        let t = classify("/rest/default/async/bulk/V1/products/bySku");
        assert_eq!((t.store_code, t.mode, t.path), (Some("default"), Mode::Bulk, "/V1/products/bySku"));
        let t = classify("/rest/V1/async/V1/x");
        assert_eq!((t.mode, t.path), (Mode::Now, "/V1/async/V1/x"));
        let t = classify("/oauth/token/request");
        assert_eq!((t.surface, t.path), (Surface::OAuth, "/oauth/token/request"));
    }
}
