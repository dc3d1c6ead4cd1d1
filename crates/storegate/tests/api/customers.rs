//! Customers over real HTTP: the integration guide's calls verbatim (customer token,
//! getCustomers, createCustomer), customer tokens with lockout, expiry and revocation,
//! self-service and admin routes, password change and reset, customer groups, and personal
//! data encrypted at rest.

use crate::carts::call;
use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use storegate_db::sql;

const PASSWORD: &str = "SecurePass123!";
const SIGN_IN_REFUSED: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

/// The integration guide's `createCustomer` body, built exactly as its code builds it.
fn guide_body(email: &str, firstname: &str, lastname: &str, password: &str) -> Value {
    json!({
        "customer": {
            "websiteId": 1,
            "email": email,
            "firstname": firstname,
            "lastname": lastname,
            "middlename": "",
            "gender": 0,
            "store_id": 0,
            "extension_attributes": {"is_subscribed": true}
        },
        "password": password
    })
}

async fn register(server: &TestServer, email: &str, firstname: &str, lastname: &str) -> Value {
    let (status, body) = status_json(
        server
            .send(Method::POST, "/rest/V1/customers", None, Some(guide_body(email, firstname, lastname, PASSWORD)))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn sign_in(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    server
        .send(
            Method::POST,
            "/rest/V1/integration/customer/token",
            None,
            Some(json!({"username": email, "password": password})),
        )
        .await
}

async fn customer_token(server: &TestServer, email: &str, password: &str) -> String {
    let r = sign_in(server, email, password).await;
    assert_eq!(r.status(), 200, "customer token for {email}");
    r.json::<String>().await.unwrap()
}

fn address(street: &str, city: &str, billing: bool, shipping: bool) -> Value {
    json!({
        "firstname": "John", "lastname": "Doe", "street": [street, "Apt 4"], "city": city,
        "region": {"region_code": "TX", "region": "Texas", "region_id": 57},
        "region_id": 57, "postcode": "78701", "country_id": "US", "telephone": "512-555-0100",
        "company": "Acme", "default_billing": billing, "default_shipping": shipping
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guides_create_customer_body_works_verbatim() {
    let server = TestServer::start().await;
    let body = register(&server, "newcustomer@example.com", "John", "Doe").await;
    assert!(body["id"].as_i64().unwrap() > 0);
    assert_eq!(body["email"], "newcustomer@example.com");
    assert_eq!((body["firstname"].as_str(), body["lastname"].as_str()), (Some("John"), Some("Doe")));
    assert_eq!(
        (body["group_id"].as_i64(), body["website_id"].as_i64(), body["store_id"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(body["created_in"], "Default Store View");
    assert_eq!(body["gender"], 0);
    assert_eq!(body["addresses"], json!([]));
    assert_eq!(body["disable_auto_group_change"], 0);
    assert_eq!(body["extension_attributes"], json!({"is_subscribed": true}));
    assert!(body.get("middlename").is_none(), "an empty middlename is no middlename: {body}");
    assert!(body.get("password").is_none() && body.get("password_hash").is_none());
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(&keys[..2], ["id", "group_id"]);

    // The guide sends it with an admin token; a group in the body is still ignored, since
    // the route is anonymous and a caller must not choose its own group.
    let admin = server.admin_token().await;
    let mut second = guide_body("second@example.com", "Jane", "Roe", PASSWORD);
    second["customer"]["group_id"] = json!(2);
    let (status, body) = call(&server, Method::POST, "/rest/V1/customers", Some(&admin), Some(second)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group_id"], 1);
    assert_eq!(body["extension_attributes"]["is_subscribed"], true);

    // The guide's own usage: its token call then signs the new customer in.
    let token = customer_token(&server, "newcustomer@example.com", PASSWORD).await;
    let (status, me) = call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await;
    assert_eq!((status, me["email"].as_str()), (200, Some("newcustomer@example.com")));

    // Writes are audited by id, never by email.
    let sentences: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT sentence FROM audit_log WHERE operation_id = 'customers.account.create' ORDER BY id"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.at(0).unwrap())
        .collect();
    assert_eq!(sentences.len(), 2);
    assert!(sentences[0].starts_with("an anonymous caller created customer account #"), "{sentences:?}");
    assert!(sentences.iter().all(|s| !s.contains('@')), "{sentences:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_tokens_are_bare_strings_and_refusals_read_the_same() {
    let server = TestServer::start().await;
    register(&server, "customer@example.com", "Ada", "Lovelace").await;
    let r = sign_in(&server, "customer@example.com", PASSWORD).await;
    assert_eq!(r.status(), 200);
    let raw = r.text().await.unwrap();
    assert!(raw.starts_with('"') && raw.ends_with('"'), "a bare JSON string: {raw}");
    let token: String = serde_json::from_str(&raw).unwrap();
    assert_eq!(token.len(), 32);
    // Magento compares emails case-insensitively.
    assert_eq!(sign_in(&server, "Customer@Example.COM", PASSWORD).await.status(), 200);
    for (user, password) in [("customer@example.com", "Wrong-password-1"), ("nobody@example.com", PASSWORD)] {
        let (status, body) = status_json(sign_in(&server, user, password).await).await;
        assert_eq!((status, body), (401, json!({"message": SIGN_IN_REFUSED})));
    }
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/integration/customer/token", None, Some(json!({}))).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "One or more input exceptions have occurred.");
    // The admin sign-in does not accept customers, nor the customer sign-in admins.
    assert_eq!(server.token_for("customer@example.com", PASSWORD).await.status(), 401);
    assert_eq!(sign_in(&server, crate::helpers::ADMIN, crate::helpers::ADMIN_PASSWORD).await.status(), 401);
    // An inactive account is refused like a wrong password.
    server.db.execute(sql!("UPDATE customers SET is_active = $1", false)).await.unwrap();
    let (status, body) = status_json(sign_in(&server, "customer@example.com", PASSWORD).await).await;
    assert_eq!((status, body["message"].as_str()), (401, Some(SIGN_IN_REFUSED)));
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await.0, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_lock_the_customer_even_for_the_right_password() {
    let server = TestServer::start_with(|c| c.lockout_failures = 3).await;
    register(&server, "locked@example.com", "Lock", "Ed").await;
    register(&server, "free@example.com", "Free", "Dom").await;
    for _ in 0..3 {
        assert_eq!(sign_in(&server, "locked@example.com", "Wrong-password-1").await.status(), 401);
    }
    let (status, body) = status_json(sign_in(&server, "locked@example.com", PASSWORD).await).await;
    assert_eq!((status, body["message"].as_str()), (401, Some(SIGN_IN_REFUSED)));
    // The lock is per email (any spelling) and per user type.
    assert_eq!(sign_in(&server, "LOCKED@example.com", PASSWORD).await.status(), 401);
    assert_eq!(sign_in(&server, "free@example.com", PASSWORD).await.status(), 200);
    assert_eq!(server.token_for(crate::helpers::ADMIN, crate::helpers::ADMIN_PASSWORD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_tokens_expire() {
    let server = TestServer::start_with(|c| c.customer_token_ttl = Duration::from_secs(1)).await;
    register(&server, "brief@example.com", "Brief", "Visit").await;
    let token = customer_token(&server, "brief@example.com", PASSWORD).await;
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await.0, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await;
    assert_eq!(status, 401);
    assert_eq!(body["parameters"]["resources"], "self");
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_ends_every_session_of_the_customer() {
    let server = TestServer::start().await;
    register(&server, "twice@example.com", "Two", "Sessions").await;
    register(&server, "other@example.com", "Other", "Person").await;
    let first = customer_token(&server, "twice@example.com", PASSWORD).await;
    let second = customer_token(&server, "twice@example.com", PASSWORD).await;
    let other = customer_token(&server, "other@example.com", PASSWORD).await;
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/integration/customer/revoke-customer-token", Some(&first), None).await;
    assert_eq!((status, body), (200, json!(true)));
    for t in [&first, &second] {
        assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(t), None).await.0, 401);
    }
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&other), None).await.0, 200);
    // Only customers revoke customer tokens.
    let admin = server.admin_token().await;
    let (status, _) =
        call(&server, Method::POST, "/rest/V1/integration/customer/revoke-customer-token", Some(&admin), None).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn me_reads_and_updates_only_the_caller_and_never_its_group_or_id() {
    let server = TestServer::start().await;
    let me = register(&server, "me@example.com", "Me", "Myself").await;
    let other = register(&server, "someone@example.com", "Some", "One").await;
    let (me_id, other_id) = (me["id"].as_i64().unwrap(), other["id"].as_i64().unwrap());
    let token = customer_token(&server, "me@example.com", PASSWORD).await;

    // A customer id in the query or body never retargets a self route.
    let (status, body) =
        call(&server, Method::GET, &format!("/rest/V1/customers/me?customerId={other_id}"), Some(&token), None).await;
    assert_eq!((status, body["id"].as_i64()), (200, Some(me_id)));

    let update = json!({"customer": {
        "id": other_id, "group_id": 2, "website_id": 0, "store_id": 0, "disable_auto_group_change": 1,
        "email": "me@example.com", "firstname": "Renamed", "lastname": "Myself", "dob": "1990-04-05",
        "addresses": [address("1 Congress Ave", "Austin", true, true)]
    }, "customerId": other_id});
    let (status, body) = call(&server, Method::PUT, "/rest/V1/customers/me", Some(&token), Some(update)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"].as_i64(), Some(me_id));
    assert_eq!(
        (body["group_id"].as_i64(), body["website_id"].as_i64(), body["store_id"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(body["disable_auto_group_change"], 0);
    assert_eq!(body["firstname"], "Renamed");
    assert_eq!(body["dob"], "1990-04-05");
    let address_id = body["addresses"][0]["id"].as_i64().unwrap();
    assert_eq!(body["default_billing"], address_id.to_string());
    assert_eq!(body["addresses"][0]["customer_id"].as_i64(), Some(me_id));

    let (status, billing) =
        call(&server, Method::GET, "/rest/V1/customers/me/billingAddress", Some(&token), None).await;
    assert_eq!((status, billing["id"].as_i64()), (200, Some(address_id)));
    let (status, shipping) =
        call(&server, Method::GET, "/rest/V1/customers/me/shippingAddress", Some(&token), None).await;
    assert_eq!((status, shipping["city"].as_str()), (200, Some("Austin")));

    // The other account is untouched.
    let admin = server.admin_token().await;
    let (status, body) =
        call(&server, Method::GET, &format!("/rest/V1/customers/{other_id}"), Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!((body["firstname"].as_str(), body["group_id"].as_i64()), (Some("Some"), Some(1)));
    assert_eq!(body["addresses"], json!([]));
    // A customer without default addresses answers null.
    let other_token = customer_token(&server, "someone@example.com", PASSWORD).await;
    let (status, body) =
        call(&server, Method::GET, "/rest/V1/customers/me/billingAddress", Some(&other_token), None).await;
    assert_eq!((status, body), (200, Value::Null));
}

#[tokio::test(flavor = "multi_thread")]
async fn principals_stay_in_their_lane() {
    let server = TestServer::start().await;
    let a = register(&server, "a@example.com", "A", "One").await;
    let b = register(&server, "b@example.com", "B", "Two").await;
    let b_id = b["id"].as_i64().unwrap();
    let token = customer_token(&server, "a@example.com", PASSWORD).await;
    let admin = server.admin_token().await;
    let admin_routes = [
        (Method::GET, format!("/rest/V1/customers/{b_id}")),
        (Method::GET, "/rest/V1/customers/search".to_owned()),
        (Method::PUT, format!("/rest/V1/customers/{b_id}")),
        (Method::DELETE, format!("/rest/V1/customers/{b_id}")),
        (Method::GET, format!("/rest/V1/customers/{b_id}/billingAddress")),
        (Method::GET, "/rest/V1/customerGroups/1".to_owned()),
    ];
    for (method, path) in &admin_routes {
        let body = (*method == Method::PUT).then(|| json!({"customer": {"firstname": "Hijacked"}}));
        let (status, err) = call(&server, method.clone(), path, Some(&token), body).await;
        assert_eq!(status, 403, "{method} {path}: {err}");
        assert_eq!(err["message"], "The consumer isn't authorized to access %resources.");
    }
    let (status, err) = call(&server, Method::GET, "/rest/V1/customers/me", Some(&admin), None).await;
    assert_eq!((status, err["parameters"]["resources"].as_str()), (403, Some("self")));
    assert_eq!(
        call(&server, Method::PUT, "/rest/V1/customers/me/password", Some(&admin), Some(json!({}))).await.0,
        403
    );
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", None, None).await.0, 401);
    // B was never reached.
    let (_, body) = call(&server, Method::GET, &format!("/rest/V1/customers/{b_id}"), Some(&admin), None).await;
    assert_eq!(body["firstname"], "B");
    assert_eq!(a["id"].as_i64().unwrap() + 1, b_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_needs_the_current_one_and_ends_sessions() {
    let server = TestServer::start().await;
    register(&server, "change@example.com", "Change", "Me").await;
    let token = customer_token(&server, "change@example.com", PASSWORD).await;
    let path = "/rest/V1/customers/me/password";
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&token),
        Some(json!({"currentPassword": "Not-the-password-1", "newPassword": "Another-Pass-456"})),
    )
    .await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "The password doesn't match this account. Verify the password and try again."}))
    );
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&token),
        Some(json!({"currentPassword": PASSWORD, "newPassword": "weakpass"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "parameters": [3]})
    );
    let (status, body) = call(
        &server,
        Method::PUT,
        path,
        Some(&token),
        Some(json!({"currentPassword": PASSWORD, "newPassword": "Another-Pass-456"})),
    )
    .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await.0, 401);
    assert_eq!(sign_in(&server, "change@example.com", PASSWORD).await.status(), 401);
    assert_eq!(sign_in(&server, "change@example.com", "Another-Pass-456").await.status(), 200);
}

/// The reset mail's token, read from the outbox row and decrypted with the server's key.
async fn mailed_token(server: &TestServer, customer_id: i64) -> String {
    let rows = server
        .db
        .fetch_all(sql!("SELECT template, recipient, subject, body, status FROM mail_outbox ORDER BY id DESC"))
        .await
        .unwrap();
    let row = &rows[0];
    let recipient: String = row.get("recipient").unwrap();
    let body: String = row.get("body").unwrap();
    assert!(recipient.starts_with("v1:") && !recipient.contains('@'), "recipient stored in clear: {recipient}");
    assert!(body.starts_with("v1:") && !body.contains("token"), "body stored in clear");
    assert_eq!(row.get::<String>("status").unwrap(), "pending");
    assert_eq!(row.get::<String>("template").unwrap(), "customer_password_forgot_email_template");
    assert_eq!(server.crypto.decrypt(&recipient).unwrap(), "reset@example.com");
    let text = server.crypto.decrypt(&body).unwrap();
    let marker = format!("/customer/account/createPassword/?id={customer_id}&token=");
    let start = text.find(&marker).unwrap_or_else(|| panic!("no reset link in {text}")) + marker.len();
    text[start..start + 32].to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn password_reset_works_end_to_end_once() {
    let server = TestServer::start().await;
    let customer = register(&server, "reset@example.com", "Reset", "Me").await;
    let id = customer["id"].as_i64().unwrap();
    let old_token = customer_token(&server, "reset@example.com", PASSWORD).await;
    let outbox = || async { server.db.fetch_all(sql!("SELECT id FROM mail_outbox")).await.unwrap().len() };

    // Unknown emails answer true too, and send nothing.
    let ask = |email: &str, template: &str| json!({"email": email, "template": template, "websiteId": 1});
    let (status, body) =
        call(&server, Method::PUT, "/rest/V1/customers/password", None, Some(ask("ghost@example.com", "email_reset")))
            .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(outbox().await, 0);
    let (status, body) =
        call(&server, Method::PUT, "/rest/V1/customers/password", None, Some(ask("reset@example.com", "email_spam")))
            .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"]["value"], "email_spam");
    let (status, body) =
        call(&server, Method::PUT, "/rest/V1/customers/password", None, Some(ask("Reset@Example.com", "email_reset")))
            .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(outbox().await, 1);
    let token = mailed_token(&server, id).await;
    let stored: String = server
        .db
        .fetch_optional(sql!("SELECT token_hash FROM customer_password_resets"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    assert_eq!(stored, storegate_domain::tokens::hash(&token), "only the hash is stored");

    let link = format!("/rest/V1/customers/{id}/password/resetLinkToken/{token}");
    assert_eq!(call(&server, Method::GET, &link, None, None).await, (200, json!(true)));
    let mismatched = json!({"message": "The password token is mismatched. Reset and try again."});
    let wrong = format!("/rest/V1/customers/{id}/password/resetLinkToken/{}", "x".repeat(32));
    assert_eq!(call(&server, Method::GET, &wrong, None, None).await, (400, mismatched.clone()));
    let unknown = format!("/rest/V1/customers/{}/password/resetLinkToken/{token}", id + 100);
    assert_eq!(call(&server, Method::GET, &unknown, None, None).await, (400, mismatched.clone()));

    let reset = |token: &str, password: &str| json!({"email": "reset@example.com", "resetToken": token, "newPassword": password});
    // A weak password is refused without using up the token.
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/customers/resetPassword", None, Some(reset(&token, "short"))).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "The password needs at least %1 characters. Create a new password and try again.");
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/customers/resetPassword", None, Some(reset(&token, "Fresh-Pass-789")))
            .await;
    assert_eq!((status, body), (200, json!(true)));
    // Used once: the token is gone, every old session is over, the new password works.
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/customers/resetPassword", None, Some(reset(&token, "Again-Pass-789")))
            .await;
    assert_eq!((status, body), (400, mismatched.clone()));
    assert_eq!(call(&server, Method::GET, &link, None, None).await, (400, mismatched));
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&old_token), None).await.0, 401);
    assert_eq!(sign_in(&server, "reset@example.com", PASSWORD).await.status(), 401);
    assert_eq!(sign_in(&server, "reset@example.com", "Fresh-Pass-789").await.status(), 200);

    // An expired token is refused with Magento's own message.
    let (status, _) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/password",
        None,
        Some(ask("reset@example.com", "email_reminder")),
    )
    .await;
    assert_eq!(status, 200);
    let rows = server.db.fetch_all(sql!("SELECT template, body FROM mail_outbox ORDER BY id DESC")).await.unwrap();
    assert_eq!(rows[0].get::<String>("template").unwrap(), "customer_password_remind_email_template");
    let text = server.crypto.decrypt(&rows[0].get::<String>("body").unwrap()).unwrap();
    let start = text.find("&token=").unwrap() + 7;
    let second = text[start..start + 32].to_owned();
    server
        .db
        .execute(sql!("UPDATE customer_password_resets SET expires_at = $1", "2000-01-01 00:00:00"))
        .await
        .unwrap();
    let expired = json!({"message": "The password token is expired. Reset and try again."});
    let link = format!("/rest/V1/customers/{id}/password/resetLinkToken/{second}");
    assert_eq!(call(&server, Method::GET, &link, None, None).await, (400, expired.clone()));
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/customers/resetPassword", None, Some(reset(&second, "Later-Pass-789")))
            .await;
    assert_eq!((status, body), (400, expired));
    assert_eq!(sign_in(&server, "reset@example.com", "Fresh-Pass-789").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn email_availability_is_per_website_and_case_insensitive() {
    let server = TestServer::start().await;
    register(&server, "taken@example.com", "Taken", "Already").await;
    let path = "/rest/V1/customers/isEmailAvailable";
    for (email, available) in [("taken@example.com", false), ("TAKEN@example.com", false), ("free@example.com", true)] {
        let (status, body) = call(&server, Method::POST, path, None, Some(json!({"customerEmail": email}))).await;
        assert_eq!((status, body), (200, json!(available)), "{email}");
    }
    let (status, body) =
        call(&server, Method::POST, path, None, Some(json!({"customerEmail": "taken@example.com", "websiteId": 1})))
            .await;
    assert_eq!((status, body), (200, json!(false)));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guides_customer_search_and_lastname_like() {
    let server = TestServer::start().await;
    register(&server, "customer@example.com", "Grace", "Hopper").await;
    register(&server, "alan@example.com", "Alan", "Turing").await;
    register(&server, "hedy@example.com", "Hedy", "Lamarr").await;
    let admin = server.admin_token().await;

    // getCustomers({email: 'customer@example.com'}) exactly as the guide encodes it.
    let guide = "/rest/V1/customers/search?searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=email\
        &searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=customer%40example.com\
        &searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5BconditionType%5D=eq\
        &searchCriteria%5BpageSize%5D=20";
    let (status, body) = call(&server, Method::GET, guide, Some(&admin), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total_count"], 1);
    assert_eq!(body["items"][0]["firstname"], "Grace");
    assert_eq!(body["items"][0]["lastname"], "Hopper");
    assert_eq!(
        body["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "email", "value": "customer@example.com", "condition_type": "eq"}]}], "page_size": 20})
    );
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "search_criteria", "total_count"]);

    // Emails compare case-insensitively, as in Magento.
    let upper = "/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0][field]=email\
        &searchCriteria[filterGroups][0][filters][0][value]=CUSTOMER@Example.com";
    let (_, body) = call(&server, Method::GET, upper, Some(&admin), None).await;
    assert_eq!(body["total_count"], 1);

    let like = "/rest/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=lastname\
        &searchCriteria[filter_groups][0][filters][0][value]=%25ur%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like\
        &searchCriteria[sortOrders][0][field]=lastname&searchCriteria[sortOrders][0][direction]=DESC";
    let (status, body) = call(&server, Method::GET, like, Some(&admin), None).await;
    assert_eq!(status, 200, "{body}");
    let names: Vec<&str> = body["items"].as_array().unwrap().iter().map(|c| c["lastname"].as_str().unwrap()).collect();
    assert_eq!(names, ["Turing"]);

    let (status, body) = call(&server, Method::GET, "/rest/V1/customers/search", Some(&admin), None).await;
    assert_eq!((status, body["total_count"].as_i64()), (200, Some(3)));
    let page = "/rest/V1/customers/search?searchCriteria[pageSize]=2&searchCriteria[currentPage]=2";
    let (_, body) = call(&server, Method::GET, page, Some(&admin), None).await;
    assert_eq!((body["items"].as_array().unwrap().len(), body["total_count"].as_i64()), (1, Some(3)));

    // Encrypted fields cannot be searched.
    for field in ["dob", "taxvat", "telephone", "password_hash"] {
        let path = format!(
            "/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0][field]={field}\
             &searchCriteria[filterGroups][0][filters][0][value]=x"
        );
        let (status, body) = call(&server, Method::GET, &path, Some(&admin), None).await;
        assert_eq!(status, 400, "{field}");
        assert_eq!(body, json!({"message": "Invalid attribute name: %1", "parameters": [field]}));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_read_update_and_delete_customers_with_addresses() {
    let server = TestServer::start().await;
    let created = register(&server, "full@example.com", "Full", "Profile").await;
    let id = created["id"].as_i64().unwrap();
    let token = customer_token(&server, "full@example.com", PASSWORD).await;
    let admin = server.admin_token().await;
    let path = format!("/rest/V1/customers/{id}");

    let update = json!({"customer": {
        "email": "full@example.com", "firstname": "Full", "lastname": "Profile", "group_id": 2,
        "taxvat": "DE123456789", "dob": "1985-07-14",
        "addresses": [address("500 Main St", "Austin", true, false), address("9 Side Rd", "Dallas", false, true)]
    }});
    let (status, body) = call(&server, Method::PUT, &path, Some(&admin), Some(update)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group_id"], 2);
    assert_eq!(body["taxvat"], "DE123456789");
    let addresses = body["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2);
    let (billing_id, shipping_id) = (addresses[0]["id"].as_i64().unwrap(), addresses[1]["id"].as_i64().unwrap());
    assert_eq!(body["default_billing"], billing_id.to_string());
    assert_eq!(body["default_shipping"], shipping_id.to_string());
    let a = &addresses[0];
    assert_eq!(a["region"], json!({"region_code": "TX", "region": "Texas", "region_id": 57}));
    assert_eq!(a["street"], json!(["500 Main St", "Apt 4"]));
    assert_eq!((a["default_billing"].as_bool(), a["default_shipping"].as_bool()), (Some(true), Some(false)));
    assert_eq!(
        (a["telephone"].as_str(), a["postcode"].as_str(), a["company"].as_str()),
        (Some("512-555-0100"), Some("78701"), Some("Acme"))
    );
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(&keys[..5], ["id", "customer_id", "region", "region_id", "country_id"]);
    assert_eq!(&keys[keys.len() - 2..], ["default_shipping", "default_billing"]);

    let (status, body) = call(&server, Method::GET, &path, Some(&admin), None).await;
    assert_eq!((status, body["addresses"].as_array().map(Vec::len)), (200, Some(2)));
    let (_, billing) = call(&server, Method::GET, &format!("{path}/billingAddress"), Some(&admin), None).await;
    assert_eq!(billing["city"], "Austin");
    let (_, shipping) = call(&server, Method::GET, &format!("{path}/shippingAddress"), Some(&admin), None).await;
    assert_eq!(shipping["city"], "Dallas");
    let (status, one) =
        call(&server, Method::GET, &format!("/rest/V1/customers/addresses/{shipping_id}"), Some(&admin), None).await;
    assert_eq!((status, one["default_shipping"].as_bool()), (200, Some(true)));

    // The addresses array replaces the set: the one kept by id is updated, the other goes.
    let mut kept = address("501 Main St", "Austin", true, true);
    kept["id"] = json!(billing_id);
    let update = json!({"customer": {"email": "full@example.com", "firstname": "Full", "lastname": "Profile", "addresses": [kept]}});
    let (status, body) = call(&server, Method::PUT, &path, Some(&admin), Some(update)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["addresses"].as_array().unwrap().len(), 1);
    assert_eq!(body["addresses"][0]["id"].as_i64(), Some(billing_id));
    assert_eq!(body["addresses"][0]["street"][0], "501 Main St");
    assert_eq!(body["default_shipping"], billing_id.to_string());
    assert_eq!(body["group_id"], 2, "absent fields keep their values");
    assert_eq!(body["dob"], "1985-07-14");
    let (status, _) =
        call(&server, Method::GET, &format!("/rest/V1/customers/addresses/{shipping_id}"), Some(&admin), None).await;
    assert_eq!(status, 404);
    // Another customer's address id cannot be taken over.
    let stranger = register(&server, "stranger@example.com", "Str", "Anger").await;
    let mut foreign = address("1 Elsewhere", "Houston", false, false);
    foreign["id"] = json!(billing_id);
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/customers/{}", stranger["id"]),
        Some(&admin),
        Some(json!({"customer": {"addresses": [foreign]}})),
    )
    .await;
    assert_eq!((status, body["parameters"]["fieldName"].as_str()), (404, Some("addressId")));

    // Deleting the default address clears the defaults.
    let (status, body) =
        call(&server, Method::DELETE, &format!("/rest/V1/addresses/{billing_id}"), Some(&admin), None).await;
    assert_eq!((status, body), (200, json!(true)));
    let (_, body) = call(&server, Method::GET, &path, Some(&admin), None).await;
    assert!(body.get("default_billing").is_none() && body.get("default_shipping").is_none(), "{body}");
    assert_eq!(body["addresses"], json!([]));
    let (status, body) = call(&server, Method::GET, &format!("{path}/billingAddress"), Some(&admin), None).await;
    assert_eq!((status, body), (200, Value::Null));

    // Deleting the customer answers true, ends its sessions and leaves a 404.
    let (status, body) = call(&server, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(call(&server, Method::GET, "/rest/V1/customers/me", Some(&token), None).await.0, 401);
    let (status, body) = call(&server, Method::GET, &path, Some(&admin), None).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "customerId", "fieldValue": id}})
        )
    );
    let sentences: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT sentence FROM audit_log WHERE operation_id = 'customers.customer.delete'"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.at(0).unwrap())
        .collect();
    assert_eq!(sentences, [format!("admin admin deleted customer #{id} from default")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_and_invalid_input_is_refused_as_magento_does() {
    let server = TestServer::start().await;
    let first = register(&server, "dup@example.com", "Dup", "Licate").await;
    let second = register(&server, "other@example.com", "Other", "One").await;
    let exists = json!({"message": "A customer with the same email address already exists in an associated website."});
    for email in ["dup@example.com", "DUP@Example.com"] {
        let (status, body) = call(
            &server,
            Method::POST,
            "/rest/V1/customers",
            None,
            Some(guide_body(email, "Again", "Again", PASSWORD)),
        )
        .await;
        assert_eq!((status, body), (400, exists.clone()), "{email}");
    }
    let admin = server.admin_token().await;
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/customers/{}", second["id"]),
        Some(&admin),
        Some(json!({"customer": {"email": "Dup@example.com"}})),
    )
    .await;
    assert_eq!((status, body), (400, exists));
    // Keeping one's own email is no conflict.
    let (status, _) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/customers/{}", first["id"]),
        Some(&admin),
        Some(json!({"customer": {"email": "DUP@example.com", "lastname": "Changed"}})),
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = call(
        &server,
        Method::POST,
        "/rest/V1/customers",
        None,
        Some(guide_body("not-an-email", "Bad", "Email", PASSWORD)),
    )
    .await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "\"%1\" is not a valid email address.", "parameters": ["Email"]}))
    );
    let (status, body) = call(
        &server,
        Method::POST,
        "/rest/V1/customers",
        None,
        Some(guide_body("weak@example.com", "W", "P", "password")),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"], json!([3]));
    let (status, body) = call(
        &server,
        Method::POST,
        "/rest/V1/customers",
        None,
        Some(json!({"customer": {"email": "x@example.com"}, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "One or more input exceptions have occurred.");
    assert_eq!(body["errors"][0]["parameters"], json!({"fieldName": "firstname"}));
    let (status, body) =
        call(&server, Method::POST, "/rest/V1/customers", None, Some(json!({"password": PASSWORD}))).await;
    assert_eq!((status, body["parameters"]["fieldName"].as_str()), (400, Some("customer")));
    // An unknown group is refused on admin updates.
    let (status, body) = call(
        &server,
        Method::PUT,
        &format!("/rest/V1/customers/{}", first["id"]),
        Some(&admin),
        Some(json!({"customer": {"group_id": 99}})),
    )
    .await;
    assert_eq!((status, body), (400, json!({"message": "The specified customer group id does not exist."})));

    // validate answers the same problems without saving anything.
    let (status, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/validate",
        Some(&admin),
        Some(json!({"customer": {"email": "nope", "firstname": "A"}})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["valid"], false);
    assert_eq!(
        body["messages"],
        json!(["\"Email\" is not a valid email address.", "\"lastname\" is required. Enter and try again."])
    );
    let (_, body) = call(
        &server,
        Method::PUT,
        "/rest/V1/customers/validate",
        Some(&admin),
        Some(json!({"customer": {"email": "ok@example.com", "firstname": "A", "lastname": "B"}})),
    )
    .await;
    assert_eq!(body, json!({"valid": true, "messages": []}));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_ids_are_404s() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let missing = |field: &str, value: i64| json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": field, "fieldValue": value}});
    for (method, path, field) in [
        (Method::GET, "/rest/V1/customers/4040", "customerId"),
        (Method::PUT, "/rest/V1/customers/4040", "customerId"),
        (Method::DELETE, "/rest/V1/customers/4040", "customerId"),
        (Method::GET, "/rest/V1/customers/4040/billingAddress", "customerId"),
        (Method::GET, "/rest/V1/customers/addresses/4040", "addressId"),
        (Method::DELETE, "/rest/V1/addresses/4040", "addressId"),
        (Method::GET, "/rest/V1/customerGroups/4040", "id"),
    ] {
        let body = (method == Method::PUT).then(|| json!({"customer": {"firstname": "X"}}));
        assert_eq!(
            call(&server, method.clone(), path, Some(&admin), body).await,
            (404, missing(field, 4040)),
            "{method} {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn personal_data_is_encrypted_at_rest() {
    let server = TestServer::start().await;
    let mut body = guide_body("Private.Person@Example.com", "Private", "Person", PASSWORD);
    body["customer"]["dob"] = json!("1970-01-02");
    body["customer"]["taxvat"] = json!("GB999999973");
    let mut a = address("221B Baker Street", "London", true, true);
    a["telephone"] = json!("020-7946-0018");
    a["fax"] = json!("020-7946-0019");
    a["vat_id"] = json!("GB123");
    a["country_id"] = json!("GB");
    body["customer"]["addresses"] = json!([a]);
    let (status, created) = call(&server, Method::POST, "/rest/V1/customers", None, Some(body)).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["email"], "private.person@example.com", "emails are stored lower-cased");
    assert_eq!(created["addresses"][0]["street"][0], "221B Baker Street");

    let row = server
        .db
        .fetch_optional(sql!(
            "SELECT street, city, postcode, telephone, fax, company, vat_id, region, country_id FROM customer_addresses"
        ))
        .await
        .unwrap()
        .unwrap();
    let street: String = row.get("street").unwrap();
    let telephone: String = row.get("telephone").unwrap();
    assert!(street.starts_with("v1:") && !street.contains("Baker"), "street stored in clear: {street}");
    assert!(telephone.starts_with("v1:") && !telephone.contains("7946"), "telephone stored in clear: {telephone}");
    for column in ["city", "postcode", "fax", "company", "vat_id"] {
        let v: String = row.get(column).unwrap();
        assert!(v.starts_with("v1:"), "{column} stored in clear: {v}");
    }
    // Region and country stay plain; the key opens the rest.
    assert_eq!(row.get::<String>("region").unwrap(), "Texas");
    assert_eq!(row.get::<String>("country_id").unwrap(), "GB");
    assert_eq!(server.crypto.decrypt(&street).unwrap(), r#"["221B Baker Street","Apt 4"]"#);
    assert_eq!(server.crypto.decrypt(&telephone).unwrap(), "020-7946-0018");

    let row =
        server.db.fetch_optional(sql!("SELECT email, firstname, dob, taxvat FROM customers")).await.unwrap().unwrap();
    assert_eq!(row.get::<String>("email").unwrap(), "private.person@example.com");
    assert_eq!(row.get::<String>("firstname").unwrap(), "Private");
    for column in ["dob", "taxvat"] {
        let v: String = row.get(column).unwrap();
        assert!(v.starts_with("v1:") && !v.contains("1970") && !v.contains("GB9"), "{column} stored in clear");
    }
    let admin = server.admin_token().await;
    let (_, body) =
        call(&server, Method::GET, &format!("/rest/V1/customers/{}", created["id"]), Some(&admin), None).await;
    assert_eq!((body["dob"].as_str(), body["taxvat"].as_str()), (Some("1970-01-02"), Some("GB999999973")));
    assert_eq!(body["addresses"][0]["fax"], "020-7946-0019");
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_customers_are_encrypted_and_sign_in() {
    let server = TestServer::start().await;
    let spec = storegate_domain::seed::DemoSpec { products: 0, customers: 3, seed: 11 };
    storegate_domain::seed::generate(
        &server.db,
        server.tenant,
        &server.crypto,
        &spec,
        &storegate_domain::progress::Silent,
    )
    .await
    .unwrap();
    let streets = server.db.fetch_all(sql!("SELECT street, telephone FROM customer_addresses")).await.unwrap();
    assert!(streets.len() >= 3);
    for r in &streets {
        assert!(r.get::<String>("street").unwrap().starts_with("v1:"));
        assert!(r.get::<String>("telephone").unwrap().starts_with("v1:"));
    }
    let admin = server.admin_token().await;
    let (status, body) = call(&server, Method::GET, "/rest/V1/customers/search", Some(&admin), None).await;
    assert_eq!((status, body["total_count"].as_i64()), (200, Some(3)));
    let first = &body["items"][0];
    assert!(first["addresses"][0]["street"][0].as_str().unwrap().chars().next().unwrap().is_ascii_digit());
    let email = first["email"].as_str().unwrap();
    assert_eq!(sign_in(&server, email, storegate_domain::seed::DEMO_CUSTOMER_PASSWORD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_groups() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let general = json!({"id": 1, "code": "General", "tax_class_id": 3, "tax_class_name": "Retail Customer"});
    assert_eq!(
        call(&server, Method::GET, "/rest/V1/customerGroups/1", Some(&admin), None).await,
        (200, general.clone())
    );
    assert_eq!(call(&server, Method::GET, "/rest/V1/customerGroups/default", Some(&admin), None).await, (200, general));
    let (status, body) = call(&server, Method::GET, "/rest/V1/customerGroups/search", Some(&admin), None).await;
    assert_eq!((status, body["total_count"].as_i64()), (200, Some(4)));
    let codes: Vec<&str> = body["items"].as_array().unwrap().iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["NOT LOGGED IN", "General", "Wholesale", "Retailer"]);
    let like = "/rest/V1/customerGroups/search?searchCriteria[filterGroups][0][filters][0][field]=code\
        &searchCriteria[filterGroups][0][filters][0][value]=%25sale%25&searchCriteria[filterGroups][0][filters][0][conditionType]=like";
    let (status, body) = call(&server, Method::GET, like, Some(&admin), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["items"],
        json!([{"id": 2, "code": "Wholesale", "tax_class_id": 3, "tax_class_name": "Retail Customer"}])
    );
    assert_eq!(call(&server, Method::GET, "/rest/V1/customerGroups/default", None, None).await.0, 401);
}
