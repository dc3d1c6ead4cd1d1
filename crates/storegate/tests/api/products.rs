use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;
use storegate_db::sql;
use storegate_domain::catalog::products::{NewProduct, Stock, insert_batch};
use storegate_domain::catalog::{attributes, categories};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A small catalog: awkward SKUs and a configurable product with two colour variants.
async fn seed(server: &TestServer) -> (i64, i64) {
    let t = server.tenant;
    let mut tx = server.db.begin().await.unwrap();
    let color = attributes::id_by_code(&mut tx, t, "color").await.unwrap().unwrap();
    let red = attributes::ensure_option(&mut tx, t, color, "Red").await.unwrap();
    let blue = attributes::ensure_option(&mut tx, t, color, "Blue").await.unwrap();
    let bags = categories::ensure_path(&mut tx, t, 2, &["Gear", "Bags"]).await.unwrap();
    let mut odd = NewProduct::simple("Bag 24/7 ü", "Überbag", dec("34"));
    odd.weight = Some(dec("1.5"));
    odd.categories = vec![(bags[1], 3)];
    odd.stock = Some(Stock { qty: dec("100"), is_in_stock: true, manage_stock: true });
    odd.attributes = vec![("description".into(), "<p>Roomy.</p>".into()), ("url_key".into(), "uberbag".into())];
    let child = |sku: &str, option: i64| {
        let mut c = NewProduct::simple(sku, sku, dec("19.99"));
        c.visibility = 1;
        c.attributes = vec![("color".into(), option.to_string())];
        c.stock = Some(Stock { qty: dec("5"), is_in_stock: true, manage_stock: true });
        c
    };
    let mut parent = NewProduct::simple("TEE", "Tee", dec("19.99"));
    parent.type_id = "configurable".into();
    parent.super_attributes = vec![(color, "Color".into())];
    parent.children = vec!["TEE-Red".into(), "TEE-Blue".into()];
    insert_batch(&mut tx, t, vec![odd, child("TEE-Red", red), child("TEE-Blue", blue), parent]).await.unwrap();
    tx.commit().await.unwrap();
    (red, blue)
}

#[tokio::test(flavor = "multi_thread")]
async fn products_are_read_by_url_encoded_sku_in_magentos_shape() {
    let server = TestServer::start().await;
    seed(&server).await;
    let token = server.admin_token().await;
    let (status, p) = status_json(server.get("/rest/V1/products/Bag%2024%2F7%20%C3%BC", Some(&token)).await).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["sku"], "Bag 24/7 ü");
    assert_eq!(p["price"], json!(34));
    assert_eq!(p["weight"], json!(1.5));
    assert_eq!(p["type_id"], "simple");
    assert_eq!(p["attribute_set_id"], 4);
    assert_eq!(p["extension_attributes"]["website_ids"], json!([1]));
    assert_eq!(p["extension_attributes"]["stock_item"]["qty"], json!(100));
    assert_eq!(p["extension_attributes"]["stock_item"]["is_in_stock"], json!(true));
    assert_eq!(p["extension_attributes"]["category_links"][0]["position"], 3);
    assert!(p["extension_attributes"]["category_links"][0]["category_id"].is_string());
    let attrs = p["custom_attributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"attribute_code": "description", "value": "<p>Roomy.</p>"})));
    assert!(attrs.iter().any(|a| a["attribute_code"] == "category_ids" && a["value"].is_array()));
    for key in ["product_links", "options", "media_gallery_entries", "tier_prices"] {
        assert_eq!(p[key], json!([]), "{key}");
    }
    // Magento's key order: id, sku, name, attribute_set_id, price, …
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(&keys[..5], ["id", "sku", "name", "attribute_set_id", "price"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn configurable_products_carry_options_and_links() {
    let server = TestServer::start().await;
    let (red, blue) = seed(&server).await;
    let token = server.admin_token().await;
    let (status, p) = status_json(server.get("/rest/default/V1/products/TEE", Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(p["type_id"], "configurable");
    let options = &p["extension_attributes"]["configurable_product_options"];
    assert_eq!(options[0]["label"], "Color");
    let mut values: Vec<i64> =
        options[0]["values"].as_array().unwrap().iter().map(|v| v["value_index"].as_i64().unwrap()).collect();
    values.sort();
    let mut expected = vec![red, blue];
    expected.sort();
    assert_eq!(values, expected);
    assert_eq!(p["extension_attributes"]["configurable_product_links"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn product_types_are_listed() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (_, types) = status_json(server.get("/rest/V1/products/types", Some(&token)).await).await;
    assert!(types.as_array().unwrap().contains(&json!({"name": "configurable", "label": "Configurable Product"})));
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_product_is_audited_and_final() {
    let server = TestServer::start().await;
    seed(&server).await;
    let token = server.admin_token().await;
    let r = server.send(Method::DELETE, "/rest/V1/products/TEE-Red", Some(&token), None).await;
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body), (200, json!(true)));
    let (status, body) = status_json(server.get("/rest/V1/products/TEE-Red", Some(&token)).await).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The product that was requested doesn't exist. Verify the product and try again.");
    assert_eq!(server.send(Method::DELETE, "/rest/V1/products/TEE-Red", Some(&token), None).await.status(), 404);

    let row = server
        .db
        .fetch_optional(sql!(
            "SELECT sentence, target, operation_id, decision, status, channel FROM audit_log WHERE request_id = $1",
            request_id
        ))
        .await
        .unwrap()
        .expect("the delete is audited");
    assert_eq!(row.get::<String>("sentence").unwrap(), "admin admin deleted product TEE-Red from default");
    assert_eq!(row.get::<String>("target").unwrap(), "TEE-Red");
    assert_eq!(row.get::<String>("operation_id").unwrap(), "catalog.product.delete");
    assert_eq!(row.get::<String>("decision").unwrap(), "allowed");
    assert_eq!(row.get::<String>("channel").unwrap(), "rest");
    // The configurable parent lost the link to the deleted child.
    let (_, parent) = status_json(server.get("/rest/V1/products/TEE", Some(&token)).await).await;
    assert_eq!(parent["extension_attributes"]["configurable_product_links"].as_array().unwrap().len(), 1);
}
