//! The catalog surface over real HTTP: product saves (create, upsert, merge), SKU edge
//! cases, tier prices, product links, the media gallery and its files, websites, product
//! attributes and attribute sets, legacy stock, permissions and store-scoped values.

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate_db::sql;

/// A 1×1 PNG, as base64 and as bytes.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PNG_BYTES: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50, 0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d,
    0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct Api {
    server: TestServer,
    token: String,
}

impl Api {
    async fn start() -> Api {
        let server = TestServer::start().await;
        let token = server.admin_token().await;
        Api { server, token }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        status_json(self.server.send(method, path, Some(&self.token), body).await).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a product and answers it, failing the test on anything but 200.
    async fn create(&self, product: Value) -> Value {
        let (status, body) = self.post("/rest/V1/products", json!({ "product": product })).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn simple(&self, sku: &str, price: f64) -> Value {
        self.create(json!({"sku": sku, "name": format!("Product {sku}"), "price": price, "type_id": "simple"})).await
    }

    fn media_path(&self, file: &str) -> std::path::PathBuf {
        self.server.data_dir().join("media/catalog/product").join(file.trim_start_matches('/'))
    }
}

fn custom<'a>(p: &'a Value, code: &str) -> Option<&'a Value> {
    p["custom_attributes"].as_array()?.iter().find(|a| a["attribute_code"] == code).map(|a| &a["value"])
}

