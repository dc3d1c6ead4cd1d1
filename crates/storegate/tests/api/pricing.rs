//! Pricing over real HTTP and a real database: tax classes, rates and rules, cart price
//! rules and coupons (CRUD, validation, permissions), and the totals calculation that
//! checkout uses (discounts, free shipping, use limits through record_usage, tax by
//! destination).

use crate::acl::user_with;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use storegate_domain::pricing::{self, Context, Destination, Line, Totals};

async fn send(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    status_json(server.send(method, path, Some(token), body).await).await
}

async fn ok(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, body) = send(server, token, method.clone(), path, body).await;
    assert_eq!(status, 200, "{method} {path}: {body}");
    body
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const COMBINE: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Combine";
const ADDRESS: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Address";
const PRODUCT_COMBINE: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Combine";
const PRODUCT: &str = "Magento\\SalesRule\\Model\\Rule\\Condition\\Product";

fn rule(name: &str, action: &str, amount: f64) -> Value {
    json!({
        "name": name, "is_active": true, "website_ids": [1], "customer_group_ids": [0, 1],
        "simple_action": action, "discount_amount": amount, "coupon_type": "NO_COUPON",
        "sort_order": 0, "stop_rules_processing": false
    })
}

async fn create_rule(server: &TestServer, token: &str, rule: Value) -> i64 {
    let body = ok(server, token, Method::POST, "/rest/V1/salesRules", Some(json!({ "rule": rule }))).await;
    body["rule_id"].as_i64().unwrap()
}

fn cx(group: i64, customer: Option<i64>, coupon: Option<&str>, shipping: &str, dest: Option<Destination>) -> Context {
    Context {
        website_id: 1,
        store_id: 1,
        customer_group_id: group,
        customer_id: customer,
        coupon_code: coupon.map(str::to_owned),
        destination: dest,
        shipping_amount: d(shipping),
    }
}

fn line(id: i64, sku: &str, qty: &str, price: &str) -> Line {
    Line { item_id: id, sku: sku.into(), product_id: id, qty: d(qty), price: d(price), tax_class_id: 2 }
}

async fn calculate(server: &TestServer, cx: &Context, lines: &[Line]) -> Totals {
    let mut r = server.db.reader().await.unwrap();
    pricing::calculate(&mut r, server.tenant, cx, lines).await.unwrap()
}

/// Places an "order": calculates and records the uses in one transaction.
async fn place(server: &TestServer, cx: &Context, lines: &[Line]) -> Result<Totals, storegate_types::ApiError> {
    let mut tx = server.db.begin().await.unwrap();
    let totals = pricing::calculate(&mut tx, server.tenant, cx, lines).await?;
    pricing::record_usage(&mut tx, server.tenant, &totals, cx.customer_id).await?;
    tx.commit().await.unwrap();
    Ok(totals)
}

