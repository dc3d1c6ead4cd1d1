//! Multi-source inventory over real HTTP: sources, stocks, links, source items, salable
//! quantity with reservations, source selection, the legacy stock kept in step with the
//! default source, permissions; and reservations under concurrency against the database.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use storegate_db::{Exec, sql};
use storegate_domain::catalog::products::{NewProduct, Stock, insert_batch};
use storegate_domain::inventory::{self, Line, ReservationObject};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn send(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    status_json(server.send(method, path, Some(token), body).await).await
}

async fn get(server: &TestServer, token: &str, path: &str) -> (u16, Value) {
    status_json(server.get(path, Some(token)).await).await
}

/// Simple products with legacy stock (qty, in stock), and a configurable one.
async fn seed(server: &TestServer, products: &[(&str, &str)]) {
    let mut tx = server.db.begin().await.unwrap();
    let mut batch = Vec::new();
    for (sku, qty) in products {
        let mut p = NewProduct::simple(*sku, *sku, dec("10"));
        p.stock = Some(Stock { qty: dec(qty), is_in_stock: dec(qty) > Decimal::ZERO, manage_stock: true });
        batch.push(p);
    }
    let mut parent = NewProduct::simple("CONF", "Configurable", dec("10"));
    parent.type_id = "configurable".into();
    batch.push(parent);
    insert_batch(&mut tx, server.tenant, batch).await.unwrap();
    tx.commit().await.unwrap();
}

