//! The order lifecycle over HTTP (helper D): orders placed through the guest checkout, then
//! partial invoices and shipments with tracks until complete, refunds until closed, cancel
//! (and its false-on-200 quirk), hold and unhold, every illegal transition's error, list
//! endpoints with searchCriteria, the ACL, and salable and physical quantities.

use crate::acl::user_with;
use crate::carts::{call, configurable_tee, product, shipping_info};
use crate::helpers::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// Places a guest order for `lines` (sku, qty) with flat-rate shipping and checkmo.
async fn place(server: &TestServer, lines: &[(&str, i64)]) -> i64 {
    let items: Vec<Value> = lines.iter().map(|(sku, qty)| json!({"sku": sku, "qty": qty})).collect();
    place_items(server, &items).await
}

/// Places a guest order for cart items as `POST …/items` takes them.
async fn place_items(server: &TestServer, items: &[Value]) -> i64 {
    let (status, masked) = call(server, Method::POST, "/rest/V1/guest-carts", None, None).await;
    assert_eq!(status, 200, "{masked}");
    let base = format!("/rest/V1/guest-carts/{}", masked.as_str().unwrap());
    for cart_item in items {
        let body = json!({ "cartItem": cart_item });
        let (status, item) = call(server, Method::POST, &format!("{base}/items"), None, Some(body)).await;
        assert_eq!(status, 200, "{item}");
    }
    let (status, info) = call(
        server,
        Method::POST,
        &format!("{base}/shipping-information"),
        None,
        Some(shipping_info("flatrate", "flatrate")),
    )
    .await;
    assert_eq!(status, 200, "{info}");
    let body = json!({"email": "jane@example.com", "paymentMethod": {"method": "checkmo"}});
    let (status, id) = call(server, Method::POST, &format!("{base}/payment-information"), None, Some(body)).await;
    assert_eq!(status, 200, "{id}");
    id.as_i64().expect("an order id")
}

async fn order(server: &TestServer, admin: &str, id: i64) -> Value {
    let (status, o) = call(server, Method::GET, &format!("/rest/V1/orders/{id}"), Some(admin), None).await;
    assert_eq!(status, 200, "{o}");
    o
}

fn item_id(o: &Value, sku: &str) -> i64 {
    o["items"].as_array().unwrap().iter().find(|i| i["sku"] == sku).unwrap()["item_id"].as_i64().unwrap()
}

async fn salable(server: &TestServer, admin: &str, sku: &str) -> Value {
    let path = format!("/rest/V1/inventory/get-product-salable-quantity/{sku}/1");
    let (status, q) = call(server, Method::GET, &path, Some(admin), None).await;
    assert_eq!(status, 200, "{q}");
    q
}

async fn physical(server: &TestServer, admin: &str, sku: &str) -> Value {
    let (status, s) = call(server, Method::GET, &format!("/rest/V1/stockItems/{sku}"), Some(admin), None).await;
    assert_eq!(status, 200, "{s}");
    s["qty"].clone()
}

async fn post(server: &TestServer, token: &str, path: &str, body: Value) -> (u16, Value) {
    call(server, Method::POST, path, Some(token), Some(body)).await
}