async fn customer(server: &TestServer, email: &str) -> i64 {
    let (status, body) = status_json(
        server
            .send(
                Method::POST,
                "/rest/V1/customers",
                None,
                Some(json!({"customer": {"email": email, "firstname": "Pat", "lastname": "Doe", "website_id": 1}})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_i64().unwrap()
}

// Tax -------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn tax_classes_have_magentos_defaults_and_crud() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let taxable = ok(&server, &token, Method::GET, "/rest/V1/taxClasses/2", None).await;
    assert_eq!(taxable, json!({"class_id": 2, "class_name": "Taxable Goods", "class_type": "PRODUCT"}));
    let retail = ok(&server, &token, Method::GET, "/rest/V1/taxClasses/3", None).await;
    assert_eq!(retail["class_type"], "CUSTOMER");

    let id = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "Wholesale Customer", "class_type": "CUSTOMER"}})),
    )
    .await;
    assert_eq!(id, json!("4"), "Magento answers the id as text");
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "wholesale customer", "class_type": "CUSTOMER"}})),
    )
    .await;
    assert_eq!(
        (status, err["message"].as_str()),
        (400, Some("A class with the same name already exists for ClassType %1."))
    );
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "X", "class_type": "SHIPPING"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["parameters"]["fieldName"], "class_type");

    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "x".repeat(256), "class_type": "PRODUCT"}})),
    )
    .await;
    assert_eq!((status, err["parameters"]["fieldName"].as_str()), (400, Some("tax_class.class_name")));

    let renamed = ok(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/taxClasses/4",
        Some(json!({"taxClass": {"class_name": "Wholesale"}})),
    )
    .await;
    assert_eq!(renamed, json!("4"));
    let (status, err) = send(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/taxClasses/4",
        Some(json!({"taxClass": {"class_name": "Wholesale", "class_type": "PRODUCT"}})),
    )
    .await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Updating classType is not allowed.")));

    let found = ok(
        &server,
        &token,
        Method::GET,
        "/rest/V1/taxClasses/search?searchCriteria[filter_groups][0][filters][0][field]=class_type&searchCriteria[filter_groups][0][filters][0][value]=CUSTOMER",
        None,
    )
    .await;
    assert_eq!(found["total_count"], 2);
    assert_eq!(found["items"][1]["class_name"], "Wholesale");

    // Retail Customer is used by the customer groups.
    let (status, err) = send(&server, &token, Method::DELETE, "/rest/V1/taxClasses/3", None).await;
    assert_eq!(status, 400);
    assert_eq!(err["message"], "You cannot delete this tax class because it is used for %1 customer groups.");
    assert_eq!(ok(&server, &token, Method::DELETE, "/rest/V1/taxClasses/4", None).await, json!(true));
    let (status, err) = send(&server, &token, Method::GET, "/rest/V1/taxClasses/4", None).await;
    assert_eq!(status, 404);
    assert_eq!(
        err,
        json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "class_id", "fieldValue": 4}})
    );
    let (status, _) = send(&server, &token, Method::GET, "/rest/V1/taxClasses/abc", None).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn tax_rates_and_rules_crud_and_validation() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let ca = ok(&server, &token, Method::GET, "/rest/V1/taxRates/1", None).await;
    assert_eq!(ca["code"], "US-CA-*-Rate 1");
    assert_eq!(ca["tax_region_id"], 12);
    assert_eq!(ca["rate"], json!(8.25));
    assert_eq!(ca["tax_postcode"], "*");
    let ny = ok(&server, &token, Method::GET, "/rest/V1/taxRates/2", None).await;
    assert_eq!(ny["rate"], json!(8.375));

    let range = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRates",
        Some(json!({"taxRate": {"tax_country_id": "US", "tax_region_id": 12, "zip_is_range": 1,
            "zip_from": 90000, "zip_to": 90999, "rate": "1.5", "code": "LA"}})),
    )
    .await;
    assert_eq!(range["tax_postcode"], "90000-90999");
    assert_eq!((range["zip_from"].as_i64(), range["zip_to"].as_i64()), (Some(90000), Some(90999)));
    let id = range["id"].as_i64().unwrap();

    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRates",
        Some(json!({"taxRate": {"tax_country_id": "US", "rate": 5, "code": "LA"}})),
    )
    .await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Code already exists.")));
    let (status, err) =
        send(&server, &token, Method::POST, "/rest/V1/taxRates", Some(json!({"taxRate": {"tax_country_id": "ZZ"}})))
            .await;
    assert_eq!(status, 400);
    assert_eq!(err["message"], "One or more input exceptions have occurred.", "{err}");
    let (status, _) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRates",
        Some(json!({"taxRate": {"tax_country_id": "DE", "tax_region_id": 12, "rate": 19, "code": "DE"}})),
    )
    .await;
    assert_eq!(status, 400, "California is not a German region");
    let (status, _) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRates",
        Some(json!({"taxRate": {"tax_country_id": "US", "zip_is_range": true, "zip_from": 5, "zip_to": 1, "rate": 1, "code": "R"}})),
    )
    .await;
    assert_eq!(status, 400);

    let updated =
        ok(&server, &token, Method::PUT, "/rest/V1/taxRates", Some(json!({"taxRate": {"id": id, "rate": 2.25}}))).await;
    assert_eq!((updated["rate"].clone(), updated["code"].clone()), (json!(2.25), json!("LA")));
    let (status, _) =
        send(&server, &token, Method::PUT, "/rest/V1/taxRates", Some(json!({"taxRate": {"id": 999, "rate": 1}}))).await;
    assert_eq!(status, 404);

    let rule = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRules",
        Some(json!({"rule": {"code": "US retail", "priority": 0, "position": 0,
            "customer_tax_class_ids": [3], "product_tax_class_ids": [2], "tax_rate_ids": [1, 2, id]}})),
    )
    .await;
    let rule_id = rule["id"].as_i64().unwrap();
    assert_eq!(rule["tax_rate_ids"], json!([1, 2, id]));
    assert_eq!(rule["calculate_subtotal"], false);

    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxRules",
        Some(json!({"rule": {"code": "bad", "customer_tax_class_ids": [2], "product_tax_class_ids": [2], "tax_rate_ids": [77]}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["errors"].as_array().map(Vec::len), Some(2), "{err}");
    assert_eq!(err["errors"][0]["parameters"], json!({"fieldName": "customer_tax_class_ids", "fieldValue": 2}));

    let (status, err) = send(&server, &token, Method::DELETE, &format!("/rest/V1/taxRates/{id}"), None).await;
    assert_eq!(
        (status, err["message"].as_str()),
        (400, Some("The tax rate cannot be removed. It exists in a tax rule."))
    );
    let (status, _) = send(&server, &token, Method::DELETE, "/rest/V1/taxClasses/2", None).await;
    assert_eq!(status, 400, "Taxable Goods is in a tax rule");

    let changed = ok(
        &server,
        &token,
        Method::PUT,
        "/rest/V1/taxRules",
        Some(json!({"rule": {"id": rule_id, "tax_rate_ids": [1], "priority": 2}})),
    )
    .await;
    assert_eq!((changed["tax_rate_ids"].clone(), changed["priority"].clone()), (json!([1]), json!(2)));
    let found = ok(&server, &token, Method::GET, "/rest/V1/taxRules/search", None).await;
    assert_eq!(found["total_count"], 1);
    let found = ok(
        &server,
        &token,
        Method::GET,
        "/rest/V1/taxRates/search?searchCriteria[filter_groups][0][filters][0][field]=tax_region_id&searchCriteria[filter_groups][0][filters][0][value]=12",
        None,
    )
    .await;
    assert_eq!(found["total_count"], 2);

    assert_eq!(ok(&server, &token, Method::DELETE, &format!("/rest/V1/taxRules/{rule_id}"), None).await, json!(true));
    let (status, err) = send(&server, &token, Method::GET, &format!("/rest/V1/taxRules/{rule_id}"), None).await;
    assert_eq!((status, err["parameters"]["fieldName"].as_str()), (404, Some("id")));
    assert_eq!(ok(&server, &token, Method::DELETE, &format!("/rest/V1/taxRates/{id}"), None).await, json!(true));
    let (status, err) = send(&server, &token, Method::GET, &format!("/rest/V1/taxRates/{id}"), None).await;
    assert_eq!((status, err["parameters"]["fieldName"].as_str()), (404, Some("taxRateId")));
}

#[tokio::test(flavor = "multi_thread")]
async fn tax_follows_country_region_postcode_and_several_rates() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let rate = |body: Value| {
        let server = &server;
        let token = token.clone();
        async move {
            ok(server, &token, Method::POST, "/rest/V1/taxRates", Some(json!({ "taxRate": body }))).await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let la =
        rate(json!({"tax_country_id": "US", "tax_region_id": 12, "tax_postcode": "900*", "rate": 1, "code": "LA"}))
            .await;
    let exact =
        rate(json!({"tax_country_id": "US", "tax_region_id": 12, "tax_postcode": "90210", "rate": 2, "code": "BH"}))
            .await;
    let de = rate(json!({"tax_country_id": "DE", "rate": 19, "code": "DE"})).await;
    let city = rate(json!({"tax_country_id": "US", "tax_region_id": 43, "rate": 4.5, "code": "NYC"})).await;
    // State rates (1: CA, 2: NY, DE) in one rule; city rates in rules of their own at the
    // same priority, so they add up.
    for (code, rates, priority) in
        [("state", json!([1, 2, de]), 0), ("la", json!([la, exact]), 0), ("nyc", json!([city]), 1)]
    {
        ok(
            &server,
            &token,
            Method::POST,
            "/rest/V1/taxRules",
            Some(json!({"rule": {"code": code, "priority": priority, "customer_tax_class_ids": [3],
                "product_tax_class_ids": [2], "tax_rate_ids": rates}})),
        )
        .await;
    }
    let lines = [line(1, "A", "2", "50"), Line { tax_class_id: 0, ..line(2, "GIFT", "1", "10") }];
    let dest = |country: &str, region: Option<i64>, postcode: Option<&str>| {
        Some(Destination { country_id: country.into(), region_id: region, postcode: postcode.map(str::to_owned) })
    };

    // California, outside LA: 8.25% of 100 (the untaxed class 0 line pays nothing); shipping too.
    let t = calculate(&server, &cx(1, None, None, "10", dest("US", Some(12), Some("95014"))), &lines).await;
    assert_eq!(t.lines[0].tax_percent, d("8.25"));
    assert_eq!(t.lines[0].tax_amount, d("8.25"));
    assert_eq!(t.lines[1].tax_amount, Decimal::ZERO);
    assert_eq!(t.shipping_tax_amount, d("0.83"));
    assert_eq!(t.tax_amount, d("9.08"));
    assert_eq!(t.grand_total, d("129.08"));

    // LA prefix: 8.25 + 1 (another rule, same priority).
    let t = calculate(&server, &cx(1, None, None, "0", dest("US", Some(12), Some("90012"))), &lines).await;
    assert_eq!(t.lines[0].tax_percent, d("9.25"));
    // The exact postcode beats the prefix within the "la" rule: 8.25 + 2.
    let t = calculate(&server, &cx(1, None, None, "0", dest("US", Some(12), Some("90210"))), &lines).await;
    assert_eq!(t.lines[0].tax_percent, d("10.25"));
    assert_eq!(t.lines[0].tax_amount, d("10.25"));
    // New York: 8.375, then the city rate compounds at priority 1: 8.375 + (8.375 * 4.5% + 4.5).
    let t = calculate(&server, &cx(1, None, None, "0", dest("US", Some(43), Some("10001"))), &lines).await;
    assert_eq!(t.lines[0].tax_percent, d("13.251875"));
    assert_eq!(t.lines[0].tax_amount, d("13.25"));
    // Germany, any region and postcode.
    let t = calculate(&server, &cx(1, None, None, "0", dest("DE", None, Some("10115"))), &lines).await;
    assert_eq!(t.lines[0].tax_amount, d("19"));
    // Texas and no address (Magento's default destination, US without a region): no rate.
    let t = calculate(&server, &cx(1, None, None, "5", dest("US", Some(57), Some("78701"))), &lines).await;
    assert_eq!(t.tax_amount, Decimal::ZERO);
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines).await;
    assert_eq!(t.tax_amount, Decimal::ZERO);
    assert_eq!(t.grand_total, d("115"));

    // A customer class without rules pays no tax.
    let class: String = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "Exempt", "class_type": "CUSTOMER"}})),
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();
    server
        .db
        .execute(storegate_db::sql!(
            "UPDATE customer_groups SET tax_class_id = $1 WHERE tenant_id = $2 AND id = 2",
            class.parse::<i64>().unwrap(),
            server.tenant.0
        ))
        .await
        .unwrap();
    let t = calculate(&server, &cx(2, None, None, "0", dest("US", Some(12), Some("95014"))), &lines).await;
    assert_eq!(t.tax_amount, Decimal::ZERO);
}

