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
async fn request_ids_are_echoed_when_valid_and_made_otherwise() {
    let server = TestServer::start().await;
    let r = server.client.get(server.url("/health")).header("X-Request-Id", "abc-123.def:4").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123.def:4");
    let r = server.client.get(server.url("/health")).header("X-Request-Id", "bad id with spaces").send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(id, "bad id with spaces");
    assert_eq!(id.len(), 32);
    let long = "a".repeat(200);
    let r = server.client.get(server.url("/nowhere")).header("X-Request-Id", &long).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_ne!(r.headers()["x-request-id"], long.as_str());
}
