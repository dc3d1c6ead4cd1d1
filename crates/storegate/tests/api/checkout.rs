//! Checkouts never oversell: many concurrent guest checkouts over HTTP for the last units
//! of a product; exactly as many orders as units succeed, every other checkout gets
//! Magento's out-of-stock error, and the salable quantity ends at 0.

use crate::carts::{call, product, shipping_info};
use crate::helpers::TestServer;
use reqwest::Method;
use serde_json::json;

const UNITS: i64 = 10;
const CHECKOUTS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_checkouts_for_the_last_units_never_oversell() {
    let server = TestServer::start_with(|c| c.db_max_connections = 16).await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LAST-10", 19.5, UNITS, json!({})).await;

    // Every guest fills a cart with one unit while all ten are still salable.
    let mut carts = Vec::with_capacity(CHECKOUTS);
    for _ in 0..CHECKOUTS {
        let (status, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
        assert_eq!(status, 200);
        let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
        let (status, item) = call(
            &server,
            Method::POST,
            &format!("{base}/items"),
            None,
            Some(json!({"cartItem": {"sku": "LAST-10", "qty": 1}})),
        )
        .await;
        assert_eq!(status, 200, "{item}");
        let (status, details) = call(
            &server,
            Method::POST,
            &format!("{base}/shipping-information"),
            None,
            Some(shipping_info("flatrate", "flatrate")),
        )
        .await;
        assert_eq!(status, 200, "{details}");
        carts.push(base);
    }

    // Then all of them place their order at once.
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::with_capacity(CHECKOUTS);
    for (i, base) in carts.into_iter().enumerate() {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            call(
                &server,
                Method::POST,
                &format!("{base}/payment-information"),
                None,
                Some(json!({"email": format!("buyer{i}@example.com"), "paymentMethod": {"method": "checkmo"}})),
            )
            .await
        }));
    }
    let mut placed = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            200 => placed.push(body.as_i64().expect("an order id")),
            400 => {
                assert_eq!(body, json!({"message": "The requested qty is not available"}));
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(placed.len() as i64, UNITS, "exactly as many orders as units");
    assert_eq!(refused, CHECKOUTS - UNITS as usize);
    placed.sort();
    placed.dedup();
    assert_eq!(placed.len() as i64, UNITS, "distinct orders");

    let (status, salable) =
        call(&server, Method::GET, "/rest/V1/inventory/get-product-salable-quantity/LAST-10/1", Some(&admin), None)
            .await;
    assert_eq!(status, 200, "{salable}");
    assert_eq!(salable, json!(0));
    // Every acknowledged order is readable, with its own increment id.
    let mut increments = Vec::new();
    for id in &placed {
        let (status, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{id}"), Some(&admin), None).await;
        assert_eq!(status, 200);
        assert_eq!(order["items"][0]["qty_ordered"], json!(1));
        increments.push(order["increment_id"].as_str().unwrap().to_owned());
    }
    increments.sort();
    increments.dedup();
    assert_eq!(increments.len() as i64, UNITS);
}
