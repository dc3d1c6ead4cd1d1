use crate::helpers::{TestServer, status_json};
use serde_json::json;
use storegate_db::sql;
use storegate_domain::admin::{self, NewAdmin};

/// Creates a role with `resources` and a user holding it; answers the user's token.
pub async fn user_with(server: &TestServer, role: &str, resources: &[&str]) -> String {
    let mut tx = server.db.begin().await.unwrap();
    let resources: Vec<String> = resources.iter().map(|r| r.to_string()).collect();
    admin::create_role(&mut tx, server.tenant, role, &resources).await.unwrap();
    let username = format!("{}-user", role.to_lowercase());
    admin::create_user(
        &mut tx,
        server.tenant,
        NewAdmin { username: &username, password: "limited123", email: None, role },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = server.token_for(&username, "limited123").await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_reaches_exactly_the_resources_of_its_role() {
    let server = TestServer::start().await;
    let token = user_with(&server, "Stores", &["Magento_Backend::store"]).await;
    assert_eq!(server.get("/rest/V1/store/storeViews", Some(&token)).await.status(), 200);
    let (status, body) = status_json(server.get("/rest/V1/products/anything", Some(&token)).await).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "Magento_Catalog::products"}})
    );
    // The parent of a resource does not grant it (Magento stores explicit per-resource rules).
    let parent = user_with(&server, "Parent", &["Magento_Catalog::catalog_inventory"]).await;
    assert_eq!(server.get("/rest/V1/products/anything", Some(&parent)).await.status(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_token_protected_routes_answer_401() {
    let server = TestServer::start().await;
    let (status, body) = status_json(server.get("/rest/V1/products/x", None).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["parameters"]["resources"], "Magento_Catalog::products");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_compat_turns_403_into_magentos_401() {
    let server = TestServer::start_with(|c| c.magento_status_compat = true).await;
    let token = user_with(&server, "Stores", &["Magento_Backend::store"]).await;
    let (status, body) = status_json(server.get("/rest/V1/products/anything", Some(&token)).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["message"], "The consumer isn't authorized to access %resources.");
}

#[tokio::test(flavor = "multi_thread")]
async fn denials_are_audited_with_the_reason() {
    let server = TestServer::start().await;
    let token = user_with(&server, "Stores", &["Magento_Backend::store"]).await;
    let r = server.get("/rest/V1/products/MB01", Some(&token)).await;
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let row = server
        .db
        .fetch_optional(sql!(
            "SELECT decision, reason, status, sentence, principal_name FROM audit_log WHERE request_id = $1",
            request_id
        ))
        .await
        .unwrap()
        .expect("the denial is audited");
    assert_eq!(row.get::<String>("decision").unwrap(), "denied");
    assert_eq!(row.get::<i64>("status").unwrap(), 403);
    assert_eq!(row.get::<String>("reason").unwrap(), "the role lacks Magento_Catalog::products");
    assert_eq!(row.get::<String>("principal_name").unwrap(), "admin stores-user");
    let sentence: String = row.get("sentence").unwrap();
    assert!(sentence.starts_with("admin stores-user was denied \"Get a product by SKU"), "{sentence}");
}