#[tokio::test(flavor = "multi_thread")]
async fn pricing_routes_need_their_acl_resources() {
    let server = TestServer::start().await;
    let catalog_only = user_with(&server, "Catalogers", &["Magento_Catalog::products"]).await;
    for (method, path) in [
        (Method::GET, "/rest/V1/taxClasses/2"),
        (Method::GET, "/rest/V1/taxRates/search"),
        (Method::DELETE, "/rest/V1/taxRules/1"),
        (Method::GET, "/rest/V1/salesRules/search"),
        (Method::POST, "/rest/V1/coupons/generate"),
    ] {
        let (status, err) = send(&server, &catalog_only, method.clone(), path, Some(json!({}))).await;
        assert_eq!(status, 403, "{method} {path}");
        assert_eq!(err["message"], "The consumer isn't authorized to access %resources.");
    }
    let tax_only = user_with(&server, "Accountants", &["Magento_Tax::manage_tax"]).await;
    let (status, _) = send(&server, &tax_only, Method::GET, "/rest/V1/taxClasses/2", None).await;
    assert_eq!(status, 200);
    let (status, err) = send(&server, &tax_only, Method::GET, "/rest/V1/salesRules/search", None).await;
    assert_eq!((status, err["parameters"]["resources"].as_str()), (403, Some("Magento_SalesRule::quote")));
    let (status, _) = send(&server, "nonsense", Method::GET, "/rest/V1/taxRates/1", None).await;
    assert_eq!(status, 401);
}

