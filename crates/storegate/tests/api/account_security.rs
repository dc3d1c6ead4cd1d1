//! Customer account changes that need proof (issue 12, items 7 and 8): changing the email
//! through `PUT /V1/customers/me` needs the current password and ends every session of the
//! account; anonymous registration cannot set `disable_auto_group_change`.

use crate::carts::call;
use crate::helpers::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "SecurePass123!";

async fn register(server: &TestServer, email: &str) -> Value {
    let body = json!({"customer": {"email": email, "firstname": "Ann", "lastname": "Lee"}, "password": PASSWORD});
    let (status, body) = call(server, Method::POST, "/rest/V1/customers", None, Some(body)).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn token(server: &TestServer, email: &str, password: &str) -> String {
    let body = json!({"username": email, "password": password});
    let (status, token) = call(server, Method::POST, "/rest/V1/integration/customer/token", None, Some(body)).await;
    assert_eq!(status, 200, "{token}");
    token.as_str().unwrap().to_owned()
}

fn edit(email: &str) -> Value {
    json!({"customer": {"email": email, "firstname": "Ann", "lastname": "Lee"}})
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_email_needs_the_current_password() {
    let server = TestServer::start().await;
    register(&server, "ann@example.com").await;
    let session = token(&server, "ann@example.com", PASSWORD).await;
    let me = "/rest/V1/customers/me";

    // Missing: Magento's required-field error, nothing changed.
    let (status, body) = call(&server, Method::PUT, me, Some(&session), Some(edit("thief@example.com"))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body,
        json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "current_password"}})
    );
    // Wrong: Magento's mismatch error, nothing changed.
    let mut wrong = edit("thief@example.com");
    wrong["current_password"] = json!("Not-the-password1");
    let (status, body) = call(&server, Method::PUT, me, Some(&session), Some(wrong)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "The password doesn't match this account. Verify the password and try again.");
    let (status, body) = call(&server, Method::GET, me, Some(&session), None).await;
    assert_eq!((status, body["email"].as_str()), (200, Some("ann@example.com")));

    // Other edits need no password.
    let mut rename = edit("ann@example.com");
    rename["customer"]["firstname"] = json!("Anne");
    let (status, body) = call(&server, Method::PUT, me, Some(&session), Some(rename)).await;
    assert_eq!((status, body["firstname"].as_str()), (200, Some("Anne")), "{body}");

    // Right (camelCase as Magento clients send it): the email changes.
    let other_session = token(&server, "ann@example.com", PASSWORD).await;
    let mut right = edit("ann.lee@example.com");
    right["currentPassword"] = json!(PASSWORD);
    let (status, body) = call(&server, Method::PUT, me, Some(&session), Some(right)).await;
    assert_eq!((status, body["email"].as_str()), (200, Some("ann.lee@example.com")), "{body}");

    // Every session of the account ended with the change, the one used included.
    for t in [&session, &other_session] {
        assert_eq!(server.get(me, Some(t)).await.status(), 401);
    }
    let fresh = token(&server, "ann.lee@example.com", PASSWORD).await;
    assert_eq!(server.get(me, Some(&fresh)).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_ends_every_session() {
    let server = TestServer::start().await;
    register(&server, "bo@example.com").await;
    let a = token(&server, "bo@example.com", PASSWORD).await;
    let b = token(&server, "bo@example.com", PASSWORD).await;
    let body = json!({"currentPassword": PASSWORD, "newPassword": "Another-pass42"});
    let (status, _) = call(&server, Method::PUT, "/rest/V1/customers/me/password", Some(&a), Some(body)).await;
    assert_eq!(status, 200);
    for t in [&a, &b] {
        assert_eq!(server.get("/rest/V1/customers/me", Some(t)).await.status(), 401);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_registration_cannot_disable_automatic_group_changes() {
    let server = TestServer::start().await;
    let body = json!({
        "customer": {"email": "cy@example.com", "firstname": "Cy", "lastname": "Ng", "group_id": 2, "disable_auto_group_change": 1},
        "password": PASSWORD
    });
    let (status, body) = call(&server, Method::POST, "/rest/V1/customers", None, Some(body)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["group_id"].as_i64(), body["disable_auto_group_change"].as_i64()), (Some(1), Some(0)));
    // An admin may still set it.
    let admin = server.admin_token().await;
    let path = format!("/rest/V1/customers/{}", body["id"]);
    let edit = json!({"customer": {"email": "cy@example.com", "firstname": "Cy", "lastname": "Ng", "disable_auto_group_change": 1}});
    let (status, body) = call(&server, Method::PUT, &path, Some(&admin), Some(edit)).await;
    assert_eq!((status, body["disable_auto_group_change"].as_i64()), (200, Some(1)), "{body}");
}
