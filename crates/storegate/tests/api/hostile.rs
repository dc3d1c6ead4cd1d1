//! A corpus of hostile inputs over real HTTP: SQL fragments in field names and values, huge
//! and negative numbers, deep nesting, invalid UTF-8, oversized strings and bodies, unicode
//! SKUs. Each is answered with a 4xx and a message in Magento's shape, never a 500 and never
//! a hang, and the store is unchanged afterwards.

use crate::carts::{call, product};
use crate::helpers::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// Sends raw bytes (which may not be valid UTF-8 or JSON) and answers status and body.
async fn raw(server: &TestServer, method: Method, path: &str, token: Option<&str>, body: Vec<u8>) -> (u16, String) {
    let mut request = server.client.request(method, server.url(path)).header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = tokio::time::timeout(std::time::Duration::from_secs(30), request.body(body).send())
        .await
        .unwrap_or_else(|_| panic!("{path:.200} hung"))
        .unwrap_or_else(|e| {
            panic!("{path:.200}: no answer ({:?})", e.to_string().chars().take(200).collect::<String>())
        });
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

/// A refusal: 4xx with Magento's `message`.
fn assert_refused(what: &str, status: u16, body: &str) {
    assert!((400..500).contains(&status), "{what}: expected a 4xx, got {status}: {}", &body[..body.len().min(300)]);
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    assert!(parsed["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: no message in {body:.300}");
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

const SEARCH_QUERIES: &[&str] = &[
    "searchCriteria[filter_groups][0][filters][0][field]=name';DROP TABLE products;--&searchCriteria[filter_groups][0][filters][0][value]=x",
    "searchCriteria[filter_groups][0][filters][0][field]=name\" OR 1=1 --&searchCriteria[filter_groups][0][filters][0][value]=x",
    "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=x&searchCriteria[filter_groups][0][filters][0][condition_type]=eq) OR (1=1",
    "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][condition_type]=in",
    "searchCriteria[sortOrders][0][field]=price;DELETE FROM products&searchCriteria[sortOrders][0][direction]=ASC",
    "searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=ASC;DROP TABLE products",
    "searchCriteria[pageSize]=-1",
    "searchCriteria[pageSize]=99999999999999999999999",
    "searchCriteria[pageSize]=abc",
    "searchCriteria[pageSize]=1.5",
    "searchCriteria[currentPage]=-3",
    "searchCriteria[currentPage]=99999999999999999999999",
    "searchCriteria[filter_groups][99999999999][filters][0][field]=sku&searchCriteria[filter_groups][99999999999][filters][0][value]=x",
    "searchCriteria[filter_groups][0][filters][0][field]=%FF%FE&searchCriteria[filter_groups][0][filters][0][value]=x",
    "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=%FF%FE%FD",
    "searchCriteria[filter_groups][0][filters][0][field]=sku%00name&searchCriteria[filter_groups][0][filters][0][value]=x",
    "fields=items[sku,name]]]]]][[[",
];

#[tokio::test(flavor = "multi_thread")]
async fn hostile_inputs_get_a_clear_4xx_and_change_nothing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "KEEP-1", 9.5, 10, json!({})).await;
    let t = Some(admin.as_str());
    let (_, before) = call(&server, Method::GET, "/rest/V1/products?searchCriteria[pageSize]=100", t, None).await;

    for query in SEARCH_QUERIES {
        let (status, body) = raw(&server, Method::GET, &format!("/rest/V1/products?{query}"), t, Vec::new()).await;
        // A syntactically odd but harmless query may be answered; what matters is no 500.
        if status != 200 {
            assert_refused(query, status, &body);
        }
    }
    let many_groups: String = (0..500)
        .map(|i| format!("searchCriteria[filter_groups][{i}][filters][0][field]=sku&searchCriteria[filter_groups][{i}][filters][0][value]=x"))
        .collect::<Vec<_>>()
        .join("&");
    let (status, body) = raw(&server, Method::GET, &format!("/rest/V1/products?{many_groups}"), t, Vec::new()).await;
    assert_refused("500 filter groups", status, &body);
    let deep_query = format!("searchCriteria{}=x", "[a]".repeat(2_000));
    let (status, body) = raw(&server, Method::GET, &format!("/rest/V1/products?{deep_query}"), t, Vec::new()).await;
    if status != 200 {
        assert_refused("2,000 nested query brackets", status, &body);
    }

    // Path parameters.
    for path in [
        "/rest/V1/products/%FF%FE",
        "/rest/V1/products/..%2F..%2Fetc%2Fpasswd",
        "/rest/V1/orders/-1",
        "/rest/V1/orders/99999999999999999999999",
        "/rest/V1/orders/1e3",
        "/rest/V1/customers/%27%20OR%201=1",
    ] {
        let (status, body) = raw(&server, Method::GET, path, t, Vec::new()).await;
        assert_refused(path, status, &body);
    }
    let long_sku = format!("/rest/V1/products/{}", "S".repeat(20_000));
    let (status, body) = raw(&server, Method::GET, &long_sku, t, Vec::new()).await;
    assert_refused("a 20,000-character SKU", status, &body);

    // JSON bodies of the main write routes.
    let base_product =
        json!({"sku": "HOSTILE-1", "name": "Hostile", "price": 1, "type_id": "simple", "attribute_set_id": 4});
    let with = |field: &str, value: Value| {
        let mut p = base_product.clone();
        p[field] = value;
        serde_json::to_vec(&json!({"product": p})).unwrap()
    };
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("deep nesting", nested(100_000).into_bytes()),
        ("invalid UTF-8", b"{\"product\": {\"sku\": \"\xff\xfe\", \"name\": \"x\"}}".to_vec()),
        ("truncated JSON", b"{\"product\": {\"sku\": \"A".to_vec()),
        ("a JSON array", b"[1, 2, 3]".to_vec()),
        ("a 100 kB name", with("name", json!("n".repeat(100 * 1024)))),
        ("a 100 kB SKU", with("sku", json!("s".repeat(100 * 1024)))),
        ("price 1e400", br#"{"product": {"sku": "H-2", "name": "x", "price": 1e400, "attribute_set_id": 4}}"#.to_vec()),
        ("price 1e30", with("price", json!(1e30))),
        ("price at the decimal limit", br#"{"product": {"sku": "H-3", "name": "x", "price": 79228162514264337593543950335, "attribute_set_id": 4}}"#.to_vec()),
        ("price as 28-digit text", with("price", json!("7922816251426433759354395033"))),
        ("price NaN text", with("price", json!("NaN"))),
        ("negative price", with("price", json!(-5))),
        ("SKU as a number", with("sku", json!(12345))),
        ("SKU as an array", with("sku", json!(["a"]))),
        ("SQL in the SKU", with("sku", json!("x'); DROP TABLE products; --"))),
        ("attribute set that does not exist", with("attribute_set_id", json!(999_999))),
        ("type that does not exist", with("type_id", json!("nuclear"))),
    ];
    for (what, body) in bodies {
        let (status, answer) = raw(&server, Method::POST, "/rest/V1/products", t, body).await;
        // An SQL fragment is just an odd SKU: storing it verbatim is the right answer.
        if what == "SQL in the SKU" && status == 200 {
            let (status, _) =
                call(&server, Method::DELETE, "/rest/V1/products/x'); DROP TABLE products; --", t, None).await;
            assert_eq!(status, 200, "the odd SKU round-trips");
            continue;
        }
        assert_refused(what, status, &answer);
    }

    // Over the body limit: answered 413 from the declared length, before the body is read;
    // the server may close the connection while the client is still sending.
    let huge = with("name", json!("n".repeat(10 * 1024 * 1024)));
    let sent = server
        .client
        .post(server.url("/rest/V1/products"))
        .bearer_auth(&admin)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await;
    if let Ok(response) = sent {
        let status = response.status().as_u16();
        assert_refused("a 10 MB body", status, &response.text().await.unwrap_or_default());
    }

    // Quantities on the cart and stock routes.
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let cart = format!("/rest/V1/guest-carts/{}/items", masked.as_str().unwrap());
    for qty in [json!(-1), json!(0), json!(0.5), json!(1e30), json!("many"), json!(99_999_999_999_i64)] {
        let body = serde_json::to_vec(&json!({"cartItem": {"sku": "KEEP-1", "qty": qty}})).unwrap();
        let (status, answer) = raw(&server, Method::POST, &cart, None, body).await;
        assert_refused(&format!("cart qty {qty}"), status, &answer);
    }
    for qty in [json!(1e30), json!("lots")] {
        let body = serde_json::to_vec(&json!({"stockItem": {"qty": qty, "is_in_stock": true}})).unwrap();
        let (status, answer) = raw(&server, Method::PUT, "/rest/V1/products/KEEP-1/stockItems/1", t, body).await;
        assert_refused(&format!("stock qty {qty}"), status, &answer);
    }
    let customer = |email: Value| {
        serde_json::to_vec(
            &json!({"customer": {"email": email, "firstname": "A", "lastname": "B"}, "password": "Password-123"}),
        )
        .unwrap()
    };
    for (what, email) in [
        ("e-mail with SQL", json!("a' OR '1'='1")),
        ("e-mail of 100 kB", json!(format!("{}@x.io", "a".repeat(100 * 1024)))),
        ("e-mail as object", json!({"a": 1})),
    ] {
        let (status, answer) = raw(&server, Method::POST, "/rest/V1/customers", None, customer(email)).await;
        assert_refused(what, status, &answer);
    }

    // A unicode SKU is a legitimate SKU.
    product(&server, &admin, "商品-ü-1", 2, 1, json!({})).await;
    let (status, found) = call(&server, Method::GET, "/rest/V1/products/%E5%95%86%E5%93%81-%C3%BC-1", t, None).await;
    assert_eq!((status, found["sku"].clone()), (200, json!("商品-ü-1")));
    let (status, _) = call(&server, Method::DELETE, "/rest/V1/products/%E5%95%86%E5%93%81-%C3%BC-1", t, None).await;
    assert_eq!(status, 200);

    let (_, after) = call(&server, Method::GET, "/rest/V1/products?searchCriteria[pageSize]=100", t, None).await;
    assert_eq!(after["total_count"], before["total_count"], "the catalog is unchanged");
    assert_eq!(after["items"], before["items"]);
}