// Cart price rules and coupons ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn sales_rules_crud_and_validation() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let mut body = rule("Ten off big carts", "by_percent", 10.0);
    body["store_labels"] = json!([{"store_id": 0, "store_label": "Big cart discount"}]);
    body["from_date"] = json!("2020-01-01");
    body["condition"] = json!({"condition_type": COMBINE, "aggregator_type": "all", "value": "1", "conditions": [
        {"condition_type": ADDRESS, "attribute_name": "base_subtotal", "operator": ">=", "value": "100"}]});
    body["action_condition"] = json!({"condition_type": PRODUCT_COMBINE, "aggregator_type": "all", "value": "1",
        "conditions": [{"condition_type": PRODUCT, "attribute_name": "sku", "operator": "()", "value": "A, B"}]});
    let created = ok(&server, &token, Method::POST, "/rest/V1/salesRules", Some(json!({ "rule": body }))).await;
    let id = created["rule_id"].as_i64().unwrap();
    assert_eq!(created["name"], "Ten off big carts");
    assert_eq!(created["website_ids"], json!([1]));
    assert_eq!(created["customer_group_ids"], json!([0, 1]));
    assert_eq!(created["discount_amount"], json!(10));
    assert_eq!(created["simple_free_shipping"], "0");
    assert_eq!(created["coupon_type"], "NO_COUPON");
    assert_eq!(created["from_date"], "2020-01-01");
    assert_eq!(created["condition"]["conditions"][0]["attribute_name"], "base_subtotal");
    assert_eq!(created["action_condition"]["conditions"][0]["value"], "A, B");
    assert_eq!(created["store_labels"], json!([{"store_id": 0, "store_label": "Big cart discount"}]));

    let read = ok(&server, &token, Method::GET, &format!("/rest/V1/salesRules/{id}"), None).await;
    assert_eq!(read, created);
    let updated = ok(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/salesRules/{id}"),
        Some(json!({"rule": {"discount_amount": "15", "is_active": false}})),
    )
    .await;
    assert_eq!((updated["discount_amount"].clone(), updated["is_active"].clone()), (json!(15), json!(false)));
    assert_eq!(updated["name"], "Ten off big carts", "unsent fields keep their value");

    let errors: [(Value, &str); 6] = [
        (json!({"simple_action": "buy_x_get_y"}), "simple_action"),
        (json!({"coupon_type": "SOMETIMES"}), "coupon_type"),
        (json!({"website_ids": [42]}), "website_ids"),
        (json!({"customer_group_ids": [99]}), "customer_group_ids"),
        (json!({"discount_amount": 150}), "discount_amount"),
        (json!({"from_date": "next tuesday"}), "from_date"),
    ];
    for (change, field) in errors {
        let mut body = rule("Bad", "by_percent", 5.0);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, err) =
            send(&server, &token, Method::POST, "/rest/V1/salesRules", Some(json!({ "rule": body }))).await;
        assert_eq!(status, 400, "{field}: {err}");
        assert_eq!(err["parameters"]["fieldName"], field, "{err}");
    }
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/salesRules",
        Some(json!({"rule": {"simple_action": "by_percent"}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["message"], "One or more input exceptions have occurred.");

    // Conditions storegate does not evaluate are refused, not ignored.
    let mut bad = rule("Qty", "by_percent", 5.0);
    bad["condition"] = json!({"condition_type": COMBINE, "conditions": [
        {"condition_type": ADDRESS, "attribute_name": "total_qty", "operator": ">=", "value": "3"}]});
    let (status, err) = send(&server, &token, Method::POST, "/rest/V1/salesRules", Some(json!({ "rule": bad }))).await;
    assert_eq!(status, 400);
    assert_eq!(err["parameters"], json!([ADDRESS, "total_qty", ">="]));
    let mut bad = rule("Found", "by_percent", 5.0);
    bad["condition"] = json!({"condition_type": COMBINE, "conditions": [
        {"condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Found", "value": "1", "conditions": []}]});
    let (status, _) = send(&server, &token, Method::POST, "/rest/V1/salesRules", Some(json!({ "rule": bad }))).await;
    assert_eq!(status, 400);

    let found = ok(
        &server,
        &token,
        Method::GET,
        "/rest/V1/salesRules/search?searchCriteria[filter_groups][0][filters][0][field]=name&searchCriteria[filter_groups][0][filters][0][value]=Ten%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like",
        None,
    )
    .await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["rule_id"], id);

    assert_eq!(ok(&server, &token, Method::DELETE, &format!("/rest/V1/salesRules/{id}"), None).await, json!(true));
    let (status, err) = send(&server, &token, Method::GET, &format!("/rest/V1/salesRules/{id}"), None).await;
    assert_eq!((status, err["parameters"]["fieldName"].as_str()), (404, Some("rule_id")));
    let (status, _) = send(&server, &token, Method::DELETE, "/rest/V1/salesRules/999", None).await;
    assert_eq!(status, 404);
    let (status, _) =
        send(&server, &token, Method::PUT, "/rest/V1/salesRules/999", Some(json!({"rule": {"name": "x"}}))).await;
    assert_eq!(status, 404);
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[tokio::test(flavor = "multi_thread")]
async fn coupons_crud_generate_and_mass_delete() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let plain = create_rule(&server, &token, rule("Plain", "by_percent", 5.0)).await;
    let specific = create_rule(
        &server,
        &token,
        with(rule("Specific", "by_fixed", 5.0), json!({"coupon_type": "SPECIFIC_COUPON", "uses_per_coupon": 3})),
    )
    .await;
    let auto =
        create_rule(&server, &token, with(rule("Auto", "by_percent", 20.0), json!({"coupon_type": "AUTO"}))).await;

    let coupon = |rule_id: i64, code: &str| json!({"coupon": {"rule_id": rule_id, "code": code}});
    let (status, err) = send(&server, &token, Method::POST, "/rest/V1/coupons", Some(coupon(plain, "NOPE"))).await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Specified rule does not allow coupons")));
    let (status, err) = send(&server, &token, Method::POST, "/rest/V1/coupons", Some(coupon(auto, "MANUAL"))).await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Specified rule only allows auto generated coupons")));
    let (status, _) = send(&server, &token, Method::POST, "/rest/V1/coupons", Some(coupon(999, "X"))).await;
    assert_eq!(status, 404);

    let created = ok(&server, &token, Method::POST, "/rest/V1/coupons", Some(coupon(specific, "SAVE5"))).await;
    let id = created["coupon_id"].as_i64().unwrap();
    assert_eq!(created["code"], "SAVE5");
    assert_eq!(created["rule_id"], specific);
    assert_eq!(created["usage_limit"], 3, "the rule's uses_per_coupon");
    assert_eq!(created["times_used"], 0);
    assert_eq!(created["type"], 0);
    let (status, err) = send(&server, &token, Method::POST, "/rest/V1/coupons", Some(coupon(specific, "save5"))).await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Coupon with the same code already exists.")));

    let updated = ok(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/coupons/{id}"),
        Some(json!({"coupon": {"usage_limit": 1, "expiration_date": "2099-12-31"}})),
    )
    .await;
    assert_eq!((updated["usage_limit"].clone(), updated["expiration_date"].clone()), (json!(1), json!("2099-12-31")));
    assert_eq!(ok(&server, &token, Method::GET, &format!("/rest/V1/coupons/{id}"), None).await, updated);
    let (status, err) = send(&server, &token, Method::GET, "/rest/V1/coupons/999", None).await;
    assert_eq!((status, err["parameters"]["fieldName"].as_str()), (404, Some("coupon_id")));

    // Generation.
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": specific, "quantity": 2, "length": 8}})),
    )
    .await;
    assert_eq!(
        (status, err["message"].as_str()),
        (400, Some("Specified rule does not allow automatic coupon generation"))
    );
    let codes = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": auto, "quantity": 5, "length": 6, "format": "num",
            "prefix": "SUMMER-", "suffix": "-X", "delimiter_at_every": 3, "delimiter": "_"}})),
    )
    .await;
    let codes: Vec<String> = codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 5);
    for code in &codes {
        let body = code.strip_prefix("SUMMER-").and_then(|c| c.strip_suffix("-X")).unwrap();
        assert_eq!(body.len(), 7, "{code}");
        assert_eq!(&body[3..4], "_");
        assert!(body.replace('_', "").bytes().all(|b| b.is_ascii_digit()), "{code}");
    }
    let alpha = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": auto, "quantity": 3, "length": 10, "format": "alpha"}})),
    )
    .await;
    assert!(alpha.as_array().unwrap().iter().all(|c| c.as_str().unwrap().bytes().all(|b| b.is_ascii_uppercase())));
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": auto, "quantity": 50, "length": 1, "format": "num"}})),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    let (status, _) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": auto, "quantity": 1, "format": "emoji"}})),
    )
    .await;
    assert_eq!(status, 400);

    let generated = ok(
        &server,
        &token,
        Method::GET,
        &format!(
            "/rest/V1/coupons/search?searchCriteria[filter_groups][0][filters][0][field]=rule_id&searchCriteria[filter_groups][0][filters][0][value]={auto}"
        ),
        None,
    )
    .await;
    assert_eq!(generated["total_count"], 8);
    assert_eq!(generated["items"][0]["type"], 1);

    // Mass deletes: unknown codes are reported, or refuse everything when not ignored.
    let (status, err) = send(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/deleteByCodes",
        Some(json!({"codes": [codes[0], "GHOST"], "ignoreInvalidCoupons": false})),
    )
    .await;
    assert_eq!((status, err["message"].as_str()), (400, Some("Some coupons are invalid.")));
    let result = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/deleteByCodes",
        Some(json!({"codes": [codes[0].to_lowercase(), codes[1], "GHOST"]})),
    )
    .await;
    assert_eq!(result, json!({"failed_items": [], "missing_items": ["GHOST"]}));
    let first_generated = generated["items"][2]["coupon_id"].as_i64().unwrap();
    let result = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/deleteByIds",
        Some(json!({"ids": [first_generated, 4242]})),
    )
    .await;
    assert_eq!(result["missing_items"], json!(["4242"]));
    let left = ok(&server, &token, Method::GET, "/rest/V1/coupons/search", None).await;
    assert_eq!(left["total_count"], 6);

    assert_eq!(ok(&server, &token, Method::DELETE, &format!("/rest/V1/coupons/{id}"), None).await, json!(true));
    let (status, _) = send(&server, &token, Method::DELETE, &format!("/rest/V1/coupons/{id}"), None).await;
    assert_eq!(status, 404);
    // Deleting a rule deletes its coupons.
    ok(&server, &token, Method::DELETE, &format!("/rest/V1/salesRules/{auto}"), None).await;
    let left = ok(&server, &token, Method::GET, "/rest/V1/coupons/search", None).await;
    assert_eq!(left["total_count"], 0);
}

