//! Bounds on queued work by anonymous and customer callers (issue 12, item 2): anonymous
//! queueing is off by default, a request's operations are capped, and each caller has a
//! quota of queued operations.

use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate_api::Policy;

fn customers(from: usize, n: usize) -> Value {
    let list: Vec<Value> = (from..from + n)
        .map(|i| json!({"customer": {"email": format!("q{i}@example.com"), "firstname": "Q", "lastname": "C"}, "password": "Passw0rd!Passw0rd"}))
        .collect();
    Value::Array(list)
}

async fn queue(server: &TestServer, path: &str, token: Option<&str>, body: Value) -> (u16, Value, Option<String>) {
    // `/V1/customers/me` is a PUT; everything else queued here is a POST.
    let method = if path.ends_with("/me") { Method::PUT } else { Method::POST };
    let r = server.send(method, path, token, Some(body)).await;
    let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = status_json(r).await;
    (status, body, retry)
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_queueing_is_off_by_default_and_guest_routes_still_work() {
    let server = TestServer::start().await;
    let (status, body, _) = queue(&server, "/rest/async/bulk/V1/customers", None, customers(0, 2)).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("Queued operations need a signed-in caller on this store."))
    );
    let one = customers(0, 1)[0].clone();
    assert_eq!(queue(&server, "/rest/async/V1/customers", None, one.clone()).await.0, 403);
    assert_eq!(queue(&server, "/rest/async/V1/guest-carts", None, json!({})).await.0, 403);
    // Nothing was queued, and the synchronous routes answer as before.
    let bulks: i64 = server
        .db
        .fetch_optional(storegate_db::sql!("SELECT COUNT(*) FROM bulks"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    assert_eq!(bulks, 0);
    let (status, body) = status_json(server.send(Method::POST, "/rest/V1/customers", None, Some(one)).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.send(Method::POST, "/rest/V1/guest-carts", None, None).await.status(), 200);
    // An administrator still queues as many as the bulk limit allows.
    let token = server.admin_token().await;
    assert_eq!(queue(&server, "/rest/async/bulk/V1/customers", Some(&token), customers(100, 20)).await.0, 202);
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_queueing_when_on_is_capped_per_request_and_per_address() {
    let server = TestServer::start_with(|c| {
        c.anonymous_bulk = true;
        c.bulk_caller_max = 3;
        c.rates.set(Policy::QueuedPerCaller, "5/h".parse().unwrap());
    })
    .await;
    let path = "/rest/async/bulk/V1/customers";
    let (status, body, _) = queue(&server, path, None, customers(0, 4)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "The request contains %1 operations; the limit is %2.");
    assert_eq!(body["parameters"], json!([4, 3]));
    let (status, body, _) = queue(&server, path, None, customers(10, 3)).await;
    assert_eq!(status, 202, "{body}");
    // Two more fit the quota of five; three do not.
    let (status, body, retry) = queue(&server, path, None, customers(20, 3)).await;
    assert_eq!(status, 429, "{body}");
    assert!(retry.expect("Retry-After").parse::<u64>().unwrap() >= 1);
    assert_eq!(queue(&server, path, None, customers(30, 2)).await.0, 202);
    assert_eq!(queue(&server, "/rest/async/V1/guest-carts", None, json!({})).await.0, 429);
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_are_capped_per_request_and_have_a_quota() {
    let server = TestServer::start_with(|c| {
        c.bulk_caller_max = 2;
        c.rates.set(Policy::QueuedPerCaller, "3/h".parse().unwrap());
    })
    .await;
    let account = customers(0, 1)[0].clone();
    assert_eq!(server.send(Method::POST, "/rest/V1/customers", None, Some(account)).await.status(), 200);
    let r = server
        .send(
            Method::POST,
            "/rest/V1/integration/customer/token",
            None,
            Some(json!({"username": "q0@example.com", "password": "Passw0rd!Passw0rd"})),
        )
        .await;
    let token: String = r.json().await.unwrap();
    let change = |n: usize| Value::Array((0..n).map(|i| json!({"customer": {"firstname": format!("N{i}")}})).collect());
    let path = "/rest/async/bulk/V1/customers/me";
    let (status, body, _) = queue(&server, path, Some(&token), change(3)).await;
    assert_eq!((status, body["parameters"].clone()), (400, json!([3, 2])), "{body}");
    assert_eq!(queue(&server, path, Some(&token), change(2)).await.0, 202);
    let (status, body, _) = queue(&server, path, Some(&token), change(2)).await;
    assert_eq!(status, 429, "{body}");
}
