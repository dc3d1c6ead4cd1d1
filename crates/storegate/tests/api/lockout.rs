//! The sign-in lockout (issue 12, items 5 and 6): failures count per account and per
//! (account, client address), so one address cannot lock an account for everyone; a new
//! password or `admin unlock` lifts the lock; the locked path verifies the password like any
//! other refusal; and a name that matches no account writes nothing.

use crate::helpers::{ADMIN, ADMIN_PASSWORD, TestServer, cli, status_json, stdout};
use crate::process::ServerProcess;
use reqwest::Method;
use serde_json::{Value, json};
use storegate_db::testing::TestDatabase;
use storegate_db::{Exec, sql};

const SIGN_IN_REFUSED: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

/// A server that trusts `X-Forwarded-For` from the test client, locking after 3 failures.
/// The sign-in rate limit per account (10 a minute) would answer 429 before the lockout's
/// 15 account-wide failures; these tests are about the lockout, so it is lifted.
async fn server() -> TestServer {
    TestServer::start_with(|c| {
        c.lockout_failures = 3;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.rates.set(storegate_api::Policy::SignInPerAccount, "1000/m".parse().unwrap());
    })
    .await
}

async fn sign_in_from(server: &TestServer, address: &str, username: &str, password: &str) -> u16 {
    server
        .client
        .post(server.url("/rest/V1/integration/admin/token"))
        .header("X-Forwarded-For", address)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

async fn lock_from(server: &TestServer, address: &str) {
    for _ in 0..3 {
        assert_eq!(sign_in_from(server, address, ADMIN, "wrong-password1").await, 401);
    }
    assert_eq!(sign_in_from(server, address, ADMIN, ADMIN_PASSWORD).await, 401, "locked for {address}");
}

async fn login_failure_rows(server: &TestServer) -> i64 {
    server.db.clone().fetch_scalar(sql!("SELECT COUNT(*) FROM login_failures")).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_cannot_lock_an_admin_out_for_everyone() {
    let server = server().await;
    lock_from(&server, "203.0.113.7").await;
    assert_eq!(
        sign_in_from(&server, "198.51.100.9", ADMIN, ADMIN_PASSWORD).await,
        200,
        "another address still signs in"
    );
    assert_eq!(sign_in_from(&server, "203.0.113.7", ADMIN, ADMIN_PASSWORD).await, 401, "still locked for the first");
    // The table holds neither the addresses nor the name tried.
    let rows = server.db.clone().fetch_all(sql!("SELECT * FROM login_failures")).await.unwrap();
    for row in &rows {
        let client: String = row.get("client").unwrap();
        assert!(!client.contains("203.0.113") && !client.contains("198.51"), "{client}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_from_many_addresses_lock_the_account_for_everyone() {
    let server = server().await;
    // Five addresses' worth of failures (3 × ACCOUNT_FACTOR) lock the account itself.
    for i in 1..=5 {
        lock_from(&server, &format!("203.0.113.{i}")).await;
    }
    assert_eq!(sign_in_from(&server, "198.51.100.9", ADMIN, ADMIN_PASSWORD).await, 401);
    let out = cli(&server, &["admin", "unlock", "--username", ADMIN]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sign_in_from(&server, "198.51.100.9", ADMIN, ADMIN_PASSWORD).await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_password_lifts_the_lock() {
    let server = server().await;
    lock_from(&server, "203.0.113.7").await;
    let out = cli(&server, &["admin", "reset-password", "--username", ADMIN, "--password", "fresh-pass42"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sign_in_from(&server, "203.0.113.7", ADMIN, "fresh-pass42").await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn unlock_lifts_the_lock_and_is_audited() {
    let server = server().await;
    lock_from(&server, "203.0.113.7").await;
    let out = cli(&server, &["admin", "unlock", "--username", ADMIN]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("lifted"), "{}", stdout(&out));
    assert_eq!(sign_in_from(&server, "203.0.113.7", ADMIN, ADMIN_PASSWORD).await, 200);
    assert_eq!(login_failure_rows(&server).await, 0);

    let rows = server
        .db
        .clone()
        .fetch_all(sql!("SELECT channel, target, sentence FROM audit_log WHERE operation_id = 'cli.admin.unlock'"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<String>("channel").unwrap(), "cli");
    assert_eq!(rows[0].get::<Option<String>>("target").unwrap().as_deref(), Some(ADMIN));
    assert!(rows[0].get::<String>("sentence").unwrap().contains("lifted the sign-in lock of admin user admin"));

    let out = cli(&server, &["admin", "unlock", "--username", "nobody"]);
    assert!(!out.status.success(), "an unknown user is an error");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_admin_names_write_no_rows() {
    let server = server().await;
    for i in 0..20 {
        assert_eq!(sign_in_from(&server, "203.0.113.7", &format!("made-up-{i}@example.com"), "whatever1").await, 401);
    }
    assert_eq!(login_failure_rows(&server).await, 0, "a made-up name writes nothing");
    // A real account's failures are still counted.
    assert_eq!(sign_in_from(&server, "203.0.113.7", ADMIN, "wrong-password1").await, 401);
    assert!(login_failure_rows(&server).await > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_lockout_is_per_address_too() {
    let server = server().await;
    let token = server.admin_token().await;
    let email = "lock.me@example.com";
    let (status, _) = status_json(
        server
            .send(
                Method::POST,
                "/rest/V1/customers",
                Some(&token),
                Some(json!({"customer": {"email": email, "firstname": "L", "lastname": "M"}, "password": "Secret-pass1"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let sign_in = |address: &'static str, password: &'static str| {
        server
            .client
            .post(server.url("/rest/V1/integration/customer/token"))
            .header("X-Forwarded-For", address)
            .json(&json!({"username": email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(sign_in("203.0.113.7", "wrong-pass1").await.unwrap().status(), 401);
    }
    assert_eq!(sign_in("203.0.113.7", "Secret-pass1").await.unwrap().status(), 401);
    assert_eq!(sign_in("198.51.100.9", "Secret-pass1").await.unwrap().status(), 200);
    // The attempted email is not stored in clear.
    let rows = server.db.clone().fetch_all(sql!("SELECT * FROM login_failures")).await.unwrap();
    assert!(!rows.is_empty());
    for row in &rows {
        let client: String = row.get("client").unwrap();
        assert!(!client.contains('@'));
    }
}

/// `storegate_password_checks_total` from the process's `/metrics`.
async fn password_checks(client: &reqwest::Client, base: &str) -> f64 {
    let text = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with("storegate_password_checks_total"))
        .and_then(|l| l.rsplit(' ').next())
        .map_or(0.0, |v| v.parse().unwrap())
}

/// The locked refusal runs the same password verification as a wrong password, so the two
/// cannot be told apart by timing. Proven by counting verifications, not by timing: the real
/// binary is used so that no other test's sign-ins share the metric.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_attempt_on_a_locked_account_still_checks_the_password() {
    let db = TestDatabase::new();
    let process = ServerProcess::start_with_env(&db, &[("STOREGATE_LOCKOUT_FAILURES", "2")]);
    let base = process.base();
    let client = reqwest::Client::new();
    let sign_in = |password: &'static str| {
        client
            .post(format!("{base}/rest/V1/integration/admin/token"))
            .json(&json!({"username": ADMIN, "password": password}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(sign_in("wrong-password1").await.unwrap().status(), 401);
    }
    let before = password_checks(&client, &base).await;
    assert!(before >= 2.0, "wrong passwords were verified: {before}");
    let refused = sign_in(ADMIN_PASSWORD).await.unwrap();
    assert_eq!(refused.status(), 401, "locked");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["message"], SIGN_IN_REFUSED);
    assert_eq!(password_checks(&client, &base).await, before + 1.0, "the locked path verified the password");
}
