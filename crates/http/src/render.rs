//! Each surface renders errors its own way, all from the one error table.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use storegate_api::{Reply, Surface};
use storegate_types::{ApiError, ErrorCode};

/// Answers with Magento's status for the two cases where the source document and real
/// Magento disagree (403 → 401 for a missing ACL resource, 405 → 404 for a wrong method).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusCompat {
    pub magento: bool,
}

impl StatusCompat {
    pub fn status(self, code: ErrorCode) -> u16 {
        match (self.magento, code) {
            (true, ErrorCode::Forbidden) => 401,
            (true, ErrorCode::MethodNotAllowed) => 404,
            _ => code.status(),
        }
    }
}

const JSON: &str = "application/json; charset=utf-8";
const PROBLEM: &str = "application/problem+json";

/// The status an error is answered with on `surface`: Magento's two differences apply to
/// the Magento-compatible surfaces only, never to `/api/v1`.
pub fn status_of(compat: StatusCompat, surface: Surface, code: ErrorCode) -> u16 {
    if surface == Surface::Platform { code.status() } else { compat.status(code) }
}

/// `PlatformTokenInvalid` → `platform-token-invalid`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `PlatformTokenInvalid` → `Platform token invalid`.
fn title(name: &str) -> String {
    let words = kebab(name).replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The JSON Pointer (RFC 6901) of an input field named by an error's `fieldName`.
fn pointer(e: &ApiError) -> Option<String> {
    let storegate_types::Params::Named(pairs) = &e.params else { return None };
    let field = pairs.iter().find(|(k, _)| k == "fieldName")?.1.as_str()?;
    let escaped: Vec<String> = field.split('.').map(|seg| seg.replace('~', "~0").replace('/', "~1")).collect();
    Some(format!("/{}", escaped.join("/")))
}

/// RFC 9457 problem details, from the one error table: `type` names the code
/// (`https://storegate.dev/problems/<code-in-kebab-case>`), `title` the code in words,
/// `detail` the message with its placeholders filled in, `instance` the request path, and
/// the extensions `code`, `request_id` and, for invalid input, `errors: [{pointer, detail}]`.
/// A 5xx says nothing of its cause: the request id is its report id.
pub fn problem_body(e: &ApiError, status: u16, instance: &str, request_id: &str) -> Value {
    let name = e.code.name();
    let detail =
        if status >= 500 { format!("An internal error occurred; quote report id {request_id}.") } else { e.message() };
    let mut body = json!({
        "type": format!("https://storegate.dev/problems/{}", kebab(name)),
        "title": title(name),
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": name,
        "request_id": request_id,
    });
    let inner: Vec<&ApiError> = if e.errors.is_empty() { vec![e] } else { e.errors.iter().collect() };
    let errors: Vec<Value> =
        inner.into_iter().filter_map(|i| pointer(i).map(|p| json!({"pointer": p, "detail": i.message()}))).collect();
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors);
    }
    body
}

fn problem(status: StatusCode, e: &ApiError, instance: &str, request_id: &str) -> Response {
    let body = problem_body(e, status.as_u16(), instance, request_id);
    let mut r = json_response(status, &body);
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    r
}

pub fn reply(reply: Reply) -> Response {
    match reply {
        Reply::Json(v) => json_response(StatusCode::OK, &v),
        Reply::JsonBytes(body) => json_bytes(StatusCode::OK, body),
        Reply::Text { body, content_type } => {
            let mut r = body.into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        }
        Reply::Binary { body, content_type } => {
            let mut r = Response::new(axum::body::Body::from(body));
            let ct =
                HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            r.headers_mut().insert(header::CONTENT_TYPE, ct);
            // Stored files are served to browsers from the API's own origin: whatever one
            // holds, it may run nothing and load nothing.
            r.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
            r
        }
    }
}

pub fn json_response(status: StatusCode, v: &Value) -> Response {
    json_bytes(status, serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec()))
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut r = Response::new(axum::body::Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    r
}

/// Magento's body: the raw template with its parameters, `errors` for aggregated input
/// errors. Internal errors carry a report id instead of any detail.
pub fn magento_error_body(e: &ApiError, report_id: &str) -> Value {
    if e.code == ErrorCode::Internal {
        return json!({
            "message": storegate_types::error::substitute(e.code.template(), &storegate_types::Params::Positional(vec![Value::String(format!("webapi-{report_id}"))]))
        });
    }
    let mut body = Map::new();
    body.insert("message".into(), Value::String(e.code.template().to_owned()));
    if let Some(p) = e.params.to_json() {
        body.insert("parameters".into(), p);
    }
    if !e.errors.is_empty() {
        let errors = e.errors.iter().map(|inner| magento_error_body(inner, report_id)).collect();
        body.insert("errors".into(), Value::Array(errors));
    }
    Value::Object(body)
}

