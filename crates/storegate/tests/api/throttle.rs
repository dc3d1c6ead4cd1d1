//! Rate limits over real HTTP (issue 12, item 4): coupon guessing, sign-in floods per
//! account from many addresses, per-address independence, registration, guest carts and
//! password resets; counts shared between two servers through Redis, and what happens when
//! Redis is down. Client addresses are simulated with `X-Forwarded-For` behind
//! `--trusted-proxies 127.0.0.1`.

use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::{Value, json};
use storegate::config::{Config, Secret};
use storegate_api::Policy;

fn limit(config: &mut Config, policy: Policy, rate: &str) {
    config.rates.set(policy, rate.parse().expect("a rate"));
}

fn behind_proxy(config: &mut Config) {
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
}

/// A request from `address` (as the trusted proxy reports it).
async fn from(
    server: &TestServer,
    address: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = server.client.request(method, server.url(path)).header("x-forwarded-for", address);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("request sent");
    let headers = r.headers().clone();
    let (status, body) = status_json(r).await;
    (status, body, headers)
}

async fn sign_in(server: &TestServer, address: &str, email: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let body = json!({"username": email, "password": "not-the-password-1"});
    from(server, address, Method::POST, "/rest/V1/integration/customer/token", Some(body)).await
}

/// A refusal is Magento's shape with the wait, `Retry-After` and the RateLimit fields.
fn assert_limited(status: u16, body: &Value, headers: &reqwest::header::HeaderMap, policy: &str) {
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["message"], "Too many requests. Try again in %seconds seconds.", "{body}");
    let seconds = body["parameters"]["seconds"].as_u64().expect("seconds");
    assert!(seconds >= 1, "{body}");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().expect("Retry-After is delay-seconds");
    assert_eq!(retry, seconds);
    let state = headers["ratelimit"].to_str().unwrap();
    assert!(state.contains(&format!("\"{policy}\";r=0;t=")), "{state}");
    assert!(headers["ratelimit-policy"].to_str().unwrap().contains(&format!("\"{policy}\";q=")), "{headers:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn coupon_guesses_are_cut_off_long_before_the_thirtieth() {
    let server = TestServer::start().await;
    let (status, cart, _) = from(&server, "127.0.0.1", Method::POST, "/rest/V1/guest-carts", None).await;
    assert_eq!(status, 200, "{cart}");
    let cart = cart.as_str().unwrap().to_owned();
    let mut first_refusal = None;
    for i in 0..30 {
        let path = format!("/rest/V1/guest-carts/{cart}/coupons/GUESS{i:03}");
        let (status, body, headers) = from(&server, "127.0.0.1", Method::PUT, &path, None).await;
        assert_ne!(status, 500, "{body}");
        if status == 429 {
            assert_limited(status, &body, &headers, "coupon-per-cart");
            first_refusal = Some(i);
            break;
        }
    }
    let first = first_refusal.expect("30 coupon guesses were never refused");
    assert!(first < 29, "cut off only at guess {first}");
    // The guesser's other carts hit the per-address quota soon after.
    let mut refused = false;
    for i in 0..12 {
        let (_, other, _) = from(&server, "127.0.0.1", Method::POST, "/rest/V1/guest-carts", None).await;
        let path = format!("/rest/V1/guest-carts/{}/coupons/OTHER{i}", other.as_str().unwrap());
        if from(&server, "127.0.0.1", Method::PUT, &path, None).await.0 == 429 {
            refused = true;
            break;
        }
    }
    assert!(refused, "a new cart per guess escaped the per-address quota");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_flood_on_one_account_from_many_addresses_hits_the_account_limit() {
    let server = TestServer::start_with(|c| {
        behind_proxy(c);
        limit(c, Policy::SignInPerAccount, "4/m");
        limit(c, Policy::SignInPerAddress, "3/m");
    })
    .await;
    for i in 0..4 {
        let (status, body, headers) = sign_in(&server, &format!("203.0.113.{i}"), "victim@example.com").await;
        assert_eq!(status, 401, "{body}");
        assert!(headers["ratelimit"].to_str().unwrap().contains("\"sign-in-per-account\";r="), "{headers:?}");
    }
    // A fifth address, the same account (in another case): refused by the account's quota.
    let (status, body, headers) = sign_in(&server, "203.0.113.99", "Victim@Example.com").await;
    assert_limited(status, &body, &headers, "sign-in-per-account");
    // Another account from a fresh address is not affected.
    assert_eq!(sign_in(&server, "198.51.100.1", "someone@example.com").await.0, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn addresses_are_counted_apart() {
    let server = TestServer::start_with(|c| {
        behind_proxy(c);
        limit(c, Policy::SignInPerAddress, "3/m");
    })
    .await;
    for i in 0..3 {
        assert_eq!(sign_in(&server, "192.0.2.1", &format!("a{i}@example.com")).await.0, 401);
    }
    let (status, body, headers) = sign_in(&server, "192.0.2.1", "a9@example.com").await;
    assert_limited(status, &body, &headers, "sign-in-per-address");
    // The admin token route shares the sign-in quota of that address.
    let admin = json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD});
    let path = "/rest/V1/integration/admin/token";
    assert_eq!(from(&server, "192.0.2.1", Method::POST, path, Some(admin.clone())).await.0, 429);
    // Another address still signs in.
    let (status, body, _) = from(&server, "192.0.2.2", Method::POST, path, Some(admin)).await;
    assert_eq!(status, 200, "{body}");
    // Without a trusted proxy the header is the client's own claim and changes nothing.
    let plain = TestServer::start_with(|c| limit(c, Policy::SignInPerAddress, "2/m")).await;
    for i in 0..2 {
        assert_eq!(sign_in(&plain, &format!("192.0.2.{i}"), "x@example.com").await.0, 401);
    }
    assert_eq!(sign_in(&plain, "192.0.2.200", "x@example.com").await.0, 429);
}

#[tokio::test(flavor = "multi_thread")]
async fn registrations_guest_carts_and_password_resets_are_limited() {
    let server = TestServer::start_with(|c| {
        behind_proxy(c);
        limit(c, Policy::RegistrationPerAddress, "2/h");
        limit(c, Policy::GuestCartPerAddress, "3/m");
        limit(c, Policy::PasswordResetPerAccount, "2/h");
    })
    .await;
    let customer = |i: usize| json!({"customer": {"email": format!("new{i}@example.com"), "firstname": "N", "lastname": "C"}, "password": "Passw0rd!Passw0rd"});
    for i in 0..2 {
        let (status, body, _) =
            from(&server, "192.0.2.10", Method::POST, "/rest/V1/customers", Some(customer(i))).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body, headers) =
        from(&server, "192.0.2.10", Method::POST, "/rest/V1/customers", Some(customer(2))).await;
    assert_limited(status, &body, &headers, "registration-per-address");
    assert_eq!(from(&server, "192.0.2.11", Method::POST, "/rest/V1/customers", Some(customer(3))).await.0, 200);

    for _ in 0..3 {
        assert_eq!(from(&server, "192.0.2.20", Method::POST, "/rest/V1/guest-carts", None).await.0, 200);
    }
    let (status, body, headers) = from(&server, "192.0.2.20", Method::POST, "/rest/V1/guest-carts", None).await;
    assert_limited(status, &body, &headers, "guest-cart-per-address");

    let reset = json!({"email": "new0@example.com", "template": "email_reset", "websiteId": 1});
    for i in 0..2 {
        let address = format!("192.0.2.3{i}");
        let (status, body, _) =
            from(&server, &address, Method::PUT, "/rest/V1/customers/password", Some(reset.clone())).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body, headers) =
        from(&server, "192.0.2.39", Method::PUT, "/rest/V1/customers/password", Some(reset)).await;
    assert_limited(status, &body, &headers, "password-reset-per-account");
}

/// The Redis the shared-limit tests use: STOREGATE_TEST_REDIS_URL, required when
/// STOREGATE_REQUIRE_REDIS is set (CI sets both).
fn test_redis() -> Option<String> {
    match std::env::var("STOREGATE_TEST_REDIS_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => Some(url),
        None => {
            assert!(
                std::env::var("STOREGATE_REQUIRE_REDIS").is_err(),
                "STOREGATE_REQUIRE_REDIS is set but STOREGATE_TEST_REDIS_URL is not"
            );
            eprintln!("skipped: set STOREGATE_TEST_REDIS_URL to test limits shared through Redis");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_sharing_one_redis_share_the_count() {
    let Some(url) = test_redis() else { return };
    let prefix = format!("storegate-test:{}:", uuid::Uuid::new_v4());
    let configure = |c: &mut Config| {
        behind_proxy(c);
        limit(c, Policy::SignInPerAccount, "4/m");
        c.redis_url = Some(Secret::new(url.clone()));
        c.redis_key_prefix = prefix.clone();
    };
    let a = TestServer::start_with(configure).await;
    let b = TestServer::start_with(configure).await;
    for i in 0..2 {
        assert_eq!(sign_in(&a, &format!("203.0.113.{i}"), "shared@example.com").await.0, 401);
        assert_eq!(sign_in(&b, &format!("203.0.113.1{i}"), "shared@example.com").await.0, 401);
    }
    // Each server alone has seen two; together four, the quota.
    let (status, body, headers) = sign_in(&b, "203.0.113.50", "shared@example.com").await;
    assert_limited(status, &body, &headers, "sign-in-per-account");
    assert_eq!(sign_in(&a, "203.0.113.51", "shared@example.com").await.0, 429);
    // A server with another prefix (another store) counts apart.
    let other = TestServer::start_with(|c| {
        configure(c);
        c.redis_key_prefix = format!("{prefix}other:");
    })
    .await;
    assert_eq!(sign_in(&other, "203.0.113.52", "shared@example.com").await.0, 401);
}

/// Redis down: each node counts alone (neither every limit gone nor every sign-in refused).
#[tokio::test(flavor = "multi_thread")]
async fn with_redis_down_each_node_still_limits_on_its_own() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let server = TestServer::start_with(|c| {
        behind_proxy(c);
        limit(c, Policy::SignInPerAccount, "3/m");
        c.redis_url = Some(Secret::new(format!("redis://127.0.0.1:{port}")));
    })
    .await;
    for i in 0..3 {
        let (status, body, _) = sign_in(&server, &format!("203.0.113.{i}"), "down@example.com").await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, body, headers) = sign_in(&server, "203.0.113.9", "down@example.com").await;
    assert_limited(status, &body, &headers, "sign-in-per-account");
}