// The calculation -------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn discounts_percent_fixed_cart_fixed_and_conditions() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let lines = [line(1, "A", "2", "30"), line(2, "B", "1", "40"), line(3, "C", "1", "10")];

    // No rules: nothing.
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines).await;
    assert_eq!((t.subtotal, t.discount_amount, t.grand_total), (d("110"), Decimal::ZERO, d("115")));

    // 10% on SKU A or B when the subtotal is at least 100, labelled.
    let mut percent = rule("Ten", "by_percent", 10.0);
    percent["store_labels"] = json!([{"store_id": 1, "store_label": "Ten percent"}]);
    percent["condition"] = json!({"condition_type": COMBINE, "aggregator_type": "all", "value": "1", "conditions": [
        {"condition_type": ADDRESS, "attribute_name": "base_subtotal", "operator": ">=", "value": "100"}]});
    percent["action_condition"] = json!({"condition_type": PRODUCT_COMBINE, "aggregator_type": "all", "value": "1",
        "conditions": [{"condition_type": PRODUCT, "attribute_name": "sku", "operator": "()", "value": "A,B"}]});
    let percent_id = create_rule(&server, &token, percent).await;
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines).await;
    assert_eq!(t.lines[0].discount_amount, d("6"));
    assert_eq!(t.lines[0].discount_percent, d("10"));
    assert_eq!(t.lines[1].discount_amount, d("4"));
    assert_eq!(t.lines[2].discount_amount, Decimal::ZERO);
    assert_eq!(t.discount_amount, d("-10"));
    assert_eq!(t.applied_rule_ids, vec![percent_id]);
    assert_eq!(t.discount_description.as_deref(), Some("Ten percent"));
    assert_eq!(t.grand_total, d("105"));
    // Below the subtotal threshold the rule does not apply.
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines[1..]).await;
    assert!(t.applied_rule_ids.is_empty());
    // Nor for a customer group the rule does not name.
    let t = calculate(&server, &cx(2, None, None, "5", None), &lines).await;
    assert!(t.applied_rule_ids.is_empty());

    // A fixed amount per unit of C, after the percent rule (sort order), stopping later rules.
    let fixed = create_rule(
        &server,
        &token,
        with(
            rule("Two off C", "by_fixed", 2.0),
            json!({"sort_order": 1, "stop_rules_processing": true, "action_condition": {"condition_type": PRODUCT_COMBINE,
                "conditions": [{"condition_type": PRODUCT, "attribute_name": "sku", "operator": "==", "value": "C"}]}}),
        ),
    )
    .await;
    // A cart-wide fixed amount last: it reaches A and B only, because C stopped.
    let cart_fixed =
        create_rule(&server, &token, with(rule("Nine off", "cart_fixed", 9.0), json!({"sort_order": 2}))).await;
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines).await;
    assert_eq!(t.applied_rule_ids, vec![percent_id, fixed, cart_fixed]);
    assert_eq!(t.lines[2].discount_amount, d("2"));
    assert_eq!(t.lines[2].applied_rule_ids, vec![fixed]);
    // A: 54 left, B: 36 left; 9 spread as 5.40 and 3.60.
    assert_eq!(t.lines[0].discount_amount, d("11.4"));
    assert_eq!(t.lines[1].discount_amount, d("7.6"));
    assert_eq!(t.discount_amount, d("-21"));
    assert_eq!(t.grand_total, d("94"));

    // Inactive rules and rules outside their dates do not apply.
    ok(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/salesRules/{cart_fixed}"),
        Some(json!({"rule": {"is_active": false}})),
    )
    .await;
    ok(
        &server,
        &token,
        Method::PUT,
        &format!("/rest/V1/salesRules/{fixed}"),
        Some(json!({"rule": {"to_date": "2001-01-01"}})),
    )
    .await;
    let t = calculate(&server, &cx(1, None, None, "5", None), &lines).await;
    assert_eq!(t.applied_rule_ids, vec![percent_id]);
}

