//! Security properties checked from the outside: secrets never reach the log or the
//! database in clear, personal data is encrypted at rest, and one customer's credentials
//! reach nothing of another customer's.

use crate::carts::{address, call, customer, product, shipping_info};
use crate::helpers::{ADMIN, ADMIN_PASSWORD, TestServer};
use crate::process::ServerProcess;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use storegate_db::testing::TestDatabase;
use storegate_db::{Backend, Db, Exec, Value as DbValue, sql};

const CUSTOMER_PASSWORD: &str = "Pw-first-7c1e9a!";
const NEW_CUSTOMER_PASSWORD: &str = "Pw-second-4b2d8f!";
const STREET: &str = "77 Confidential Lane";
const TELEPHONE: &str = "555-0199-4242";

/// A request to the server process that must succeed; answers its body.
async fn send(
    client: &Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let (status, answer) = crate::process::call(client, method, &format!("{base}{path}"), token, body).await.unwrap();
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

/// Logs in, registers a customer with an address, checks out, changes the password:
/// answers every secret and piece of personal data the run handled.
async fn run_a_day_of_business(base: &str) -> Vec<String> {
    let client = Client::new();
    let admin = send(
        &client,
        base,
        Method::POST,
        "/rest/V1/integration/admin/token",
        None,
        Some(json!({"username": ADMIN, "password": ADMIN_PASSWORD})),
    )
    .await;
    let admin = admin.as_str().unwrap().to_owned();
    let product = json!({"product": {"sku": "SEC-1", "name": "Secure", "price": 3, "type_id": "simple",
        "attribute_set_id": 4, "status": 1, "visibility": 4, "weight": 1,
        "extension_attributes": {"website_ids": [1], "stock_item": {"qty": 10, "is_in_stock": true}}}});
    send(&client, base, Method::POST, "/rest/V1/products", Some(&admin), Some(product)).await;
    let mut home = address(None);
    home["street"] = json!([STREET]);
    home["telephone"] = json!(TELEPHONE);
    home["default_billing"] = json!(true);
    home["default_shipping"] = json!(true);
    let registration = json!({"customer": {"email": "secret@example.com", "firstname": "Sam", "lastname": "Secret",
        "website_id": 1, "addresses": [home.clone()]}, "password": CUSTOMER_PASSWORD});
    send(&client, base, Method::POST, "/rest/V1/customers", None, Some(registration)).await;
    let token = send(
        &client,
        base,
        Method::POST,
        "/rest/V1/integration/customer/token",
        None,
        Some(json!({"username": "secret@example.com", "password": CUSTOMER_PASSWORD})),
    )
    .await;
    let token = token.as_str().unwrap().to_owned();
    let t = Some(token.as_str());
    send(&client, base, Method::POST, "/rest/V1/carts/mine", t, None).await;
    send(
        &client,
        base,
        Method::POST,
        "/rest/V1/carts/mine/items",
        t,
        Some(json!({"cartItem": {"sku": "SEC-1", "qty": 1}})),
    )
    .await;
    let mut shipping = shipping_info("flatrate", "flatrate");
    shipping["addressInformation"]["shipping_address"] = home.clone();
    shipping["addressInformation"]["billing_address"] = home;
    send(&client, base, Method::POST, "/rest/V1/carts/mine/shipping-information", t, Some(shipping)).await;
    send(
        &client,
        base,
        Method::POST,
        "/rest/V1/carts/mine/payment-information",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    send(
        &client,
        base,
        Method::PUT,
        "/rest/V1/customers/me/password",
        t,
        Some(json!({"currentPassword": CUSTOMER_PASSWORD, "newPassword": NEW_CUSTOMER_PASSWORD})),
    )
    .await;
    send(
        &client,
        base,
        Method::PUT,
        "/rest/V1/customers/password",
        None,
        Some(json!({"email": "secret@example.com", "template": "email_reset", "websiteId": 1})),
    )
    .await;
    vec![ADMIN_PASSWORD.into(), admin, CUSTOMER_PASSWORD.into(), NEW_CUSTOMER_PASSWORD.into(), token]
}

/// Every value of every table, as text.
async fn every_stored_value(db: &Db) -> Vec<(String, String)> {
    let tables = match db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Backend::Postgres => "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    };
    let mut reader = db.reader().await.unwrap();
    let names: Vec<String> = reader.fetch_column(sql!(tables)).await.unwrap();
    let mut values = Vec::new();
    for table in names {
        for row in reader.fetch_all(sql!(format!("SELECT * FROM {table}"))).await.unwrap() {
            for v in row.values() {
                let text = match v {
                    DbValue::Text(s) => s.clone(),
                    DbValue::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    _ => continue,
                };
                values.push((table.clone(), text));
            }
        }
    }
    values
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_are_neither_logged_nor_stored_in_clear() {
    let test_db = TestDatabase::new();
    let log = test_db.data_dir.path().join("server.log");
    let server = ServerProcess::start_logging(&test_db, &log);
    let secrets = run_a_day_of_business(&server.base()).await;
    let db = Db::connect(&test_db.options).await.unwrap();
    let stored = every_stored_value(&db).await;
    drop(server);

    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("request"), "the log was captured at debug level");
    let personal = [STREET, TELEPHONE];
    for secret in secrets.iter().map(String::as_str).chain(personal) {
        assert!(!log.contains(secret), "the log holds {secret:?}");
        if let Some((table, _)) = stored.iter().find(|(_, v)| v.contains(secret)) {
            panic!("table {table} holds {secret:?} in clear");
        }
    }
    // Passwords are argon2id hashes; tokens are kept as hashes only.
    let hashes: Vec<&str> = stored
        .iter()
        .filter(|(t, v)| (t == "admin_users" || t == "customers") && v.starts_with("$argon2"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(hashes.len() >= 2 && hashes.iter().all(|h| h.starts_with("$argon2id$")), "{hashes:?}");

    // SQLite's files themselves, free pages and WAL included.
    if !test_db.is_postgres() {
        for entry in std::fs::read_dir(test_db.data_dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "log") || !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for secret in secrets.iter().map(String::as_str).chain(personal) {
                let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
                assert!(!found, "{} holds {secret:?}", path.display());
            }
        }
    }
}

/// Customer A calls every operation a customer token may reach, aimed at customer B's ids
/// in every path parameter and body field that names a customer, cart, order or address.
/// Nothing of B's comes back and nothing of B's changes.
#[tokio::test(flavor = "multi_thread")]
async fn a_customer_reaches_nothing_of_another_customers() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "SEC-2", 4, 100, json!({})).await;
    let (_, a_token) = customer(&server, "alice@example.com").await;
    let (b_id, b_token) = customer(&server, "bob-private@example.com").await;
    let b = Some(b_token.as_str());
    let (_, b_cart) = call(&server, Method::POST, "/rest/V1/carts/mine", b, None).await;
    let (_, b_item) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        b,
        Some(json!({"cartItem": {"sku": "SEC-2", "qty": 2}})),
    )
    .await;
    let mut bob_address = address(Some("bob-private@example.com"));
    bob_address["lastname"] = json!("Bobprivate");
    let mut shipping = shipping_info("flatrate", "flatrate");
    shipping["addressInformation"]["shipping_address"] = bob_address.clone();
    shipping["addressInformation"]["billing_address"] = bob_address.clone();
    call(&server, Method::POST, "/rest/V1/carts/mine/shipping-information", b, Some(shipping)).await;
    let (_, b_order) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/payment-information",
        b,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    let (_, b_cart2) = call(&server, Method::POST, "/rest/V1/carts/mine", b, None).await;
    call(&server, Method::POST, "/rest/V1/carts/mine/items", b, Some(json!({"cartItem": {"sku": "SEC-2", "qty": 1}})))
        .await;
    let (status, b_customer) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/me",
        b,
        Some(json!({"customer": {
        "email": "bob-private@example.com", "firstname": "Bob", "lastname": "Bobprivate", "website_id": 1,
        "addresses": [bob_address]}})),
    )
    .await;
    assert_eq!(status, 200, "{b_customer}");
    let b_address = b_customer["addresses"][0]["id"].clone();
    let watched = [
        format!("/rest/V1/customers/{b_id}"),
        format!("/rest/V1/carts/{b_cart2}"),
        format!("/rest/V1/orders/{b_order}"),
    ];
    let before = snapshot(&server, &admin, &watched).await;

    let ids = |name: &str| -> Value {
        match name {
            "customerId" | "customer_id" => json!(b_id),
            "cartId" | "quoteId" | "cart_id" | "quote_id" => json!(b_cart2),
            "orderId" | "order_id" | "id" | "invoiceId" | "parentId" => json!(b_order),
            "addressId" | "address_id" => b_address.clone(),
            "itemId" | "item_id" => b_item["item_id"].clone(),
            "sku" | "productSku" => json!("SEC-2"),
            _ => json!(1),
        }
    };
    let body = json!({
        "customer_id": b_id, "customerId": b_id, "cart_id": b_cart, "cartId": b_cart2, "order_id": b_order,
        "customer": {"id": b_id, "email": "alice@example.com", "firstname": "Mallory", "lastname": "Mallory", "website_id": 1},
        "cartItem": {"quote_id": b_cart2, "sku": "SEC-2", "qty": 1}, "address": {"id": b_address, "customer_id": b_id},
        "addressInformation": shipping_info("flatrate", "flatrate")["addressInformation"].clone(),
        "paymentMethod": {"method": "checkmo"}, "entity": {"entity_id": b_order, "customer_id": b_id}
    });
    let mut reached = 0;
    for op in storegate_api::registry::operations() {
        let spec = op.spec();
        if spec.surface != storegate_api::Surface::Magento || spec.id.contains("revoke") {
            continue;
        }
        let mut path = spec.path.to_owned();
        for name in spec.path_params() {
            let value = ids(name);
            let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            path = path.replace(&format!("{{{name}}}"), &text).replace(&format!("{{*{name}}}"), &text);
        }
        let method = Method::from_bytes(spec.method.as_str().as_bytes()).unwrap();
        let payload = (method != Method::GET).then(|| body.clone());
        let (status, answer) = call(&server, method, &format!("/rest{path}"), Some(&a_token), payload).await;
        if status == 200 {
            reached += 1;
        }
        let text = answer.to_string();
        assert!(
            !text.contains("bob-private") && !text.contains("Bobprivate"),
            "{} {} answered customer B's data to customer A: {text}",
            spec.method.as_str(),
            spec.path
        );
    }
    assert!(reached > 5, "customer A's token reached only {reached} operations: the probe is not probing");
    assert_eq!(snapshot(&server, &admin, &watched).await, before, "customer B's customer, cart or order changed");
}

async fn snapshot(server: &TestServer, admin: &str, paths: &[String]) -> Vec<(u16, Value)> {
    let mut seen = Vec::new();
    for path in paths {
        seen.push(call(server, Method::GET, path, Some(admin), None).await);
    }
    seen
}
