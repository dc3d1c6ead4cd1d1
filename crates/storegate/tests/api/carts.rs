//! Carts and checkout over real HTTP: customer (`mine`), guest and admin carts, items with
//! catalog prices, tier prices and configurable options, shipping and payment methods,
//! placing orders (the seed documents' flows), reading them, and Magento's refusals.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate_db::sql;

pub const PASSWORD: &str = "Passw0rd!x";

pub async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    status_json(server.send(method, path, token, body).await).await
}

/// Creates an enabled simple product in website 1 with `qty` in stock.
pub async fn product(
    server: &TestServer,
    admin: &str,
    sku: &str,
    price: impl Into<Value>,
    qty: i64,
    extra: Value,
) -> Value {
    let price: Value = price.into();
    let mut p = json!({
        "sku": sku, "name": format!("Product {sku}"), "price": price, "type_id": "simple",
        "attribute_set_id": 4, "status": 1, "visibility": 4, "weight": 1,
        "extension_attributes": {"website_ids": [1], "stock_item": {"qty": qty, "is_in_stock": qty > 0}}
    });
    if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            p.insert(k.clone(), v.clone());
        }
    }
    let (status, body) =
        call(server, Method::POST, "/rest/V1/products", Some(admin), Some(json!({ "product": p }))).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Registers a customer and answers (customer id, token).
