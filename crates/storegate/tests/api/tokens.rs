use crate::helpers::{ADMIN, ADMIN_PASSWORD, TestServer, status_json};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;
use storegate_db::sql;

const SIGN_IN_REFUSED: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

#[tokio::test(flavor = "multi_thread")]
async fn admin_token_is_a_bare_string_that_opens_admin_routes() {
    let server = TestServer::start().await;
    let r = server.token_for(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let raw = r.text().await.unwrap();
    assert!(raw.starts_with('"') && raw.ends_with('"'), "a bare JSON string: {raw}");
    let token: String = serde_json::from_str(&raw).unwrap();
    assert_eq!(token.len(), 32);
    assert_eq!(server.get("/rest/V1/store/storeViews", Some(&token)).await.status(), 200);
    assert_eq!(server.get("/rest/V1/store/storeViews", Some("not-a-token")).await.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_credentials_read_the_same_for_known_and_unknown_users() {
    let server = TestServer::start().await;
    for (user, password) in [(ADMIN, "wrong-password1"), ("nobody", "whatever1")] {
        let (status, body) = status_json(server.token_for(user, password).await).await;
        assert_eq!(status, 401);
        assert_eq!(body, json!({"message": SIGN_IN_REFUSED}));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_credentials_are_reported_together() {
    let server = TestServer::start().await;
    let (status, body) =
        status_json(server.send(Method::POST, "/rest/V1/integration/admin/token", None, Some(json!({}))).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "One or more input exceptions have occurred.");
    assert_eq!(
        body["errors"][0],
        json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "username"}})
    );
    assert_eq!(body["errors"][1]["parameters"]["fieldName"], "password");

    let (status, body) = status_json(
        server.send(Method::POST, "/rest/V1/integration/admin/token", None, Some(json!({"username": "a"}))).await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}})
    );

    let (status, body) = status_json(
        server
            .send(
                Method::POST,
                "/rest/V1/integration/admin/token",
                None,
                Some(json!({"username": ["a"], "password": "b"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"]["fieldName"], "username");
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let server = TestServer::start_with(|c| c.lockout_failures = 3).await;
    for _ in 0..3 {
        assert_eq!(server.token_for(ADMIN, "wrong-password1").await.status(), 401);
    }
    let (status, body) = status_json(server.token_for(ADMIN, ADMIN_PASSWORD).await).await;
    assert_eq!((status, body["message"].as_str()), (401, Some(SIGN_IN_REFUSED)));
    // Another user is not affected.
    assert_eq!(server.token_for("someone-else", "nope12345").await.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_success_clears_earlier_failures() {
    let server = TestServer::start_with(|c| c.lockout_failures = 3).await;
    for _ in 0..2 {
        server.token_for(ADMIN, "wrong-password1").await;
    }
    assert_eq!(server.token_for(ADMIN, ADMIN_PASSWORD).await.status(), 200);
    for _ in 0..2 {
        server.token_for(ADMIN, "wrong-password1").await;
    }
    assert_eq!(server.token_for(ADMIN, ADMIN_PASSWORD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_expire() {
    // Expiry times are stored to the second, so a lifetime of N seconds lasts between N - 1
    // and N; 5 leaves a loaded machine 4 seconds for the first use.
    let server = TestServer::start_with(|c| c.admin_token_ttl = Duration::from_secs(5)).await;
    let token = server.admin_token().await;
    assert_eq!(server.get("/rest/V1/store/storeViews", Some(&token)).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(5100)).await;
    let (status, body) = status_json(server.get("/rest/V1/store/storeViews", Some(&token)).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["parameters"]["resources"], "Magento_Backend::store");
}

/// Tokens and passwords are stored only hashed: the raw tables never hold them.
#[tokio::test(flavor = "multi_thread")]
async fn tokens_and_passwords_are_stored_only_as_hashes() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let rows = server.db.fetch_all(sql!("SELECT token_hash FROM access_tokens")).await.unwrap();
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].at(0).unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, storegate_domain::tokens::hash(&token));
    let users = server.db.fetch_all(sql!("SELECT password_hash FROM admin_users")).await.unwrap();
    for u in users {
        let hash: String = u.at(0).unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains(ADMIN_PASSWORD));
    }
}

/// Customer tokens are stored hashed too, as kind `customer`, and last 1 hour by default.
#[tokio::test(flavor = "multi_thread")]
async fn customer_tokens_are_hashed_and_last_an_hour() {
    let server = TestServer::start().await;
    let body = json!({"customer": {"email": "hash@example.com", "firstname": "H", "lastname": "Ash"}, "password": "Hash-Pass-123"});
    assert_eq!(server.send(Method::POST, "/rest/V1/customers", None, Some(body)).await.status(), 200);
    let r = server
        .send(
            Method::POST,
            "/rest/V1/integration/customer/token",
            None,
            Some(json!({"username": "hash@example.com", "password": "Hash-Pass-123"})),
        )
        .await;
    assert_eq!(r.status(), 200);
    let token: String = r.json().await.unwrap();
    let row = server
        .db
        .fetch_optional(sql!("SELECT token_hash, kind, created_at, expires_at FROM access_tokens"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.get::<String>("token_hash").unwrap(), storegate_domain::tokens::hash(&token));
    assert_eq!(row.get::<String>("kind").unwrap(), "customer");
    let at = |c: &str| storegate_domain::clock::parse(&row.get::<String>(c).unwrap()).unwrap();
    assert_eq!((at("expires_at") - at("created_at")).whole_seconds(), 3600);
    let hash: String =
        server.db.fetch_optional(sql!("SELECT password_hash FROM customers")).await.unwrap().unwrap().at(0).unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("Hash-Pass-123"), "{hash}");
}