async fn option_label(api: &Api, code: &str, id: &Value) -> String {
    let (status, options) = api.get(&format!("/rest/V1/products/attributes/{code}/options")).await;
    assert_eq!(status, 200, "{options}");
    let id = id.as_str().unwrap();
    options.as_array().unwrap().iter().find(|o| o["value"] == id).unwrap()["label"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn simple_virtual_and_other_types_are_created_in_the_get_shape() {
    let api = Api::start().await;
    let p = api
        .create(json!({
            "sku": "SIMPLE-1", "name": "Simple one", "attribute_set_id": 4, "price": 12.5, "status": 1,
            "visibility": 4, "type_id": "simple", "weight": 0.75,
            "extension_attributes": {
                "website_ids": [1],
                "stock_item": {"qty": 7, "is_in_stock": true, "manage_stock": true, "min_sale_qty": 2, "max_sale_qty": 5}
            },
            "custom_attributes": {"description": "<p>Hi</p>", "url_key": "simple-one"}
        }))
        .await;
    assert!(p["id"].as_i64().unwrap() > 0);
    assert_eq!(
        (p["sku"].clone(), p["price"].clone(), p["weight"].clone()),
        (json!("SIMPLE-1"), json!(12.5), json!(0.75))
    );
    let stock = &p["extension_attributes"]["stock_item"];
    assert_eq!((stock["qty"].clone(), stock["is_in_stock"].clone()), (json!(7), json!(true)));
    assert_eq!((stock["min_sale_qty"].clone(), stock["use_config_min_sale_qty"].clone()), (json!(2), json!(0)));
    assert_eq!(stock["max_sale_qty"], json!(5));
    assert_eq!(stock["low_stock_date"], Value::Null);
    assert_eq!(custom(&p, "description"), Some(&json!("<p>Hi</p>")));
    assert_eq!(p["extension_attributes"]["website_ids"], json!([1]));
    let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
    assert_eq!(&keys[..5], ["id", "sku", "name", "attribute_set_id", "price"]);
    let (_, again) = api.get("/rest/V1/products/SIMPLE-1").await;
    assert_eq!(again, p, "the save answers what a read answers");

    let v = api
        .create(json!({"sku": "VIRTUAL-1", "name": "Gift wrap", "price": 3, "type_id": "virtual", "weight": 2}))
        .await;
    assert_eq!(v["type_id"], "virtual");
    assert!(v.get("weight").is_none(), "virtual products have no weight: {v}");
    // Without stock data a new product has an empty stock item, out of stock.
    assert_eq!(v["extension_attributes"]["stock_item"]["is_in_stock"], json!(false));

    for type_id in ["downloadable", "bundle", "grouped"] {
        let sku = format!("T-{type_id}");
        let p = api.create(json!({"sku": sku, "name": type_id, "price": 1, "type_id": type_id})).await;
        assert_eq!(p["type_id"], type_id);
        let (_, read) = api.get(&format!("/rest/V1/products/{sku}")).await;
        assert_eq!(read["type_id"], type_id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn configurable_products_are_created_with_options_and_children() {
    let api = Api::start().await;
    let (_, color) = api.get("/rest/V1/products/attributes/color").await;
    let color_id = color["attribute_id"].as_i64().unwrap();
    let red = api
        .create(json!({"sku": "CFG-RED", "name": "Red", "price": 10, "visibility": 1,
        "custom_attributes": [{"attribute_code": "color", "value": "Red"}]}))
        .await;
    let blue = api
        .create(json!({"sku": "CFG-BLUE", "name": "Blue", "price": 10, "visibility": 1,
        "custom_attributes": [{"attribute_code": "color", "value": "Blue"}]}))
        .await;
    let red_value: i64 = custom(&red, "color").unwrap().as_str().unwrap().parse().unwrap();
    let blue_value: i64 = custom(&blue, "color").unwrap().as_str().unwrap().parse().unwrap();
    let parent = api
        .create(json!({
            "sku": "CFG", "name": "Configurable", "price": 10, "type_id": "configurable",
            "extension_attributes": {
                "configurable_product_options": [{
                    "attribute_id": color_id.to_string(), "label": "Colour", "position": 0,
                    "values": [{"value_index": red_value}, {"value_index": blue_value}]
                }],
                "configurable_product_links": [red["id"], blue["id"]]
            }
        }))
        .await;
    assert_eq!(parent["type_id"], "configurable");
    let options = &parent["extension_attributes"]["configurable_product_options"];
    assert_eq!(options[0]["attribute_id"], color_id.to_string());
    assert_eq!(options[0]["label"], "Colour");
    let mut values: Vec<i64> =
        options[0]["values"].as_array().unwrap().iter().map(|v| v["value_index"].as_i64().unwrap()).collect();
    values.sort();
    let mut expected = vec![red_value, blue_value];
    expected.sort();
    assert_eq!(values, expected);
    let mut links: Vec<i64> = parent["extension_attributes"]["configurable_product_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    links.sort();
    assert_eq!(links, [red["id"].as_i64().unwrap(), blue["id"].as_i64().unwrap()]);
    // The configurable stock item is in stock by default: its children carry the quantity.
    assert_eq!(parent["extension_attributes"]["stock_item"]["is_in_stock"], json!(true));

    // Replacing the links drops a child.
    let (status, p) = api
        .put(
            "/rest/V1/products/CFG",
            json!({"product": {"extension_attributes": {"configurable_product_links": [red["id"]]}}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["extension_attributes"]["configurable_product_links"], json!([red["id"]]));
    assert_eq!(
        p["extension_attributes"]["configurable_product_options"][0]["values"],
        json!([{"value_index": red_value}])
    );
    // An option on a non-select attribute is refused.
    let (_, name) = api.get("/rest/V1/products/attributes/name").await;
    let (status, _) = api
        .put(
            "/rest/V1/products/CFG",
            json!({"product": {"extension_attributes": {"configurable_product_options": [{"attribute_id": name["attribute_id"]}]}}}),
        )
        .await;
    assert_eq!(status, 400);
}

/// The integration guide's createProduct, getProduct, getProducts and updateProduct, verbatim.
#[tokio::test(flavor = "multi_thread")]
async fn the_integration_guides_product_calls_work_as_shown() {
    let api = Api::start().await;
    let product = json!({
        "product": {
            "sku": "TSHIRT-NEW-001",
            "name": "Premium Cotton T-Shirt",
            "attribute_set_id": 4,
            "type_id": "simple",
            "price": 29.99,
            "status": 1,
            "visibility": 4,
            "weight": 1,
            "extension_attributes": {"stock_item": {"qty": 100, "is_in_stock": true}},
            "custom_attributes": [
                {"attribute_code": "description", "value": "High-quality cotton t-shirt"},
                {"attribute_code": "short_description", "value": "Premium cotton tee"},
                {"attribute_code": "color", "value": "Blue"},
                {"attribute_code": "size", "value": "M"}
            ]
        }
    });
    let (status, created) = api.post("/rest/V1/products", product).await;
    assert_eq!(status, 200, "{created}");
    assert!(created["id"].as_i64().unwrap() > 0);
    assert_eq!(created["price"], json!(29.99));
    assert_eq!(created["extension_attributes"]["stock_item"]["qty"], json!(100));
    assert_eq!(created["extension_attributes"]["stock_item"]["is_in_stock"], json!(true));
    // The label became an option of the select attribute; the unknown `size` was ignored.
    let color = custom(&created, "color").expect("color is stored");
    assert_eq!(option_label(&api, "color", color).await, "Blue");
    assert!(custom(&created, "size").is_none());
    assert_eq!(custom(&created, "short_description"), Some(&json!("Premium cotton tee")));
    // The same label in another case finds the same option.
    let other = api
        .create(json!({"sku": "TSHIRT-NEW-002", "name": "Other", "price": 5,
        "custom_attributes": [{"attribute_code": "color", "value": "blue"}]}))
        .await;
    assert_eq!(custom(&other, "color"), Some(color));

    let (status, p) = api.get("/rest/V1/products/TSHIRT-NEW-001").await;
    assert_eq!(status, 200);
    assert_eq!(p["name"], "Premium Cotton T-Shirt");
    assert_eq!(p["extension_attributes"]["stock_item"]["qty"], json!(100));

    let search = "/rest/V1/products?searchCriteria[filterGroups][0][filters][0][field]=sku\
        &searchCriteria[filterGroups][0][filters][0][value]=%25shirt%25\
        &searchCriteria[filterGroups][0][filters][0][conditionType]=like\
        &searchCriteria[filterGroups][1][filters][0][field]=price\
        &searchCriteria[filterGroups][1][filters][0][value]=20\
        &searchCriteria[filterGroups][1][filters][0][conditionType]=gteq\
        &searchCriteria[pageSize]=50&searchCriteria[currentPage]=1";
    let (status, found) = api.get(search).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["sku"], "TSHIRT-NEW-001");

    // updateProduct('TSHIRT-NEW-001', {price, extension_attributes: {stock_item}}): a merge.
    let (status, updated) = api
        .put(
            "/rest/V1/products/TSHIRT-NEW-001",
            json!({"product": {"sku": "TSHIRT-NEW-001", "price": 24.99,
                "extension_attributes": {"stock_item": {"qty": 150, "is_in_stock": true}}}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["price"], json!(24.99));
    assert_eq!(updated["extension_attributes"]["stock_item"]["qty"], json!(150));
    assert_eq!(updated["name"], "Premium Cotton T-Shirt");
    assert_eq!(updated["weight"], json!(1));
    assert_eq!(custom(&updated, "description"), Some(&json!("High-quality cotton t-shirt")));
    assert_eq!(custom(&updated, "color"), Some(color));
    assert_eq!(updated["extension_attributes"]["website_ids"], json!([1]));

    // deleteProduct
    assert_eq!(api.delete("/rest/V1/products/TSHIRT-NEW-001").await, (200, json!(true)));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_sku_is_updated_and_a_taken_sku_is_refused() {
    let api = Api::start().await;
    let a = api.simple("DUP-A", 10.0).await;
    let b = api.simple("DUP-B", 20.0).await;
    // Magento's repository saves over an existing SKU.
    let again = api.create(json!({"sku": "DUP-A", "price": 11})).await;
    assert_eq!(again["id"], a["id"]);
    assert_eq!((again["price"].clone(), again["name"].clone()), (json!(11), json!("Product DUP-A")));
    // Renaming A (by id) to B's SKU is refused by name.
    let (status, body) = api.post("/rest/V1/products", json!({"product": {"id": a["id"], "sku": "DUP-B"}})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body, json!({"message": "%1 already exists.", "parameters": ["A product with SKU \"DUP-B\""]}));
    // By id to a free SKU renames.
    let renamed = api.create(json!({"id": a["id"], "sku": "DUP-C"})).await;
    assert_eq!((renamed["id"].clone(), renamed["sku"].clone()), (a["id"].clone(), json!("DUP-C")));
    assert_eq!(api.get("/rest/V1/products/DUP-A").await.0, 404);
    assert_eq!(api.get("/rest/V1/products/DUP-B").await.1["id"], b["id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn sku_edge_cases() {
    let api = Api::start().await;
    let longest = "S".repeat(64);
    api.simple(&longest, 1.0).await;
    let (status, body) = api
        .post("/rest/V1/products", json!({"product": {"sku": "S".repeat(65), "name": "Too long", "price": 1}}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"message": "SKU length should be %1 characters maximum.", "parameters": [64]}));
    // 64 characters, not bytes.
    api.simple(&"é".repeat(64), 1.0).await;

    let odd = "Café ☕ 24/7 x";
    api.simple(odd, 2.0).await;
    let path = "/rest/V1/products/Caf%C3%A9%20%E2%98%95%2024%2F7%20x";
    let (status, p) = api.get(path).await;
    assert_eq!((status, p["sku"].clone()), (200, json!(odd)));
    let (status, p) = api.put(path, json!({"product": {"name": "Renamed café"}})).await;
    assert_eq!((status, p["name"].clone(), p["sku"].clone()), (200, json!("Renamed café"), json!(odd)));
    assert_eq!(api.delete(path).await, (200, json!(true)));
    assert_eq!(api.get(path).await.0, 404);

    // Missing SKU or name on create.
    let (status, body) = api.post("/rest/V1/products", json!({"product": {"name": "No SKU"}})).await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("sku")));
    let (status, body) = api.post("/rest/V1/products", json!({"product": {"sku": "NO-NAME", "price": 1}})).await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("name")));
    let (status, body) = api.post("/rest/V1/products", json!({})).await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("product")));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_fields_get_magentos_400s() {
    let api = Api::start().await;
    let api = &api;
    let bad = |product: Value| async move { api.post("/rest/V1/products", json!({ "product": product })).await };
    let base = |extra: Value| {
        let mut p = json!({"sku": "BAD", "name": "Bad", "price": 1});
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        p
    };
    for (extra, field) in [
        (json!({"price": -1}), "price"),
        (json!({"weight": -0.5}), "weight"),
        (json!({"type_id": "kit"}), "type_id"),
        (json!({"status": 3}), "status"),
        (json!({"visibility": 5}), "visibility"),
        (json!({"attribute_set_id": 999}), "attribute_set_id"),
    ] {
        let (status, body) = bad(base(extra.clone())).await;
        assert_eq!(status, 400, "{extra}: {body}");
        assert_eq!(body["parameters"]["fieldName"], field, "{extra}: {body}");
    }
    let (status, body) = bad(base(json!({"price": -1, "status": 9}))).await;
    assert_eq!((status, body["message"].clone()), (400, json!("One or more input exceptions have occurred.")));
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
    let (status, body) = bad(base(json!({"extension_attributes": {"website_ids": [42]}}))).await;
    assert_eq!((status, body["message"].clone()), (400, json!("Could not assign product \"%1\" to websites %2")));
    let (status, body) =
        bad(base(json!({"extension_attributes": {"category_links": [{"position": 1, "category_id": "777"}]}}))).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Could not save product \"%1\" with position %2 to category %3", "parameters": ["BAD", 1, 777]})
    );
    let (status, body) = bad(base(json!({"custom_attributes": [{"attribute_code": "color"}]}))).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The \"%1\" attribute code doesn't have a value set. Enter the value and try again.");
    let (status, body) = bad(base(json!({"price": "cheap"}))).await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("product.price")));
    assert_eq!(api.get("/rest/V1/products/BAD").await.0, 404, "nothing of a refused save remains");
    // Updating a product that does not exist is Magento's product-not-found.
    let (status, body) = api.put("/rest/V1/products/NOPE", json!({"product": {"price": 1}})).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "The product that was requested doesn't exist. Verify the product and try again.");
}

