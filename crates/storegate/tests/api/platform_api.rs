//! The platform API (`/api/v1`) over real HTTP: sessions, stores, personal access tokens,
//! problem+json errors, and the one decision weighing a token's effective grants.

use crate::carts::call;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate_db::sql;
use storegate_platform::{Role, accounts, members, stores};

const OWNER: &str = "owner@example.com";
const OWNER_PASSWORD: &str = "Owner-password-1234";
const DEV: &str = "dev@example.com";
const DEV_PASSWORD: &str = "Developer-password-1234";

/// A server with an owner account holding the `default` store, and a developer member.
async fn server() -> (TestServer, i64) {
    server_with(|_| {}).await
}

async fn server_with(adjust: impl FnOnce(&mut storegate::config::Config)) -> (TestServer, i64) {
    let server = TestServer::start_with(adjust).await;
    let now = time::OffsetDateTime::now_utc();
    let mut tx = server.db.begin().await.unwrap();
    let owner = accounts::create(
        &mut tx,
        &accounts::NewAccount { email: OWNER, password: OWNER_PASSWORD, name: Some("Owner") },
        now,
    )
    .await
    .unwrap();
    accounts::create(&mut tx, &accounts::NewAccount { email: DEV, password: DEV_PASSWORD, name: None }, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let store = stores::ensure_default(&server.db, owner.id, now).await.unwrap();
    let mut tx = server.db.begin().await.unwrap();
    members::add(&mut tx, store.id, DEV, Role::Developer, now).await.unwrap();
    tx.commit().await.unwrap();
    (server, store.id)
}

async fn sign_in(server: &TestServer, email: &str, password: &str) -> String {
    let body = json!({"email": email, "password": password});
    let (status, out) = call(server, Method::POST, "/api/v1/auth/sessions", None, Some(body)).await;
    assert_eq!(status, 200, "{out}");
    assert!(out["expires_at"].as_str().is_some(), "{out}");
    out["token"].as_str().unwrap().to_owned()
}

async fn create_token(server: &TestServer, session: &str, scopes: &[&str]) -> (String, i64) {
    let body = json!({"name": "ci", "stores": ["default"], "scopes": scopes});
    let (status, out) = call(server, Method::POST, "/api/v1/tokens", Some(session), Some(body)).await;
    assert_eq!(status, 200, "{out}");
    (out["token"].as_str().unwrap().to_owned(), out["id"].as_i64().unwrap())
}

/// Asserts an RFC 9457 problem with our extensions; answers the body.
async fn assert_problem(r: reqwest::Response, status: u16, code: &str, instance: &str) -> Value {
    assert_eq!(r.status().as_u16(), status);
    let headers = r.headers().clone();
    assert_eq!(headers["content-type"], "application/problem+json");
    if status == 401 {
        assert_eq!(headers["www-authenticate"], "Bearer");
    }
    let request_id = headers["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    let kebab: String = code.chars().enumerate().fold(String::new(), |mut s, (i, c)| {
        if c.is_ascii_uppercase() && i > 0 {
            s.push('-');
        }
        s.push(c.to_ascii_lowercase());
        s
    });
    assert_eq!(body["type"], format!("https://storegate.dev/problems/{kebab}"), "{body}");
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
    assert_eq!(body["instance"], instance, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["request_id"], request_id, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_api_sessions_sign_in_and_refuse_bad_passwords_as_problems() {
    let (server, _) = server().await;
    let bad = json!({"email": OWNER, "password": "wrong-password-123"});
    let r = server.send(Method::POST, "/api/v1/auth/sessions", None, Some(bad)).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body = assert_problem(r, 401, "InvalidCredentials", "/api/v1/auth/sessions").await;
    assert!(body.get("errors").is_none());
    // Missing fields: a validation problem pointing at each.
    let r = server.send(Method::POST, "/api/v1/auth/sessions", None, Some(json!({}))).await;
    let body = assert_problem(r, 400, "InputErrors", "/api/v1/auth/sessions").await;
    let pointers: Vec<&str> =
        body["errors"].as_array().unwrap().iter().map(|e| e["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/email", "/password"]);
    assert!(body["errors"][0]["detail"].as_str().unwrap().contains("email"));
    // Unknown routes and tokens are problems too.
    let r = server.send(Method::GET, "/api/v1/nope", None, None).await;
    assert_problem(r, 404, "RouteNotFound", "/api/v1/nope").await;
    let r = server.get("/api/v1/tokens", Some("sg_ses_not-a-session")).await;
    assert_problem(r, 401, "PlatformTokenInvalid", "/api/v1/tokens").await;
    let r = server.get("/api/v1/tokens", None).await;
    assert_problem(r, 401, "Unauthenticated", "/api/v1/tokens").await;

    let session = sign_in(&server, OWNER, OWNER_PASSWORD).await;
    let (status, list) = call(&server, Method::GET, "/api/v1/stores", Some(&session), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["code"], "default");
    assert!(list[0]["scopes"].as_array().unwrap().contains(&json!("members:write")));
    let (status, one) = call(&server, Method::GET, "/api/v1/stores/default", Some(&session), None).await;
    assert_eq!((status, &one["code"]), (200, &json!("default")), "{one}");
    // Signing out ends the session at once.
    let (status, _) = call(&server, Method::DELETE, "/api/v1/auth/sessions/current", Some(&session), None).await;
    assert_eq!(status, 200);
    let r = server.get("/api/v1/stores", Some(&session)).await;
    assert_problem(r, 401, "PlatformTokenInvalid", "/api/v1/stores").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_api_token_lifecycle_create_use_list_revoke() {
    let (server, _) = server().await;
    let session = sign_in(&server, OWNER, OWNER_PASSWORD).await;
    let (token, id) = create_token(&server, &session, &["stores:read", "products:read"]).await;
    assert!(token.starts_with("sg_pat_live_"));
    // Use it.
    let (status, stores) = call(&server, Method::GET, "/api/v1/stores", Some(&token), None).await;
    assert_eq!(status, 200, "{stores}");
    assert_eq!(stores[0]["scopes"], json!(["stores:read", "products:read"]));
    let (status, _) = call(&server, Method::GET, "/api/v1/stores/default", Some(&token), None).await;
    assert_eq!(status, 200);
    // Listed by prefix and last four, never the secret, by a session or the token itself.
    for caller in [&session, &token] {
        let r = server.get("/api/v1/tokens", Some(caller)).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        assert!(!text.contains(&token), "the secret is listed: {text}");
        let list: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(list[0]["id"], id);
        assert_eq!(list[0]["prefix"], "sg_pat_live_");
        assert_eq!(list[0]["last4"], &token[token.len() - 4..]);
        assert_eq!(list[0]["active"], true);
    }
    let (status, one) = call(&server, Method::GET, &format!("/api/v1/tokens/{id}"), Some(&token), None).await;
    assert_eq!((status, &one["name"]), (200, &json!("ci")));
    assert!(one.get("token").is_none());
    // A token may not revoke (or create, or rotate) tokens: only a session may.
    let r = server.send(Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&token), None).await;
    assert_problem(r, 403, "Forbidden", &format!("/api/v1/tokens/{id}")).await;
    // Rotation: a new secret; the old one, with no grace, is refused at once.
    let (status, rotated) =
        call(&server, Method::POST, &format!("/api/v1/tokens/{id}/rotate"), Some(&session), Some(json!({}))).await;
    assert_eq!(status, 200, "{rotated}");
    let new_token = rotated["token"].as_str().unwrap().to_owned();
    let new_id = rotated["id"].as_i64().unwrap();
    assert_eq!(rotated["rotated_from"], id);
    let r = server.get("/api/v1/stores", Some(&token)).await;
    assert_problem(r, 401, "PlatformTokenInvalid", "/api/v1/stores").await;
    assert_eq!(server.get("/api/v1/stores", Some(&new_token)).await.status(), 200);
    // Revoked: refused at once.
    let (status, revoked) =
        call(&server, Method::DELETE, &format!("/api/v1/tokens/{new_id}"), Some(&session), None).await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["active"], false);
    let r = server.get("/api/v1/stores", Some(&new_token)).await;
    assert_problem(r, 401, "PlatformTokenInvalid", "/api/v1/stores").await;
    // The writes are audited, naming the account by id and the token by id, never a secret.
    let rows = server
        .db
        .fetch_all(sql!("SELECT sentence FROM audit_log WHERE operation_id LIKE $1 ORDER BY id", "platform.%"))
        .await
        .unwrap();
    let sentences: Vec<String> = rows.iter().map(|r| r.at::<String>(0).unwrap()).collect();
    let owner_id = accounts::by_email(&mut server.db.clone(), OWNER).await.unwrap().unwrap().id;
    let revoked_sentence = format!("account #{owner_id} revoked personal access token #{new_id}");
    assert!(sentences.contains(&revoked_sentence), "{sentences:?}");
    assert!(sentences.iter().any(|s| s.contains(&format!("rotated personal access token #{id} into #{new_id}"))));
    assert!(sentences.iter().all(|s| !s.contains("sg_pat_") && !s.contains(OWNER)), "{sentences:?}");
    // Bad input is a problem naming the field, never a 500.
    let bad = json!({"name": "x", "stores": ["default"], "scopes": ["products:admin"]});
    let r = server.send(Method::POST, "/api/v1/tokens", Some(&session), Some(bad)).await;
    let body = assert_problem(r, 400, "InvalidFieldValue", "/api/v1/tokens").await;
    assert_eq!(body["errors"][0]["pointer"], "/scopes");
    for raw in
        ["{not json", "[1, 2]", r#"{"name": "x", "stores": ["default"], "scopes": ["products:read"], "oops": 1}"#]
    {
        let r = server
            .client
            .post(server.url("/api/v1/tokens"))
            .bearer_auth(&session)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{raw}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{raw}");
    }
    let r = server.get("/api/v1/tokens/abc", Some(&session)).await;
    assert_problem(r, 400, "InvalidFieldValue", "/api/v1/tokens/abc").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_api_scopes_roles_memberships_and_expiry_are_enforced() {
    let (server, store_id) = server().await;
    let owner = sign_in(&server, OWNER, OWNER_PASSWORD).await;
    let (products_only, _) = create_token(&server, &owner, &["products:read"]).await;
    // products:read does not reach the store's record (stores:read) …
    let r = server.get("/api/v1/stores/default", Some(&products_only)).await;
    assert_problem(r, 403, "Forbidden", "/api/v1/stores/default").await;
    // … and a token never manages tokens.
    let body = json!({"name": "more", "stores": ["default"], "scopes": ["products:read"]});
    let r = server.send(Method::POST, "/api/v1/tokens", Some(&products_only), Some(body)).await;
    assert_problem(r, 403, "Forbidden", "/api/v1/tokens").await;
    // A store the caller does not reach is refused alike, existing or not.
    let r = server.get("/api/v1/stores/elsewhere", Some(&owner)).await;
    assert_problem(r, 403, "Forbidden", "/api/v1/stores/elsewhere").await;

    // A developer may not grant members:write (its role allows less).
    let dev = sign_in(&server, DEV, DEV_PASSWORD).await;
    let body = json!({"name": "x", "stores": ["default"], "scopes": ["members:write"]});
    let r = server.send(Method::POST, "/api/v1/tokens", Some(&dev), Some(body)).await;
    assert_problem(r, 403, "PlatformScopeExceedsRole", "/api/v1/tokens").await;
    let (dev_token, dev_token_id) = create_token(&server, &dev, &["stores:read"]).await;
    assert_eq!(server.get("/api/v1/stores/default", Some(&dev_token)).await.status(), 200);
    // A removed membership takes effect on the next request.
    let mut tx = server.db.begin().await.unwrap();
    let dev_id = accounts::by_email(&mut tx, DEV).await.unwrap().unwrap().id;
    members::remove(&mut tx, store_id, dev_id).await.unwrap();
    tx.commit().await.unwrap();
    let r = server.get("/api/v1/stores/default", Some(&dev_token)).await;
    assert_problem(r, 403, "Forbidden", "/api/v1/stores/default").await;
    let (status, none) = call(&server, Method::GET, "/api/v1/stores", Some(&dev_token), None).await;
    assert_eq!((status, none), (200, json!([])));

    // An expired token is refused.
    server
        .db
        .execute(sql!(
            "UPDATE personal_access_tokens SET expires_at = $1 WHERE id = $2",
            "2001-01-01 00:00:00",
            dev_token_id
        ))
        .await
        .unwrap();
    let r = server.get("/api/v1/stores", Some(&dev_token)).await;
    assert_problem(r, 401, "PlatformTokenInvalid", "/api/v1/stores").await;

    // Platform credentials do not reach the Magento surface: Magento's error shape.
    let (status, body) =
        status_json(server.get("/rest/V1/products?searchCriteria[pageSize]=1", Some(&products_only)).await).await;
    assert!(status == 401 || status == 403, "{status} {body}");
    assert!(body["message"].as_str().is_some(), "{body}");
    assert!(body.get("type").is_none(), "{body}");
    let (status, _) = status_json(server.get("/rest/V1/products?searchCriteria[pageSize]=1", Some(&owner)).await).await;
    assert!(status == 401 || status == 403);

    // Denials are audited, with the token named.
    let denied: i64 = server
        .db
        .fetch_optional(sql!(
            "SELECT COUNT(*) FROM audit_log WHERE decision = $1 AND principal_kind = $2",
            "denied",
            "personal_token"
        ))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    assert!(denied >= 3, "{denied}");
}

#[tokio::test(flavor = "multi_thread")]
async fn platform_api_sign_ins_are_rate_limited_per_account() {
    let (server, _) =
        server_with(|c| c.rates.set(storegate_api::Policy::SignInPerAccount, "3/m".parse().expect("a rate"))).await;
    let bad = json!({"email": OWNER, "password": "wrong-password-123"});
    for _ in 0..3 {
        let r = server.send(Method::POST, "/api/v1/auth/sessions", None, Some(bad.clone())).await;
        assert_eq!(r.status(), 401);
    }
    // The account is named case-insensitively: another spelling shares the count.
    let other_case = json!({"email": "Owner@Example.com", "password": OWNER_PASSWORD});
    let r = server.send(Method::POST, "/api/v1/auth/sessions", None, Some(other_case)).await;
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    let body = assert_problem(r, 429, "TooManyRequests", "/api/v1/auth/sessions").await;
    assert!(body["detail"].as_str().unwrap().starts_with("Too many requests. Try again in"), "{body}");
    // Another account is not held back.
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/auth/sessions",
        None,
        Some(json!({"email": DEV, "password": DEV_PASSWORD})),
    )
    .await;
    assert_eq!(status, 200);
}
