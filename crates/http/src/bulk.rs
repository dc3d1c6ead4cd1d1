//! Accepting `/rest/async/V1/…` and `/rest/async/bulk/V1/…` requests: the same route
//! lookup, authentication and permission decision as a request run now, then each
//! operation's input is checked and the bulk is written to the queue in one transaction;
//! the answer is 202 with one request item per operation. The workers in [`crate::jobs`]
//! run the operations.

use crate::pipeline::{self, Audit, Channel};
use crate::routes::{Lookup, Mode, Routed};
use crate::{App, auth, input, observe, render};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};
use sha2::Digest;
use std::time::Instant;
use storegate_api::{Method, Surface};
use storegate_domain::bulk::{self, NewBulk, NewOperation};
use storegate_types::principal::Principal;
use storegate_types::{ApiError, ErrorCode};

/// Answers an async or bulk request: 202 and the request items, or the error that refused
/// the whole request (unknown route, no permission, a body that is not what the mode takes).
pub(crate) async fn accept(
    app: &App,
    mode: Mode,
    store_code: Option<&str>,
    path: &str,
    req: Request,
    request_id: &str,
    started: Instant,
) -> Response {
    let method = Method::parse(req.method().as_str()).filter(|m| *m != Method::Get);
    let table = if mode == Mode::Bulk { &app.bulk_routes } else { &app.routes };
    let (routed, params) = match method.map(|m| table.lookup(Surface::Magento, Some(m), path)) {
        Some(Lookup::Found(routed, params)) if routed.op.spec().queueable() => (routed, params),
        // Only writes have queued forms (`OpSpec::queueable`): anything else is no route at all.
        _ => return render::failure(app, Surface::Magento, &ApiError::new(ErrorCode::RouteNotFound), request_id, None),
    };
    let spec = routed.op.spec();
    let (principal, outcome) = queue(app, mode, routed, params, store_code, req, request_id).await;
    let status = match &outcome {
        Ok(_) => 202,
        Err(e) => app.compat.status(e.code),
    };
    observe::finished(app, routed, &principal, status, started, request_id);
    match outcome {
        Ok(body) => {
            app.jobs.wake();
            render::json_response(StatusCode::ACCEPTED, &body)
        }
        Err(e) => render::failure(app, Surface::Magento, &e, request_id, Some(spec.id)),
    }
}

