use crate::helpers::{TestServer, status_json};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn store_codes_in_the_path() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (status, views) = status_json(server.get("/rest/V1/store/storeViews", Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        views,
        json!([
            {"id": 0, "code": "admin", "name": "Admin", "website_id": 0, "store_group_id": 0, "is_active": 1},
            {"id": 1, "code": "default", "name": "Default Store View", "website_id": 1, "store_group_id": 1, "is_active": 1}
        ])
    );
    let (status, same) = status_json(server.get("/rest/default/V1/store/storeViews", Some(&token)).await).await;
    assert_eq!((status, &same), (200, &views));

    let (status, body) = status_json(server.get("/rest/all/V1/store/storeViews", Some(&token)).await).await;
    assert_eq!((status, body), (400, json!({"message": "Cannot perform GET operation with store code 'all'"})));
    // Without a token the ACL answers first, as in Magento.
    assert_eq!(server.get("/rest/all/V1/store/storeViews", None).await.status(), 401);

    let (status, body) = status_json(server.get("/rest/nosuchstore/V1/store/storeViews", Some(&token)).await).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("Request does not match any route.")));
    // The admin view is not addressable by its code.
    assert_eq!(server.get("/rest/admin/V1/store/storeViews", Some(&token)).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn websites_groups_and_configs() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (_, websites) = status_json(server.get("/rest/V1/store/websites", Some(&token)).await).await;
    assert_eq!(websites[1], json!({"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}));
    let (_, groups) = status_json(server.get("/rest/V1/store/storeGroups", Some(&token)).await).await;
    assert_eq!(groups[1]["root_category_id"], 2);
    assert_eq!(groups[1]["code"], "main_website_store");
    let (_, configs) =
        status_json(server.get("/rest/V1/store/storeConfigs?storeCodes[]=default", Some(&token)).await).await;
    assert_eq!(configs.as_array().unwrap().len(), 1);
    assert_eq!(configs[0]["code"], "default");
    assert_eq!(configs[0]["base_currency_code"], "USD");
    assert_eq!(configs[0]["locale"], "en_US");
    assert!(configs[0]["base_media_url"].as_str().unwrap().ends_with("/media/"));
    let (_, none) = status_json(server.get("/rest/V1/store/storeConfigs?storeCodes[]=nope", Some(&token)).await).await;
    assert_eq!(none, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_operation() {
    let server = TestServer::start().await;
    let (status, doc) = status_json(server.get("/rest/schema", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            ids.push(op["operationId"].as_str().unwrap().to_owned());
        }
    }
    for op in storegate_api::operations() {
        assert!(ids.contains(&op.spec().id.to_owned()), "{} missing", op.spec().id);
    }
    let get = &doc["paths"]["/rest/V1/products/{sku}"]["get"];
    assert_eq!(get["x-storegate-acl"], "Magento_Catalog::products");
    assert_eq!(get["parameters"][0]["name"], "sku");
}