pub async fn customer(server: &TestServer, email: &str) -> (i64, String) {
    let body = json!({"customer": {"email": email, "firstname": "Jane", "lastname": "Doe", "website_id": 1}, "password": PASSWORD});
    let (status, c) = call(server, Method::POST, "/rest/V1/customers", None, Some(body)).await;
    assert_eq!(status, 200, "{c}");
    let (status, token) = call(
        server,
        Method::POST,
        "/rest/V1/integration/customer/token",
        None,
        Some(json!({"username": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    (c["id"].as_i64().unwrap(), token.as_str().unwrap().to_owned())
}

pub fn address(email: Option<&str>) -> Value {
    let mut a = json!({
        "region": "Texas", "region_id": 57, "region_code": "TX", "country_id": "US",
        "street": ["123 Main Street"], "postcode": "78701", "city": "Austin",
        "firstname": "Jane", "lastname": "Doe", "telephone": "512-555-0100"
    });
    if let Some(e) = email {
        a["email"] = json!(e);
    }
    a
}

pub fn shipping_info(carrier: &str, method: &str) -> Value {
    json!({"addressInformation": {
        "shipping_address": address(Some("jane@example.com")),
        "billing_address": address(Some("jane@example.com")),
        "shipping_carrier_code": carrier, "shipping_method_code": method
    }})
}

async fn set_config(server: &TestServer, path: &str, value: &str) {
    let mut tx = server.db.begin().await.unwrap();
    storegate_domain::store::set_config(&mut tx, server.tenant, "default", 0, path, value).await.unwrap();
    tx.commit().await.unwrap();
}

/// The seed documents' storefront flow: customer token → `POST /V1/carts/mine` → items →
/// shipping → payment → order, then `GET /V1/orders/{id}` read as document 002 does.
#[tokio::test(flavor = "multi_thread")]
async fn customer_checkout_from_token_to_order() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "TSHIRT-001", 24.99, 100, json!({})).await;
    product(&server, &admin, "MUG-1", 10, 100, json!({})).await;
    let (customer_id, token) = customer(&server, "jane@example.com").await;
    let t = Some(token.as_str());

    // Creating twice answers the same active cart.
    let (status, cart_id) = call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;
    assert_eq!(status, 200, "{cart_id}");
    assert!(cart_id.is_i64());
    let (_, again) = call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;
    assert_eq!(again, cart_id);

    // quote_id in the body is ignored: the token decides the cart.
    let (status, item) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        t,
        Some(json!({"cartItem": {"sku": "TSHIRT-001", "qty": 2, "quote_id": "999"}})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["sku"], "TSHIRT-001");
    assert_eq!(item["qty"], json!(2));
    assert_eq!(item["price"], json!(24.99));
    assert_eq!(item["product_type"], "simple");
    assert_eq!(item["quote_id"], json!(cart_id.to_string()));
    // Adding the same product again merges the quantities.
    let (_, merged) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        t,
        Some(json!({"cartItem": {"sku": "TSHIRT-001", "qty": 1}})),
    )
    .await;
    assert_eq!(merged["item_id"], item["item_id"]);
    assert_eq!(merged["qty"], json!(3));
    let (_, mug) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        t,
        Some(json!({"cartItem": {"sku": "MUG-1", "qty": 1}})),
    )
    .await;
    // Update and delete.
    let path = format!("/rest/V1/carts/mine/items/{}", item["item_id"]);
    let (status, updated) = call(&server, Method::PUT, &path, t, Some(json!({"cartItem": {"qty": 2}}))).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["qty"], json!(2));
    let (_, items) = call(&server, Method::GET, "/rest/V1/carts/mine/items", t, None).await;
    assert_eq!(items.as_array().unwrap().len(), 2);
    let (status, deleted) =
        call(&server, Method::DELETE, &format!("/rest/V1/carts/mine/items/{}", mug["item_id"]), t, None).await;
    assert_eq!((status, deleted), (200, json!(true)));

    let (_, cart) = call(&server, Method::GET, "/rest/V1/carts/mine", t, None).await;
    assert_eq!(cart["id"], cart_id);
    assert_eq!(cart["items_count"], 1);
    assert_eq!(cart["items_qty"], json!(2));
    assert_eq!(cart["customer"]["id"], json!(customer_id));
    assert_eq!(cart["customer"]["email"], "jane@example.com");
    assert_eq!(cart["customer_is_guest"], false);
    assert_eq!(cart["is_active"], true);

    // Flat rate: 5.00 per item by default.
    let (status, methods) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/estimate-shipping-methods",
        t,
        Some(json!({"address": address(None)})),
    )
    .await;
    assert_eq!(status, 200, "{methods}");
    assert_eq!(
        methods,
        json!([{"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate", "method_title": "Fixed",
            "amount": 10, "base_amount": 10, "available": true, "error_message": "", "price_excl_tax": 10, "price_incl_tax": 10}])
    );
    let (status, details) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/shipping-information",
        t,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(status, 200, "{details}");
    assert_eq!(details["payment_methods"], json!([{"code": "checkmo", "title": "Check / Money order"}]));
    assert_eq!(details["totals"]["subtotal"], json!(49.98));
    assert_eq!(details["totals"]["shipping_amount"], json!(10));
    assert_eq!(details["totals"]["grand_total"], json!(59.98));
    let (_, totals) = call(&server, Method::GET, "/rest/V1/carts/mine/totals", t, None).await;
    assert_eq!(totals["grand_total"], json!(59.98));
    assert_eq!(totals["items"][0]["row_total"], json!(49.98));
    let (_, billing) = call(&server, Method::GET, "/rest/V1/carts/mine/billing-address", t, None).await;
    assert_eq!(billing["city"], "Austin");
    let (_, pm) = call(&server, Method::GET, "/rest/V1/carts/mine/payment-methods", t, None).await;
    assert_eq!(pm, json!([{"code": "checkmo", "title": "Check / Money order"}]));

    let (status, order_id) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/payment-information",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let order_id = order_id.as_i64().expect("the order id is a bare integer");

    // The cart is converted: mine answers 404 until a new cart is created.
    let (status, body) = call(&server, Method::GET, "/rest/V1/carts/mine", t, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "No such entity with %fieldName = %fieldValue");
    let (_, new_cart) = call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;
    assert_ne!(new_cart, cart_id);

    // Document 002 reads the order: increment id, status, grand total, items' name and qty.
    let (status, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order["entity_id"], json!(order_id));
    assert_eq!(order["increment_id"], "000000001");
    assert_eq!((order["state"].as_str(), order["status"].as_str()), (Some("new"), Some("pending")));
    assert_eq!(order["grand_total"], json!(59.98));
    assert_eq!(order["base_grand_total"], json!(59.98));
    assert_eq!(order["subtotal"], json!(49.98));
    assert_eq!(order["shipping_amount"], json!(10));
    assert_eq!(order["total_due"], json!(59.98));
    assert_eq!(order["total_invoiced"], json!(0));
    assert_eq!(order["customer_id"], json!(customer_id));
    assert_eq!(order["customer_email"], "jane@example.com");
    assert_eq!(order["customer_is_guest"], json!(0));
    assert_eq!(order["quote_id"], cart_id);
    assert_eq!(order["items"][0]["name"], "Product TSHIRT-001");
    assert_eq!(order["items"][0]["qty_ordered"], json!(2));
    assert_eq!(order["items"][0]["qty_invoiced"], json!(0));
    assert_eq!(order["items"][0]["price"], json!(24.99));
    assert_eq!(order["billing_address"]["address_type"], "billing");
    assert_eq!(order["billing_address"]["street"], json!(["123 Main Street"]));
    assert_eq!(order["payment"]["method"], "checkmo");
    assert_eq!(order["payment"]["additional_information"], json!(["Check / Money order"]));
    assert_eq!(order["payment"]["account_status"], Value::Null);
    assert_eq!(order["status_histories"][0]["status"], "pending");
    let shipping = &order["extension_attributes"]["shipping_assignments"][0]["shipping"];
    assert_eq!(shipping["method"], "flatrate_flatrate");
    assert_eq!(shipping["address"]["address_type"], "shipping");
    assert_eq!(order["shipping_description"], "Flat Rate - Fixed");

    // The same transaction wrote the reservation, the event and the mail; addresses are
    // encrypted at rest.
    let t0 = server.tenant.0;
    let reserved: i64 = server
        .db
        .fetch_optional(sql!(
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM inventory_reservations WHERE tenant_id = $1 AND sku = 'TSHIRT-001'",
            t0
        ))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    assert_eq!(reserved, -2_000_000);
    let topics = server
        .db
        .fetch_all(sql!("SELECT topic, payload FROM event_outbox WHERE tenant_id = $1 AND delivered_at IS NULL", t0))
        .await
        .unwrap();
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0].get::<String>("topic").unwrap(), "order_placed");
    let payload: Value = serde_json::from_str(&topics[0].get::<String>("payload").unwrap()).unwrap();
    assert_eq!(payload["increment_id"], "000000001");
    let mail = server
        .db
        .fetch_all(sql!(
            "SELECT recipient, body FROM mail_outbox WHERE tenant_id = $1 AND template = 'sales_email_order_template'",
            t0
        ))
        .await
        .unwrap();
    assert_eq!(mail.len(), 1);
    let recipient: String = mail[0].get("recipient").unwrap();
    assert!(!recipient.contains("jane"));
    assert_eq!(server.crypto.decrypt(&recipient).unwrap(), "jane@example.com");
    assert!(server.crypto.decrypt(&mail[0].get::<String>("body").unwrap()).unwrap().contains("000000001"));
    let street: String = server
        .db
        .fetch_optional(sql!("SELECT street FROM sales_order_addresses WHERE tenant_id = $1 LIMIT 1", t0))
        .await
        .unwrap()
        .unwrap()
        .get("street")
        .unwrap();
    assert!(!street.contains("Main"));

    // Another order gets the next increment id.
    call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(json!({"cartItem": {"sku": "MUG-1", "qty": 1}})))
        .await;
    call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/shipping-information",
        t,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    let (status, second) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/order",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{second}"), Some(&admin), None).await;
    assert_eq!(order["increment_id"], "000000002");
    assert_eq!(order["grand_total"], json!(15));
}