async fn queue(
    app: &App,
    mode: Mode,
    routed: Routed,
    raw_params: Vec<(String, String)>,
    store_code: Option<&str>,
    mut req: Request,
    request_id: &str,
) -> (Principal, Result<Value, ApiError>) {
    let op = routed.op;
    let spec = op.spec();
    let epoch = app.db.change_epoch();
    let store = match pipeline::resolve_store(app, epoch, Surface::Magento, store_code).await {
        Ok(s) => s,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    let client = crate::client::address(&req, &app.trusted_proxies);
    let principal = match auth::authenticate(app, epoch, spec.acl, &mut req).await {
        Ok(p) => p,
        Err(e) => return (Principal::Anonymous, Err(e)),
    };
    let call = match pipeline::admit(app, Channel::Rest, op, request_id, epoch, principal.clone(), store).await {
        Ok(call) => call,
        Err(e) => return (principal, Err(e)),
    };
    let caller = Caller::of(&bounded_caller(app, epoch, &principal, &mut req).await, client);
    if let Err(e) = caller.may_queue(app) {
        return (principal, Err(e));
    }
    let audit = call.audit();
    let inputs = match read_inputs(app, mode, spec, raw_params, req).await {
        Ok(inputs) => inputs,
        Err(e) => {
            audit.record(&Value::Null, Err(&e)).await;
            return (principal, Err(e));
        }
    };
    if let Err(e) = caller.take_quota(app, inputs.len()).await {
        return (principal, Err(e));
    }
    let topic = topic_name(spec.path, spec.method);
    let operations: Vec<NewOperation> = inputs
        .into_iter()
        .map(|input| {
            let (input, rejected) = match input {
                (mut input, None) => {
                    call.bind_forced(&mut input);
                    let rejected = op.check_input(input.clone()).err();
                    (input, rejected)
                }
                rejected => rejected,
            };
            NewOperation { operation: spec.id, topic: topic.clone(), input, rejected }
        })
        .collect();
    let new = NewBulk {
        uuid: uuid::Uuid::new_v4().to_string(),
        principal: principal.clone(),
        store_code: store_code.map(str::to_owned),
        description: format!("Topic {topic}"),
    };
    let stored = store_bulk(app, &new, &operations).await;
    record_acceptance(&audit, &new, &operations, stored.as_ref().err()).await;
    (principal, stored.map(|()| request_items(&new, &operations)))
}

/// Who queues, as far as bounds on queued work go: administrators and integrations are
/// trusted with the store's queue; anonymous callers (by address) and customers (by id)
/// get a per-request cap and a quota, since each queued registration or reset costs a
/// password hash in a worker (issue 12).
enum Caller {
    Trusted,
    Anonymous(Option<std::net::IpAddr>),
    Customer(i64),
}

/// Who is queueing, for the bounds: the principal, except that an operation open to
/// anonymous callers (registration, guest carts) skips authentication, so whoever presented
/// a credential is looked up here, only to tell an administrator from a stranger.
async fn bounded_caller(app: &App, epoch: Option<u64>, principal: &Principal, req: &mut Request) -> Principal {
    if *principal != Principal::Anonymous || !req.headers().contains_key(axum::http::header::AUTHORIZATION) {
        return principal.clone();
    }
    let any_credential = storegate_types::Acl::SelfCustomer;
    auth::authenticate(app, epoch, any_credential, req).await.unwrap_or(Principal::Anonymous)
}

impl Caller {
    fn of(principal: &Principal, client: Option<std::net::IpAddr>) -> Caller {
        match principal {
            Principal::Anonymous => Caller::Anonymous(client),
            Principal::Customer { id, .. } => Caller::Customer(id.0),
            _ => Caller::Trusted,
        }
    }

    /// Anonymous queueing is off unless the store turned it on (`--anonymous-bulk on`).
    /// Refused before the body is read, and not audited: a flood must not become writes.
    fn may_queue(&self, app: &App) -> Result<(), ApiError> {
        match self {
            Caller::Anonymous(_) if !app.anonymous_bulk => Err(ApiError::new(ErrorCode::BulkAnonymousDisabled)),
            _ => Ok(()),
        }
    }

    /// At most `bulk_caller_max` operations in one request, then `operations` counted
    /// against the caller's quota (`--rate-queued-per-caller`).
    async fn take_quota(&self, app: &App, operations: usize) -> Result<(), ApiError> {
        let key = match self {
            Caller::Trusted => return Ok(()),
            Caller::Anonymous(address) => {
                format!("address:{}", address.map_or_else(|| "unknown".into(), |a| a.to_string()))
            }
            Caller::Customer(id) => format!("customer:{id}"),
        };
        if operations > app.bulk_caller_max {
            return Err(ApiError::positional(ErrorCode::BulkTooManyOperations, [operations, app.bulk_caller_max]));
        }
        let cost = u32::try_from(operations).unwrap_or(u32::MAX);
        let mut verdicts = crate::throttle::Verdicts::default();
        app.throttle.check_cost(storegate_api::Policy::QueuedPerCaller, &key, cost, &mut verdicts).await
    }
}

async fn store_bulk(app: &App, new: &NewBulk, operations: &[NewOperation]) -> Result<(), ApiError> {
    use storegate_domain::StorageResult;
    let mut tx = app.db.begin().await.storage()?;
    bulk::accept(&mut tx, app.tenant, &app.settings.crypto, new, operations).await?;
    tx.commit().await.storage()
}

/// Each operation's input, and why it is rejected already (a bulk element that is not an
/// object or lacks a path parameter).
type Inputs = Vec<(Value, Option<ApiError>)>;

async fn read_inputs(
    app: &App,
    mode: Mode,
    spec: &storegate_api::OpSpec,
    raw_params: Vec<(String, String)>,
    req: Request,
) -> Result<Inputs, ApiError> {
    let query = input::query_input(&req)?;
    let limit = if mode == Mode::Bulk { app.bulk_body_limit } else { app.body_limit };
    let body = input::read_json(app, req, limit).await?;
    if mode == Mode::Async {
        let body = input::object_body(body)?;
        let params = raw_params
            .into_iter()
            .map(|(name, raw)| input::decode_path_param(&name, &raw))
            .collect::<Result<_, _>>()?;
        let input = input::merge_input(query, body, params);
        input::refuse_nul(&input, "input")?;
        return Ok(vec![(input, None)]);
    }
    let Some(Value::Array(elements)) = body else { return Err(ApiError::new(ErrorCode::BulkPayloadNotArray)) };
    if elements.is_empty() {
        return Err(ApiError::new(ErrorCode::BulkEmpty));
    }
    if elements.len() > bulk::MAX_OPERATIONS {
        return Err(ApiError::positional(ErrorCode::BulkTooManyOperations, [elements.len(), bulk::MAX_OPERATIONS]));
    }
    let names = spec.path_params();
    Ok(elements.into_iter().map(|element| bulk_input(&query, &names, element)).collect())
}

/// One bulk element as an operation's input: its keys are the body, and the route's path
/// parameters are taken from it by name (`sku`, `quoteId`), as Magento's bulk API does.
fn bulk_input(query: &Map<String, Value>, names: &[&str], element: Value) -> (Value, Option<ApiError>) {
    let Value::Object(body) = element else {
        let not_object = ApiError::new(ErrorCode::DecodingError).with_internal("a bulk element is not an object");
        return (element, Some(not_object));
    };
    let normalized = storegate_api::input::normalize_keys(Value::Object(body.clone()));
    let mut params = Vec::with_capacity(names.len());
    for name in names {
        let value = body.get(*name).or_else(|| normalized.get(storegate_api::input::snake_case(name)));
        match value {
            Some(Value::String(s)) => params.push(((*name).to_owned(), Value::String(s.clone()))),
            Some(Value::Number(n)) => params.push(((*name).to_owned(), Value::String(n.to_string()))),
            _ => return (Value::Object(body), Some(ApiError::required(name))),
        }
    }
    let input = input::merge_input(query.clone(), Some(body), params);
    let refused = input::refuse_nul(&input, "input").err();
    (input, refused)
}

/// Magento's topic for a route: `async.V1.products.POST`; a path parameter appears as its
/// bulk segment (`async.V1.products.bySku.PUT`).
fn topic_name(path: &str, method: Method) -> String {
    let dotted = crate::routes::bulk_path(path).trim_start_matches('/').replace('/', ".");
    format!("async.{dotted}.{}", method.as_str())
}

fn request_items(new: &NewBulk, operations: &[NewOperation]) -> Value {
    let items: Vec<Value> = operations
        .iter()
        .enumerate()
        .map(|(id, op)| {
            let data_hash = hex(&sha2::Sha256::digest(op.input.to_string().as_bytes()));
            match &op.rejected {
                None => json!({"id": id, "data_hash": data_hash, "status": "accepted"}),
                Some(e) => json!({
                    "id": id,
                    "data_hash": data_hash,
                    "status": "rejected",
                    "error_message": e.message(),
                    "error_code": e.code.status(),
                }),
            }
        })
        .collect();
    let errors = operations.iter().any(|op| op.rejected.is_some());
    json!({"bulk_uuid": new.uuid, "request_items": items, "errors": errors})
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One audit row for the whole request: who queued how many operations of what (each
/// operation gets its own row when a worker runs it).
async fn record_acceptance(audit: &Audit<'_>, new: &NewBulk, operations: &[NewOperation], failure: Option<&ApiError>) {
    let who = audit.principal.reference().name;
    let summary = audit.op.spec().summary.trim_end_matches('.');
    let (status, sentence, reason) = match failure {
        None => {
            let rejected = operations.iter().filter(|op| op.rejected.is_some()).count();
            let (count, uuid) = (operations.len(), &new.uuid);
            (
                202,
                format!("{who} queued {count} operation(s) of \"{summary}\" as bulk {uuid} ({rejected} rejected)"),
                None,
            )
        }
        Some(e) => (
            audit.app.compat.status(e.code),
            format!("{who} tried to queue \"{summary}\" and failed: {}", e.message()),
            Some(e.message()),
        ),
    };
    audit.append(Some(new.uuid.clone()), status, sentence, reason).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_and_bulk_inputs_follow_magento() {
        assert_eq!(topic_name("/V1/products", Method::Post), "async.V1.products.POST");
        assert_eq!(topic_name("/V1/products/{sku}", Method::Put), "async.V1.products.bySku.PUT");
        let (input, _) = bulk_input(&Map::new(), &["sku"], json!({"sku": "a b", "product": {"price": 1}}));
        assert_eq!(input["sku"], "a b");
        assert_eq!(input["product"]["price"], 1);
        let (input, _) = bulk_input(&Map::new(), &["cartId"], json!({"cartId": 7, "cartItem": {"qty": 1}}));
        assert_eq!(input["cart_id"], "7");
        assert_eq!(input["cart_item"]["qty"], 1);
        let (_, e) = bulk_input(&Map::new(), &["sku"], json!({"product": {}}));
        let e = e.unwrap();
        assert_eq!(e.message(), "\"sku\" is required. Enter and try again.");
        assert!(bulk_input(&Map::new(), &["sku"], json!([1])).1.is_some());
    }
}