#[tokio::test(flavor = "multi_thread")]
async fn free_shipping_and_shipping_discounts() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let lines = [line(1, "A", "1", "80"), line(2, "B", "1", "20")];
    // Free shipping for matching items only: not while B is in the cart.
    let only_a = create_rule(
        &server,
        &token,
        with(
            rule("Ship A free", "by_percent", 0.0),
            json!({"simple_free_shipping": 1, "action_condition": {"condition_type": PRODUCT_COMBINE,
                "conditions": [{"condition_type": PRODUCT, "attribute_name": "sku", "operator": "==", "value": "A"}]}}),
        ),
    )
    .await;
    let t = calculate(&server, &cx(1, None, None, "10", None), &lines).await;
    assert!(!t.free_shipping);
    assert_eq!(t.shipping_amount, d("10"));
    let t = calculate(&server, &cx(1, None, None, "10", None), &lines[..1]).await;
    assert!(t.free_shipping);
    assert_eq!((t.shipping_amount, t.grand_total), (Decimal::ZERO, d("80")));
    ok(&server, &token, Method::DELETE, &format!("/rest/V1/salesRules/{only_a}"), None).await;

    // Half off shipping, applied to shipping.
    let half = create_rule(
        &server,
        &token,
        with(
            rule("Half shipping", "by_percent", 50.0),
            json!({"apply_to_shipping": true, "action_condition": {
            "condition_type": PRODUCT_COMBINE, "conditions": [
                {"condition_type": PRODUCT, "attribute_name": "sku", "operator": "==", "value": "nothing"}]}}),
        ),
    )
    .await;
    let t = calculate(&server, &cx(1, None, None, "10", None), &lines).await;
    assert_eq!(t.shipping_discount_amount, d("5"));
    assert_eq!(t.discount_amount, d("-5"));
    assert_eq!(t.applied_rule_ids, vec![half]);
    assert_eq!(t.grand_total, d("105"));

    // Free shipping for the whole shipment when the subtotal reaches 100.
    let free = create_rule(
        &server,
        &token,
        with(
            rule("Free over 100", "by_percent", 0.0),
            json!({"simple_free_shipping": "2", "condition": {
            "condition_type": COMBINE, "conditions": [
                {"condition_type": ADDRESS, "attribute_name": "base_subtotal", "operator": ">", "value": "99.99"}]}}),
        ),
    )
    .await;
    let t = calculate(&server, &cx(1, None, None, "10", None), &lines).await;
    assert!(t.free_shipping);
    assert_eq!((t.shipping_amount, t.shipping_discount_amount), (Decimal::ZERO, Decimal::ZERO));
    assert!(t.applied_rule_ids.contains(&free));
    assert_eq!(t.grand_total, d("100"));
}