pub fn error(surface: Surface, e: &ApiError, compat: StatusCompat, report_id: &str) -> Response {
    error_at(surface, e, compat, report_id, "")
}

/// As [`error`], with the request path (the problem's `instance` on `/api/v1`).
pub fn error_at(surface: Surface, e: &ApiError, compat: StatusCompat, report_id: &str, instance: &str) -> Response {
    let status = StatusCode::from_u16(status_of(compat, surface, e.code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match surface {
        Surface::Platform => return problem(status, e, instance, report_id),
        Surface::OAuth => return oauth_problem(status, e, report_id),
        Surface::Magento => magento_error_body(e, report_id),
        Surface::System => {
            let message = if e.code == ErrorCode::Internal {
                format!("internal error, report id {report_id}")
            } else {
                e.message()
            };
            json!({"status": if status.is_server_error() { "unavailable" } else { "error" }, "message": message})
        }
    };
    json_response(status, &body)
}

/// Magento's token controllers answer errors form-encoded: `oauth_problem=<message>`
/// (placeholders filled in).
fn oauth_problem(status: StatusCode, e: &ApiError, report_id: &str) -> Response {
    let message = if status.is_server_error() { format!("internal_error&report_id={report_id}") } else { e.message() };
    let body = format!("oauth_problem={}", storegate_domain::oauth::signature::encode(&message));
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    r
}

/// An error answered in the surface's format, with the headers its kind calls for; a 5xx is
/// logged with the request id, which the body gives as the report id.
pub(crate) fn failure(
    app: &crate::App,
    surface: Surface,
    e: &ApiError,
    request_id: &str,
    operation: Option<&str>,
) -> Response {
    failure_at(app, surface, e, request_id, operation, "")
}

/// As [`failure`], with the request path (the problem's `instance` on `/api/v1`).
pub(crate) fn failure_at(
    app: &crate::App,
    surface: Surface,
    e: &ApiError,
    request_id: &str,
    operation: Option<&str>,
    instance: &str,
) -> Response {
    if e.code.status() >= 500 {
        tracing::error!(request_id, operation, error = %e, "request failed");
    }
    let mut response = error_at(surface, e, app.compat, request_id, instance);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magento_bodies_keep_placeholders() {
        let e = ApiError::no_such_entity("customerId", json!(5));
        assert_eq!(
            magento_error_body(&e, "r"),
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "customerId", "fieldValue": 5}})
        );
        let agg = ApiError::aggregate(vec![ApiError::required("username"), ApiError::required("password")]).unwrap();
        let body = magento_error_body(&agg, "r");
        assert_eq!(body["message"], "One or more input exceptions have occurred.");
        assert_eq!(body["errors"][1]["parameters"]["fieldName"], "password");
        let internal = magento_error_body(&ApiError::internal("db exploded"), "abc");
        assert_eq!(
            internal["message"],
            "Internal Error. Details are available in the storegate log. Report ID: webapi-abc"
        );
        assert!(!internal.to_string().contains("exploded"));
    }

    #[test]
    fn problems_name_their_code_and_point_at_fields() {
        let agg = ApiError::aggregate(vec![ApiError::required("email"), ApiError::required("password")]).unwrap();
        let body = problem_body(&agg, 400, "/api/v1/auth/sessions", "r1");
        assert_eq!(body["type"], "https://storegate.dev/problems/input-errors");
        assert_eq!(body["title"], "Input errors");
        assert_eq!(body["code"], "InputErrors");
        assert_eq!(body["instance"], "/api/v1/auth/sessions");
        assert_eq!(
            body["errors"][1],
            json!({"pointer": "/password", "detail": "\"password\" is required. Enter and try again."})
        );
        let internal = problem_body(&ApiError::internal("db exploded"), 500, "/x", "abc");
        assert!(!internal.to_string().contains("exploded"));
        assert!(internal.get("errors").is_none());
    }

    #[test]
    fn compat_changes_only_two_statuses() {
        let c = StatusCompat { magento: true };
        assert_eq!(c.status(ErrorCode::Forbidden), 401);
        assert_eq!(c.status(ErrorCode::MethodNotAllowed), 404);
        assert_eq!(c.status(ErrorCode::ProductNotFound), 404);
        assert_eq!(StatusCompat::default().status(ErrorCode::Forbidden), 403);
    }
}
