//! Real third-party clients, unmodified, against a real server. `.ci/run` installs them in a
//! throwaway virtualenv and names its Python in STOREGATE_MY_MAGENTO_PYTHON; without it
//! the test says it was skipped (and fails if STOREGATE_REQUIRE_CLIENTS is set).

use crate::carts::{call, product, shipping_info};
use crate::helpers::{ADMIN, ADMIN_PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use storegate_domain::progress::Silent;
use storegate_domain::seed::{self, DemoSpec};

/// The throwaway virtualenv's Python, with the third-party clients (`client` names the one
/// the calling test needs, for the skip message).
pub fn python_with(client: &str) -> Option<String> {
    match std::env::var("STOREGATE_MY_MAGENTO_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "*** {client} client test SKIPPED: set STOREGATE_MY_MAGENTO_PYTHON to the client virtualenv's Python (see .ci/run) ***"
            );
            assert!(
                std::env::var("STOREGATE_REQUIRE_CLIENTS").is_err(),
                "STOREGATE_REQUIRE_CLIENTS is set but no client is"
            );
            None
        }
    }
}

/// Runs one of the client scripts with `args`; fails the test unless it prints "ALL OK".
async fn run_script(python: &str, server: &TestServer, script: &str, args: &[&str]) {
    let script = format!("{}/tests/clients/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new(python)
        .arg(script)
        .args([server.base.as_str(), ADMIN, ADMIN_PASSWORD])
        .args(args)
        .current_dir(server.data_dir())
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("ALL OK"), "my-magento failed:\n{stdout}\n{stderr}");
}

/// A guest order placed and invoiced over HTTP, then found, read and matched with its
/// invoice through my-magento's own order and invoice searches.
#[tokio::test(flavor = "multi_thread")]
async fn my_magento_searches_orders_and_invoices() {
    let Some(python) = python_with("my-magento") else { return };
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "MM-TEE", 12.5, 20, json!({})).await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let cart = format!("/rest/V1/guest-carts/{}", masked.as_str().expect("a masked id"));
    let item = json!({"cartItem": {"sku": "MM-TEE", "qty": 2}});
    assert_eq!(call(&server, Method::POST, &format!("{cart}/items"), None, Some(item)).await.0, 200);
    let shipping = Some(shipping_info("flatrate", "flatrate"));
    assert_eq!(call(&server, Method::POST, &format!("{cart}/shipping-information"), None, shipping).await.0, 200);
    let payment = json!({"email": "mm@example.com", "paymentMethod": {"method": "checkmo"}});
    let (status, order_id) =
        call(&server, Method::POST, &format!("{cart}/payment-information"), None, Some(payment)).await;
    assert_eq!(status, 200, "{order_id}");
    let order_id = order_id.as_i64().expect("an order id");
    let invoice = format!("/rest/V1/order/{order_id}/invoice");
    let (status, body) = call(&server, Method::POST, &invoice, Some(&admin), Some(json!({"capture": true}))).await;
    assert_eq!(status, 200, "{body}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    let number = order["increment_id"].as_str().expect("an increment id").to_owned();
    run_script(&python, &server, "my_magento_orders.py", &[number.as_str(), "MM-TEE"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn my_magento_logs_in_searches_gets_creates_and_updates() {
    let Some(python) = python_with("my-magento") else { return };
    let server = TestServer::start().await;
    let spec = DemoSpec { products: 200, customers: 3, seed: 11 };
    seed::generate(&server.db, server.tenant, &server.crypto, &spec, &Silent).await.unwrap();
    let email: String = server
        .db
        .fetch_optional(storegate_db::sql!("SELECT email FROM customers ORDER BY id LIMIT 1"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    run_script(&python, &server, "my_magento_smoke.py", &[email.as_str()]).await;
}
