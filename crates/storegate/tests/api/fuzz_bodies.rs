//! Generated JSON bodies for the main write routes, over real HTTP: whatever arrives, the
//! answer is a success or a 4xx with Magento's `message`, never a 500. The bodies are built
//! from the routes' own field names, so they reach deep into the input handling rather than
//! stopping at the first missing key.
//!
//! CI runs 120 cases per route; the long form is the same test with
//! `STOREGATE_FUZZ_BODY_CASES=5000 cargo test -p storegate --test api fuzz_bodies`.

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
    "id",
    "website_id",
    "group_id",
    "gender",
    "taxvat",
    "city",
    "region_code",
    "default_shipping",
    "item_id",
    "paymentMethod",
    "method",
    "po_number",
    "additional_data",
    "capture",
    "notify",
    "appendComment",
    "comment",
    "is_visible_on_front",
    "tracks",
    "track_number",
    "title",
    "carrier_code",
    "arguments",
    "shipping_amount",
    "adjustment_positive",
    "adjustment_negative",
    "return_to_stock_items",
    "page",
    "block",
    "identifier",
    "content",
    "content_heading",
    "page_layout",
    "is_active",
    "active",
    "store_id",
    "stores",
    "category",
    "parent_id",
    "position",
    "level",
    "children",
    "include_in_menu",
    "available_sort_by",
    "address",
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