#[tokio::test(flavor = "multi_thread")]
async fn coupons_apply_and_their_uses_are_limited() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let first = customer(&server, "first@example.com").await;
    let second = customer(&server, "second@example.com").await;
    let rule_id = create_rule(
        &server,
        &token,
        with(
            rule("Coupon ten", "by_percent", 10.0),
            json!({"coupon_type": "SPECIFIC_COUPON", "uses_per_coupon": 2, "uses_per_customer": 1,
                "store_labels": []}),
        ),
    )
    .await;
    ok(&server, &token, Method::POST, "/rest/V1/coupons", Some(json!({"coupon": {"rule_id": rule_id, "code": "TEN"}})))
        .await;
    let lines = [line(1, "A", "1", "50")];

    // Without the coupon the rule does not apply; with it, it does (any case).
    let t = calculate(&server, &cx(1, Some(first), None, "0", None), &lines).await;
    assert!(t.applied_rule_ids.is_empty());
    let t = calculate(&server, &cx(1, Some(first), Some("ten"), "0", None), &lines).await;
    assert_eq!(t.applied_rule_ids, vec![rule_id]);
    assert_eq!(t.coupon_code.as_deref(), Some("ten"));
    assert_eq!(t.discount_description.as_deref(), Some("ten"));
    assert_eq!(t.discount_amount, d("-5"));
    let mut r = server.db.reader().await.unwrap();
    pricing::check_coupon(&mut r, server.tenant, &cx(1, Some(first), None, "0", None), &lines, "TEN").await.unwrap();
    let err = pricing::check_coupon(&mut r, server.tenant, &cx(1, Some(first), None, "0", None), &lines, "NOPE")
        .await
        .unwrap_err();
    assert_eq!(err.message(), "The coupon code \"NOPE\" is not valid.");
    // Not for a group the rule does not name.
    assert!(
        pricing::check_coupon(&mut r, server.tenant, &cx(3, Some(first), None, "0", None), &lines, "TEN")
            .await
            .is_err()
    );
    drop(r);

    // The first customer uses it once; a second time is refused (uses per customer).
    let placed = place(&server, &cx(1, Some(first), Some("TEN"), "0", None), &lines).await.unwrap();
    assert_eq!(placed.coupon_code.as_deref(), Some("TEN"));
    let t = calculate(&server, &cx(1, Some(first), Some("TEN"), "0", None), &lines).await;
    assert!(t.applied_rule_ids.is_empty() && t.coupon_code.is_none());
    // The second customer uses the coupon's second and last use (uses per coupon).
    place(&server, &cx(1, Some(second), Some("TEN"), "0", None), &lines).await.unwrap();
    let t = calculate(&server, &cx(0, None, Some("TEN"), "0", None), &lines).await;
    assert!(t.coupon_code.is_none(), "the coupon is used up");
    let coupon = ok(&server, &token, Method::GET, "/rest/V1/coupons/search", None).await;
    assert_eq!(coupon["items"][0]["times_used"], 2);
    let read = ok(&server, &token, Method::GET, &format!("/rest/V1/salesRules/{rule_id}"), None).await;
    assert_eq!(read["times_used"], 2);

    // Totals computed before the limit was reached are refused when the order is placed.
    ok(&server, &token, Method::PUT, "/rest/V1/coupons/1", Some(json!({"coupon": {"usage_limit": 3}}))).await;
    let guest = cx(0, None, Some("TEN"), "0", None);
    let stale = calculate(&server, &guest, &lines).await;
    assert_eq!(stale.coupon_code.as_deref(), Some("TEN"));
    place(&server, &guest, &lines).await.unwrap();
    let mut tx = server.db.begin().await.unwrap();
    let err = pricing::record_usage(&mut tx, server.tenant, &stale, None).await.unwrap_err();
    assert_eq!(err.message(), "The coupon code \"TEN\" is not valid.");
    drop(tx);
    let coupon = ok(&server, &token, Method::GET, "/rest/V1/coupons/1", None).await;
    assert_eq!(coupon["times_used"], 3, "the refused use was rolled back");

    // A rule without coupon limited per customer.
    let once = create_rule(
        &server,
        &token,
        with(rule("Once each", "by_fixed", 1.0), json!({"uses_per_customer": 1, "sort_order": 5})),
    )
    .await;
    let t = place(&server, &cx(1, Some(first), None, "0", None), &lines).await.unwrap();
    assert_eq!(t.applied_rule_ids, vec![once]);
    let t = calculate(&server, &cx(1, Some(first), None, "0", None), &lines).await;
    assert!(t.applied_rule_ids.is_empty());
    let t = calculate(&server, &cx(1, Some(second), None, "0", None), &lines).await;
    assert_eq!(t.applied_rule_ids, vec![once]);
    let mut tx = server.db.begin().await.unwrap();
    let err = pricing::record_usage(
        &mut tx,
        server.tenant,
        &Totals { applied_rule_ids: vec![once], ..t.clone() },
        Some(first),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, storegate_types::ErrorCode::SalesRuleUsageExceeded);
}