/// `tax_class_id` holds a tax class id (Magento's source model), not an attribute option.
#[tokio::test(flavor = "multi_thread")]
async fn the_tax_class_is_stored_as_the_class_id() {
    let api = Api::start().await;
    let product = api
        .create(json!({"sku": "TAXED", "name": "Taxed", "price": 5, "type_id": "simple",
            "custom_attributes": [{"attribute_code": "tax_class_id", "value": "4"}]}))
        .await;
    assert_eq!(custom(&product, "tax_class_id"), Some(&json!("4")), "{product}");
    let (_, read) = api.get("/rest/V1/products/TAXED").await;
    assert_eq!(custom(&read, "tax_class_id"), Some(&json!("4")), "{read}");
    let (status, body) = api
        .post(
            "/rest/V1/products",
            json!({"product": {"sku": "TAXED2", "name": "T", "price": 5,
                "custom_attributes": [{"attribute_code": "tax_class_id", "value": "standard"}]}}),
        )
        .await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("tax_class_id")), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_merge_only_what_is_sent() {
    let api = Api::start().await;
    let created = api
        .create(json!({
            "sku": "MERGE", "name": "Merge me", "price": 10, "weight": 2,
            "extension_attributes": {"stock_item": {"qty": 5, "is_in_stock": true}, "category_links": [{"position": 2, "category_id": "2"}]},
            "custom_attributes": [{"attribute_code": "description", "value": "Long"}, {"attribute_code": "url_key", "value": "merge"}],
            "tier_prices": [{"customer_group_id": 1, "qty": 2, "value": 9}]
        }))
        .await;
    let (status, p) = api
        .put(
            "/rest/V1/products/MERGE",
            json!({"product": {"custom_attributes": [{"attribute_code": "description", "value": "Changed"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(custom(&p, "description"), Some(&json!("Changed")));
    assert_eq!(custom(&p, "url_key"), Some(&json!("merge")));
    for key in ["name", "price", "weight", "tier_prices", "created_at"] {
        assert_eq!(p[key], created[key], "{key}");
    }
    assert_eq!(p["extension_attributes"]["category_links"], created["extension_attributes"]["category_links"]);
    assert_eq!(p["extension_attributes"]["stock_item"]["qty"], json!(5));
    // A stock item merges field by field; replacing lists replace.
    let (_, p) = api
        .put(
            "/rest/V1/products/MERGE",
            json!({"product": {"status": 2, "extension_attributes": {"stock_item": {"min_sale_qty": 3}, "category_links": []}, "tier_prices": []}}),
        )
        .await;
    assert_eq!(p["status"], 2);
    assert_eq!(p["extension_attributes"]["stock_item"]["qty"], json!(5));
    assert_eq!(p["extension_attributes"]["stock_item"]["min_sale_qty"], json!(3));
    assert!(p["extension_attributes"].get("category_links").is_none());
    assert_eq!(p["tier_prices"], json!([]));
    // null removes a custom attribute value.
    let (_, p) = api.put("/rest/V1/products/MERGE", json!({"product": {"custom_attributes": {"url_key": null}}})).await;
    assert!(custom(&p, "url_key").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_answers_true_then_404() {
    let api = Api::start().await;
    api.simple("GONE", 1.0).await;
    assert_eq!(api.delete("/rest/V1/products/GONE").await, (200, json!(true)));
    let (status, body) = api.get("/rest/V1/products/GONE").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "The product that was requested doesn't exist. Verify the product and try again."})
    );
    assert_eq!(api.delete("/rest/V1/products/GONE").await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn tier_prices_round_trip_and_are_listed_per_group() {
    let api = Api::start().await;
    let p = api
        .create(json!({
            "sku": "TIER", "name": "Tiered", "price": 20,
            "tier_prices": [
                {"customer_group_id": 32000, "qty": 5, "value": 18},
                {"customer_group_id": 1, "qty": 10, "value": 15.5, "extension_attributes": {"website_id": 0}},
                {"customer_group_id": 1, "qty": 20, "value": 0, "extension_attributes": {"percentage_value": 50}}
            ]
        }))
        .await;
    assert_eq!(
        p["tier_prices"],
        json!([
            {"customer_group_id": 32000, "qty": 5, "value": 18, "extension_attributes": {"website_id": 0}},
            {"customer_group_id": 1, "qty": 10, "value": 15.5, "extension_attributes": {"website_id": 0}},
            {"customer_group_id": 1, "qty": 20, "value": 10, "extension_attributes": {"percentage_value": 50, "website_id": 0}}
        ])
    );
    let (status, tiers) = api.get("/rest/V1/products/TIER/group-prices/1/tiers").await;
    assert_eq!(status, 200, "{tiers}");
    assert_eq!(tiers.as_array().unwrap().len(), 2);
    assert_eq!(tiers[0]["qty"], json!(10));
    let (_, all) = api.get("/rest/V1/products/TIER/group-prices/all/tiers").await;
    assert_eq!(
        all,
        json!([{"customer_group_id": 32000, "qty": 5, "value": 18, "extension_attributes": {"website_id": 0}}])
    );
    assert_eq!(api.get("/rest/V1/products/TIER/group-prices/32000/tiers").await.1, all);
    let (status, body) = api.get("/rest/V1/products/TIER/group-prices/99/tiers").await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (404, json!("customerGroupId")));
    assert_eq!(api.get("/rest/V1/products/NOPE/group-prices/1/tiers").await.0, 404);
    // Tier rules are checked.
    for bad in
        [json!({"customer_group_id": 1, "qty": 0, "value": 1}), json!({"customer_group_id": 77, "qty": 1, "value": 1})]
    {
        let (status, body) = api.put("/rest/V1/products/TIER", json!({"product": {"tier_prices": [bad]}})).await;
        assert!(status == 400 || status == 404, "{body}");
    }
    assert_eq!(
        api.get("/rest/V1/products/TIER").await.1["tier_prices"],
        p["tier_prices"],
        "refused saves change nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn product_links_through_every_route() {
    let api = Api::start().await;
    for sku in ["LINK-A", "LINK-B", "LINK-C"] {
        api.simple(sku, 5.0).await;
    }
    let (status, types) = api.get("/rest/V1/products/links/types").await;
    assert_eq!(status, 200);
    assert_eq!(
        types,
        json!([{"code": 1, "name": "related"}, {"code": 5, "name": "crosssell"}, {"code": 4, "name": "upsell"}, {"code": 3, "name": "associated"}])
    );
    let related = json!({"sku": "LINK-A", "link_type": "related", "linked_product_sku": "LINK-B", "linked_product_type": "simple", "position": 1});
    assert_eq!(
        api.post("/rest/V1/products/LINK-A/links", json!({"items": [related.clone()]})).await,
        (200, json!(true))
    );
    let (status, list) = api.get("/rest/V1/products/LINK-A/links/related").await;
    assert_eq!((status, list), (200, json!([related])));
    let upsell = json!({"sku": "LINK-A", "link_type": "upsell", "linked_product_sku": "LINK-C", "linked_product_type": "simple", "position": 3});
    assert_eq!(api.put("/rest/V1/products/LINK-A/links", json!({"entity": upsell.clone()})).await, (200, json!(true)));
    let (_, p) = api.get("/rest/V1/products/LINK-A").await;
    assert_eq!(p["product_links"], json!([related, upsell]));
    assert_eq!(api.get("/rest/V1/products/LINK-A/links/crosssell").await, (200, json!([])));
    // A list reads the same product as a single read does (the batch loader).
    let (_, listed) = api
        .get("/rest/V1/products?searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=LINK-%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like")
        .await;
    assert_eq!(listed["total_count"], 3);
    assert_eq!(listed["items"][0], p);

    assert_eq!(api.delete("/rest/V1/products/LINK-A/links/related/LINK-B").await, (200, json!(true)));
    let (status, body) = api.delete("/rest/V1/products/LINK-A/links/related/LINK-B").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Product %1 doesn't have linked %2 as %3", "parameters": ["LINK-A", "LINK-B", "related"]})
    );
    let (status, body) = api.get("/rest/V1/products/LINK-A/links/sideways").await;
    assert_eq!((status, body["parameters"].clone()), (404, json!(["sideways"])));
    let bad = json!({"items": [{"link_type": "related", "linked_product_sku": "NOPE"}]});
    assert_eq!(api.post("/rest/V1/products/LINK-A/links", bad).await.0, 400);
    let bad = json!({"entity": {"link_type": "related", "linked_product_sku": "NOPE"}});
    assert_eq!(api.put("/rest/V1/products/LINK-A/links", bad).await.0, 404);

    // A grouped product's associated products carry a quantity; product_links on save replace.
    let grouped = api
        .create(json!({"sku": "GROUP", "name": "Group", "type_id": "grouped", "product_links": [
            {"sku": "GROUP", "link_type": "associated", "linked_product_sku": "LINK-B", "linked_product_type": "simple", "position": 1, "extension_attributes": {"qty": 2}},
            {"sku": "GROUP", "link_type": "associated", "linked_product_sku": "LINK-C", "linked_product_type": "simple", "position": 2, "extension_attributes": {"qty": 1.5}}
        ]}))
        .await;
    assert_eq!(grouped["product_links"][0]["extension_attributes"], json!({"qty": 2}));
    assert_eq!(grouped["product_links"][1]["extension_attributes"], json!({"qty": 1.5}));
    let (_, p) = api.put("/rest/V1/products/GROUP", json!({"product": {"product_links": []}})).await;
    assert_eq!(p["product_links"], json!([]));
    // Deleting a linked product drops the links to it.
    api.delete("/rest/V1/products/LINK-C").await;
    assert_eq!(api.get("/rest/V1/products/LINK-A/links/upsell").await.1, json!([]));
}

fn image_entry(name: &str, mime: &str, data: &str, types: Value) -> Value {
    json!({"entry": {"media_type": "image", "label": "Front", "position": 1, "disabled": false, "types": types,
        "content": {"base64_encoded_data": data, "type": mime, "name": name}}})
}

#[tokio::test(flavor = "multi_thread")]
async fn media_is_uploaded_served_and_removed() {
    let api = Api::start().await;
    api.simple("PIC", 5.0).await;
    let (status, id) = api
        .post(
            "/rest/V1/products/PIC/media",
            image_entry("Front View.png", "image/png", PNG_BASE64, json!(["image", "thumbnail"])),
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_i64().expect("the new entry id");
    let (status, entry) = api.get(&format!("/rest/V1/products/PIC/media/{id}")).await;
    assert_eq!(status, 200, "{entry}");
    assert_eq!(entry["file"], "/f/r/front_view.png");
    assert_eq!(entry["types"], json!(["image", "thumbnail"]));
    assert_eq!((entry["label"].clone(), entry["disabled"].clone()), (json!("Front"), json!(false)));
    let file = entry["file"].as_str().unwrap().to_owned();
    assert_eq!(std::fs::read(api.media_path(&file)).unwrap(), PNG_BYTES);

    // The file is served, anonymously, with its type.
    let r = api.server.get(&format!("/media/catalog/product{file}"), None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG_BYTES);
    // A file's type is what its bytes are, not what its name claims: HTML dropped into the
    // media directory under an image's name is not served as anything a browser renders.
    std::fs::write(api.media_path("/f/r/page.png"), "<html><script>alert(1)</script></html>").unwrap();
    let r = api.server.get("/media/catalog/product/f/r/page.png", None).await;
    assert_eq!(r.headers()["content-type"], "application/octet-stream");

    // The gallery is part of the product, and the roles set its image attributes.
    let (_, p) = api.get("/rest/V1/products/PIC").await;
    assert_eq!(p["media_gallery_entries"], json!([entry]));
    assert_eq!(custom(&p, "image"), Some(&json!(file)));
    assert_eq!(custom(&p, "thumbnail"), Some(&json!(file)));
    let (_, list) = api.get("/rest/V1/products/PIC/media").await;
    assert_eq!(list, json!([entry]));

    // The same name again gets its own file; the image role moves to the new entry.
    let (_, second) = api
        .post("/rest/V1/products/PIC/media", image_entry("front view.png", "image/png", PNG_BASE64, json!(["image"])))
        .await;
    let (_, second_entry) = api.get(&format!("/rest/V1/products/PIC/media/{second}")).await;
    let second_file = second_entry["file"].as_str().unwrap().to_owned();
    assert_eq!(second_file, "/f/r/front_view_1.png");
    let (_, first_again) = api.get(&format!("/rest/V1/products/PIC/media/{id}")).await;
    assert_eq!(first_again["types"], json!(["thumbnail"]));
    assert_eq!(custom(&api.get("/rest/V1/products/PIC").await.1, "image"), Some(&json!(second_file)));

    // PUT changes the entry's fields.
    let (status, ok) = api
        .put(
            &format!("/rest/V1/products/PIC/media/{second}"),
            json!({"entry": {"label": "Side", "position": 5, "disabled": true}}),
        )
        .await;
    assert_eq!((status, ok), (200, json!(true)));
    let (_, changed) = api.get(&format!("/rest/V1/products/PIC/media/{second}")).await;
    assert_eq!(
        (changed["label"].clone(), changed["position"].clone(), changed["disabled"].clone()),
        (json!("Side"), json!(5), json!(true))
    );

    // Removing an entry removes its file; the served URL then answers the System 404.
    assert_eq!(api.delete(&format!("/rest/V1/products/PIC/media/{id}")).await, (200, json!(true)));
    assert!(!api.media_path(&file).exists(), "the unused file is removed");
    let (status, body) = status_json(api.server.get(&format!("/media/catalog/product{file}"), None).await).await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], "error");
    let (status, body) = api.get(&format!("/rest/V1/products/PIC/media/{id}")).await;
    assert_eq!((status, body["message"].clone()), (404, json!("The image doesn't exist. Verify and try again.")));
    let (status, body) = api.delete(&format!("/rest/V1/products/PIC/media/{id}")).await;
    assert_eq!(
        (status, body["message"].clone()),
        (404, json!("No image with the provided ID was found. Verify the ID and try again."))
    );
    assert_eq!(custom(&api.get("/rest/V1/products/PIC").await.1, "thumbnail"), None, "the role left with the entry");

    // Deleting the product removes its remaining files.
    assert!(api.media_path(&second_file).exists());
    api.delete("/rest/V1/products/PIC").await;
    assert!(!api.media_path(&second_file).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_uploads_and_path_traversal_are_refused() {
    let api = Api::start().await;
    api.simple("PIC", 5.0).await;
    let cases = [
        (
            image_entry("a.png", "image/png", "!!not base64!!", json!([])),
            "The image content must be valid base64 encoded data.",
        ),
        (
            image_entry("a.png", "image/png", "aGVsbG8gd29ybGQ=", json!([])),
            "The image content must be valid base64 encoded data.",
        ),
        (
            image_entry("a.jpg", "image/jpeg", PNG_BASE64, json!([])),
            "The image MIME type is not valid or not supported.",
        ),
        (
            image_entry("a.txt", "text/plain", PNG_BASE64, json!([])),
            "The image MIME type is not valid or not supported.",
        ),
        (
            image_entry("../../evil.png", "image/png", PNG_BASE64, json!([])),
            "Provided image name contains forbidden characters.",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = api.post("/rest/V1/products/PIC/media", body).await;
        assert_eq!((status, answer["message"].as_str().unwrap()), (400, message));
    }
    assert_eq!(api.get("/rest/V1/products/PIC/media").await.1, json!([]));
    assert!(!api.server.data_dir().join("media/evil.png").exists());

    // Something outside the product media directory, which traversal would reach.
    std::fs::create_dir_all(api.server.data_dir().join("media/catalog/product")).unwrap();
    std::fs::write(api.server.data_dir().join("secret.txt"), "secret").unwrap();
    std::fs::write(api.server.data_dir().join("media/catalog/secret.txt"), "secret").unwrap();
    for path in [
        "/media/catalog/product/..%2F..%2F..%2Fsecret.txt",
        "/media/catalog/product/..%2Fsecret.txt",
        "/media/catalog/product/%2E%2E/secret.txt",
        "/media/catalog/product/a/..%2F..%2Fsecret.txt",
        "/media/catalog/product/%2Fetc%2Fpasswd",
        "/media/catalog/product/nothing/here.png",
    ] {
        let r = api.server.get(path, None).await;
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(status, 404, "{path}: {text}");
        assert!(!text.contains("secret"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn products_join_and_leave_websites() {
    let api = Api::start().await;
    api.simple("WEB", 5.0).await;
    let link = json!({"productWebsiteLink": {"sku": "WEB", "website_id": 1}});
    assert_eq!(api.post("/rest/V1/products/WEB/websites", link).await, (200, json!(true)));
    assert_eq!(api.delete("/rest/V1/products/WEB/websites/1").await, (200, json!(true)));
    assert_eq!(api.get("/rest/V1/products/WEB").await.1["extension_attributes"]["website_ids"], json!([]));
    let (status, body) =
        api.post("/rest/V1/products/WEB/websites", json!({"productWebsiteLink": {"website_id": 9}})).await;
    assert_eq!((status, body["parameters"].clone()), (400, json!(["WEB", 9])));
    assert_eq!(
        api.post("/rest/V1/products/WEB/websites", json!({"productWebsiteLink": {"website_id": 1}})).await.1,
        json!(true)
    );
    assert_eq!(api.get("/rest/V1/products/WEB").await.1["extension_attributes"]["website_ids"], json!([1]));
    assert_eq!(
        api.post("/rest/V1/products/NOPE/websites", json!({"productWebsiteLink": {"website_id": 1}})).await.0,
        404
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn attributes_and_their_options() {
    let api = Api::start().await;
    let (status, list) = api
        .get("/rest/V1/products/attributes?searchCriteria[filterGroups][0][filters][0][field]=frontend_input&searchCriteria[filterGroups][0][filters][0][value]=select&searchCriteria[sortOrders][0][field]=attribute_code")
        .await;
    assert_eq!(status, 200, "{list}");
    let codes: Vec<&str> =
        list["items"].as_array().unwrap().iter().map(|a| a["attribute_code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"color") && codes.contains(&"manufacturer"), "{codes:?}");
    assert!(codes.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(list["total_count"], codes.len());
    let (_, required) = api
        .get("/rest/V1/products/attributes?searchCriteria[filterGroups][0][filters][0][field]=is_required&searchCriteria[filterGroups][0][filters][0][value]=1")
        .await;
    let required: Vec<&str> =
        required["items"].as_array().unwrap().iter().map(|a| a["attribute_code"].as_str().unwrap()).collect();
    assert!(required.contains(&"sku") && required.contains(&"name") && !required.contains(&"color"), "{required:?}");

    let (status, color) = api.get("/rest/V1/products/attributes/color").await;
    assert_eq!(status, 200);
    assert_eq!(color["attribute_code"], "color");
    assert_eq!(color["frontend_input"], "select");
    assert_eq!(color["entity_type_id"], "4");
    assert_eq!(color["backend_type"], "int");
    assert_eq!(color["is_user_defined"], json!(true));
    assert_eq!(color["default_frontend_label"], "Color");
    assert_eq!(color["options"], json!([{"label": " ", "value": ""}]));
    let (status, body) = api.get("/rest/V1/products/attributes/nope").await;
    assert_eq!((status, body["parameters"].clone()), (404, json!(["nope"])));

    let (status, teal) = api
        .post(
            "/rest/V1/products/attributes/color/options",
            json!({"option": {"label": "Teal", "sort_order": 3, "is_default": false, "store_labels": []}}),
        )
        .await;
    assert_eq!(status, 200, "{teal}");
    let teal = teal.as_str().expect("the option id, as text").to_owned();
    assert!(teal.parse::<i64>().is_ok());
    let (_, options) = api.get("/rest/V1/products/attributes/color/options").await;
    assert_eq!(options, json!([{"label": " ", "value": ""}, {"label": "Teal", "value": teal}]));
    let (status, body) =
        api.post("/rest/V1/products/attributes/color/options", json!({"option": {"label": "teal"}})).await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("Admin store attribute option label \"%1\" is already exists."))
    );
    let (status, body) =
        api.post("/rest/V1/products/attributes/color/options", json!({"option": {"label": " "}})).await;
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("The attribute option label is empty. Enter the value and try again."))
    );
    let (status, body) =
        api.post("/rest/V1/products/attributes/description/options", json!({"option": {"label": "X"}})).await;
    assert_eq!((status, body["parameters"].clone()), (400, json!(["description"])));

    let path = format!("/rest/V1/products/attributes/color/options/{teal}");
    assert_eq!(api.put(&path, json!({"option": {"label": "Petrol"}})).await, (200, json!(true)));
    assert_eq!(api.get("/rest/V1/products/attributes/color/options").await.1[1]["label"], "Petrol");
    // A product using the option loses the value when the option goes.
    let p =
        api.create(json!({"sku": "TEAL", "name": "Teal", "price": 1, "custom_attributes": {"color": "petrol"}})).await;
    assert_eq!(custom(&p, "color"), Some(&json!(teal)));
    assert_eq!(api.delete(&path).await, (200, json!(true)));
    let (status, body) = api.delete(&path).await;
    assert_eq!((status, body["parameters"].clone()), (404, json!(["color", teal])));
    assert_eq!(custom(&api.get("/rest/V1/products/TEAL").await.1, "color"), None);
    assert_eq!(api.get("/rest/V1/products/attributes/color/options").await.1, json!([{"label": " ", "value": ""}]));
}

#[tokio::test(flavor = "multi_thread")]
async fn attribute_sets() {
    let api = Api::start().await;
    let (status, sets) = api.get("/rest/V1/products/attribute-sets/sets/list?searchCriteria[pageSize]=10").await;
    assert_eq!(status, 200, "{sets}");
    assert_eq!(
        sets["items"],
        json!([{"attribute_set_id": 4, "attribute_set_name": "Default", "sort_order": 0, "entity_type_id": 4}])
    );
    assert_eq!(sets["total_count"], 1);
    assert_eq!(sets["search_criteria"]["page_size"], 10);
    let (_, none) = api
        .get("/rest/V1/products/attribute-sets/sets/list?searchCriteria[filterGroups][0][filters][0][field]=attribute_set_name&searchCriteria[filterGroups][0][filters][0][value]=Bags")
        .await;
    assert_eq!(none["total_count"], 0);
    let (status, set) = api.get("/rest/V1/products/attribute-sets/4").await;
    assert_eq!((status, set["attribute_set_name"].clone()), (200, json!("Default")));
    // Set 1 is the customer set, not a product set.
    let (status, body) = api.get("/rest/V1/products/attribute-sets/1").await;
    assert_eq!((status, body["parameters"].clone()), (404, json!({"fieldName": "id", "fieldValue": 1})));
    let (status, attrs) = api.get("/rest/V1/products/attribute-sets/4/attributes").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = attrs.as_array().unwrap().iter().map(|a| a["attribute_code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"name") && codes.contains(&"price") && codes.contains(&"color"), "{codes:?}");
    assert_eq!(api.get("/rest/V1/products/attribute-sets/99/attributes").await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_stock_routes() {
    let api = Api::start().await;
    api.create(json!({"sku": "STOCK", "name": "Stocked", "price": 1, "extension_attributes": {"stock_item": {"qty": 20, "is_in_stock": true}}}))
        .await;
    let (status, item) = api.get("/rest/V1/stockItems/STOCK").await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(
        (item["qty"].clone(), item["is_in_stock"].clone(), item["stock_id"].clone()),
        (json!(20), json!(true), json!(1))
    );
    let product_id = item["product_id"].clone();
    assert_eq!(item["item_id"], product_id);
    // The guide reads and writes through /V1/products/{sku}/stockItems/1.
    let (status, same) = api.get("/rest/V1/products/STOCK/stockItems/1").await;
    assert_eq!((status, &same), (200, &item));
    let (status, id) =
        api.put("/rest/V1/products/STOCK/stockItems/1", json!({"stockItem": {"qty": 3, "is_in_stock": true}})).await;
    assert_eq!((status, id), (200, product_id.clone()));
    let (_, item) = api.get("/rest/V1/products/STOCK/stockItems/1").await;
    assert_eq!(
        (item["qty"].clone(), item["is_in_stock"].clone(), item["min_qty"].clone()),
        (json!(3), json!(true), json!(0))
    );
    // Below the notification threshold the low-stock date is set; at zero it is out of stock.
    api.put("/rest/V1/products/STOCK/stockItems/1", json!({"stockItem": {"qty": 0, "notify_stock_qty": 5}})).await;
    let (_, item) = api.get("/rest/V1/stockItems/STOCK").await;
    assert_eq!(item["is_in_stock"], json!(false), "{item}");
    assert!(item["low_stock_date"].is_string(), "{item}");
    assert_eq!(item["use_config_notify_stock_qty"], json!(false));
    api.put(
        "/rest/V1/products/STOCK/stockItems/1",
        json!({"stockItem": {"qty": 8, "is_in_stock": true, "use_config_notify_stock_qty": true}}),
    )
    .await;

    api.create(json!({"sku": "PLENTY", "name": "Plenty", "price": 1, "extension_attributes": {"stock_item": {"qty": 500, "is_in_stock": true}}}))
        .await;
    let (status, low) = api.get("/rest/V1/stockItems/lowStock/?scopeId=0&qty=10&pageSize=10").await;
    assert_eq!(status, 200, "{low}");
    assert_eq!(low["total_count"], 1);
    assert_eq!(low["items"][0]["product_id"], product_id);
    assert_eq!(low["search_criteria"]["limit"], json!([1, 10]));
    let keys: Vec<&String> = low.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "search_criteria", "total_count"]);
    let (_, all) = api.get("/rest/V1/stockItems/lowStock?scopeId=0&qty=1000").await;
    assert_eq!(all["total_count"], 2);
    let (status, body) = api.get("/rest/V1/stockItems/lowStock?scopeId=0").await;
    assert_eq!((status, body["parameters"]["fieldName"].clone()), (400, json!("qty")));

    let (status, st) = api.get("/rest/V1/stockStatuses/STOCK").await;
    assert_eq!(status, 200, "{st}");
    assert_eq!(
        (st["product_id"].clone(), st["stock_status"].clone(), st["qty"].clone()),
        (product_id, json!(1), json!(8))
    );
    assert_eq!(st["stock_item"]["qty"], json!(8));

    for path in ["/rest/V1/stockItems/NOPE", "/rest/V1/stockStatuses/NOPE", "/rest/V1/products/NOPE/stockItems/1"] {
        let (status, body) = api.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["message"], "The product that was requested doesn't exist. Verify the product and try again.");
    }
    assert_eq!(api.put("/rest/V1/products/NOPE/stockItems/1", json!({"stockItem": {"qty": 1}})).await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_without_the_resource_are_refused() {
    let api = Api::start().await;
    api.simple("ACL", 1.0).await;
    let products_only = user_with(&api.server, "ProductsOnly", &["Magento_Catalog::products"]).await;
    let get = |path: &'static str, token: String| {
        let server = &api.server;
        async move { status_json(server.get(path, Some(&token)).await).await }
    };
    assert_eq!(get("/rest/V1/products/ACL", products_only.clone()).await.0, 200);
    for (path, resource) in [
        ("/rest/V1/products/attributes/color", "Magento_Catalog::attributes_attributes"),
        ("/rest/V1/products/attribute-sets/sets/list", "Magento_Catalog::sets"),
        ("/rest/V1/stockItems/ACL", "Magento_CatalogInventory::cataloginventory"),
        ("/rest/V1/products/ACL/media", "Magento_Catalog::catalog"),
    ] {
        let (status, body) = get(path, products_only.clone()).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(body["parameters"]["resources"], resource, "{path}");
    }
    let stock_only = user_with(&api.server, "StockOnly", &["Magento_CatalogInventory::cataloginventory"]).await;
    assert_eq!(get("/rest/V1/stockItems/ACL", stock_only.clone()).await.0, 200);
    let r = api
        .server
        .send(Method::POST, "/rest/V1/products", Some(&stock_only), Some(json!({"product": {"sku": "X", "name": "X"}})))
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(api.get("/rest/V1/products/X").await.0, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_attributes_are_saved_per_store_view() {
    let api = Api::start().await;
    let t = api.server.tenant;
    api.server
        .db
        .execute(sql!(
            "INSERT INTO store_views (tenant_id, id, code, name, website_id, group_id, sort_order, is_active) \
             VALUES ($1, 2, 'fr', 'French', 1, 1, 1, $2)",
            t.0,
            true
        ))
        .await
        .unwrap();
    api.create(json!({"sku": "SCOPED", "name": "Scoped", "price": 1, "custom_attributes": {"description": "Hello"}}))
        .await;

    // A save under a store view's code writes that view's value only.
    let (status, fr) = api
        .put(
            "/rest/fr/V1/products/SCOPED",
            json!({"product": {"custom_attributes": [{"attribute_code": "description", "value": "Bonjour"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{fr}");
    assert_eq!(custom(&fr, "description"), Some(&json!("Bonjour")));
    assert_eq!(custom(&api.get("/rest/fr/V1/products/SCOPED").await.1, "description"), Some(&json!("Bonjour")));
    assert_eq!(custom(&api.get("/rest/V1/products/SCOPED").await.1, "description"), Some(&json!("Hello")));
    assert_eq!(custom(&api.get("/rest/default/V1/products/SCOPED").await.1, "description"), Some(&json!("Hello")));

    // /rest/V1, /rest/default/V1 (the same default store view) and /rest/all/V1 write the
    // default scope, which the French view still overrides.
    for (prefix, text) in [("/rest/V1", "Hi"), ("/rest/default/V1", "Howdy"), ("/rest/all/V1", "Greetings")] {
        let (status, p) = api
            .put(&format!("{prefix}/products/SCOPED"), json!({"product": {"custom_attributes": {"description": text}}}))
            .await;
        assert_eq!(status, 200, "{prefix}: {p}");
        assert_eq!(custom(&api.get("/rest/V1/products/SCOPED").await.1, "description"), Some(&json!(text)));
        assert_eq!(custom(&api.get("/rest/fr/V1/products/SCOPED").await.1, "description"), Some(&json!("Bonjour")));
    }
    let stores: Vec<i64> = api
        .server
        .db
        .fetch_all(sql!(
            "SELECT v.store_id FROM product_attribute_values v JOIN products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id \
             WHERE p.tenant_id = $1 AND p.sku = 'SCOPED' AND v.attribute_code = 'description' ORDER BY v.store_id",
            t.0
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.at(0).unwrap())
        .collect();
    assert_eq!(stores, [0, 2]);
}

#[tokio::test(flavor = "multi_thread")]
async fn saves_are_audited_with_their_sentence() {
    let api = Api::start().await;
    let r = api
        .server
        .send(
            Method::POST,
            "/rest/V1/products",
            Some(&api.token),
            Some(json!({"product": {"sku": "AUDITED", "name": "A", "price": 1}})),
        )
        .await;
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(r.status(), 200);
    let put = api
        .server
        .send(
            Method::PUT,
            "/rest/V1/products/AUDITED/stockItems/1",
            Some(&api.token),
            Some(json!({"stockItem": {"qty": 4}})),
        )
        .await;
    let put_id = put.headers()["x-request-id"].to_str().unwrap().to_owned();
    for (id, sentence, target) in [
        (request_id, "admin admin saved product AUDITED in default", "AUDITED"),
        (put_id, "admin admin updated the stock of AUDITED in default", "AUDITED"),
    ] {
        let row = api
            .server
            .db
            .fetch_optional(sql!("SELECT sentence, target FROM audit_log WHERE request_id = $1", id))
            .await
            .unwrap()
            .expect("the write is audited");
        assert_eq!(row.get::<String>("sentence").unwrap(), sentence);
        assert_eq!(row.get::<String>("target").unwrap(), target);
    }
    // Reads are not audited.
    let r = api.server.get("/rest/V1/products/AUDITED", Some(&api.token)).await;
    let read_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let row = api
        .server
        .db
        .fetch_optional(sql!("SELECT sentence FROM audit_log WHERE request_id = $1", read_id))
        .await
        .unwrap();
    assert!(row.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn media_gallery_entries_are_saved_with_the_product() {
    let api = Api::start().await;
    let entry = |name: &str, types: Value| {
        json!({"media_type": "image", "label": name, "position": 1, "disabled": false, "types": types,
            "content": {"base64_encoded_data": PNG_BASE64, "type": "image/png", "name": name}})
    };
    let p = api
        .create(json!({"sku": "GALLERY", "name": "Gallery", "price": 1,
            "media_gallery_entries": [entry("one.png", json!(["image", "small_image"])), entry("two.png", json!([]))]}))
        .await;
    let entries = p["media_gallery_entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2, "{p}");
    assert_eq!(entries[0]["file"], "/o/n/one.png");
    assert_eq!(custom(&p, "small_image"), Some(&json!("/o/n/one.png")));
    for e in &entries {
        assert!(api.media_path(e["file"].as_str().unwrap()).exists());
    }
    // Keeping the first entry (by id) and dropping the second removes the second's file.
    let kept = json!([{"id": entries[0]["id"], "label": "Kept", "types": ["image"]}]);
    let (status, p) = api.put("/rest/V1/products/GALLERY", json!({"product": {"media_gallery_entries": kept}})).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["media_gallery_entries"].as_array().unwrap().len(), 1);
    assert_eq!(p["media_gallery_entries"][0]["label"], "Kept");
    assert_eq!(custom(&p, "small_image"), None);
    assert!(api.media_path("/o/n/one.png").exists());
    assert!(!api.media_path("/t/w/two.png").exists());
    // Entries that are neither known nor uploaded are refused.
    let (status, _) = api
        .put("/rest/V1/products/GALLERY", json!({"product": {"media_gallery_entries": [{"file": "/x/y/z.png"}]}}))
        .await;
    assert_eq!(status, 400);
}

/// A long attribute value (descriptions are attributes) is stored and found by equality.
/// PostgreSQL once refused values over about 2.7 KB with a 500, because its btree entry for
/// the whole value did not fit; the index now holds a prefix, so equality must still compare
/// whole values: two values sharing their first 256 characters are told apart.
#[tokio::test(flavor = "multi_thread")]
async fn long_attribute_values_are_stored_and_searched_whole() {
    let api = Api::start().await;
    // Incompressible, so that PostgreSQL cannot squeeze it into an index entry either.
    let mut seed = 0x2545_f491_u32;
    let long: String = (0..8_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'!' + ((seed >> 16) % 90) as u8)
        })
        .collect();
    let (status, body) = api
        .post(
            "/rest/V1/products",
            json!({"product": {"sku": "LONG", "name": "Long", "price": 1, "custom_attributes": {"description": long}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(custom(&api.get("/rest/V1/products/LONG").await.1, "description"), Some(&json!(long)));

    let shared = "x".repeat(256);
    for (sku, tail) in [("TWIN-A", "a"), ("TWIN-B", "b")] {
        api.create(json!({"sku": sku, "name": sku, "price": 1, "custom_attributes": {"description": format!("{shared}{tail}")}}))
            .await;
    }
    let find = |value: String| {
        let api = &api;
        async move {
            let path = format!(
                "/rest/V1/products?searchCriteria[filterGroups][0][filters][0][field]=description\
                 &searchCriteria[filterGroups][0][filters][0][value]={value}\
                 &searchCriteria[filterGroups][0][filters][0][conditionType]={}",
                if value.contains(',') { "in" } else { "eq" }
            );
            let (status, body) = api.get(&path).await;
            assert_eq!(status, 200, "{body}");
            let mut skus: Vec<String> =
                body["items"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap().to_owned()).collect();
            skus.sort();
            skus
        }
    };
    assert_eq!(find(format!("{shared}b")).await, ["TWIN-B"]);
    assert_eq!(find(format!("{shared}a,{shared}b")).await, ["TWIN-A", "TWIN-B"]);
    assert!(find(shared.clone()).await.is_empty());
}
