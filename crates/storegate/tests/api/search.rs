//! searchCriteria over real HTTP, on the product list: every spelling clients send, paging,
//! sorting, custom attributes, and the refusals.

use crate::helpers::{TestServer, status_json};
use serde_json::{Value, json};
use storegate_domain::progress::Silent;
use storegate_domain::seed::{self, DemoSpec};

async fn demo_server() -> (TestServer, String) {
    let server = TestServer::start().await;
    let spec = DemoSpec { products: 300, customers: 5, seed: 7 };
    seed::generate(&server.db, server.tenant, &server.crypto, &spec, &Silent).await.unwrap();
    let token = server.admin_token().await;
    (server, token)
}

fn skus(body: &Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|p| p["sku"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn without_criteria_everything_up_to_the_maximum() {
    let (server, token) = demo_server().await;
    for path in ["/rest/V1/products", "/rest/V1/products?searchCriteria=", "/rest/V1/products/?searchCriteria="] {
        let (status, body) = status_json(server.get(path, Some(&token)).await).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body["total_count"], 300, "{path}");
        assert_eq!(body["items"].as_array().unwrap().len(), 300);
        assert_eq!(body["search_criteria"], json!({"filter_groups": []}));
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["items", "search_criteria", "total_count"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_integration_guides_search_works_in_every_spelling() {
    let (server, token) = demo_server().await;
    let camel = "/rest/V1/products?searchCriteria[filterGroups][0][filters][0][field]=sku\
        &searchCriteria[filterGroups][0][filters][0][value]=%25MJ%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like\
        &searchCriteria[filterGroups][1][filters][0][field]=price&searchCriteria[filterGroups][1][filters][0][value]=20\
        &searchCriteria[filterGroups][1][filters][0][conditionType]=gteq&searchCriteria[pageSize]=5&searchCriteria[currentPage]=1";
    let snake = camel
        .replace("filterGroups", "filter_groups")
        .replace("conditionType", "condition_type")
        .replace("pageSize", "page_size")
        .replace("currentPage", "current_page")
        .replace("searchCriteria", "search_criteria");
    let encoded = camel.replace('[', "%5B").replace(']', "%5D");
    let mut results = Vec::new();
    for path in [camel.to_owned(), snake, encoded] {
        let (status, body) = status_json(server.get(&path, Some(&token)).await).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(body["total_count"].as_i64().unwrap() > 0);
        for p in body["items"].as_array().unwrap() {
            assert!(p["sku"].as_str().unwrap().contains("MJ"));
            assert!(p["price"].as_f64().unwrap() >= 20.0);
        }
        assert_eq!(body["search_criteria"]["filter_groups"][0]["filters"][0]["condition_type"], "like");
        assert_eq!(body["search_criteria"]["page_size"], 5);
        results.push((body["total_count"].clone(), skus(&body)));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "all spellings find the same products");
}

#[tokio::test(flavor = "multi_thread")]
async fn sorting_paging_and_a_page_past_the_end() {
    let (server, token) = demo_server().await;
    let base = "/rest/V1/products?searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=desc\
                &searchCriteria[pageSize]=50";
    let (_, page1) =
        status_json(server.get(&format!("{base}&searchCriteria[currentPage]=1"), Some(&token)).await).await;
    let (_, page2) =
        status_json(server.get(&format!("{base}&searchCriteria[currentPage]=2"), Some(&token)).await).await;
    let prices: Vec<f64> = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["items"].as_array().unwrap())
        .map(|p| p["price"].as_f64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "descending across pages");
    let overlap = skus(&page1).iter().filter(|s| skus(&page2).contains(s)).count();
    assert_eq!(overlap, 0, "pages never overlap");
    assert_eq!(page1["search_criteria"]["sort_orders"], json!([{"field": "price", "direction": "DESC"}]));

    let (status, past) =
        status_json(server.get(&format!("{base}&searchCriteria[currentPage]=99"), Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(past["items"], json!([]));
    assert_eq!(past["total_count"], 300);
    assert_eq!(past["search_criteria"]["current_page"], 99);
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_in_a_group_are_ored_and_groups_anded() {
    let (server, token) = demo_server().await;
    let (_, all) = status_json(server.get("/rest/V1/products?searchCriteria[pageSize]=2", Some(&token)).await).await;
    let (a, b) =
        (all["items"][0]["sku"].as_str().unwrap().to_owned(), all["items"][1]["sku"].as_str().unwrap().to_owned());
    let or = format!(
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]={a}\
         &searchCriteria[filter_groups][0][filters][1][field]=sku&searchCriteria[filter_groups][0][filters][1][value]={b}"
    );
    let (_, body) = status_json(server.get(&or, Some(&token)).await).await;
    assert_eq!(body["total_count"], 2);
    let and = format!(
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]={a}\
         &searchCriteria[filter_groups][1][filters][0][field]=sku&searchCriteria[filter_groups][1][filters][0][value]={b}"
    );
    let (_, body) = status_json(server.get(&and, Some(&token)).await).await;
    assert_eq!(body["total_count"], 0);
    let list = format!(
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]={a},{b}\
         &searchCriteria[filter_groups][0][filters][0][condition_type]=in"
    );
    assert_eq!(status_json(server.get(&list, Some(&token)).await).await.1["total_count"], 2);
    let not_list = list.replace("=in", "=nin");
    assert_eq!(status_json(server.get(&not_list, Some(&token)).await).await.1["total_count"], 298);
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_attributes_are_searchable() {
    let (server, token) = demo_server().await;
    let (_, p) = status_json(server.get("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id&searchCriteria[filter_groups][0][filters][0][value]=configurable&searchCriteria[pageSize]=1", Some(&token)).await).await;
    let child_id = p["items"][0]["extension_attributes"]["configurable_product_links"][0].as_i64().unwrap();
    let (_, child) = status_json(server.get(&format!("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=entity_id&searchCriteria[filter_groups][0][filters][0][value]={child_id}"), Some(&token)).await).await;
    let color = child["items"][0]["custom_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["attribute_code"] == "color")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = format!(
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=color&searchCriteria[filter_groups][0][filters][0][value]={color}"
    );
    let (status, body) = status_json(server.get(&q, Some(&token)).await).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["total_count"].as_i64().unwrap() >= 1);
    for item in body["items"].as_array().unwrap() {
        let c = item["custom_attributes"].as_array().unwrap().iter().find(|a| a["attribute_code"] == "color").unwrap();
        assert_eq!(c["value"], color.as_str());
    }
    // finset on a multiselect (material holds comma-separated option ids on parents).
    let material = p["items"][0]["custom_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["attribute_code"] == "material")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let q = format!(
        "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=material&searchCriteria[filter_groups][0][filters][0][value]={material}&searchCriteria[filter_groups][0][filters][0][condition_type]=finset"
    );
    let (status, body) = status_json(server.get(&q, Some(&token)).await).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["total_count"].as_i64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_criteria_get_magentos_400s() {
    let (server, token) = demo_server().await;
    let cases = [
        (
            "searchCriteria[filter_groups][0][filters][0][field]=nope&searchCriteria[filter_groups][0][filters][0][value]=1",
            json!({"message": "Invalid attribute name: %1", "parameters": ["nope"]}),
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=1&searchCriteria[filter_groups][0][filters][0][condition_type]=regexp",
            json!({"message": "The \"%1\" condition type is not supported.", "parameters": ["regexp"]}),
        ),
        (
            "searchCriteria[sortOrders][0][field]=sku&searchCriteria[sortOrders][0][direction]=up",
            json!({"message": "The sort order has to be specified as %1 for ascending order or %2 for descending order.", "parameters": ["ASC", "DESC"]}),
        ),
        (
            "searchCriteria[pageSize]=100000",
            json!({"message": "Maximum SearchCriteria pageSize is %1", "parameters": [1000]}),
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][field]=price&searchCriteria[filter_groups][0][filters][0][value]=cheap",
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "price", "value": "cheap"}}),
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][field]=sku%27%20OR%201%3D1--&searchCriteria[filter_groups][0][filters][0][value]=x",
            json!({"message": "Invalid attribute name: %1", "parameters": ["sku' OR 1=1--"]}),
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = status_json(server.get(&format!("/rest/V1/products?{query}"), Some(&token)).await).await;
        assert_eq!((status, &body), (400, &expected), "{query}");
    }
    // Hostile values are just values.
    let (status, body) = status_json(server.get("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=%27%3B%20DROP%20TABLE%20products%3B--", Some(&token)).await).await;
    assert_eq!((status, body["total_count"].clone()), (200, json!(0)));
    let (_, after) = status_json(server.get("/rest/V1/products?searchCriteria[pageSize]=1", Some(&token)).await).await;
    assert_eq!(after["total_count"], 300);
}
