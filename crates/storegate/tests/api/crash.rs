//! `kill -9` in the middle of a checkout load loses no acknowledged order and leaves no
//! half-written one: after a restart on the same data every order id a client received is
//! there, every order present is whole, and the reservations match the orders exactly.
//!
//! The CI form runs 8 clients until 30 orders are acknowledged; the full form is the same
//! test with `STOREGATE_CRASH_CLIENTS=32 STOREGATE_CRASH_ORDERS=2000` (BENCHMARKS.md).

use crate::carts::shipping_info;
use crate::helpers::{ADMIN, ADMIN_PASSWORD};
use crate::process::{ServerProcess, call};
use reqwest::Client;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use storegate_db::testing::TestDatabase;
use tokio::sync::Mutex;

const SKU: &str = "CRASH-1";
const STOCK: i64 = 1_000_000;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn admin_token(client: &Client, base: &str) -> String {
    let (status, token) = call(
        client,
        reqwest::Method::POST,
        &format!("{base}/rest/V1/integration/admin/token"),
        None,
        Some(json!({"username": ADMIN, "password": ADMIN_PASSWORD})),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{token}");
    token.as_str().unwrap().to_owned()
}

/// A guest checkout; `Ok(Some(id))` once the order is acknowledged, `Ok(None)` if the server
/// went away (the kill), `Err` for any answer that is not a success.
async fn checkout(client: &Client, base: &str) -> Result<Option<i64>, String> {
    use reqwest::Method;
    let step = |r: reqwest::Result<(u16, Value)>| match r {
        Ok((200, body)) => Ok(Some(body)),
        Ok((status, body)) => Err(format!("{status}: {body}")),
        Err(_) => Ok(None),
    };
    let Some(masked) = step(call(client, Method::POST, &format!("{base}/rest/V1/guest-carts"), None, None).await)?
    else {
        return Ok(None);
    };
    let cart = format!("{base}/rest/V1/guest-carts/{}", masked.as_str().unwrap_or_default());
    let item = json!({"cartItem": {"sku": SKU, "qty": 1}});
    if step(call(client, Method::POST, &format!("{cart}/items"), None, Some(item)).await)?.is_none() {
        return Ok(None);
    }
    let shipping = shipping_info("flatrate", "flatrate");
    if step(call(client, Method::POST, &format!("{cart}/shipping-information"), None, Some(shipping)).await)?.is_none()
    {
        return Ok(None);
    }
    let payment = json!({"email": "crash@example.com", "paymentMethod": {"method": "checkmo"}});
    let order = step(call(client, Method::POST, &format!("{cart}/payment-information"), None, Some(payment)).await)?;
    Ok(order.map(|id| id.as_i64().or_else(|| id.as_str().and_then(|s| s.parse().ok())).expect("an order id")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_checkout_load_loses_no_acknowledged_order() {
    let clients = setting("STOREGATE_CRASH_CLIENTS", 8);
    let orders_before_kill = setting("STOREGATE_CRASH_ORDERS", 30);
    let test_db = TestDatabase::new();
    let mut server = ServerProcess::start(&test_db);
    let base = server.base();
    let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let admin = admin_token(&client, &base).await;
    let product = json!({"product": {
        "sku": SKU, "name": "Crash test", "price": 5, "type_id": "simple", "attribute_set_id": 4,
        "status": 1, "visibility": 4, "weight": 1,
        "extension_attributes": {"website_ids": [1], "stock_item": {"qty": STOCK, "is_in_stock": true}}
    }});
    let (status, body) =
        call(&client, reqwest::Method::POST, &format!("{base}/rest/V1/products"), Some(&admin), Some(product))
            .await
            .unwrap();
    assert_eq!(status, 200, "{body}");

    // Clients check out until the server disappears under them.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let gone = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, base) = (client.clone(), base.clone());
        let (acknowledged, failures, gone) = (acknowledged.clone(), failures.clone(), gone.clone());
        tasks.push(tokio::spawn(async move {
            while !gone.load(Ordering::Relaxed) {
                match checkout(&client, &base).await {
                    Ok(Some(id)) => acknowledged.lock().await.push(id),
                    Ok(None) => break,
                    // A refusal after the kill began is the crash, not a bug.
                    Err(e) if !gone.load(Ordering::Relaxed) => failures.lock().await.push(e),
                    Err(_) => break,
                }
            }
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().await.len() < orders_before_kill {
        assert!(tokio::time::Instant::now() < deadline, "the load never reached {orders_before_kill} orders");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    gone.store(true, Ordering::Relaxed);
    server.kill_9();
    for task in tasks {
        task.await.unwrap();
    }
    let failures = failures.lock().await.clone();
    assert!(failures.is_empty(), "checkouts failed before the kill: {failures:?}");
    let acknowledged = acknowledged.lock().await.clone();

    // The same data, a new process.
    let server = ServerProcess::start(&test_db);
    let base = server.base();
    let admin = admin_token(&client, &base).await;
    for id in &acknowledged {
        let (status, order) =
            call(&client, reqwest::Method::GET, &format!("{base}/rest/V1/orders/{id}"), Some(&admin), None)
                .await
                .unwrap();
        assert_eq!(status, 200, "acknowledged order {id} is missing after kill -9: {order}");
    }
    let orders = all_orders(&client, &base, &admin).await;
    assert!(orders.len() >= acknowledged.len());
    for order in &orders {
        let whole = order["items"].as_array().is_some_and(|items| items.len() == 1)
            && order["billing_address"].is_object()
            && order["payment"]["method"] == json!("checkmo")
            && order["increment_id"].is_string();
        assert!(whole, "half-written order after kill -9: {order}");
    }
    // Every order present holds exactly its one unit, and nothing else does.
    let (status, salable) = call(
        &client,
        reqwest::Method::GET,
        &format!("{base}/rest/V1/inventory/get-product-salable-quantity/{SKU}/1"),
        Some(&admin),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{salable}");
    assert_eq!(salable.as_f64(), Some((STOCK - orders.len() as i64) as f64), "reservations match the orders");
}

async fn all_orders(client: &Client, base: &str, admin: &str) -> Vec<Value> {
    let mut orders = Vec::new();
    for page in 1.. {
        let url = format!("{base}/rest/V1/orders?searchCriteria[pageSize]=500&searchCriteria[currentPage]={page}");
        let (status, list) = call(client, reqwest::Method::GET, &url, Some(admin), None).await.unwrap();
        assert_eq!(status, 200, "{list}");
        orders.extend(list["items"].as_array().unwrap().iter().cloned());
        if orders.len() as u64 >= list["total_count"].as_u64().unwrap() {
            return orders;
        }
    }
    unreachable!()
}
