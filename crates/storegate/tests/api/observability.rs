use crate::helpers::{TestServer, status_json};

#[tokio::test(flavor = "multi_thread")]
async fn health_ready_and_metrics() {
    let server = TestServer::start().await;
    let (status, body) = status_json(server.get("/health", None).await).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = status_json(server.get("/ready", None).await).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));

    let metrics = server.get("/metrics", None).await;
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    assert!(text.contains("storegate_requests_total{operation=\"system.health\",status=\"200\"}"), "{text}");
    assert!(text.contains("storegate_request_duration_seconds_bucket{operation=\"system.ready\""), "{text}");
    assert!(text.contains("storegate_db_pool_connections"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn request_ids_are_the_servers_own_and_a_clients_id_is_a_correlation_id() {
    let server = TestServer::start().await;
    // Two requests carrying the same client id get two different request ids; the client's
    // id comes back as the correlation id.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = server.client.get(server.url("/health")).header("X-Request-Id", "abc-123.def:4").send().await.unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(id, "abc-123.def:4");
        assert_eq!(id.len(), 32);
        assert_eq!(r.headers()["x-correlation-id"], "abc-123.def:4");
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
    let r = server.client.get(server.url("/health")).header("X-Correlation-Id", "job-7").send().await.unwrap();
    assert_eq!(r.headers()["x-correlation-id"], "job-7");
    // An id that is not visible, safe text is not echoed anywhere.
    let r = server.client.get(server.url("/health")).header("X-Request-Id", "bad id with spaces").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"].len(), 32);
    assert!(r.headers().get("x-correlation-id").is_none());
    let long = "a".repeat(200);
    let r = server.client.get(server.url("/nowhere")).header("X-Request-Id", &long).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_ne!(r.headers()["x-request-id"], long.as_str());
    assert!(r.headers().get("x-correlation-id").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_is_nosniff_and_credentials_are_never_cached() {
    let server = TestServer::start().await;
    for path in ["/health", "/rest/V1/products/none", "/nowhere", "/rest/schema"] {
        let r = server.get(path, None).await;
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    // A token, and a refused sign-in, are both no-store.
    for password in [crate::helpers::ADMIN_PASSWORD, "wrong-password1"] {
        let r = server.token_for("admin", password).await;
        assert_eq!(r.headers()["cache-control"], "no-store", "{}", r.status());
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    }
    // Ordinary reads are left to the client.
    let token = server.admin_token().await;
    let r = server.get("/rest/V1/store/storeViews", Some(&token)).await;
    assert!(r.headers().get("cache-control").is_none());
}
