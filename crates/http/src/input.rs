//! Reading a Magento-style request into an operation's input: query string, JSON body and
//! path parameters merged into one object, as Magento maps them onto a service method's
//! arguments. Shared by requests run now and those queued (`/rest/async/…`).

use crate::{App, query};
use axum::extract::Request;
use axum::http::header;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use storegate_api::Method;
use storegate_types::{ApiError, ErrorCode};

/// Merges query parameters, path parameters and the JSON body's top-level keys into one
/// object, as Magento maps them onto the service method's arguments by name. Path
/// parameters win over the body, so a body cannot retarget the request.
pub(crate) async fn read_input(
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
