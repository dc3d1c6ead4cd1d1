//! Bad input is a 4xx, never a 500: the two patterns schemathesis found (byte slicing of text
//! inside a multi-byte character, unchecked arithmetic on client-supplied integers), wherever
//! they were.

use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use storegate_domain::catalog::products::{NewProduct, insert_batch};

async fn post(server: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    status_json(server.send(Method::POST, path, Some(token), Some(body)).await).await
}

fn tax_rate(code: &str, postcode: &str) -> Value {
    json!({"taxRate": {"tax_country_id": "US", "tax_postcode": postcode, "rate": 5, "code": code}})
}

#[tokio::test(flavor = "multi_thread")]
async fn tax_rate_postcodes_are_read_by_character_not_by_byte() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    // "aé": the old check sliced at byte 2, inside the 'é' (a panic, answered 500).
    let (status, body) = post(&server, &token, "/rest/V1/taxRates", tax_rate("MB1", "aé")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tax_postcode"], "aé");
    // A wildcard is allowed only last, whatever the characters before it.
    let (status, body) = post(&server, &token, "/rest/V1/taxRates", tax_rate("MB2", "é*é")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].is_string(), "{body}");
    let (status, body) = post(&server, &token, "/rest/V1/taxRates", tax_rate("MB3", "ü*")).await;
    assert_eq!(status, 200, "{body}");
    // The limit is 21 characters, not 21 bytes.
    let (status, body) = post(&server, &token, "/rest/V1/taxRates", tax_rate("MB4", &"é".repeat(21))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&server, &token, "/rest/V1/taxRates", tax_rate("MB5", &"é".repeat(22))).await;
    assert_eq!(status, 400, "{body}");
}

/// schemathesis: a region id of i64::MIN (or below, which lenient parsing saturates to it)
/// overflowed the region lookup's `id - first_id` (a panic, answered 500).
#[tokio::test(flavor = "multi_thread")]
async fn a_region_id_at_the_bottom_of_the_range_is_an_invalid_value() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    for region in [json!(i64::MIN), json!(-9.3e18)] {
        let body = json!({"taxRate": {"tax_country_id": "US", "tax_region_id": region, "rate": 5, "code": "LOW"}});
        let (status, body) = post(&server, &token, "/rest/V1/taxRates", body).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["message"].is_string(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_category_after_a_sibling_at_the_largest_position_is_saved() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let category = |body: Value| json!({ "category": body });
    let (status, body) =
        post(&server, &token, "/rest/V1/categories", category(json!({"name": "Last", "position": i64::MAX}))).await;
    assert_eq!(status, 200, "{body}");
    // Its next sibling's position was MAX + 1: a float in SQLite, an error in PostgreSQL.
    let (status, body) = post(&server, &token, "/rest/V1/categories", category(json!({"name": "After"}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["position"], json!(i64::MAX));
    let (status, tree) = status_json(server.get("/rest/V1/categories", Some(&token)).await).await;
    assert_eq!(status, 200, "{tree}");
    let names: Vec<&str> =
        tree["children_data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Last", "After"], "ties at the largest position keep creation order");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_product_link_after_one_at_the_largest_position_is_saved() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let mut tx = server.db.begin().await.unwrap();
    let batch = ["LNK-A", "LNK-B", "LNK-C"].iter().map(|s| NewProduct::simple(*s, *s, Decimal::from(10))).collect();
    insert_batch(&mut tx, server.tenant, batch).await.unwrap();
    tx.commit().await.unwrap();
    let link = |to: &str, position: Option<i64>| {
        let mut l =
            json!({"sku": "LNK-A", "link_type": "related", "linked_product_sku": to, "linked_product_type": "simple"});
        if let Some(p) = position {
            l["position"] = json!(p);
        }
        l
    };
    let path = "/rest/V1/products/LNK-A/links";
    let (status, body) = post(&server, &token, path, json!({"items": [link("LNK-B", Some(i64::MAX))]})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&server, &token, path, json!({"items": [link("LNK-C", None)]})).await;
    assert_eq!(status, 200, "{body}");
    let (status, list) = status_json(server.get("/rest/V1/products/LNK-A/links/related", Some(&token)).await).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[1]["position"], json!(i64::MAX), "{list}");
}

/// schemathesis: a stock created with id 2^63 (saturated to i64::MAX by lenient parsing) made
/// the id counter compute MAX + 1 (a panic, answered 500).
#[tokio::test(flavor = "multi_thread")]
async fn a_stock_at_the_largest_id_is_an_invalid_value() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    for id in [json!(i64::MAX), json!(9_223_372_036_854_775_808u64)] {
        let body = json!({"stock": {"stock_id": id, "name": "Far"}});
        let (status, body) = post(&server, &token, "/rest/V1/inventory/stocks", body).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, body) = post(&server, &token, "/rest/V1/inventory/stocks", json!({"stock": {"name": "Near"}})).await;
    assert_eq!(status, 200, "{body}");
}
