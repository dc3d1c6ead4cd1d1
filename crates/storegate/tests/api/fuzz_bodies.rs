//! Generated JSON bodies for the main write routes, over real HTTP: whatever arrives, the
//! answer is a success or a 4xx with Magento's `message`, never a 500. The bodies are built
//! from the routes' own field names, so they reach deep into the input handling rather than
//! stopping at the first missing key.

use crate::carts::{call, product};
use crate::helpers::TestServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Map, Value, json};

const FIELDS: &[&str] = &[
    "product",
    "sku",
    "name",
    "price",
    "type_id",
    "attribute_set_id",
    "status",
    "visibility",
    "weight",
    "extension_attributes",
    "custom_attributes",
    "attribute_code",
    "value",
    "stock_item",
    "qty",
    "is_in_stock",
    "website_ids",
    "category_links",
    "tier_prices",
    "customer_group_id",
    "configurable_product_options",
    "product_links",
    "media_gallery_entries",
    "customer",
    "email",
    "firstname",
    "lastname",
    "addresses",
    "street",
    "region",
    "region_id",
    "country_id",
    "postcode",
    "telephone",
    "default_billing",
    "dob",
    "password",
    "cartItem",
    "quote_id",
    "product_option",
    "configurable_item_options",
    "option_id",
    "option_value",
    "addressInformation",
    "shipping_address",
    "billing_address",
    "shipping_carrier_code",
    "shipping_method_code",
    "stockItem",
    "sourceItems",
    "source_code",
    "quantity",
    "entity",
    "items",
    "order_item_id",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e40f64..1e40).prop_map(|f| json!(f)),
        prop_oneof![Just(0.5), Just(-1.0), Just(1e-9), Just(79228162514264337593543950335.0)].prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        "[0-9.\\-e]{1,30}".prop_map(Value::String),
        prop::sample::select(FIELDS).prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn body() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..6).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

#[test]
fn generated_bodies_on_write_routes_never_get_a_500() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, admin, cart) = rt.block_on(async {
        let server = TestServer::start().await;
        let admin = server.admin_token().await;
        product(&server, &admin, "FUZZ-1", 5, 100, json!({})).await;
        let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
        let cart = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
        (server, admin, cart)
    });
    let address = crate::carts::address(Some("fuzz@example.com"));
    // Each route with a valid body; generated fields are laid over the object under its key,
    // so most requests get past the outer shape and into the field handling.
    let routes: Vec<(Method, String, bool, &str, Value)> = vec![
        (
            Method::POST,
            "/rest/V1/products".into(),
            true,
            "product",
            json!({"product": {"sku": "FUZZ-NEW", "name": "Fuzz", "price": 1, "attribute_set_id": 4, "type_id": "simple"}}),
        ),
        (Method::PUT, "/rest/V1/products/FUZZ-1".into(), true, "product", json!({"product": {"price": 6}})),
        (
            Method::PUT,
            "/rest/V1/products/FUZZ-1/stockItems/1".into(),
            true,
            "stockItem",
            json!({"stockItem": {"qty": 50, "is_in_stock": true}}),
        ),
        (
            Method::POST,
            "/rest/V1/customers".into(),
            false,
            "customer",
            json!({"customer": {"email": "fuzz@example.com", "firstname": "F", "lastname": "Z"}, "password": "Password-123"}),
        ),
        (Method::POST, format!("{cart}/items"), false, "cartItem", json!({"cartItem": {"sku": "FUZZ-1", "qty": 1}})),
        (
            Method::POST,
            format!("{cart}/shipping-information"),
            false,
            "addressInformation",
            json!({"addressInformation": {"shipping_address": address.clone(), "billing_address": address.clone(),
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}),
        ),
        (Method::POST, format!("{cart}/estimate-shipping-methods"), false, "address", json!({"address": address})),
        (
            Method::POST,
            "/rest/V1/orders".into(),
            true,
            "entity",
            json!({"entity": {"customer_email": "fuzz@example.com", "items": [{"sku": "FUZZ-1", "qty_ordered": 1, "price": 5}]}}),
        ),
    ];
    for (method, path, as_admin, key, valid) in &routes {
        let token = as_admin.then_some(admin.as_str());
        let overlay = (body(), prop::collection::vec((prop::sample::select(FIELDS), body()), 0..5), any::<bool>());
        let mut runner = TestRunner::new(Config { cases: 120, failure_persistence: None, ..Config::default() });
        runner
            .run(&overlay, |(raw, fields, whole)| {
                let generated = if whole {
                    raw
                } else {
                    let mut b = valid.clone();
                    for (k, v) in fields {
                        b[*key][k] = v;
                    }
                    b
                };
                let (status, answer) = rt.block_on(call(&server, method.clone(), path, token, Some(generated.clone())));
                prop_assert!(
                    status != 500 && status < 600,
                    "{method} {path} answered {status} to {generated}: {answer}"
                );
                if status >= 400 {
                    prop_assert!(
                        answer["message"].as_str().is_some(),
                        "{method} {path} {status} without a message: {answer}"
                    );
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // The catalog's one product is still intact enough to read.
    let (status, _) = rt.block_on(call(&server, Method::GET, "/rest/V1/products/FUZZ-1", Some(&admin), None));
    assert!(status == 200 || status == 404);
}
