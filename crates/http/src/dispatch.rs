//! The Magento surface's entry point. Every request passes here: request id and panic
//! guard, route (registry), then the address rate limit, the credential read into a
//! principal and the request read into an input, run through the one pipeline
//! ([`crate::pipeline`]); the outcome is rendered in the surface's format. Queued forms
//! (`/rest/async/…`) go to [`crate::bulk`].

use crate::pipeline::{self, Channel};
use crate::routes::{Lookup, Mode, Routed};
use crate::{App, auth, input, observe, render};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::FutureExt;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;
use storegate_api::{Method, Reply, Surface};
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

/// `/rest/V1/…`, `/rest/<code>/V1/…` and `/rest/schema` belong to the Magento surface; the
/// first segment after `/rest` is a store code unless it is where Magento paths begin.
/// `async/` or `async/bulk/` before `V1` queues the request.
fn classify(path: &str) -> Target<'_> {
    let system = |surface| Target { surface, store_code: None, mode: Mode::Now, path };
    if path.starts_with("/oauth/") {
        return system(Surface::OAuth);
    }
    if let Some(rest) = path.strip_prefix(storegate_api::spec::PLATFORM_PREFIX)
        && (rest.is_empty() || rest.starts_with('/'))
    {
        let path = if rest.is_empty() { "/" } else { rest };
        return Target { surface: Surface::Platform, store_code: None, mode: Mode::Now, path };
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
            let e = ApiError::new(ErrorCode::MethodNotAllowed);
            let mut r = render::failure_at(&app, surface, &e, request_id, None, uri.path());
            let allow = allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
            if let Ok(v) = HeaderValue::from_str(&allow) {
                r.headers_mut().insert(header::ALLOW, v);
            }
            return r;
        }
        Lookup::NotFound => {
            let e = ApiError::new(ErrorCode::RouteNotFound);
            return render::failure_at(&app, surface, &e, request_id, None, uri.path());
        }
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
        Err(e) => render::status_of(app.compat, surface, e.code),
    };
    observe::finished(&app, routed, &principal, status, started, request_id);
    let mut response = match outcome {
        Ok(reply) => render::reply(match field_filter {
            Some(filter) => filter_reply(reply, &filter),
            None => reply,
        }),
        Err(e) => render::failure_at(&app, surface, &e, request_id, Some(spec.id), uri.path()),
    };
    if spec.carries_credentials() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    limits.apply(response.headers_mut());
    response
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

/// Everything after routing: reads the request into a principal, a store view and an input
/// and runs them through the pipeline; answers who called (anonymous if that was never
/// established) and the outcome, and leaves the rate limits' verdicts in `limits`.
#[allow(clippy::too_many_arguments)]
async fn run(
    app: &App,
    routed: Routed,
    method: Method,
    store_code: Option<&str>,
    raw_params: Vec<(String, String)>,
    mut req: Request,
    request_id: &str,
    limits: &mut crate::throttle::Verdicts,
) -> (Principal, Result<Reply, ApiError>) {
    let op = routed.op;
    let spec = op.spec();
    // Read before any data, so nothing cached below can be older than this epoch.
    let epoch = app.db.change_epoch();
    let store = match pipeline::resolve_store(app, epoch, spec.surface, store_code).await {
        Ok(s) => s,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    let client = crate::client::address(&req, &app.trusted_proxies);
    // Rate limits (the operation's declared `limits`): per address before anything else is
    // read or written, so a refused flood costs almost nothing and is not audited.
    if let Err(e) = app.throttle.check_address(spec.limits, client, limits).await {
        return (Principal::Anonymous, Err(e));
    }
    let principal = match auth::authenticate(app, epoch, spec.acl, &mut req).await {
        Ok(p) => p,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    // A platform request addressing a store (`/stores/{storeId}/…`, by id or code) is decided
    // on the principal's grants in that store; one it does not reach addresses none.
    let platform_store = raw_params.iter().find(|(k, _)| k == "storeId").and_then(|(_, raw)| {
        let raw = percent_decode_str(raw).decode_utf8_lossy();
        principal.platform_stores().iter().find(|s| s.store_id.to_string() == raw || s.code == raw).map(|s| s.store_id)
    });
    let admitted =
        pipeline::admit_in(app, Channel::Rest, op, request_id, epoch, principal.clone(), store, platform_store).await;
    let call = match admitted {
        Ok(call) => call,
        Err(e) => return (principal, Err(e)),
    };
    // Magento checks the ACL before refusing reads on the `all` store.
    if store_code == Some("all") && method == Method::Get {
        return (principal, Err(ApiError::new(ErrorCode::GetWithAllStore)));
    }
    // Operations anyone may call take smaller bodies, checked against Content-Length before
    // a byte is read, so a flood of large anonymous bodies costs no parsing. (Such operations
    // never look at a token, so the operation's ACL decides, not who sent it.)
    let open_to_anyone = spec.acl == storegate_types::Acl::Anonymous;
    let body_limit = if open_to_anyone { app.anonymous_body_limit } else { app.body_limit };
    let input = match input::read_input(app, method, raw_params, req, body_limit).await {
        Ok(mut input) => {
            call.bind_forced(&mut input);
            // Per account or cart: the key is in the input.
            if let Err(e) = app.throttle.check_fields(spec.limits, &input, limits).await {
                return (principal, Err(e));
            }
            input
        }
        Err(e) => {
            call.audit().record(&Value::Null, Err(&e)).await;
            return (principal, Err(e));
        }
    };
    (principal, call.execute(input, client, None).await.result)
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
    use super::classify;
    use crate::routes::Mode;
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
        let t = classify("/api/v1/stores/default");
        assert_eq!((t.surface, t.path), (Surface::Platform, "/stores/default"));
        let t = classify("/api/v1");
        assert_eq!((t.surface, t.path), (Surface::Platform, "/"));
        let t = classify("/api/v10/stores");
        assert_eq!(t.surface, Surface::System);
        let t = classify("/oauth/token/request");
        assert_eq!((t.surface, t.path), (Surface::OAuth, "/oauth/token/request"));
    }
}