#[tokio::test(flavor = "multi_thread")]
async fn racing_orders_never_exceed_a_coupons_uses() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let rule_id = create_rule(
        &server,
        &token,
        with(rule("Last three", "by_percent", 50.0), json!({"coupon_type": "SPECIFIC_COUPON", "uses_per_coupon": 3})),
    )
    .await;
    ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons",
        Some(json!({"coupon": {"rule_id": rule_id, "code": "LAST3"}})),
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = server.db.clone();
        let tenant = server.tenant;
        tasks.push(tokio::spawn(async move {
            let cx = cx(0, None, Some("LAST3"), "0", None);
            let lines = [line(i, "A", "1", "20")];
            let mut tx = db.begin().await.unwrap();
            let totals = pricing::calculate(&mut tx, tenant, &cx, &lines).await?;
            pricing::record_usage(&mut tx, tenant, &totals, None).await?;
            tx.commit().await.unwrap();
            Ok::<_, storegate_types::ApiError>(totals.coupon_code.is_some())
        }));
    }
    let mut discounted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(true) => discounted += 1,
            Ok(false) => {}
            Err(e) => assert_eq!(e.message(), "The coupon code \"LAST3\" is not valid."),
        }
    }
    assert_eq!(discounted, 3, "exactly the coupon's three uses were granted");
    let coupon = ok(&server, &token, Method::GET, "/rest/V1/coupons/1", None).await;
    assert_eq!(coupon["times_used"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_tax_class_in_use_cannot_be_deleted() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let class = ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "Books", "class_type": "PRODUCT"}})),
    )
    .await;
    let class = class.as_str().unwrap().to_owned();
    ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/products",
        Some(json!({"product": {"sku": "BOOK-1", "name": "Book", "price": 12, "attribute_set_id": 4,
            "type_id": "simple", "custom_attributes": [{"attribute_code": "tax_class_id", "value": class}]}})),
    )
    .await;
    // The catalog's product save resolves select values through attribute options, so the
    // value is set as the import writes it: the tax class id itself.
    server
        .db
        .execute(storegate_db::sql!(
            "UPDATE product_attribute_values SET value = $1 WHERE tenant_id = $2 AND attribute_code = 'tax_class_id'",
            class.clone(),
            server.tenant.0
        ))
        .await
        .unwrap();
    let (status, err) = send(&server, &token, Method::DELETE, &format!("/rest/V1/taxClasses/{class}"), None).await;
    assert_eq!(status, 400);
    assert_eq!(err["message"], "You cannot delete this tax class because it is used in existing products.");
}

#[tokio::test(flavor = "multi_thread")]
async fn pricing_writes_are_audited() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/taxClasses",
        Some(json!({"taxClass": {"class_name": "Books", "class_type": "PRODUCT"}})),
    )
    .await;
    let rule_id =
        create_rule(&server, &token, with(rule("Audited", "by_percent", 5.0), json!({"coupon_type": "AUTO"}))).await;
    ok(
        &server,
        &token,
        Method::POST,
        "/rest/V1/coupons/generate",
        Some(json!({"couponSpec": {"rule_id": rule_id, "quantity": 2, "length": 8}})),
    )
    .await;
    let (status, _) = send(&server, &token, Method::DELETE, "/rest/V1/taxRates/99", None).await;
    assert_eq!(status, 404);
    let rows = server.db.fetch_all(storegate_db::sql!("SELECT sentence FROM audit_log ORDER BY id")).await.unwrap();
    let sentences: Vec<String> = rows.iter().map(|r| r.at::<String>(0).unwrap()).collect();
    for expected in [
        "admin admin created PRODUCT tax class Books".to_owned(),
        format!("admin admin created cart price rule {rule_id} (Audited)"),
        format!("admin admin generated 2 coupons for cart price rule {rule_id}"),
        "admin admin tried \"Delete a tax rate that no tax rule uses\" and failed: No such entity with taxRateId = %fieldValue"
            .to_owned(),
    ] {
        assert!(sentences.iter().any(|s| s == &expected), "{expected} not in {sentences:?}");
    }
}