async fn add_source(server: &TestServer, token: &str, code: &str) {
    let (status, body) = send(
        server,
        token,
        Method::POST,
        "/rest/V1/inventory/sources",
        Some(json!({"source": {"source_code": code, "name": format!("Source {code}"), "enabled": true, "country_id": "US", "postcode": "10001"}})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
}

async fn save_items(server: &TestServer, token: &str, items: Value) -> (u16, Value) {
    send(server, token, Method::POST, "/rest/V1/inventory/source-items", Some(json!({"sourceItems": items}))).await
}

async fn link(server: &TestServer, token: &str, links: Value) -> (u16, Value) {
    send(server, token, Method::POST, "/rest/V1/inventory/stock-source-links", Some(json!({"links": links}))).await
}

async fn salable(server: &TestServer, token: &str, sku: &str, stock: i64) -> Value {
    let (status, body) =
        get(server, token, &format!("/rest/V1/inventory/get-product-salable-quantity/{sku}/{stock}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn every_tenant_starts_with_the_default_source_and_stock() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (status, source) = get(&server, &token, "/rest/V1/inventory/sources/default").await;
    assert_eq!(status, 200);
    assert_eq!(source["source_code"], "default");
    assert_eq!(source["name"], "Default Source");
    assert_eq!(source["enabled"], true);
    let (status, stock) = get(&server, &token, "/rest/V1/inventory/stocks/1").await;
    assert_eq!(status, 200);
    assert_eq!(
        stock,
        json!({"stock_id": 1, "name": "Default Stock", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}})
    );
    let (_, links) = get(&server, &token, "/rest/V1/inventory/stock-source-links").await;
    assert_eq!(links["items"], json!([{"stock_id": 1, "source_code": "default", "priority": 1}]));
    assert_eq!(links["total_count"], 1);
    let (_, resolved) = get(&server, &token, "/rest/V1/inventory/stock-resolver/website/base").await;
    assert_eq!(resolved["stock_id"], 1);
    let mut r = server.db.reader().await.unwrap();
    assert_eq!(inventory::stock_for_website(&mut r, server.tenant, 1).await.unwrap(), 1);
    let (_, algorithms) = get(&server, &token, "/rest/V1/inventory/source-selection-algorithm-list").await;
    assert_eq!(algorithms[0]["code"], "priority");

    // Another tenant gets its own defaults; nothing crosses over.
    add_source(&server, &token, "mine").await;
    let other = storegate_domain::tenancy::create(&server.db, "other", "Other", "http://other.test").await.unwrap();
    let codes: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT source_code FROM inventory_sources WHERE tenant_id = $1 ORDER BY source_code", other.0))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("source_code").unwrap())
        .collect();
    assert_eq!(codes, ["default"]);
    let mut r = server.db.reader().await.unwrap();
    assert_eq!(inventory::stock_for_website(&mut r, other, 1).await.unwrap(), 1);
    assert!(inventory::stocks::get(&mut r, other, 1).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn sources_are_saved_read_merged_searched_and_validated() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    add_source(&server, &token, "eu").await;
    let (status, eu) = get(&server, &token, "/rest/V1/inventory/sources/eu").await;
    assert_eq!(status, 200);
    assert_eq!(eu["name"], "Source eu");
    assert_eq!(eu["postcode"], "10001");
    assert_eq!(eu["use_default_carrier_config"], true);
    assert!(eu.get("email").is_none(), "null fields are omitted: {eu}");

    // PUT changes only what is sent.
    let (status, body) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/inventory/sources/eu",
        Some(json!({"source": {"name": "Europe", "latitude": 48.85, "extension_attributes": {"frontend_name": "EU"}}})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, eu) = get(&server, &token, "/rest/V1/inventory/sources/eu").await;
    assert_eq!(eu["name"], "Europe");
    assert_eq!(eu["latitude"], json!(48.85));
    assert_eq!(eu["country_id"], "US");
    assert_eq!(eu["extension_attributes"]["frontend_name"], "EU");

    add_source(&server, &token, "us").await;
    let (status, found) = get(
        &server,
        &token,
        "/rest/V1/inventory/sources?searchCriteria[filterGroups][0][filters][0][field]=name&searchCriteria[filterGroups][0][filters][0][value]=Source%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like",
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["source_code"], "us");
    let (_, all) = get(&server, &token, "/rest/V1/inventory/sources").await;
    assert_eq!(all["total_count"], 3);

    // Unknown code, bad field, validation.
    let (status, body) = get(&server, &token, "/rest/V1/inventory/sources/nowhere").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Source with code \"%value\" does not exist.", "parameters": {"value": "nowhere"}})
    );
    let (status, body) = get(
        &server,
        &token,
        "/rest/V1/inventory/sources?searchCriteria[filterGroups][0][filters][0][field]=secret&searchCriteria[filterGroups][0][filters][0][value]=1",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/sources",
        Some(json!({"source": {"source_code": "bad code", "enabled": true}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Validation Failed");
    let messages: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"\"%field\" can not contain whitespaces."), "{body}");
    assert!(messages.contains(&"\"%field\" can not be empty."), "{body}");
    assert!(body["errors"].as_array().unwrap().iter().any(|e| e["parameters"]["field"] == "name"));
    let (status, body) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/inventory/sources/default",
        Some(json!({"source": {"enabled": false, "country_id": "US", "postcode": "1"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["message"], "Default source can not be disabled.", "{body}");
    let (status, _) = send(&server, &token, Method::POST, "/rest/V1/inventory/sources", Some(json!({}))).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn stocks_are_created_updated_searched_and_deleted_as_magento_allows() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (status, id) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/stocks", Some(json!({"stock": {"name": "Europe"}})))
            .await;
    assert_eq!(status, 200, "{id}");
    assert_eq!(id, json!(2));
    let (status, id) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/inventory/stocks/2",
        Some(json!({"stock": {"name": "Europe 2", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}}})),
    )
    .await;
    assert_eq!((status, id), (200, json!(2)));
    let (_, stock) = get(&server, &token, "/rest/V1/inventory/stocks/2").await;
    assert_eq!(stock["name"], "Europe 2");
    assert_eq!(stock["extension_attributes"]["sales_channels"], json!([{"type": "website", "code": "base"}]));
    // The website left the default stock.
    let (_, default) = get(&server, &token, "/rest/V1/inventory/stocks/1").await;
    assert_eq!(default["extension_attributes"]["sales_channels"], json!([]));
    let mut r = server.db.reader().await.unwrap();
    assert_eq!(inventory::stock_for_website(&mut r, server.tenant, 1).await.unwrap(), 2);
    drop(r);

    let (_, found) = get(
        &server,
        &token,
        "/rest/V1/inventory/stocks?searchCriteria[filterGroups][0][filters][0][field]=name&searchCriteria[filterGroups][0][filters][0][value]=Europe 2",
    )
    .await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["stock_id"], 2);

    // Unknown website, empty name.
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/stocks",
        Some(json!({"stock": {"name": "", "extension_attributes": {"sales_channels": [{"type": "website", "code": "mars"}]}}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Validation Failed");
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "{body}");

    // Deletes: the default stock and a stock serving a website are refused.
    let (status, body) = send(&server, &token, Method::DELETE, "/rest/V1/inventory/stocks/1", None).await;
    assert_eq!((status, body), (400, json!({"message": "Default Stock could not be deleted."})));
    let (status, body) = send(&server, &token, Method::DELETE, "/rest/V1/inventory/stocks/2", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Stock has at least one sale channel and could not be deleted.");
    let (_, id) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/stocks", Some(json!({"stock": {"name": "Spare"}})))
            .await;
    let (status, body) = send(&server, &token, Method::DELETE, &format!("/rest/V1/inventory/stocks/{id}"), None).await;
    assert_eq!((status, body), (200, json!([])));
    let (status, body) = get(&server, &token, &format!("/rest/V1/inventory/stocks/{id}")).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"message": "Stock with id \"%value\" does not exist.", "parameters": {"value": id}}));
    let (status, _) = send(&server, &token, Method::DELETE, "/rest/V1/inventory/stocks/99", None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&server, &token, "/rest/V1/inventory/stocks/abc").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn links_are_saved_searched_validated_and_deleted() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    add_source(&server, &token, "eu").await;
    let (_, stock) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/stocks", Some(json!({"stock": {"name": "EU"}}))).await;
    let (status, body) = link(
        &server,
        &token,
        json!([{"stock_id": stock, "source_code": "eu", "priority": 1}, {"stock_id": stock, "source_code": "default", "priority": 2}]),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, found) = get(
        &server,
        &token,
        &format!(
            "/rest/V1/inventory/stock-source-links?searchCriteria[filterGroups][0][filters][0][field]=stock_id&searchCriteria[filterGroups][0][filters][0][value]={stock}&searchCriteria[sortOrders][0][field]=priority&searchCriteria[sortOrders][0][direction]=DESC"
        ),
    )
    .await;
    assert_eq!(found["total_count"], 2);
    assert_eq!(found["items"][0]["source_code"], "default");
    let (_, ordered) =
        get(&server, &token, &format!("/rest/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/{stock}"))
            .await;
    let codes: Vec<&str> = ordered.as_array().unwrap().iter().map(|s| s["source_code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["eu", "default"]);

    // A missing stock or source, a link given twice.
    let (status, body) = link(&server, &token, json!([{"stock_id": 77, "source_code": "eu", "priority": 1}])).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Validation Failed");
    assert_eq!(body["errors"][0]["message"], "Stock with id \"%value\" does not exist.");
    assert_eq!(body["errors"][0]["parameters"]["value"], 77);
    let (status, body) = link(&server, &token, json!([{"stock_id": 1, "source_code": "nope", "priority": 1}])).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["message"], "Source with code \"%value\" does not exist.");
    let (status, body) = link(
        &server,
        &token,
        json!([{"stock_id": 1, "source_code": "eu", "priority": 1}, {"stock_id": 1, "source_code": "eu", "priority": 2}]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["message"], "The %field \"%value\" is given more than once.");
    let (_, all) = get(&server, &token, "/rest/V1/inventory/stock-source-links").await;
    assert_eq!(all["total_count"], 3, "nothing of a refused save is kept");

    // The default source stays on the default stock.
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/stock-source-links-delete",
        Some(json!({"links": [{"stock_id": 1, "source_code": "default"}]})),
    )
    .await;
    assert_eq!((status, body), (400, json!({"message": "Can not unassign default source from default stock."})));
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/stock-source-links-delete",
        Some(json!({"links": [{"stock_id": stock, "source_code": "eu", "priority": 1}]})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, all) = get(&server, &token, "/rest/V1/inventory/stock-source-links").await;
    assert_eq!(all["total_count"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn default_source_items_and_legacy_stock_are_one_and_the_same() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    seed(&server, &[("SHIRT", "100"), ("CAP", "0")]).await;
    add_source(&server, &token, "eu").await;

    // Legacy → MSI: the import's stock shows as the default source's items.
    let (status, items) = get(
        &server,
        &token,
        "/rest/V1/inventory/source-items?searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=SHIRT",
    )
    .await;
    assert_eq!(status, 200, "{items}");
    assert_eq!(items["items"], json!([{"sku": "SHIRT", "source_code": "default", "quantity": 100, "status": 1}]));

    // MSI → legacy (and the product counts as changed for clients syncing by updated_at).
    server
        .db
        .execute(sql!("UPDATE products SET updated_at = '2001-01-01 00:00:00' WHERE tenant_id = $1", server.tenant.0))
        .await
        .unwrap();
    let (status, body) = save_items(
        &server,
        &token,
        json!([{"sku": "SHIRT", "source_code": "default", "quantity": 7.5, "status": 1}, {"sku": "SHIRT", "source_code": "eu", "quantity": 5, "status": 1}]),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/SHIRT").await;
    assert_eq!(legacy["qty"], json!(7.5));
    assert_eq!(legacy["is_in_stock"], true);
    let (_, product) = get(&server, &token, "/rest/V1/products/SHIRT").await;
    assert_eq!(product["extension_attributes"]["stock_item"]["qty"], json!(7.5));
    assert!(product["updated_at"].as_str().is_some_and(|t| t != "2001-01-01 00:00:00"), "{product}");

    // Legacy → MSI again, through the stock item route and the product save.
    let (status, _) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/products/SHIRT/stockItems/1",
        Some(json!({"stockItem": {"qty": 3, "is_in_stock": true}})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/products/CAP",
        Some(json!({"product": {"extension_attributes": {"stock_item": {"qty": 12, "is_in_stock": true}}}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, items) = get(
        &server,
        &token,
        "/rest/V1/inventory/source-items?searchCriteria[filterGroups][0][filters][0][field]=source_code&searchCriteria[filterGroups][0][filters][0][value]=default",
    )
    .await;
    assert_eq!(
        items["items"],
        json!([{"sku": "CAP", "source_code": "default", "quantity": 12, "status": 1}, {"sku": "SHIRT", "source_code": "default", "quantity": 3, "status": 1}]),
        "composite products have no source items"
    );
    let (_, all) = get(&server, &token, "/rest/V1/inventory/source-items").await;
    assert_eq!(all["total_count"], 3);

    // Zero quantity at the default source is out of stock, as the legacy rule says.
    save_items(&server, &token, json!([{"sku": "SHIRT", "source_code": "default", "quantity": 0, "status": 1}])).await;
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/SHIRT").await;
    assert_eq!(legacy["is_in_stock"], false);

    // Deleting the default source's item leaves the product with nothing, out of stock.
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/source-items-delete",
        Some(json!({"sourceItems": [{"sku": "CAP", "source_code": "default"}, {"sku": "SHIRT", "source_code": "eu"}]})),
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/CAP").await;
    assert_eq!(legacy["qty"], json!(0));
    assert_eq!(legacy["is_in_stock"], false);
    let (_, all) = get(&server, &token, "/rest/V1/inventory/source-items").await;
    assert_eq!(all["total_count"], 1);

    // Unknown source, unknown product, composite product, bad status: nothing is saved.
    let (status, body) = save_items(
        &server,
        &token,
        json!([
            {"sku": "SHIRT", "source_code": "default", "quantity": 50, "status": 1},
            {"sku": "SHIRT", "source_code": "mars", "quantity": 1, "status": 1},
            {"sku": "GHOST", "source_code": "eu", "quantity": 1, "status": 1},
            {"sku": "CONF", "source_code": "eu", "quantity": 1, "status": 1},
            {"sku": "CAP", "source_code": "eu", "quantity": 1, "status": 7}
        ]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Validation Failed");
    let messages: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 4, "{body}");
    assert!(messages.contains(&"Source with code \"%value\" does not exist."));
    assert!(messages.contains(&"The product that was requested doesn't exist. Verify the product and try again."));
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/SHIRT").await;
    assert_eq!(legacy["qty"], json!(0));
    let (status, _) = save_items(&server, &token, json!([{"source_code": "eu", "quantity": 1}])).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn salable_quantity_counts_enabled_in_stock_sources_and_reservations() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    seed(&server, &[("MUG", "10"), ("EMPTY", "0")]).await;
    add_source(&server, &token, "eu").await;
    add_source(&server, &token, "closed").await;
    link(&server, &token, json!([{"stock_id": 1, "source_code": "eu", "priority": 2}, {"stock_id": 1, "source_code": "closed", "priority": 3}]))
        .await;
    save_items(
        &server,
        &token,
        json!([
            {"sku": "MUG", "source_code": "eu", "quantity": 5, "status": 1},
            {"sku": "MUG", "source_code": "closed", "quantity": 100, "status": 0}
        ]),
    )
    .await;
    assert_eq!(salable(&server, &token, "MUG", 1).await, json!(15));

    // Reservations as checkout writes them (−) and compensations (+).
    for (id, qty) in [(1, -3_000_000_i64), (2, -2_500_000), (3, 500_000)] {
        server
            .db
            .execute(sql!(
                "INSERT INTO inventory_reservations (tenant_id, id, stock_id, sku, quantity, metadata) VALUES ($1, $2, 1, 'MUG', $3, '{}')",
                server.tenant.0,
                id + 1000,
                qty
            ))
            .await
            .unwrap();
    }
    assert_eq!(salable(&server, &token, "MUG", 1).await, json!(10));

    // A disabled source does not count; min_qty is held back.
    let (status, _) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/inventory/sources/eu",
        Some(json!({"source": {"enabled": false}})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(salable(&server, &token, "MUG", 1).await, json!(5));
    send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/products/MUG/stockItems/1",
        Some(json!({"stockItem": {"min_qty": 2}})),
    )
    .await;
    assert_eq!(salable(&server, &token, "MUG", 1).await, json!(3));

    let (_, yes) = get(&server, &token, "/rest/V1/inventory/is-product-salable/MUG/1").await;
    assert_eq!(yes, json!(true));
    let (_, no) = get(&server, &token, "/rest/V1/inventory/is-product-salable/EMPTY/1").await;
    assert_eq!(no, json!(false));
    assert_eq!(salable(&server, &token, "EMPTY", 1).await, json!(0));
    let (_, ok) = get(&server, &token, "/rest/V1/inventory/is-product-salable-for-requested-qty/MUG/1/3").await;
    assert_eq!(ok, json!({"salable": true, "errors": []}));
    let (_, too_many) = get(&server, &token, "/rest/V1/inventory/is-product-salable-for-requested-qty/MUG/1/4").await;
    assert_eq!(
        too_many,
        json!({"salable": false, "errors": [{"code": "is_salable_with_reservations-not_enough_qty", "message": "The requested qty is not available"}]})
    );
    let (_, none) = get(&server, &token, "/rest/V1/inventory/is-product-salable-for-requested-qty/EMPTY/1/1").await;
    assert_eq!(none["errors"][0]["code"], "is_any_source_item_in_stock-no_source_items_in_stock");
    let (status, batch) =
        get(&server, &token, "/rest/V1/inventory/are-products-salable?skus[]=MUG&skus[]=EMPTY&skus[]=GHOST&stockId=1")
            .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(
        batch,
        json!([
            {"sku": "MUG", "stock_id": 1, "salable": true},
            {"sku": "EMPTY", "stock_id": 1, "salable": false},
            {"sku": "GHOST", "stock_id": 1, "salable": false}
        ])
    );
    let (status, batch) = get(
        &server,
        &token,
        "/rest/V1/inventory/are-product-salable-for-requested-qty?skuRequests[0][sku]=MUG&skuRequests[0][qty]=3&skuRequests[1][sku]=MUG&skuRequests[1][qty]=4&stockId=1",
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(batch[0], json!({"sku": "MUG", "stock_id": 1, "salable": true, "errors": []}));
    assert_eq!(batch[1]["salable"], false);
    assert_eq!(batch[1]["errors"][0]["message"], "The requested qty is not available");
    let (status, _) = get(&server, &token, "/rest/V1/inventory/are-products-salable?skus[]=MUG").await;
    assert_eq!(status, 400);

    // A stock without the product's sources, unknown stock, unknown product, composite product.
    let (_, other) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/stocks", Some(json!({"stock": {"name": "Other"}})))
            .await;
    assert_eq!(salable(&server, &token, "MUG", other.as_i64().unwrap()).await, json!(0));
    let (status, body) = get(&server, &token, "/rest/V1/inventory/get-product-salable-quantity/MUG/99").await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "Stock with id \"%value\" does not exist.");
    let (status, _) = get(&server, &token, "/rest/V1/inventory/get-product-salable-quantity/GHOST/1").await;
    assert_eq!(status, 404);
    let (status, body) = get(&server, &token, "/rest/V1/inventory/get-product-salable-quantity/CONF/1").await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Can't check requested quantity for products without Source Items support.");
    let (status, _) = get(&server, &token, "/rest/V1/inventory/is-product-salable-for-requested-qty/MUG/1/-1").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn source_selection_takes_from_sources_in_priority_order() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    seed(&server, &[("LAMP", "4"), ("DESK", "1")]).await;
    add_source(&server, &token, "eu").await;
    add_source(&server, &token, "off").await;
    // eu before default; a disabled source is skipped.
    link(
        &server,
        &token,
        json!([
            {"stock_id": 1, "source_code": "eu", "priority": 1},
            {"stock_id": 1, "source_code": "default", "priority": 2},
            {"stock_id": 1, "source_code": "off", "priority": 0}
        ]),
    )
    .await;
    save_items(
        &server,
        &token,
        json!([
            {"sku": "LAMP", "source_code": "eu", "quantity": 3, "status": 1},
            {"sku": "LAMP", "source_code": "off", "quantity": 50, "status": 1}
        ]),
    )
    .await;
    send(&server, &token, Method::PUT, "/rest/V1/inventory/sources/off", Some(json!({"source": {"enabled": false}})))
        .await;
    let request = |qty: i64| json!({"inventoryRequest": {"stockId": 1, "items": [{"sku": "LAMP", "qty": qty}, {"sku": "DESK", "qty": 1}]}, "algorithmCode": "priority"});
    let (status, result) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/source-selection-algorithm-result", Some(request(5)))
            .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        result,
        json!({"source_selection_items": [
            {"source_code": "eu", "sku": "LAMP", "qty_to_deduct": 3, "qty_available": 3},
            {"source_code": "default", "sku": "LAMP", "qty_to_deduct": 2, "qty_available": 4},
            {"source_code": "default", "sku": "DESK", "qty_to_deduct": 1, "qty_available": 1}
        ], "shippable": true})
    );
    let (_, result) =
        send(&server, &token, Method::POST, "/rest/V1/inventory/source-selection-algorithm-result", Some(request(8)))
            .await;
    assert_eq!(result["shippable"], false);
    assert_eq!(result["source_selection_items"][1]["qty_to_deduct"], json!(4));
    let (status, body) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/inventory/source-selection-algorithm-result",
        Some(json!({"inventoryRequest": {"stockId": 1, "items": []}, "algorithmCode": "nearest"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"], json!(["nearest"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn inventory_routes_need_their_own_resources() {
    let server = TestServer::start().await;
    let none = user_with(&server, "Catalog", &["Magento_Catalog::products"]).await;
    for path in [
        "/rest/V1/inventory/sources",
        "/rest/V1/inventory/stocks",
        "/rest/V1/inventory/source-items",
        "/rest/V1/inventory/stock-source-links",
        "/rest/V1/inventory/get-product-salable-quantity/X/1",
    ] {
        let (status, body) = get(&server, &none, path).await;
        assert_eq!(status, 403, "{path}: {body}");
    }
    let reader = user_with(&server, "SourceReader", &["Magento_InventoryApi::source"]).await;
    assert_eq!(get(&server, &reader, "/rest/V1/inventory/sources").await.0, 200);
    let (status, body) = send(
        &server,
        &reader,
        Method::POST,
        "/rest/V1/inventory/sources",
        Some(json!({"source": {"source_code": "x", "name": "x", "country_id": "US", "postcode": "1"}})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["parameters"]["resources"], "Magento_InventoryApi::source_edit");
    let (status, _) =
        send(&server, &reader, Method::POST, "/rest/V1/inventory/source-items", Some(json!({"sourceItems": []}))).await;
    assert_eq!(status, 403);
    let (status, _) = send(&server, &reader, Method::DELETE, "/rest/V1/inventory/stocks/5", None).await;
    assert_eq!(status, 403);
    assert!(server.get("/rest/V1/inventory/sources", None).await.status().as_u16() >= 401);

    // Writes are audited.
    let admin = server.admin_token().await;
    add_source(&server, &admin, "audited").await;
    let sentences: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT sentence FROM audit_log WHERE operation_id = 'inventory.sources.create'"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("sentence").unwrap())
        .collect();
    assert_eq!(sentences.len(), 2, "the denial and the save: {sentences:?}");
    assert!(sentences.iter().any(|s| s.contains("saved inventory source audited")), "{sentences:?}");
}

/// 50 concurrent reservations of 1 unit for the last 10: exactly 10 succeed, the rest get
/// Magento's error, and salable quantity ends at 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_reservations_never_oversell() {
    let server = TestServer::start().await;
    seed(&server, &[("LAST10", "10")]).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let db = server.db.clone();
        let tenant = server.tenant;
        tasks.push(tokio::spawn(async move {
            let object = ReservationObject {
                event_type: "order_placed".into(),
                object_type: "order".into(),
                object_id: i.to_string(),
                object_increment_id: format!("{:09}", i + 1),
            };
            let mut tx = db.begin().await.unwrap();
            let lines = [Line { sku: "LAST10".into(), qty: Decimal::ONE }];
            match inventory::reserve(&mut tx, tenant, 1, &lines, &object).await {
                Ok(()) => {
                    tx.commit().await.unwrap();
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e.message(), "The requested qty is not available"),
        }
    }
    assert_eq!(ok, 10);
    let mut r = server.db.reader().await.unwrap();
    assert_eq!(inventory::salable_qty(&mut r, server.tenant, 1, "LAST10").await.unwrap(), Decimal::ZERO);
    let metadata: String = r
        .fetch_scalar(sql!(
            "SELECT metadata FROM inventory_reservations WHERE tenant_id = $1 ORDER BY id LIMIT 1",
            server.tenant.0
        ))
        .await
        .unwrap();
    let metadata: Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(metadata["event_type"], "order_placed");
    assert_eq!(metadata["object_type"], "order");
}

/// Cancel compensates, shipping deducts the source and compensates (salable unchanged,
/// physical quantity down), a credit memo returns goods to a source.
#[tokio::test(flavor = "multi_thread")]
async fn reservations_follow_the_order_lifecycle() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    seed(&server, &[("BOOK", "10")]).await;
    let object = |event: &str| ReservationObject {
        event_type: event.into(),
        object_type: "order".into(),
        object_id: "1".into(),
        object_increment_id: "000000001".into(),
    };
    let lines = [Line { sku: "BOOK".into(), qty: dec("4") }, Line { sku: "CONF".into(), qty: dec("4") }];
    let (t, db) = (server.tenant, &server.db);

    let mut tx = db.begin().await.unwrap();
    inventory::reserve(&mut tx, t, 1, &lines, &object("order_placed")).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(salable(&server, &token, "BOOK", 1).await, json!(6));

    let mut tx = db.begin().await.unwrap();
    let err = inventory::reserve(&mut tx, t, 1, &[Line { sku: "BOOK".into(), qty: dec("7") }], &object("order_placed"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 400);
    drop(tx);

    let mut tx = db.begin().await.unwrap();
    inventory::compensate(&mut tx, t, 1, &[Line { sku: "BOOK".into(), qty: dec("1") }], &object("order_canceled"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(salable(&server, &token, "BOOK", 1).await, json!(7));

    let mut tx = db.begin().await.unwrap();
    inventory::deduct_for_shipment(
        &mut tx,
        t,
        1,
        "default",
        &[Line { sku: "BOOK".into(), qty: dec("3") }],
        &object("shipment_created"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(salable(&server, &token, "BOOK", 1).await, json!(7));
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/BOOK").await;
    assert_eq!(legacy["qty"], json!(7));

    let mut tx = db.begin().await.unwrap();
    let err = inventory::deduct_for_shipment(
        &mut tx,
        t,
        1,
        "default",
        &[Line { sku: "BOOK".into(), qty: dec("8") }],
        &object("shipment_created"),
    )
    .await
    .unwrap_err();
    assert_eq!(err.message(), "Not all of your products are available in the requested quantity.");
    drop(tx);

    let mut tx = db.begin().await.unwrap();
    inventory::return_to_source(&mut tx, t, "default", &[Line { sku: "BOOK".into(), qty: dec("2") }]).await.unwrap();
    tx.commit().await.unwrap();
    let (_, legacy) = get(&server, &token, "/rest/V1/stockItems/BOOK").await;
    assert_eq!(legacy["qty"], json!(9));
    assert_eq!(salable(&server, &token, "BOOK", 1).await, json!(9));
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_product_deletes_its_source_items() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    seed(&server, &[("GONE", "3"), ("KEPT", "2")]).await;
    add_source(&server, &token, "eu").await;
    let (status, _) = save_items(
        &server,
        &token,
        json!([{"sku": "GONE", "source_code": "eu", "quantity": 4, "status": 1}, {"sku": "KEPT", "source_code": "eu", "quantity": 1, "status": 1}]),
    )
    .await;
    assert_eq!(status, 200);
    let (_, all) = get(&server, &token, "/rest/V1/inventory/source-items").await;
    assert_eq!(all["total_count"], 4);
    let (status, _) = send(&server, &token, Method::DELETE, "/rest/V1/products/GONE", None).await;
    assert_eq!(status, 200);
    let (_, all) = get(&server, &token, "/rest/V1/inventory/source-items").await;
    assert_eq!(all["total_count"], 2, "{all}");
    assert!(all["items"].as_array().unwrap().iter().all(|i| i["sku"] == "KEPT"));
}