fn cases() -> u32 {
    std::env::var("STOREGATE_FUZZ_BODY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(120)
}

/// A guest cart holding `qty` of `sku`: its path and the item's id.
async fn cart_with(server: &TestServer, sku: &str, qty: i64) -> (String, i64) {
    let (status, masked) = call(server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    assert_eq!(status, 200, "{masked}");
    let cart = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    let item = json!({"cartItem": {"sku": sku, "qty": qty}});
    let (status, item) = call(server, Method::POST, &format!("{cart}/items"), None, Some(item)).await;
    assert_eq!(status, 200, "{item}");
    (cart, item["item_id"].as_i64().unwrap())
}

/// A cart ready for payment: an item, and shipping and billing set.
async fn cart_ready_to_pay(server: &TestServer, sku: &str, qty: i64) -> String {
    let (cart, _) = cart_with(server, sku, qty).await;
    let shipping = crate::carts::shipping_info("flatrate", "flatrate");
    let (status, info) =
        call(server, Method::POST, &format!("{cart}/shipping-information"), None, Some(shipping)).await;
    assert_eq!(status, 200, "{info}");
    cart
}

/// The `id` of the entity a POST creates.
async fn created(server: &TestServer, admin: &str, path: &str, body: Value) -> i64 {
    let (status, answer) = call(server, Method::POST, path, Some(admin), Some(body)).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer["id"].as_i64().unwrap_or_else(|| panic!("{path}: no id in {answer}"))
}

/// Everything the routes below need to exist before they are fuzzed.
struct Fixture {
    admin: String,
    cart: String,
    item_id: i64,
    pay_cart: String,
    customer_id: i64,
    order_id: i64,
    order_item_id: i64,
    page_id: i64,
    block_id: i64,
    category_id: i64,
}

async fn fixture(server: &TestServer) -> Fixture {
    let admin = server.admin_token().await;
    product(server, &admin, "FUZZ-1", 5, 1000, json!({})).await;
    let (cart, item_id) = cart_with(server, "FUZZ-1", 1).await;
    let pay_cart = cart_ready_to_pay(server, "FUZZ-1", 1).await;
    let order_cart = cart_ready_to_pay(server, "FUZZ-1", 50).await;
    let payment = json!({"email": "fuzz@example.com", "paymentMethod": {"method": "checkmo"}});
    let (status, order_id) =
        call(server, Method::POST, &format!("{order_cart}/payment-information"), None, Some(payment)).await;
    assert_eq!(status, 200, "{order_id}");
    let order_id = order_id.as_i64().unwrap();
    let (status, order) = call(server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{order}");
    let order_item_id = order["items"][0]["item_id"].as_i64().unwrap();
    let (customer_id, _) = crate::carts::customer(server, "fuzz-customer@example.com").await;
    let page = json!({"page": {"identifier": "fuzz-page", "title": "Fuzz"}});
    let page_id = created(server, &admin, "/rest/V1/cmsPage", page).await;
    let block = json!({"block": {"identifier": "fuzz-block", "title": "Fuzz"}});
    let block_id = created(server, &admin, "/rest/V1/cmsBlock", block).await;
    let category = json!({"category": {"name": "Fuzz", "parent_id": 2, "is_active": true}});
    let category_id = created(server, &admin, "/rest/V1/categories", category).await;
    Fixture { admin, cart, item_id, pay_cart, customer_id, order_id, order_item_id, page_id, block_id, category_id }
}

/// `body` with `{n}` in its strings replaced by `n`.
fn numbered(body: &Value, n: u32) -> Value {
    match body {
        Value::String(s) => Value::String(s.replace("{n}", &n.to_string())),
        Value::Array(items) => Value::Array(items.iter().map(|v| numbered(v, n)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), numbered(v, n))).collect()),
        other => other.clone(),
    }
}

#[test]
fn generated_bodies_on_write_routes_never_get_a_500() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, f) = rt.block_on(async {
        let server = TestServer::start().await;
        let f = fixture(&server).await;
        (server, f)
    });
    let admin = f.admin.clone();
    let cart = &f.cart;
    let address = crate::carts::address(Some("fuzz@example.com"));
    // Each route with a valid body; generated fields are laid over the object at the JSON
    // pointer given (the whole body for ""), so most requests get past the outer shape and
    // into the field handling. `{n}` in a valid body is the case number, so that creating
    // routes are not stopped by the previous case's identifier or e-mail.
    let routes: Vec<(Method, String, bool, &str, Value)> = vec![
        (
            Method::POST,
            "/rest/V1/products".into(),
            true,
            "/product",
            json!({"product": {"sku": "FUZZ-NEW", "name": "Fuzz", "price": 1, "attribute_set_id": 4, "type_id": "simple"}}),
        ),
        (Method::PUT, "/rest/V1/products/FUZZ-1".into(), true, "/product", json!({"product": {"price": 6}})),
        (
            Method::PUT,
            "/rest/V1/products/FUZZ-1/stockItems/1".into(),
            true,
            "/stockItem",
            json!({"stockItem": {"qty": 500, "is_in_stock": true}}),
        ),
        (
            Method::POST,
            "/rest/V1/inventory/source-items".into(),
            true,
            "/sourceItems/0",
            json!({"sourceItems": [{"sku": "FUZZ-1", "source_code": "default", "quantity": 500, "status": 1}]}),
        ),
        (
            Method::POST,
            "/rest/V1/customers".into(),
            false,
            "/customer",
            json!({"customer": {"email": "fuzz{n}@example.com", "firstname": "F", "lastname": "Z"}, "password": "Password-123"}),
        ),
        (
            Method::PUT,
            format!("/rest/V1/customers/{}", f.customer_id),
            true,
            "/customer",
            json!({"customer": {"id": f.customer_id, "email": "fuzz-customer@example.com", "firstname": "F",
                "lastname": "Z", "website_id": 1}}),
        ),
        (
            Method::PUT,
            format!("/rest/V1/customers/{}", f.customer_id),
            true,
            "/customer/addresses/0",
            json!({"customer": {"id": f.customer_id, "email": "fuzz-customer@example.com", "firstname": "F",
                "lastname": "Z", "website_id": 1, "addresses": [address.clone()]}}),
        ),
        (Method::POST, format!("{cart}/items"), false, "/cartItem", json!({"cartItem": {"sku": "FUZZ-1", "qty": 1}})),
        (Method::PUT, format!("{cart}/items/{}", f.item_id), false, "/cartItem", json!({"cartItem": {"qty": 2}})),
        (
            Method::POST,
            format!("{cart}/shipping-information"),
            false,
            "/addressInformation",
            json!({"addressInformation": {"shipping_address": address.clone(), "billing_address": address.clone(),
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}),
        ),
        (
            Method::POST,
            format!("{cart}/estimate-shipping-methods"),
            false,
            "/address",
            json!({"address": address.clone()}),
        ),
        (Method::POST, format!("{cart}/billing-address"), false, "/address", json!({"address": address.clone()})),
        (
            Method::POST,
            format!("{}/payment-information", f.pay_cart),
            false,
            "/paymentMethod",
            json!({"email": "fuzz@example.com", "paymentMethod": {"method": "checkmo"}}),
        ),
        (
            Method::POST,
            "/rest/V1/orders".into(),
            true,
            "/entity",
            json!({"entity": {"customer_email": "fuzz@example.com", "items": [{"sku": "FUZZ-1", "qty_ordered": 1, "price": 5}]}}),
        ),
        (
            Method::POST,
            format!("/rest/V1/order/{}/invoice", f.order_id),
            true,
            "",
            json!({"capture": false, "items": [{"order_item_id": f.order_item_id, "qty": 1}], "notify": false}),
        ),
        (
            Method::POST,
            format!("/rest/V1/order/{}/ship", f.order_id),
            true,
            "/items/0",
            json!({"items": [{"order_item_id": f.order_item_id, "qty": 1}],
                "tracks": [{"track_number": "1Z999", "title": "Tracking", "carrier_code": "ups"}]}),
        ),
        (
            Method::POST,
            format!("/rest/V1/order/{}/refund", f.order_id),
            true,
            "/arguments",
            json!({"items": [{"order_item_id": f.order_item_id, "qty": 1}], "arguments": {"shipping_amount": 0}}),
        ),
        (
            Method::POST,
            "/rest/V1/cmsPage".into(),
            true,
            "/page",
            json!({"page": {"identifier": "fuzz-new-{n}", "title": "Fuzz"}}),
        ),
        (Method::PUT, format!("/rest/V1/cmsPage/{}", f.page_id), true, "/page", json!({"page": {"title": "Fuzz 2"}})),
        (
            Method::POST,
            "/rest/V1/cmsBlock".into(),
            true,
            "/block",
            json!({"block": {"identifier": "fuzz-new-{n}", "title": "Fuzz"}}),
        ),
        (
            Method::PUT,
            format!("/rest/V1/cmsBlock/{}", f.block_id),
            true,
            "/block",
            json!({"block": {"title": "Fuzz 2"}}),
        ),
        (
            Method::POST,
            "/rest/V1/categories".into(),
            true,
            "/category",
            json!({"category": {"name": "Fuzz new {n}", "parent_id": 2}}),
        ),
        (
            Method::PUT,
            format!("/rest/V1/categories/{}", f.category_id),
            true,
            "/category",
            json!({"category": {"name": "Fuzz 2"}}),
        ),
    ];
    for (method, path, as_admin, pointer, valid) in &routes {
        let token = as_admin.then_some(admin.as_str());
        let overlay = (body(), prop::collection::vec((prop::sample::select(FIELDS), body()), 0..5), any::<bool>());
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        let case = std::cell::Cell::new(0u32);
        runner
            .run(&overlay, |(raw, fields, whole)| {
                case.set(case.get() + 1);
                let generated = if whole {
                    raw
                } else {
                    let mut b = numbered(valid, case.get());
                    if let Some(Value::Object(target)) = b.pointer_mut(pointer) {
                        for (k, v) in fields {
                            target.insert(k.to_owned(), v);
                        }
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

/// An order imported with an amount beyond what storage holds (integer millionths in an
/// i64: ±9.2 × 10¹²) is invalid input, not a server failure.
#[tokio::test(flavor = "multi_thread")]
async fn huge_amounts_in_an_imported_order_are_not_a_500() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "HUGE-1", 5, 100, json!({})).await;
    let huge = json!(-2_291_317_183_521_650_281_i64);
    let mut failures = Vec::new();
    let item_fields = ["price", "qty_ordered", "original_price", "row_total", "discount_amount", "tax_amount"];
    let order_fields =
        ["grand_total", "base_grand_total", "subtotal", "shipping_amount", "discount_amount", "tax_amount"];
    let bodies = item_fields.iter().map(|f| (true, *f)).chain(order_fields.iter().map(|f| (false, *f)));
    for (on_item, field) in bodies {
        let mut body = json!({"entity": {"customer_email": "huge@example.com", "items": [{"sku": "HUGE-1", "qty_ordered": 1, "price": 5}]}});
        if on_item {
            body["entity"]["items"][0][field] = huge.clone();
        } else {
            body["entity"][field] = huge.clone();
        }
        let (status, answer) = call(&server, Method::POST, "/rest/V1/orders", Some(&admin), Some(body)).await;
        if status >= 500 {
            failures.push(format!("{} {field}: {status} {answer}", if on_item { "item" } else { "order" }));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