#[tokio::test(flavor = "multi_thread")]
async fn guest_checkout_with_a_masked_cart_id() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "GUEST-1", 12.5, 10, json!({})).await;
    let (status, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    assert_eq!(status, 200);
    let masked = masked.as_str().expect("a bare string").to_owned();
    assert_eq!(masked.len(), 32);
    assert!(masked.chars().all(|c| c.is_ascii_alphanumeric()));
    let (_, other) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    assert_ne!(other.as_str().unwrap(), masked);
    // The numeric quote id is not a guest handle.
    let (status, body) = call(&server, Method::GET, "/rest/V1/guest-carts/1", None, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["parameters"], json!({"fieldName": "cartId", "fieldValue": "1"}));

    let base = format!("/rest/V1/guest-carts/{masked}");
    let (status, item) = call(
        &server,
        Method::POST,
        &format!("{base}/items"),
        None,
        Some(json!({"cartItem": {"sku": "GUEST-1", "qty": 2, "quote_id": masked}})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["quote_id"], json!(masked));
    let (_, cart) = call(&server, Method::GET, &base, None, None).await;
    assert_eq!(cart["customer_is_guest"], true);
    assert_eq!(cart["customer"], json!({"email": null, "firstname": null, "lastname": null}));
    let (_, methods) = call(
        &server,
        Method::POST,
        &format!("{base}/estimate-shipping-methods"),
        None,
        Some(json!({"address": address(None)})),
    )
    .await;
    assert_eq!(methods[0]["amount"], json!(10));
    let (status, details) = call(
        &server,
        Method::POST,
        &format!("{base}/shipping-information"),
        None,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(status, 200, "{details}");
    assert_eq!(details["totals"]["grand_total"], json!(35));
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{base}/payment-information"),
        None,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 400, "a guest must give an e-mail");
    assert_eq!(body["parameters"], json!({"fieldName": "email"}));
    let (status, order_id) = call(
        &server,
        Method::POST,
        &format!("{base}/payment-information"),
        None,
        Some(json!({"email": "guest@example.com", "paymentMethod": {"method": "checkmo"}, "billingAddress": address(None)})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(order["customer_is_guest"], json!(1));
    assert_eq!(order["customer_email"], "guest@example.com");
    assert_eq!(order["grand_total"], json!(35));
    assert!(order.get("customer_id").is_none());
    // The converted cart is gone for guests too.
    let (status, _) = call(&server, Method::GET, &base, None, None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn items_are_refused_as_magento_refuses_them() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "OK-1", 5, 10, json!({})).await;
    product(&server, &admin, "OFF-1", 5, 10, json!({"status": 2})).await;
    product(&server, &admin, "NONE-1", 5, 0, json!({})).await;
    product(
        &server,
        &admin,
        "NOWEB-1",
        5,
        10,
        json!({"extension_attributes": {"website_ids": [], "stock_item": {"qty": 10, "is_in_stock": true}}}),
    )
    .await;
    product(
        &server,
        &admin,
        "MAX-1",
        5,
        100,
        json!({"extension_attributes": {"website_ids": [1], "stock_item": {"qty": 100, "is_in_stock": true, "max_sale_qty": 5, "use_config_max_sale_qty": false}}}),
    )
    .await;
    let (_, token) = customer(&server, "refused@example.com").await;
    let t = Some(token.as_str());
    call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;
    let add = |sku: &str, qty: i64| json!({"cartItem": {"sku": sku, "qty": qty}});
    let not_available = json!({"message": "Product that you are trying to add is not available."});
    for sku in ["OFF-1", "NONE-1", "NOWEB-1"] {
        let (status, body) = call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(add(sku, 1))).await;
        assert_eq!((status, &body), (400, &not_available), "{sku}");
    }
    let (status, body) = call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(add("NOPE", 1))).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The product that was requested doesn't exist. Verify the product and try again.");
    let (status, body) = call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(add("MAX-1", 6))).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The requested qty exceeds the maximum qty allowed in shopping cart");
    let (status, body) = call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(add("OK-1", 11))).await;
    assert_eq!((status, body), (400, json!({"message": "The requested qty is not available"})));
    let (status, body) = call(&server, Method::PUT, "/rest/V1/carts/mine/items/9999", t, Some(add("OK-1", 1))).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The %1 Cart doesn't contain the %2 item.");
    // Without a token, mine is refused.
    let (status, _) = call(&server, Method::GET, "/rest/V1/carts/mine", None, None).await;
    assert!(status == 401 || status == 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn checkout_errors_follow_magento() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "ERR-1", 20, 10, json!({})).await;
    let (_, token) = customer(&server, "errors@example.com").await;
    let t = Some(token.as_str());
    call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;

    // An empty cart: no shipping information, no order.
    let (status, body) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/shipping-information",
        t,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "The shipping method can't be set for an empty cart. Add an item to cart and try again."
    );
    let (status, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/order",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "A server error stopped your order from being placed. Please try to place your order again."
    );

    call(&server, Method::POST, "/rest/V1/carts/mine/items", t, Some(json!({"cartItem": {"sku": "ERR-1", "qty": 1}})))
        .await;
    // No shipping address yet.
    let (status, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/order",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The shipping address is missing. Set the address and try again.");
    // An unavailable method.
    let (status, body) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/shipping-information",
        t,
        Some(shipping_info("tablerate", "bestway")),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Carrier with such method not found: %1, %2", "parameters": ["tablerate", "bestway"]})
    );
    let (status, _) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/shipping-information",
        t,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(status, 200);
    // An unknown or disabled payment method; a purchase order without its number.
    for method in ["bogus", "banktransfer", "free"] {
        let (status, body) = call(
            &server,
            Method::POST,
            "/rest/V1/carts/mine/payment-information",
            t,
            Some(json!({"paymentMethod": {"method": method}})),
        )
        .await;
        assert_eq!(
            (status, body),
            (400, json!({"message": "The requested Payment Method is not available."})),
            "{method}"
        );
    }
    set_config(&server, "payment/purchaseorder/active", "1").await;
    let (status, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/selected-payment-method",
        t,
        Some(json!({"method": {"method": "purchaseorder"}})),
    )
    .await;
    assert_eq!((status, body), (400, json!({"message": "Purchase order number is a required field."})));
    let (status, _) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/selected-payment-method",
        t,
        Some(json!({"method": {"method": "purchaseorder", "po_number": "PO-7"}})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, selected) = call(&server, Method::GET, "/rest/V1/carts/mine/selected-payment-method", t, None).await;
    assert_eq!(selected, json!({"po_number": "PO-7", "method": "purchaseorder"}));

    // The chosen method stops being offered: placing says the method is missing.
    set_config(&server, "carriers/flatrate/active", "0").await;
    let (status, body) = call(&server, Method::PUT, "/rest/V1/carts/mine/order", t, None).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The shipping method is missing. Select the shipping method and try again.");
    set_config(&server, "carriers/flatrate/active", "1").await;
    let (status, order_id) = call(&server, Method::PUT, "/rest/V1/carts/mine/order", t, None).await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(order["payment"]["po_number"], "PO-7");

    // Unknown orders.
    let (status, body) = call(&server, Method::GET, "/rest/V1/orders/999", Some(&admin), None).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The entity that was requested doesn't exist. Verify the entity and try again.");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_never_reaches_another_customers_cart() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "MINE-1", 5, 10, json!({})).await;
    let (_, alice) = customer(&server, "alice@example.com").await;
    let (_, bob) = customer(&server, "bob@example.com").await;
    let (_, alice_cart) = call(&server, Method::POST, "/rest/V1/carts/mine", Some(&alice), None).await;
    call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        Some(&alice),
        Some(json!({"cartItem": {"sku": "MINE-1", "qty": 1}})),
    )
    .await;
    // Bob names Alice's cart on the admin route, in the body, and on the guest route.
    let (status, _) = call(&server, Method::GET, &format!("/rest/V1/carts/{alice_cart}"), Some(&bob), None).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, _) = call(&server, Method::GET, &format!("/rest/V1/carts/{alice_cart}/items"), Some(&bob), None).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, _) =
        call(&server, Method::GET, &format!("/rest/V1/guest-carts/{alice_cart}/items"), Some(&bob), None).await;
    assert_eq!(status, 404);
    let (status, body) = call(&server, Method::GET, "/rest/V1/carts/mine", Some(&bob), None).await;
    assert_eq!(status, 404, "bob has no cart yet: {body}");
    let (_, bob_cart) = call(&server, Method::POST, "/rest/V1/carts/mine", Some(&bob), None).await;
    assert_ne!(bob_cart, alice_cart);
    let (_, items) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        Some(&bob),
        Some(
            json!({"cartItem": {"sku": "MINE-1", "qty": 1, "quote_id": alice_cart.to_string()}, "cartId": alice_cart}),
        ),
    )
    .await;
    assert_eq!(items["quote_id"], json!(bob_cart.to_string()));
    let (_, alice_items) = call(&server, Method::GET, "/rest/V1/carts/mine/items", Some(&alice), None).await;
    assert_eq!(alice_items.as_array().unwrap().len(), 1);
    assert_eq!(alice_items[0]["qty"], json!(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_manage_carts_by_id() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "ADM-1", 8, 10, json!({})).await;
    let (customer_id, token) = customer(&server, "managed@example.com").await;
    let (status, cart_id) =
        call(&server, Method::POST, &format!("/rest/V1/customers/{customer_id}/carts"), Some(&admin), None).await;
    assert_eq!(status, 200, "{cart_id}");
    // The customer's own route finds the same cart.
    let (_, mine) = call(&server, Method::POST, "/rest/V1/carts/mine", Some(&token), None).await;
    assert_eq!(mine, cart_id);
    let (status, item) = call(
        &server,
        Method::POST,
        &format!("/rest/V1/carts/{cart_id}/items"),
        Some(&admin),
        Some(json!({"cartItem": {"sku": "ADM-1", "qty": 2, "quote_id": cart_id}})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    let (_, cart) = call(&server, Method::GET, &format!("/rest/V1/carts/{cart_id}"), Some(&admin), None).await;
    assert_eq!(cart["items"][0]["sku"], "ADM-1");
    let (_, totals) = call(&server, Method::GET, &format!("/rest/V1/carts/{cart_id}/totals"), Some(&admin), None).await;
    assert_eq!(totals["subtotal"], json!(16));
    let (status, empty) = call(&server, Method::POST, "/rest/V1/carts/", Some(&admin), None).await;
    assert_eq!(status, 200);
    assert!(empty.as_i64().unwrap() > cart_id.as_i64().unwrap());
    let (status, body) = call(&server, Method::GET, "/rest/V1/carts/424242", Some(&admin), None).await;
    assert_eq!(status, 404);
    assert_eq!(body["parameters"], json!({"fieldName": "cartId", "fieldValue": 424242}));
    // A role without Magento_Cart::manage is refused.
    let limited = user_with(&server, "Catalog", &["Magento_Catalog::products"]).await;
    let (status, body) = call(&server, Method::GET, &format!("/rest/V1/carts/{cart_id}"), Some(&limited), None).await;
    assert_eq!(status, 403);
    assert_eq!(body["parameters"], json!({"resources": "Magento_Cart::manage"}));
    // Admin placement.
    call(
        &server,
        Method::POST,
        &format!("/rest/V1/carts/{cart_id}/shipping-information"),
        Some(&admin),
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    let (status, order_id) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/carts/{cart_id}/order"),
        Some(&admin),
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(order["customer_id"], json!(customer_id));
    assert_eq!(order["grand_total"], json!(26));
}

/// A configurable tee `CFG` with two children by color, `CFG-RED` (30, qty 10) and
/// `CFG-BLUE` (32, qty 10); answers the color attribute id and the two option values.
pub async fn configurable_tee(server: &TestServer, admin: &str) -> (i64, String, String) {
    let (_, color) = call(server, Method::GET, "/rest/V1/products/attributes/color", Some(admin), None).await;
    let color_id = color["attribute_id"].as_i64().unwrap();
    let red = product(
        server,
        admin,
        "CFG-RED",
        30,
        10,
        json!({"visibility": 1, "custom_attributes": [{"attribute_code": "color", "value": "Red"}]}),
    )
    .await;
    let blue = product(
        server,
        admin,
        "CFG-BLUE",
        32,
        10,
        json!({"visibility": 1, "custom_attributes": [{"attribute_code": "color", "value": "Blue"}]}),
    )
    .await;
    let value = |p: &Value| -> String {
        p["custom_attributes"].as_array().unwrap().iter().find(|a| a["attribute_code"] == "color").unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (red_value, blue_value) = (value(&red), value(&blue));
    let (status, parent) = call(server, Method::POST, "/rest/V1/products", Some(admin), Some(json!({"product": {
        "sku": "CFG", "name": "Configurable Tee", "price": 30, "type_id": "configurable", "attribute_set_id": 4,
        "extension_attributes": {
            "website_ids": [1],
            "stock_item": {"is_in_stock": true},
            "configurable_product_options": [{"attribute_id": color_id.to_string(), "label": "Color", "position": 0,
                "values": [{"value_index": red_value.parse::<i64>().unwrap()}, {"value_index": blue_value.parse::<i64>().unwrap()}]}],
            "configurable_product_links": [red["id"], blue["id"]]
        }
    }}))).await;
    assert_eq!(status, 200, "{parent}");
    (color_id, red_value, blue_value)
}

#[tokio::test(flavor = "multi_thread")]
async fn tier_prices_and_configurable_items() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(
        &server,
        &admin,
        "TIER-1",
        10,
        100,
        json!({"tier_prices": [{"customer_group_id": 32000, "qty": 3, "value": 8}, {"customer_group_id": 1, "qty": 5, "value": 7}]}),
    )
    .await;
    let (color_id, _, blue_value) = configurable_tee(&server, &admin).await;

    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    // Tier prices: the all-groups price from 3; the general group's from 5 does not apply to guests.
    let (_, item) = call(
        &server,
        Method::POST,
        &format!("{base}/items"),
        None,
        Some(json!({"cartItem": {"sku": "TIER-1", "qty": 2}})),
    )
    .await;
    assert_eq!(item["price"], json!(10));
    let (_, item) = call(
        &server,
        Method::PUT,
        &format!("{base}/items/{}", item["item_id"]),
        None,
        Some(json!({"cartItem": {"qty": 6}})),
    )
    .await;
    assert_eq!(item["price"], json!(8));

    // By parent with options: the child is resolved.
    let (status, item) = call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {
        "sku": "CFG", "qty": 1,
        "product_option": {"extension_attributes": {"configurable_item_options": [{"option_id": color_id.to_string(), "option_value": blue_value}]}}
    }}))).await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["sku"], "CFG-BLUE");
    assert_eq!(item["name"], "Configurable Tee");
    assert_eq!(item["product_type"], "configurable");
    assert_eq!(item["price"], json!(32));
    assert_eq!(
        item["product_option"]["extension_attributes"]["configurable_item_options"][0]["option_id"],
        json!(color_id.to_string())
    );
    // Without options: Magento asks for them.
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{base}/items"),
        None,
        Some(json!({"cartItem": {"sku": "CFG", "qty": 1}})),
    )
    .await;
    assert_eq!((status, body), (400, json!({"message": "You need to choose options for your item."})));
    // By the child's SKU.
    let (status, item) = call(
        &server,
        Method::POST,
        &format!("{base}/items"),
        None,
        Some(json!({"cartItem": {"sku": "CFG-RED", "qty": 1}})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!((item["sku"].as_str(), item["price"].clone()), (Some("CFG-RED"), json!(30)));
    let (_, totals) = call(&server, Method::GET, &format!("{base}/totals"), None, None).await;
    assert_eq!(totals["subtotal"], json!(110));
}

#[tokio::test(flavor = "multi_thread")]
async fn carriers_are_configured_per_store() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "SHIP-1", 40, 100, json!({"weight": 2})).await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {"sku": "SHIP-1", "qty": 2}})))
        .await;
    let estimate = || async {
        let (status, m) = call(
            &server,
            Method::POST,
            &format!("{base}/estimate-shipping-methods"),
            None,
            Some(json!({"address": address(None)})),
        )
        .await;
        assert_eq!(status, 200, "{m}");
        m.as_array()
            .unwrap()
            .iter()
            .map(|r| (r["carrier_code"].as_str().unwrap().to_owned(), r["amount"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(estimate().await, vec![("flatrate".to_owned(), json!(10))]);
    set_config(&server, "carriers/flatrate/type", "O").await;
    set_config(&server, "carriers/flatrate/price", "7.50").await;
    set_config(&server, "carriers/freeshipping/active", "1").await;
    set_config(&server, "carriers/freeshipping/free_shipping_subtotal", "100").await;
    assert_eq!(estimate().await, vec![("flatrate".to_owned(), json!(7.5))]);
    set_config(&server, "carriers/freeshipping/free_shipping_subtotal", "80").await;
    set_config(&server, "carriers/tablerate/active", "1").await;
    {
        use rust_decimal::Decimal;
        use storegate_domain::quote::shipping::{TableRate, set_table_rates};
        let rate = |country: &str, zip: &str, from: i64, price: i64| TableRate {
            dest_country_id: country.into(),
            dest_region_id: 0,
            dest_zip: zip.into(),
            condition_value: Decimal::from(from),
            price: Decimal::from(price),
        };
        let mut tx = server.db.begin().await.unwrap();
        set_table_rates(
            &mut tx,
            server.tenant,
            1,
            "package_weight",
            &[rate("US", "*", 0, 9), rate("US", "*", 3, 12), rate("US", "78701", 3, 11), rate("0", "*", 0, 30)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    // Weight 4: the Austin postcode's row from 3 beats the country-wide one.
    assert_eq!(
        estimate().await,
        vec![
            ("flatrate".to_owned(), json!(7.5)),
            ("freeshipping".to_owned(), json!(0)),
            ("tablerate".to_owned(), json!(11))
        ]
    );
    let (status, details) = call(
        &server,
        Method::POST,
        &format!("{base}/shipping-information"),
        None,
        Some(shipping_info("tablerate", "bestway")),
    )
    .await;
    assert_eq!(status, 200, "{details}");
    assert_eq!(details["totals"]["grand_total"], json!(91));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_free_order_pays_with_free_and_is_processing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "FREE-1", 0, 10, json!({})).await;
    set_config(&server, "carriers/flatrate/price", "0").await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {"sku": "FREE-1", "qty": 1}})))
        .await;
    let (_, details) = call(
        &server,
        Method::POST,
        &format!("{base}/shipping-information"),
        None,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(details["payment_methods"], json!([{"code": "free", "title": "No Payment Information Required"}]));
    let (status, body) = call(
        &server,
        Method::POST,
        &format!("{base}/payment-information"),
        None,
        Some(json!({"email": "free@example.com", "paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!((status, body["message"].clone()), (400, json!("The requested Payment Method is not available.")));
    let (status, order_id) = call(
        &server,
        Method::POST,
        &format!("{base}/payment-information"),
        None,
        Some(json!({"email": "free@example.com", "paymentMethod": {"method": "free"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!((order["state"].as_str(), order["status"].as_str()), (Some("processing"), Some("processing")));
}

#[tokio::test(flavor = "multi_thread")]
async fn coupons_on_carts() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "CPN-1", 50, 10, json!({})).await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let masked = masked.as_str().unwrap().to_owned();
    let base = format!("/rest/V1/guest-carts/{masked}");
    let (status, body) = call(&server, Method::PUT, &format!("{base}/coupons/SAVE10"), None, None).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"message": "The \"%1\" Cart doesn't contain products.", "parameters": [masked]}));
    call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {"sku": "CPN-1", "qty": 1}})))
        .await;
    let (status, body) = call(&server, Method::PUT, &format!("{base}/coupons/NOSUCH"), None, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["parameters"], json!(["NOSUCH"]));
    let (status, code) = call(&server, Method::GET, &format!("{base}/coupons"), None, None).await;
    assert_eq!((status, code), (200, Value::Null));
    let (status, done) = call(&server, Method::DELETE, &format!("{base}/coupons"), None, None).await;
    assert_eq!((status, done), (200, json!(true)));

    // A real coupon: 10% off, one use.
    let rule = json!({"rule": {"name": "Ten off", "is_active": true, "website_ids": [1], "customer_group_ids": [0, 1],
        "simple_action": "by_percent", "discount_amount": 10, "coupon_type": "SPECIFIC_COUPON", "uses_per_coupon": 1,
        "sort_order": 0, "stop_rules_processing": false}});
    let (status, created) = call(&server, Method::POST, "/rest/V1/salesRules", Some(&admin), Some(rule)).await;
    assert_eq!(status, 200, "{created}");
    let coupon = json!({"coupon": {"rule_id": created["rule_id"], "code": "SAVE10"}});
    let (status, c) = call(&server, Method::POST, "/rest/V1/coupons", Some(&admin), Some(coupon)).await;
    assert_eq!(status, 200, "{c}");
    let (status, applied) = call(&server, Method::PUT, &format!("{base}/coupons/SAVE10"), None, None).await;
    assert_eq!((status, applied), (200, json!(true)));
    let (_, code) = call(&server, Method::GET, &format!("{base}/coupons"), None, None).await;
    assert_eq!(code, json!("SAVE10"));
    let (_, details) = call(
        &server,
        Method::POST,
        &format!("{base}/shipping-information"),
        None,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(details["totals"]["discount_amount"], json!(-5));
    assert_eq!(details["totals"]["grand_total"], json!(50));
    let (status, order_id) = call(
        &server,
        Method::POST,
        &format!("{base}/payment-information"),
        None,
        Some(json!({"email": "coupon@example.com", "paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(order["coupon_code"], "SAVE10");
    assert_eq!(order["discount_amount"], json!(-5));
    assert_eq!(order["grand_total"], json!(50));
    // The coupon's one use is spent.
    let (_, again) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let base = format!("/rest/V1/guest-carts/{}", again.as_str().unwrap());
    call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {"sku": "CPN-1", "qty": 1}})))
        .await;
    let (status, _) = call(&server, Method::PUT, &format!("{base}/coupons/SAVE10"), None, None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_are_created_directly_from_an_entity() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let entity = json!({"entity": {
        "customer_email": "Direct@Example.com", "customer_firstname": "Dee", "customer_lastname": "Rect",
        "base_currency_code": "USD", "order_currency_code": "USD", "store_id": 1,
        "items": [{"sku": "EXT-1", "name": "External", "qty_ordered": 2, "price": 15, "product_type": "simple"}],
        "billing_address": address(Some("direct@example.com")),
        "payment": {"method": "checkmo"},
        "shipping_amount": 5,
        "extension_attributes": {"shipping_assignments": [{"shipping": {"address": address(None), "method": "flatrate_flatrate"}}]}
    }});
    let (status, order) = call(&server, Method::POST, "/rest/V1/orders", Some(&admin), Some(entity.clone())).await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order["customer_email"], "direct@example.com");
    assert_eq!(order["subtotal"], json!(30));
    assert_eq!(order["grand_total"], json!(35));
    assert_eq!((order["state"].as_str(), order["status"].as_str()), (Some("new"), Some("pending")));
    assert_eq!(order["customer_is_guest"], json!(1));
    assert_eq!(order["items"][0]["row_total"], json!(30));
    assert_eq!(order["increment_id"], "000000001");
    let (_, read) =
        call(&server, Method::GET, &format!("/rest/V1/orders/{}", order["entity_id"]), Some(&admin), None).await;
    assert_eq!(read, order);
    let entity_again = entity.clone();
    let (status, put) = call(&server, Method::PUT, "/rest/V1/orders/create", Some(&admin), Some(entity)).await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["increment_id"], "000000002");
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/orders", Some(&admin), Some(json!({"entity": {"items": []}}))).await;
    assert_eq!(status, 400, "{body}");
    let mut taken = entity_again.clone();
    taken["entity"]["increment_id"] = json!("000000001");
    let (status, body) = call(&server, Method::POST, "/rest/V1/orders", Some(&admin), Some(taken)).await;
    assert_eq!((status, body), (400, json!({"message": "%1 already exists.", "parameters": ["Order #000000001"]})));
    let mut bad_store = entity_again;
    bad_store["entity"]["store_id"] = json!(77);
    let (status, _) = call(&server, Method::POST, "/rest/V1/orders", Some(&admin), Some(bad_store)).await;
    assert_eq!(status, 400);
    let limited = user_with(&server, "Viewer", &["Magento_Sales::actions_view"]).await;
    let (status, _) = call(&server, Method::POST, "/rest/V1/orders", Some(&limited), Some(json!({"entity": {}}))).await;
    assert_eq!(status, 403);
    let (status, _) =
        call(&server, Method::GET, &format!("/rest/V1/orders/{}", order["entity_id"]), Some(&limited), None).await;
    assert_eq!(status, 200);
}

/// Document 001 verbatim: a customer with a default address creates a cart, adds an item
/// and places the order with `PUT /V1/carts/mine/order` (a virtual product needs no
/// shipping; the customer's default billing address is used).
#[tokio::test(flavor = "multi_thread")]
async fn the_documents_three_call_customer_order_works() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "EBOOK-1", 9.99, 100, json!({"type_id": "virtual"})).await;
    let (customer_id, token) = customer(&server, "reader@example.com").await;
    let mut a = address(None);
    a["default_billing"] = json!(true);
    a["default_shipping"] = json!(true);
    let (status, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/me",
        Some(&token),
        Some(json!({"customer": {"email": "reader@example.com", "firstname": "Jane", "lastname": "Doe", "website_id": 1, "addresses": [a]}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let t = Some(token.as_str());
    let (status, _) = call(&server, Method::POST, "/rest/V1/carts/mine", t, None).await;
    assert_eq!(status, 200);
    let (status, item) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        t,
        Some(json!({"cartItem": {"sku": "EBOOK-1", "qty": 1}})),
    )
    .await;
    assert_eq!(status, 200, "{item}");
    let (status, order_id) = call(
        &server,
        Method::PUT,
        "/rest/V1/carts/mine/order",
        t,
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    assert_eq!(status, 200, "{order_id}");
    let (_, order) = call(&server, Method::GET, &format!("/rest/V1/orders/{order_id}"), Some(&admin), None).await;
    assert_eq!(order["customer_id"], json!(customer_id));
    assert_eq!(order["is_virtual"], json!(1));
    assert_eq!(order["grand_total"], json!(9.99));
    assert_eq!(order["billing_address"]["city"], "Austin");
    assert_eq!(order["items"][0]["product_type"], "virtual");
    assert!(order["extension_attributes"].get("shipping_assignments").is_none());
}

/// Every cart route answers on each of its surfaces: `mine`, guest and admin.
#[tokio::test(flavor = "multi_thread")]
async fn every_cart_route_on_every_surface() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "ROUTE-1", 10, 100, json!({})).await;
    let (_, token) = customer(&server, "routes@example.com").await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let (_, admin_cart) = call(&server, Method::POST, "/rest/V1/carts/", Some(&admin), None).await;
    let surfaces = [
        ("/rest/V1/carts/mine".to_owned(), Some(token.clone())),
        (format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap()), None),
        (format!("/rest/V1/carts/{admin_cart}"), Some(admin.clone())),
    ];
    call(&server, Method::POST, "/rest/V1/carts/mine", Some(&token), None).await;
    for (base, token) in &surfaces {
        let t = token.as_deref();
        let ok = |status: u16, body: &Value, what: &str| assert_eq!(status, 200, "{base} {what}: {body}");
        let (s, item) = call(
            &server,
            Method::POST,
            &format!("{base}/items"),
            t,
            Some(json!({"cartItem": {"sku": "ROUTE-1", "qty": 1}})),
        )
        .await;
        ok(s, &item, "add");
        let item_path = format!("{base}/items/{}", item["item_id"]);
        let (s, b) = call(&server, Method::PUT, &item_path, t, Some(json!({"cartItem": {"qty": 3}}))).await;
        ok(s, &b, "update");
        let (s, b) = call(&server, Method::GET, &format!("{base}/items"), t, None).await;
        ok(s, &b, "items");
        assert_eq!(b[0]["qty"], json!(3));
        let (s, b) = call(&server, Method::GET, base, t, None).await;
        ok(s, &b, "get");
        let (s, b) = call(&server, Method::GET, &format!("{base}/shipping-methods"), t, None).await;
        assert_eq!(
            (s, b["message"].clone()),
            (400, json!("The shipping address is missing. Set the address and try again."))
        );
        let (s, b) = call(
            &server,
            Method::POST,
            &format!("{base}/estimate-shipping-methods"),
            t,
            Some(json!({"address": address(None)})),
        )
        .await;
        ok(s, &b, "estimate");
        assert_eq!(b[0]["amount"], json!(15));
        let (s, b) = call(
            &server,
            Method::POST,
            &format!("{base}/billing-address"),
            t,
            Some(json!({"address": address(Some("routes@example.com"))})),
        )
        .await;
        ok(s, &b, "set billing");
        assert!(b.as_i64().unwrap() > 0);
        let (s, b) = call(&server, Method::GET, &format!("{base}/billing-address"), t, None).await;
        ok(s, &b, "billing");
        assert_eq!(b["email"], "routes@example.com");
        let (s, b) = call(
            &server,
            Method::POST,
            &format!("{base}/shipping-information"),
            t,
            Some(shipping_info("flatrate", "flatrate")),
        )
        .await;
        ok(s, &b, "shipping information");
        let (s, b) = call(&server, Method::GET, &format!("{base}/shipping-methods"), t, None).await;
        ok(s, &b, "shipping methods");
        assert_eq!(b[0]["method_code"], "flatrate");
        let (s, b) = call(&server, Method::GET, &format!("{base}/totals"), t, None).await;
        ok(s, &b, "totals");
        assert_eq!(b["grand_total"], json!(45));
        assert_eq!(b["total_segments"][1]["code"], "shipping");
        let (s, b) = call(&server, Method::GET, &format!("{base}/payment-methods"), t, None).await;
        ok(s, &b, "payment methods");
        let (s, b) = call(
            &server,
            Method::PUT,
            &format!("{base}/selected-payment-method"),
            t,
            Some(json!({"method": {"method": "checkmo"}})),
        )
        .await;
        ok(s, &b, "select payment");
        let (s, b) = call(&server, Method::GET, &format!("{base}/selected-payment-method"), t, None).await;
        ok(s, &b, "selected payment");
        assert_eq!(b["method"], "checkmo");
        let (s, b) = call(&server, Method::GET, &format!("{base}/coupons"), t, None).await;
        ok(s, &b, "coupon");
        let (s, b) = call(&server, Method::DELETE, &format!("{base}/coupons"), t, None).await;
        ok(s, &b, "coupon delete");
        if !base.contains("/carts/") || base.ends_with("mine") {
            let (s, b) = call(&server, Method::GET, &format!("{base}/payment-information"), t, None).await;
            ok(s, &b, "payment information");
            assert_eq!(b["totals"]["grand_total"], json!(45));
        }
        let (s, b) = call(&server, Method::PUT, &format!("{base}/order"), t, None).await;
        ok(s, &b, "place");
        assert!(b.as_i64().unwrap() > 0);
        let (s, _) = call(&server, Method::GET, base, t, None).await;
        assert_eq!(s, 404, "{base} is converted");
    }
    // Estimating by one of the customer's addresses; another customer's address is unknown.
    let mut a = address(None);
    a["default_shipping"] = json!(true);
    let (_, me) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/me",
        Some(&token),
        Some(json!({"customer": {"email": "routes@example.com", "firstname": "Jane", "lastname": "Doe", "website_id": 1, "addresses": [a]}})),
    )
    .await;
    let address_id = me["addresses"][0]["id"].as_i64().unwrap();
    call(&server, Method::POST, "/rest/V1/carts/mine", Some(&token), None).await;
    call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        Some(&token),
        Some(json!({"cartItem": {"sku": "ROUTE-1", "qty": 2}})),
    )
    .await;
    let (s, b) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/estimate-shipping-methods-by-address-id",
        Some(&token),
        Some(json!({"addressId": address_id})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b[0]["amount"], json!(10));
    let (_, other) = customer(&server, "other@example.com").await;
    call(&server, Method::POST, "/rest/V1/carts/mine", Some(&other), None).await;
    let (s, b) = call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/estimate-shipping-methods-by-address-id",
        Some(&other),
        Some(json!({"addressId": address_id})),
    )
    .await;
    assert_eq!(s, 404, "{b}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_cart_is_taken_over_after_signing_in() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "TAKE-1", 10, 100, json!({})).await;
    product(&server, &admin, "TAKE-2", 20, 100, json!({})).await;
    let (customer_id, token) = customer(&server, "taker@example.com").await;
    // The customer already has a cart with one item.
    call(&server, Method::POST, "/rest/V1/carts/mine", Some(&token), None).await;
    call(
        &server,
        Method::POST,
        "/rest/V1/carts/mine/items",
        Some(&token),
        Some(json!({"cartItem": {"sku": "TAKE-1", "qty": 1}})),
    )
    .await;
    let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    call(&server, Method::POST, &format!("{base}/items"), None, Some(json!({"cartItem": {"sku": "TAKE-2", "qty": 2}})))
        .await;
    // Anonymous callers cannot take it over.
    let (status, _) =
        call(&server, Method::PUT, &base, None, Some(json!({"customerId": customer_id, "storeId": 1}))).await;
    assert!(status == 401 || status == 403, "{status}");
    let (status, done) =
        call(&server, Method::PUT, &base, Some(&token), Some(json!({"customerId": 999, "storeId": 1}))).await;
    assert_eq!((status, done), (200, json!(true)), "the customer id is the token's");
    let (_, cart) = call(&server, Method::GET, "/rest/V1/carts/mine", Some(&token), None).await;
    let mut skus: Vec<&str> = cart["items"].as_array().unwrap().iter().map(|i| i["sku"].as_str().unwrap()).collect();
    skus.sort();
    assert_eq!(skus, ["TAKE-1", "TAKE-2"]);
    assert_eq!(cart["customer"]["id"], json!(customer_id));
    let (status, _) = call(&server, Method::GET, &base, None, None).await;
    assert_eq!(status, 404, "the masked id no longer reaches a customer's cart");
    // Admin assignment; a cart of another customer is refused.
    let (_, other) = call(&server, Method::POST, "/rest/V1/carts/", Some(&admin), None).await;
    let (status, done) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/carts/{other}"),
        Some(&admin),
        Some(json!({"customerId": customer_id, "storeId": 1})),
    )
    .await;
    assert_eq!((status, done), (200, json!(true)));
    let (other_customer, _) = customer(&server, "second@example.com").await;
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/carts/{other}"),
        Some(&admin),
        Some(json!({"customerId": other_customer, "storeId": 1})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["message"],
        "The customer can't be assigned to the cart. The cart belongs to a different customer."
    );
}
