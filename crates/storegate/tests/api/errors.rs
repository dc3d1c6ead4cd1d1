use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_wrong_methods() {
    let server = TestServer::start().await;
    let (status, body) = status_json(server.get("/rest/V1/nothing/here", None).await).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"message": "Request does not match any route."}));

    let r = server.send(Method::PATCH, "/rest/V1/products/abc", None, None).await;
    assert_eq!(r.status(), 405);
    let allow = r.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
    let (status, _) = status_json(server.send(Method::POST, "/rest/V1/store/storeViews", None, None).await).await;
    assert_eq!(status, 405);
}

#[tokio::test(flavor = "multi_thread")]
async fn magento_status_compat_answers_as_magento_does() {
    let server = TestServer::start_with(|c| c.magento_status_compat = true).await;
    let (status, body) = status_json(server.send(Method::PATCH, "/rest/V1/products/abc", None, None).await).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("Request does not match any route.")));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_get_clear_errors() {
    let server = TestServer::start_with(|c| c.body_limit = 2048).await;
    let url = server.url("/rest/V1/integration/admin/token");

    let r = server
        .client
        .post(&url)
        .header("Content-Type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body), (400, json!({"message": "Decoding error."})));

    let r = server.client.post(&url).header("Content-Type", "text/plain").body("username=admin").send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Server cannot understand Content-Type HTTP header media type %1", "parameters": ["text/plain"]})
    );

    let r = server.client.post(&url).body("{\"username\":\"a\"}").send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body["message"].as_str()), (400, Some("Content-Type header is empty.")));

    let r = server.client.post(&url).header("Content-Type", "application/json").body("[1,2,3]").send().await.unwrap();
    assert_eq!(r.status(), 400);

    let huge = format!("{{\"username\": \"{}\"}}", "x".repeat(10_000));
    let r = server.client.post(&url).header("Content-Type", "application/json").body(huge).send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 413);
    assert_eq!(body["parameters"], json!([2048]));

    let r = server
        .client
        .post(&url)
        .header("Content-Type", "application/json")
        .body(vec![0xff, 0xfe, b'{'])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "invalid UTF-8 is a decoding error");

    // Nothing above broke the server.
    assert_eq!(server.get("/health", None).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_utf8_in_a_path_parameter_is_a_400() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let (status, body) = status_json(server.get("/rest/V1/products/%FF%FE", Some(&token)).await).await;
    assert_eq!(status, 400, "{body}");
}