fn by_order(order_id: i64) -> String {
    format!(
        "searchCriteria[filter_groups][0][filters][0][field]=order_id&searchCriteria[filter_groups][0][filters][0][value]={order_id}"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_invoices_and_shipments_complete_an_order_and_refunds_close_it() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LC-A", 10, 10, json!({})).await;
    product(&server, &admin, "LC-B", 20, 5, json!({})).await;
    let id = place(&server, &[("LC-A", 3), ("LC-B", 2)]).await;
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("new"), json!("pending")));
    let grand_total = o["grand_total"].as_f64().unwrap();
    let (a, b) = (item_id(&o, "LC-A"), item_id(&o, "LC-B"));
    assert_eq!(salable(&server, &admin, "LC-A").await, json!(7));

    // A partial invoice: one unit of A, with a comment object.
    let (status, invoice1) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"capture": false, "items": [{"order_item_id": a, "qty": 1}], "notify": true, "appendComment": true,
               "comment": {"comment": "First part", "is_visible_on_front": 1}}),
    )
    .await;
    assert_eq!(status, 200, "{invoice1}");
    let invoice1 = invoice1.as_i64().expect("invoice id");
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("processing"), json!("processing")));
    let a_item = o["items"].as_array().unwrap().iter().find(|i| i["sku"] == "LC-A").unwrap().clone();
    assert_eq!(a_item["qty_invoiced"], json!(1));
    let (status, inv) = call(&server, Method::GET, &format!("/rest/V1/invoices/{invoice1}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{inv}");
    assert_eq!(inv["state"], json!(2));
    assert_eq!(inv["order_id"], json!(id));
    assert_eq!(inv["total_qty"], json!(1));
    assert_eq!(inv["items"][0]["order_item_id"], json!(a));
    assert_eq!(inv["items"][0]["row_total"], json!(10));
    assert_eq!(inv["comments"][0]["comment"], json!("First part"));
    assert_eq!(inv["email_sent"], json!(1));
    assert_eq!(o["total_invoiced"], inv["grand_total"]);
    assert_eq!(o["total_paid"], inv["grand_total"]);

    // A partial shipment of two units of A with a track.
    let (status, ship1) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/ship"),
        json!({"items": [{"order_item_id": a, "qty": 2}],
               "tracks": [{"track_number": "1Z999AA10123456784", "title": "Tracking Number", "carrier_code": "ups"}]}),
    )
    .await;
    assert_eq!(status, 200, "{ship1}");
    let ship1 = ship1.as_i64().expect("shipment id");
    let (status, shipment) =
        call(&server, Method::GET, &format!("/rest/V1/shipment/{ship1}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{shipment}");
    assert_eq!(shipment["tracks"][0]["track_number"], json!("1Z999AA10123456784"));
    assert_eq!(shipment["tracks"][0]["carrier_code"], json!("ups"));
    assert_eq!(shipment["items"][0]["qty"], json!(2));
    assert_eq!(shipment["extension_attributes"]["source_code"], json!("default"));
    // Shipping takes physical stock; the salable quantity already counted the order.
    assert_eq!(physical(&server, &admin, "LC-A").await, json!(8));
    assert_eq!(salable(&server, &admin, "LC-A").await, json!(7));

    // Shipping more than is left is refused.
    let (status, e) =
        post(&server, &admin, &format!("/rest/V1/order/{id}/ship"), json!({"items": [{"order_item_id": a, "qty": 2}]}))
            .await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Shipment Document Validation Error(s):\nThe quantity to ship must not be greater than the unshipped quantity for product SKU \"%1\".", "parameters": ["LC-A"]})
    );

    // The rest is invoiced the way document 002 does it (comment as a string, extra keys).
    let (status, invoice2) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"capture": true, "last": true, "items": [], "comment": "Thank you for your order!",
               "notify_customer": 1, "append_comment": 0}),
    )
    .await;
    assert_eq!(status, 200, "{invoice2}");
    let o = order(&server, &admin, id).await;
    assert_eq!(o["state"], json!("processing"));
    assert_eq!(o["total_invoiced"].as_f64().unwrap(), grand_total);
    assert_eq!(o["total_paid"].as_f64().unwrap(), grand_total);
    assert_eq!(o["total_due"], json!(0));

    // Invoicing a fully invoiced order is refused.
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Invoice Document Validation Error(s):\nThe order does not allow an invoice to be created."})
    );

    // The rest ships as document 002 does it: complete.
    let (status, ship2) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/ship"),
        json!({"items": [], "notify": 1, "append_comment": 0, "comment": "Your order has shipped!",
               "tracks": [{"track_number": "940011189", "title": "Tracking Number", "carrier_code": "usps"}]}),
    )
    .await;
    assert_eq!(status, 200, "{ship2}");
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("complete"), json!("complete")));
    assert_eq!(physical(&server, &admin, "LC-A").await, json!(7));
    assert_eq!(physical(&server, &admin, "LC-B").await, json!(3));
    assert_eq!(salable(&server, &admin, "LC-A").await, json!(7));

    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/ship"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created."})
    );
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of %1", "parameters": ["complete"]})
    );

    // Refunding more than was paid is refused.
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/refund"),
        json!({"items": [{"order_item_id": a, "qty": 1}], "arguments": {"adjustment_positive": 1000}}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(
        e["message"],
        json!("Creditmemo Document Validation Error(s):\nThe most money available to refund is %1.")
    );
    assert_eq!(e["parameters"][0].as_str().unwrap().parse::<f64>().unwrap(), grand_total);

    // A partial refund of one unit of A, returned to stock, keeps the order complete.
    let (status, memo1) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/refund"),
        json!({"items": [{"order_item_id": a, "qty": 1}], "arguments": {"shipping_amount": 0,
               "extension_attributes": {"return_to_stock_items": [a]}}}),
    )
    .await;
    assert_eq!(status, 200, "{memo1}");
    let memo1 = memo1.as_i64().unwrap();
    let (status, memo) = call(&server, Method::GET, &format!("/rest/V1/creditmemo/{memo1}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{memo}");
    assert_eq!(memo["grand_total"], json!(10));
    assert_eq!(memo["state"], json!(2));
    assert_eq!(memo["items"][0]["qty"], json!(1));
    assert_eq!(physical(&server, &admin, "LC-A").await, json!(8));
    let o = order(&server, &admin, id).await;
    assert_eq!(o["state"], json!("complete"));
    assert_eq!(o["total_refunded"], json!(10));

    // Refunding the rest of an invoice closes the order.
    let (status, memo2) =
        post(&server, &admin, &format!("/rest/V1/invoice/{}/refund", invoice2.as_i64().unwrap()), json!({})).await;
    assert_eq!(status, 200, "{memo2}");
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("closed"), json!("closed")));
    assert_eq!(o["total_refunded"].as_f64().unwrap(), grand_total);
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/refund"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Creditmemo Document Validation Error(s):\nA creditmemo can not be created when an order has a status of %1", "parameters": ["closed"]})
    );

    // Lists with searchCriteria.
    for (path, count) in [("invoices", 2), ("shipments", 2), ("creditmemos", 2)] {
        let (status, list) =
            call(&server, Method::GET, &format!("/rest/V1/{path}?{}", by_order(id)), Some(&admin), None).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["total_count"], json!(count), "{path}: {list}");
        assert_eq!(list["items"].as_array().unwrap().len(), count);
        assert_eq!(list["items"][0]["order_id"], json!(id));
    }
    let (status, list) = call(
        &server,
        Method::GET,
        "/rest/V1/orders?searchCriteria[filterGroups][0][filters][0][field]=status&searchCriteria[filterGroups][0][filters][0][value]=closed&searchCriteria[filterGroups][0][filters][0][conditionType]=eq&searchCriteria[filterGroups][1][filters][0][field]=created_at&searchCriteria[filterGroups][1][filters][0][value]=2000-01-01 00:00:00&searchCriteria[filterGroups][1][filters][0][conditionType]=gteq&searchCriteria[pageSize]=20&searchCriteria[currentPage]=1",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total_count"], json!(1));
    assert_eq!(list["items"][0]["entity_id"], json!(id));
    let (status, e) = call(
        &server,
        Method::GET,
        "/rest/V1/invoices?searchCriteria[filter_groups][0][filters][0][field]=protect_code&searchCriteria[filter_groups][0][filters][0][value]=x",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(e, json!({"message": "Invalid attribute name: %1", "parameters": ["protect_code"]}));
    let (status, items) =
        call(&server, Method::GET, &format!("/rest/V1/orders/items?{}", by_order(id)), Some(&admin), None).await;
    assert_eq!(status, 200, "{items}");
    assert_eq!(items["total_count"], json!(2));
    let (status, item) = call(&server, Method::GET, &format!("/rest/V1/orders/items/{b}"), Some(&admin), None).await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(
        (item["sku"].clone(), item["qty_shipped"].clone(), item["qty_refunded"].clone()),
        (json!("LC-B"), json!(2), json!(2))
    );
    let (status, s) = call(&server, Method::GET, &format!("/rest/V1/orders/{id}/statuses"), Some(&admin), None).await;
    assert_eq!((status, s), (200, json!("closed")));
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_hold_and_unhold_follow_magentos_rules() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LC-C", 15, 10, json!({})).await;
    let id = place(&server, &[("LC-C", 3)]).await;
    assert_eq!(salable(&server, &admin, "LC-C").await, json!(7));

    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["hold_before_state"].clone()), (json!("holded"), json!("new")));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!((status, e), (400, json!({"message": "A hold action is not available."})));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["parameters"], json!(["holded"]));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/ship"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Shipment Document Validation Error(s):\nA shipment cannot be created when an order has a status of %1", "parameters": ["holded"]})
    );
    // A held order cannot be canceled: Magento answers false with 200.
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/cancel"), json!({})).await;
    assert_eq!((status, r), (200, json!(false)));

    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/unhold"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("new"), json!("pending")));
    assert!(o.get("hold_before_state").is_none());
    let (status, e) = post(&server, &admin, &format!("/rest/V1/orders/{id}/unhold"), json!({})).await;
    assert_eq!((status, e), (400, json!({"message": "You cannot remove the hold."})));

    // A comment with a status allowed for the state changes the status.
    let (status, r) = post(
        &server,
        &admin,
        &format!("/rest/V1/orders/{id}/comments"),
        json!({"statusHistory": {"comment": "Called the customer", "is_customer_notified": 0, "is_visible_on_front": 0, "status": "pending"}}),
    )
    .await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, comments) =
        call(&server, Method::GET, &format!("/rest/V1/orders/{id}/comments"), Some(&admin), None).await;
    assert_eq!(status, 200, "{comments}");
    assert!(comments["items"].as_array().unwrap().iter().any(|c| c["comment"] == "Called the customer"), "{comments}");
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/emails"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));

    // Cancel: the reservation is compensated.
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/cancel"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["status"].clone()), (json!("canceled"), json!("canceled")));
    assert_eq!(o["items"][0]["qty_canceled"], json!(3));
    assert_eq!(salable(&server, &admin, "LC-C").await, json!(10));
    assert_eq!(physical(&server, &admin, "LC-C").await, json!(10));
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/cancel"), json!({})).await;
    assert_eq!((status, r), (200, json!(false)));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!((status, e), (400, json!({"message": "A hold action is not available."})));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of %1", "parameters": ["canceled"]})
    );
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/ship"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["parameters"], json!(["canceled"]));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/refund"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(e["parameters"], json!(["canceled"]));

    // A fully invoiced order cannot be canceled either.
    let id2 = place(&server, &[("LC-C", 1)]).await;
    let (status, _) = post(&server, &admin, &format!("/rest/V1/order/{id2}/invoice"), json!({})).await;
    assert_eq!(status, 200);
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id2}/cancel"), json!({})).await;
    assert_eq!((status, r), (200, json!(false)));
    // Unknown orders are 404.
    let (status, e) = post(&server, &admin, "/rest/V1/orders/999999/cancel", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(e, json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."}));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_documents_tracks_and_refunds_are_refused_with_magentos_messages() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LC-D", 12, 10, json!({})).await;
    let id = place(&server, &[("LC-D", 2)]).await;
    let d = item_id(&order(&server, &admin, id).await, "LC-D");

    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"items": [{"order_item_id": d, "qty": 3}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(e["parameters"], json!(["LC-D"]));
    assert!(e["message"].as_str().unwrap().contains("uninvoiced quantity"), "{e}");
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"items": [{"order_item_id": 999999, "qty": 1}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Invoice Document Validation Error(s):\nThe invoice contains one or more items that are not part of the original order."})
    );
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"items": [{"order_item_id": d, "qty": "many"}]}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    // Nothing invoiced yet: nothing to refund.
    let (status, e) = post(&server, &admin, &format!("/rest/V1/order/{id}/refund"), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Creditmemo Document Validation Error(s):\nThe order does not allow a creditmemo to be created."})
    );
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/ship"),
        json!({"tracks": [{"track_number": "", "title": "x", "carrier_code": "ups"}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(e, json!({"message": "Shipment Document Validation Error(s):\nPlease enter a tracking number."}));

    // Ship first (allowed before invoicing), then tracks are added and deleted.
    let (status, ship) = post(&server, &admin, &format!("/rest/V1/order/{id}/ship"), json!({})).await;
    assert_eq!(status, 200, "{ship}");
    let ship = ship.as_i64().unwrap();
    assert_eq!(order(&server, &admin, id).await["state"], json!("processing"));
    let (status, track) = post(
        &server,
        &admin,
        "/rest/V1/shipment/track",
        json!({"entity": {"parent_id": ship, "order_id": id, "track_number": "TRK-1", "title": "FedEx", "carrier_code": "fedex"}}),
    )
    .await;
    assert_eq!(status, 200, "{track}");
    assert_eq!(track["parent_id"], json!(ship));
    let track_id = track["entity_id"].as_i64().unwrap();
    let (status, r) =
        call(&server, Method::DELETE, &format!("/rest/V1/shipment/track/{track_id}"), Some(&admin), None).await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, _) =
        call(&server, Method::DELETE, &format!("/rest/V1/shipment/track/{track_id}"), Some(&admin), None).await;
    assert_eq!(status, 404);
    let (status, label) =
        call(&server, Method::GET, &format!("/rest/V1/shipment/{ship}/label"), Some(&admin), None).await;
    assert_eq!((status, label), (200, json!("")));
    let (status, c) = post(
        &server,
        &admin,
        &format!("/rest/V1/shipment/{ship}/comments"),
        json!({"entity": {"comment": "Left at the door", "is_customer_notified": 0, "is_visible_on_front": 1}}),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let (status, list) =
        call(&server, Method::GET, &format!("/rest/V1/shipment/{ship}/comments"), Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total_count"], json!(1));
    assert_eq!(list["items"][0]["comment"], json!("Left at the door"));

    // Invoice, then the invoice's own routes.
    let (status, inv) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 200, "{inv}");
    let inv = inv.as_i64().unwrap();
    assert_eq!(order(&server, &admin, id).await["state"], json!("complete"));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/invoices/{inv}/capture"), json!({})).await;
    assert_eq!((status, e), (400, json!({"message": "The capture action is not available."})));
    let (status, e) = post(&server, &admin, &format!("/rest/V1/invoices/{inv}/void"), json!({})).await;
    assert_eq!((status, e), (400, json!({"message": "The void action is not available."})));
    let (status, r) = post(&server, &admin, &format!("/rest/V1/invoices/{inv}/emails"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, c) = post(
        &server,
        &admin,
        "/rest/V1/invoices/comments",
        json!({"entity": {"parent_id": inv, "comment": "Paid by check", "is_customer_notified": 0, "is_visible_on_front": 0}}),
    )
    .await;
    assert_eq!(status, 200, "{c}");
    let (status, list) =
        call(&server, Method::GET, &format!("/rest/V1/invoices/{inv}/comments"), Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["comment"], json!("Paid by check"));
    let (status, _) = call(&server, Method::GET, "/rest/V1/invoices/999999", Some(&admin), None).await;
    assert_eq!(status, 404);

    // Refunds: too many units, too much shipping, a zero total.
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/refund"),
        json!({"items": [{"order_item_id": d, "qty": 5}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(e["parameters"], json!(["LC-D"]));
    let (status, e) =
        post(&server, &admin, &format!("/rest/V1/order/{id}/refund"), json!({"arguments": {"shipping_amount": 1000}}))
            .await;
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["message"], json!("Maximum shipping amount allowed to refund is: %1"));
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/refund"),
        json!({"items": [{"order_item_id": d, "qty": 0}], "arguments": {"shipping_amount": 0}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Creditmemo Document Validation Error(s):\nThe credit memo's total must be positive."})
    );
    // A refund of an unshipped-free, shipped unit without return keeps physical stock.
    let (status, memo) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/refund"),
        json!({"items": [{"order_item_id": d, "qty": 1}], "arguments": {"shipping_amount": 0, "adjustment_negative": 2}}),
    )
    .await;
    assert_eq!(status, 200, "{memo}");
    let (status, m) =
        call(&server, Method::GET, &format!("/rest/V1/creditmemo/{}", memo.as_i64().unwrap()), Some(&admin), None)
            .await;
    assert_eq!(status, 200);
    assert_eq!(m["grand_total"], json!(10));
    assert_eq!(m["adjustment_negative"], json!(2));
    assert_eq!(physical(&server, &admin, "LC-D").await, json!(8));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_that_may_only_view_orders_cannot_act_on_them() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LC-E", 5, 10, json!({})).await;
    let id = place(&server, &[("LC-E", 1)]).await;
    let viewer = user_with(&server, "Viewer", &["Magento_Sales::actions_view"]).await;
    let (status, _) = call(&server, Method::GET, &format!("/rest/V1/orders/{id}"), Some(&viewer), None).await;
    assert_eq!(status, 200);
    let (status, list) = call(&server, Method::GET, "/rest/V1/orders", Some(&viewer), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total_count"], json!(1));
    for path in [
        format!("/rest/V1/order/{id}/invoice"),
        format!("/rest/V1/order/{id}/ship"),
        format!("/rest/V1/order/{id}/refund"),
        format!("/rest/V1/orders/{id}/cancel"),
        format!("/rest/V1/orders/{id}/hold"),
    ] {
        let (status, e) = post(&server, &viewer, &path, json!({})).await;
        assert!(status == 401 || status == 403, "{path}: {status} {e}");
    }
    let (status, _) = call(&server, Method::GET, "/rest/V1/invoices", Some(&viewer), None).await;
    assert!(status == 401 || status == 403);
    // Nothing happened to the order.
    assert_eq!(order(&server, &admin, id).await["state"], json!("new"));
    // An invoicing role can invoice but not ship.
    let clerk = user_with(&server, "Clerk", &["Magento_Sales::invoice"]).await;
    let (status, inv) = post(&server, &clerk, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 200, "{inv}");
    let (status, _) = post(&server, &clerk, &format!("/rest/V1/order/{id}/ship"), json!({})).await;
    assert!(status == 401 || status == 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_orders_keep_stock_balanced_and_invoice_refunds_stay_within_their_invoice() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    product(&server, &admin, "LC-F", 10, 10, json!({})).await;
    let entity = |qty: i64| {
        json!({"entity": {
            "customer_email": "direct@example.com", "customer_firstname": "Dee", "customer_lastname": "Rect",
            "store_id": 1,
            "items": [{"sku": "LC-F", "name": "F", "qty_ordered": qty, "price": 10, "product_type": "simple"}],
            "billing_address": crate::carts::address(Some("direct@example.com")),
            "payment": {"method": "checkmo"},
            "extension_attributes": {"shipping_assignments": [{"shipping": {"address": crate::carts::address(None), "method": "flatrate_flatrate"}}]}
        }})
    };
    // A direct order reserves nothing, so its cancel compensates nothing.
    let (status, o) = post(&server, &admin, "/rest/V1/orders", entity(2)).await;
    assert_eq!(status, 200, "{o}");
    let id = o["entity_id"].as_i64().unwrap();
    assert_eq!(salable(&server, &admin, "LC-F").await, json!(10));
    let (status, r) = post(&server, &admin, &format!("/rest/V1/orders/{id}/cancel"), json!({})).await;
    assert_eq!((status, r), (200, json!(true)));
    assert_eq!(salable(&server, &admin, "LC-F").await, json!(10));

    // Its shipment takes physical stock without inflating the salable quantity.
    let (status, o) = post(&server, &admin, "/rest/V1/orders", entity(4)).await;
    assert_eq!(status, 200, "{o}");
    let id = o["entity_id"].as_i64().unwrap();
    let f = item_id(&o, "LC-F");
    let (status, inv1) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/invoice"),
        json!({"items": [{"order_item_id": f, "qty": 1}]}),
    )
    .await;
    assert_eq!(status, 200, "{inv1}");
    let (status, _) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), json!({})).await;
    assert_eq!(status, 200);
    let (status, ship) = post(
        &server,
        &admin,
        &format!("/rest/V1/order/{id}/ship"),
        json!({"arguments": {"extension_attributes": {"source_code": "default"}}}),
    )
    .await;
    assert_eq!(status, 200, "{ship}");
    assert_eq!(physical(&server, &admin, "LC-F").await, json!(6));
    assert_eq!(salable(&server, &admin, "LC-F").await, json!(6));
    assert_eq!(order(&server, &admin, id).await["state"], json!("complete"));

    // The first invoice holds one unit: refunding two of it is refused, one is fine.
    let inv1 = inv1.as_i64().unwrap();
    let (status, e) = post(
        &server,
        &admin,
        &format!("/rest/V1/invoice/{inv1}/refund"),
        json!({"items": [{"order_item_id": f, "qty": 2}], "isOnline": false}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"message": "Creditmemo Document Validation Error(s):\nThe quantity to creditmemo must not be greater than the unrefunded quantity for product SKU \"%1\".", "parameters": ["LC-F"]})
    );
    let (status, memo) = post(
        &server,
        &admin,
        &format!("/rest/V1/invoice/{inv1}/refund"),
        json!({"arguments": {"extension_attributes": {"return_to_stock_items": [f]}}}),
    )
    .await;
    assert_eq!(status, 200, "{memo}");
    let (status, m) =
        call(&server, Method::GET, &format!("/rest/V1/creditmemo/{}", memo.as_i64().unwrap()), Some(&admin), None)
            .await;
    assert_eq!(status, 200);
    assert_eq!(m["invoice_id"], json!(inv1));
    assert_eq!(m["items"][0]["qty"], json!(1));
    assert_eq!(physical(&server, &admin, "LC-F").await, json!(7));
    let (status, inv) = call(&server, Method::GET, &format!("/rest/V1/invoices/{inv1}"), Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(inv["base_total_refunded"], m["grand_total"]);
    let (status, _) = post(&server, &admin, &format!("/rest/V1/invoice/{inv1}/refund"), json!({})).await;
    assert_eq!(status, 400);
    let (status, _) = post(&server, &admin, "/rest/V1/invoice/999999/refund", json!({})).await;
    assert_eq!(status, 404);
}

/// Magento's two rows for a configurable product: the line with the price and options, and
/// the simple child after it, which follows the line through invoice, shipment and refund.
#[tokio::test(flavor = "multi_thread")]
async fn a_configurable_line_is_ordered_with_its_child_and_they_move_together() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let (color, red, blue) = configurable_tee(&server, &admin).await;
    let chosen = |value: &str, qty: i64| {
        json!({"sku": "CFG", "qty": qty, "product_option": {"extension_attributes": {"configurable_item_options":
            [{"option_id": color.to_string(), "option_value": value}]}}})
    };
    let id = place_items(&server, &[chosen(&blue, 2)]).await;
    let o = order(&server, &admin, id).await;
    let items = o["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{o}");
    let (line, child) = (&items[0], &items[1]);
    assert_eq!((line["product_type"].clone(), line["sku"].clone()), (json!("configurable"), json!("CFG-BLUE")));
    assert_eq!((line["price"].clone(), line["row_total"].clone()), (json!(32), json!(64)));
    assert!(line.get("parent_item_id").is_none_or(Value::is_null), "{line}");
    assert_eq!((child["product_type"].clone(), child["sku"].clone()), (json!("simple"), json!("CFG-BLUE")));
    assert_eq!(child["name"], json!("Product CFG-BLUE"));
    assert_eq!(child["parent_item_id"], line["item_id"]);
    assert_eq!(child["parent_item"]["item_id"], line["item_id"]);
    assert_eq!((child["qty_ordered"].clone(), child["price"].clone()), (json!(2), json!(0)));
    assert_eq!(o["total_item_count"], json!(1));
    assert_eq!(salable(&server, &admin, "CFG-BLUE").await, json!(8), "reserved once");

    // The child is not a line of its own.
    let only_child = json!({"items": [{"order_item_id": child["item_id"], "qty": 1}]});
    let (status, _) = post(&server, &admin, &format!("/rest/V1/order/{id}/invoice"), only_child).await;
    assert_eq!(status, 400);
    for action in ["invoice", "ship"] {
        let (status, doc) = post(&server, &admin, &format!("/rest/V1/order/{id}/{action}"), json!({})).await;
        assert_eq!(status, 200, "{action}: {doc}");
    }
    let o = order(&server, &admin, id).await;
    assert_eq!(o["state"], json!("complete"), "{o}");
    let child = &o["items"][1];
    assert_eq!((child["qty_invoiced"].clone(), child["qty_shipped"].clone()), (json!(2), json!(2)));
    assert_eq!(physical(&server, &admin, "CFG-BLUE").await, json!(8));
    let (status, memo) = post(&server, &admin, &format!("/rest/V1/order/{id}/refund"), json!({})).await;
    assert_eq!(status, 200, "{memo}");
    let o = order(&server, &admin, id).await;
    assert_eq!((o["state"].clone(), o["items"][1]["qty_refunded"].clone()), (json!("closed"), json!(2)));

    // Canceling compensates the line's reservation once, not once per row.
    let second = place_items(&server, &[chosen(&red, 1)]).await;
    assert_eq!(salable(&server, &admin, "CFG-RED").await, json!(9));
    let (status, canceled) = post(&server, &admin, &format!("/rest/V1/orders/{second}/cancel"), json!({})).await;
    assert_eq!((status, canceled), (200, json!(true)));
    assert_eq!(salable(&server, &admin, "CFG-RED").await, json!(10));
    let o = order(&server, &admin, second).await;
    assert_eq!(o["items"][1]["qty_canceled"], json!(1), "{o}");
}
