//! Integrations and OAuth 1.0a over real HTTP: the CLI, the activation POST to a real
//! endpoint, the token exchange, signed calls with HMAC-SHA256 and HMAC-SHA1, every refusal,
//! the Bearer form on and off, and a third-party OAuth client (requests-oauthlib).

use crate::helpers::{TestServer, cli, status_json, stdout};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use storegate_db::sql;
use storegate_domain::oauth::signature::{self, SignatureMethod};
use tokio::sync::mpsc;

/// The four credentials `integration activate` prints, or those the handshake produced.
#[derive(Debug, Clone)]
pub struct Creds {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: String,
    pub token_secret: String,
}

pub fn ok_cli(server: &TestServer, args: &[&str]) -> String {
    let out = cli(server, args);
    assert!(out.status.success(), "{args:?}: {}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    stdout(&out)
}

/// Parses `key: value` lines.
fn lines(text: &str) -> HashMap<String, String> {
    text.lines().filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

pub fn activate_locally(server: &TestServer, name: &str, resources: &[&str]) -> Creds {
    let mut args = vec!["integration", "create", "--name", name];
    for r in resources {
        args.extend(["--resource", r]);
    }
    ok_cli(server, &args);
    let out = ok_cli(server, &["integration", "activate", name]);
    let l = lines(&out);
    Creds {
        consumer_key: l["consumer_key"].clone(),
        consumer_secret: l["consumer_secret"].clone(),
        token: l["access_token"].clone(),
        token_secret: l["access_token_secret"].clone(),
    }
}

/// One signed request's knobs, so refusals can bend exactly one of them.
struct Sign<'a> {
    method: SignatureMethod,
    consumer_key: &'a str,
    consumer_secret: &'a str,
    token: Option<&'a str>,
    token_secret: &'a str,
    extra: Vec<(&'a str, String)>,
    nonce: String,
    timestamp: i64,
}

impl<'a> Sign<'a> {
    fn new(c: &'a Creds, method: SignatureMethod) -> Sign<'a> {
        Sign {
            method,
            consumer_key: &c.consumer_key,
            consumer_secret: &c.consumer_secret,
            token: Some(&c.token),
            token_secret: &c.token_secret,
            extra: Vec::new(),
            nonce: storegate_domain::oauth::random_token(),
            timestamp: time::OffsetDateTime::now_utc().unix_timestamp(),
        }
    }

    /// The `Authorization: OAuth …` header for `method url` (the query string is signed).
    fn header(&self, http_method: &str, url: &str) -> String {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let method_name = match self.method {
            SignatureMethod::HmacSha1 => "HMAC-SHA1",
            SignatureMethod::HmacSha256 => "HMAC-SHA256",
        };
        let mut protocol = vec![
            ("oauth_consumer_key".to_owned(), self.consumer_key.to_owned()),
            ("oauth_nonce".to_owned(), self.nonce.clone()),
            ("oauth_signature_method".to_owned(), method_name.to_owned()),
            ("oauth_timestamp".to_owned(), self.timestamp.to_string()),
            ("oauth_version".to_owned(), "1.0".to_owned()),
        ];
        if let Some(t) = self.token {
            protocol.push(("oauth_token".to_owned(), t.to_owned()));
        }
        protocol.extend(self.extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        let mut all = protocol.clone();
        all.extend(signature::parse_form(query));
        let base_string = signature::base_string(http_method, base, &all);
        let sig = signature::sign(self.method, self.consumer_secret, self.token_secret, &base_string);
        protocol.push(("oauth_signature".to_owned(), sig));
        let parts: Vec<String> = protocol.iter().map(|(k, v)| format!("{k}=\"{}\"", signature::encode(v))).collect();
        format!("OAuth {}", parts.join(", "))
    }
}

async fn signed(server: &TestServer, method: Method, path: &str, sign: &Sign<'_>, body: Option<Value>) -> (u16, Value) {
    let url = server.url(path);
    let header = sign.header(method.as_str(), &url);
    let mut req = server.client.request(method, &url).header("Authorization", header);
    if let Some(b) = body {
        req = req.json(&b);
    }
    status_json(req.send().await.unwrap()).await
}

/// `oauth_token=…&oauth_token_secret=…` from a token endpoint.
async fn exchange(server: &TestServer, path: &str, sign: &Sign<'_>) -> (u16, HashMap<String, String>, String) {
    let url = server.url(path);
    let r = server.client.post(&url).header("Authorization", sign.header("POST", &url)).send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, signature::parse_form(&text).into_iter().collect(), text)
}

/// A tiny integration endpoint: answers `status` and hands each activation form over.
async fn endpoint(status: u16) -> (String, mpsc::UnboundedReceiver<HashMap<String, String>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/callback",
        axum::routing::post(move |body: String| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(signature::parse_form(&body).into_iter().collect());
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/callback"), rx)
}

/// Creates an integration with an endpoint, activates it (the endpoint receives the
/// consumer credentials) and answers what the endpoint received.
async fn activate_by_endpoint(server: &TestServer, name: &str, resource: &str) -> HashMap<String, String> {
    let (url, mut received) = endpoint(200).await;
    ok_cli(server, &["integration", "create", "--name", name, "--resource", resource, "--endpoint", &url]);
    let out = ok_cli(
        server,
        &["integration", "activate", name, "--allow-private-endpoints", "--base-url", "https://shop.example.com"],
    );
    assert!(out.contains("HTTP 200"), "{out}");
    let form = received.try_recv().expect("the endpoint received the activation POST");
    assert_eq!(form["store_base_url"], "https://shop.example.com/");
    for field in ["oauth_consumer_key", "oauth_consumer_secret", "store_base_url", "oauth_verifier"] {
        assert!(form.get(field).is_some_and(|v| !v.is_empty()), "{field} in {form:?}");
    }
    form
}

/// The handshake as an integration runs it: request token, then access token.
async fn handshake(server: &TestServer, form: &HashMap<String, String>, method: SignatureMethod) -> Creds {
    let consumer = Creds {
        consumer_key: form["oauth_consumer_key"].clone(),
        consumer_secret: form["oauth_consumer_secret"].clone(),
        token: String::new(),
        token_secret: String::new(),
    };
    let mut sign = Sign::new(&consumer, method);
    sign.token = None;
    let (status, request, text) = exchange(server, "/oauth/token/request", &sign).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(request["oauth_token"].len(), 32);
    // A wrong verifier is refused without spending the request token.
    let mut wrong = Sign::new(&consumer, method);
    wrong.token = Some(&request["oauth_token"]);
    wrong.token_secret = &request["oauth_token_secret"];
    wrong.extra = vec![("oauth_verifier", "v".repeat(32))];
    let (status, _, text) = exchange(server, "/oauth/token/access", &wrong).await;
    assert_eq!((status, text.as_str()), (401, "oauth_problem=Verifier%20is%20invalid"));
    let mut sign = Sign::new(&consumer, method);
    sign.token = Some(&request["oauth_token"]);
    sign.token_secret = &request["oauth_token_secret"];
    sign.extra = vec![("oauth_verifier", form["oauth_verifier"].clone())];
    let (status, access, text) = exchange(server, "/oauth/token/access", &sign).await;
    assert_eq!(status, 200, "{text}");
    // A request token is spent once.
    let mut again = Sign::new(&consumer, method);
    again.token = Some(&request["oauth_token"]);
    again.token_secret = &request["oauth_token_secret"];
    again.extra = vec![("oauth_verifier", form["oauth_verifier"].clone())];
    let (status, _, text) = exchange(server, "/oauth/token/access", &again).await;
    assert_eq!((status, text.as_str()), (401, "oauth_problem=Token%20is%20already%20being%20used"));
    Creds { token: access["oauth_token"].clone(), token_secret: access["oauth_token_secret"].clone(), ..consumer }
}

#[tokio::test(flavor = "multi_thread")]
async fn activation_handshake_with_a_real_endpoint_then_signed_calls_with_both_methods() {
    let server = TestServer::start().await;
    let form = activate_by_endpoint(&server, "erp", "Magento_Catalog::products").await;
    let creds = handshake(&server, &form, SignatureMethod::HmacSha256).await;
    let list = "/rest/V1/products?searchCriteria[pageSize]=5&searchCriteria[currentPage]=1";
    for method in [SignatureMethod::HmacSha256, SignatureMethod::HmacSha1] {
        let (status, body) = signed(&server, Method::GET, list, &Sign::new(&creds, method), None).await;
        assert_eq!(status, 200, "{method:?}: {body}");
        assert!(body["items"].is_array(), "{body}");
    }
    // A write, signed, with a JSON body (not part of the base string): audited as the integration.
    let product = json!({"product": {"sku": "OAUTH-1", "name": "Signed", "price": 3, "attribute_set_id": 4, "type_id": "simple"}});
    let (status, body) = signed(
        &server,
        Method::POST,
        "/rest/V1/products",
        &Sign::new(&creds, SignatureMethod::HmacSha1),
        Some(product),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let sentence: String = server
        .db
        .fetch_optional(sql!("SELECT sentence FROM audit_log WHERE operation_id = $1", "catalog.product.create"))
        .await
        .unwrap()
        .expect("an audit row")
        .at(0)
        .unwrap();
    assert!(sentence.contains("integration erp"), "{sentence}");
    // The integration reaches exactly its resources.
    let (status, body) = signed(
        &server,
        Method::GET,
        "/rest/V1/orders?searchCriteria[pageSize]=1",
        &Sign::new(&creds, SignatureMethod::HmacSha256),
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["message"], "The consumer isn't authorized to access %resources.");
    let listed = ok_cli(&server, &["integration", "list"]);
    assert!(listed.lines().any(|l| l.contains("erp") && l.contains("active")), "{listed}");
    // New resources reach the live token at once.
    let orders = "/rest/V1/orders?searchCriteria[pageSize]=1";
    ok_cli(&server, &["integration", "update", "erp", "--resource", "Magento_Sales::actions_view"]);
    let (status, body) =
        signed(&server, Method::GET, orders, &Sign::new(&creds, SignatureMethod::HmacSha256), None).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = signed(&server, Method::GET, list, &Sign::new(&creds, SignatureMethod::HmacSha256), None).await;
    assert_eq!(status, 403, "products are no longer granted");
    assert!(!cli(&server, &["integration", "update", "erp", "--resource", "Magento_Nope::x"]).status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn activation_reports_refusals_failures_and_private_targets() {
    let server = TestServer::start().await;
    let (failing, _rx) = endpoint(500).await;
    ok_cli(&server, &["integration", "create", "--name", "broken", "--all", "--endpoint", &failing]);
    let out = cli(&server, &["integration", "activate", "broken", "--allow-private-endpoints"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("HTTP 500"), "{err}");
    // Without permission, a loopback endpoint is never contacted.
    let out = cli(&server, &["integration", "activate", "broken"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("refused"), "{err}");
    // Nobody listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{closed}/callback");
    ok_cli(&server, &["integration", "create", "--name", "gone", "--all", "--endpoint", &url]);
    let out = cli(&server, &["integration", "activate", "gone", "--allow-private-endpoints"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("connection was refused"), "{err}");
    // An endpoint that does not answer in time.
    let slow = axum::Router::new().route(
        "/callback",
        axum::routing::post(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            "late"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, slow).await });
    ok_cli(&server, &["integration", "create", "--name", "slow", "--all", "--endpoint", &url]);
    let out = cli(&server, &["integration", "activate", "slow", "--allow-private-endpoints", "--timeout", "1s"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("no answer within 1s"), "{err}");
    let out = cli(&server, &["integration", "create", "--name", "typo", "--resource", "Magento_Catalog::prodcts"]);
    assert!(!out.status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_handshake_credentials_are_refused() {
    let server = TestServer::start().await;
    let form = activate_by_endpoint(&server, "late", "Magento_Catalog::products").await;
    // The handshake window (300 s) has passed.
    let past = storegate_domain::clock::format(time::OffsetDateTime::now_utc() - time::Duration::seconds(301));
    server.db.execute(sql!("UPDATE oauth_consumers SET activated_at = $1", past)).await.unwrap();
    let consumer = Creds {
        consumer_key: form["oauth_consumer_key"].clone(),
        consumer_secret: form["oauth_consumer_secret"].clone(),
        token: String::new(),
        token_secret: String::new(),
    };
    let mut sign = Sign::new(&consumer, SignatureMethod::HmacSha256);
    sign.token = None;
    let (status, _, text) = exchange(&server, "/oauth/token/request", &sign).await;
    assert_eq!((status, text.as_str()), (401, "oauth_problem=Consumer%20key%20has%20expired"));
    // Unsigned: only a signed consumer may exchange tokens.
    let r = server.client.post(server.url("/oauth/token/request")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().starts_with("oauth_problem="));
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_requests_are_refused_for_each_flaw() {
    let server = TestServer::start().await;
    let creds = activate_locally(&server, "pim", &["Magento_Catalog::products"]);
    let path = "/rest/V1/products?searchCriteria[pageSize]=1";
    let sha = SignatureMethod::HmacSha256;
    assert_eq!(signed(&server, Method::GET, path, &Sign::new(&creds, sha), None).await.0, 200);
    let invalid = "The signature is invalid. Verify and try again.";
    // Tampered: signed for another query than the one sent.
    let sign = Sign::new(&creds, sha);
    let header = sign.header("GET", &server.url("/rest/V1/products?searchCriteria[pageSize]=2"));
    let r = server.client.get(server.url(path)).header("Authorization", header).send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body["message"].as_str()), (401, Some(invalid)), "{body}");
    // Wrong secret.
    let wrong = Creds { token_secret: "x".repeat(32), ..creds.clone() };
    let (status, body) = signed(&server, Method::GET, path, &Sign::new(&wrong, sha), None).await;
    assert_eq!((status, body["message"].as_str()), (401, Some(invalid)), "{body}");
    // Replayed nonce.
    let mut sign = Sign::new(&creds, sha);
    sign.nonce = "the-same-nonce".into();
    assert_eq!(signed(&server, Method::GET, path, &sign, None).await.0, 200);
    let (status, body) = signed(&server, Method::GET, path, &sign, None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "The nonce is already being used by the consumer with ID %1");
    // Nonces older than twice the timestamp window are pruned (their timestamps would be
    // refused anyway); recent ones are kept.
    let consumer: i64 = server
        .db
        .fetch_optional(sql!("SELECT consumer_id FROM oauth_nonces WHERE nonce = $1", "the-same-nonce"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    let long_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 1300;
    server
        .db
        .execute(sql!(
            "INSERT INTO oauth_nonces (tenant_id, consumer_id, nonce, seen_at) VALUES ($1, $2, $3, $4)",
            server.tenant.0,
            consumer,
            "ancient",
            long_ago
        ))
        .await
        .unwrap();
    assert_eq!(signed(&server, Method::GET, path, &Sign::new(&creds, sha), None).await.0, 200);
    let left: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT nonce FROM oauth_nonces WHERE nonce IN ($1, $2)", "ancient", "the-same-nonce"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.at(0).unwrap())
        .collect();
    assert_eq!(left, ["the-same-nonce"]);
    // Stale and future timestamps.
    for skew in [-700, 700] {
        let mut sign = Sign::new(&creds, sha);
        sign.timestamp += skew;
        let (status, body) = signed(&server, Method::GET, path, &sign, None).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["message"], "Incorrect timestamp value in the oauth_timestamp parameter");
    }
    // A method Magento does not accept.
    let mut sign = Sign::new(&creds, sha);
    sign.extra = vec![];
    let header = sign.header("GET", &server.url(path)).replace("HMAC-SHA256", "PLAINTEXT");
    let r = server.client.get(server.url(path)).header("Authorization", header).send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!((status, body["message"].as_str()), (400, Some("Signature method %1 is not supported")), "{body}");
    // Not granted.
    let (status, body) = signed(&server, Method::GET, "/rest/V1/customers/1", &Sign::new(&creds, sha), None).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["parameters"]["resources"], "Magento_Customer::customer");
    // Reauthorize revokes the old token and issues a new one.
    let out = ok_cli(&server, &["integration", "reauthorize", "pim", "--json"]);
    let fresh: Value = serde_json::from_str(out.trim()).unwrap();
    let (status, body) = signed(&server, Method::GET, path, &Sign::new(&creds, sha), None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "The access token has been revoked.");
    let renewed = Creds {
        token: fresh["access_token"].as_str().unwrap().into(),
        token_secret: fresh["access_token_secret"].as_str().unwrap().into(),
        ..creds.clone()
    };
    assert_eq!(fresh["consumer_key"], creds.consumer_key.as_str());
    assert_eq!(signed(&server, Method::GET, path, &Sign::new(&renewed, sha), None).await.0, 200);
    // Deleting the integration ends it.
    ok_cli(&server, &["integration", "delete", "pim"]);
    let (status, body) = signed(&server, Method::GET, path, &Sign::new(&renewed, sha), None).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "A consumer having the specified key does not exist");
}

/// A forged request (valid consumer key, bad signature) spends no nonce: it stores nothing,
/// and the genuine request carrying the same nonce still succeeds (issue 12, item 5).
#[tokio::test(flavor = "multi_thread")]
async fn a_bad_signature_spends_no_nonce() {
    let server = TestServer::start().await;
    let creds = activate_locally(&server, "pim", &["Magento_Catalog::products"]);
    let path = "/rest/V1/products?searchCriteria[pageSize]=1";
    let sha = SignatureMethod::HmacSha256;
    let nonces = || async {
        let row = server.db.fetch_optional(sql!("SELECT COUNT(*) FROM oauth_nonces")).await.unwrap().unwrap();
        row.at::<i64>(0).unwrap()
    };
    let before = nonces().await;
    let forged_creds = Creds { token_secret: "x".repeat(32), ..creds.clone() };
    let mut forged = Sign::new(&forged_creds, sha);
    forged.nonce = "contested-nonce".into();
    for _ in 0..5 {
        let (status, body) = signed(&server, Method::GET, path, &forged, None).await;
        assert_eq!((status, body["message"].as_str()), (401, Some("The signature is invalid. Verify and try again.")));
    }
    assert_eq!(nonces().await, before, "a forged request stored a nonce");
    let mut genuine = Sign::new(&creds, sha);
    genuine.nonce = "contested-nonce".into();
    let (status, body) = signed(&server, Method::GET, path, &genuine, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(nonces().await, before + 1);
    // The genuine nonce is now spent: replay protection still holds.
    let (status, body) = signed(&server, Method::GET, path, &genuine, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("The nonce is already being used by the consumer with ID %1"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_creates_lists_activates_and_deletes_integrations() {
    let server = TestServer::start().await;
    let created = ok_cli(&server, &["integration", "create", "--name", "agent", "--all"]);
    assert!(created.contains("Magento_Backend::all"), "{created}");
    let out = ok_cli(&server, &["integration", "activate", "agent"]);
    let keys: Vec<&str> = out.lines().map(|l| l.split_once(": ").unwrap().0).collect();
    assert_eq!(keys, ["consumer_key", "consumer_secret", "access_token", "access_token_secret"], "{out}");
    assert!(out.lines().all(|l| l.split_once(": ").unwrap().1.len() == 32), "{out}");
    // Activating twice is refused: reauthorize is the way to new tokens.
    assert!(!cli(&server, &["integration", "activate", "agent"]).status.success());
    ok_cli(&server, &["integration", "create", "--name", "feed", "--resource", "Magento_Sales::actions_view"]);
    let json_out = ok_cli(&server, &["integration", "activate", "feed", "--json"]);
    let v: Value = serde_json::from_str(json_out.trim()).unwrap();
    for k in ["consumer_key", "consumer_secret", "access_token", "access_token_secret"] {
        assert_eq!(v[k].as_str().map(str::len), Some(32), "{v}");
    }
    let listed = ok_cli(&server, &["integration", "list"]);
    assert!(listed.lines().any(|l| l.contains("agent") && l.contains("active") && l.contains("Magento_Backend::all")));
    assert!(listed.lines().any(|l| l.contains("feed") && l.contains("Magento_Sales::actions_view")));
    assert!(!cli(&server, &["integration", "create", "--name", "feed", "--all"]).status.success(), "duplicate");
    ok_cli(&server, &["integration", "delete", "feed"]);
    let listed = ok_cli(&server, &["integration", "list"]);
    assert!(!listed.contains("feed"), "{listed}");
    assert!(!cli(&server, &["integration", "delete", "feed"]).status.success());
    let audited: i64 = server
        .db
        .fetch_optional(sql!("SELECT COUNT(*) FROM audit_log WHERE operation_id LIKE $1", "cli.integration.%"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    assert_eq!(audited, 5);
    // No secret reaches the audit log.
    let creds = lines(&out);
    let all: Vec<String> = server
        .db
        .fetch_all(sql!("SELECT sentence FROM audit_log"))
        .await
        .unwrap()
        .iter()
        .map(|r| r.at::<String>(0).unwrap())
        .collect();
    assert!(all.iter().all(|s| !s.contains(&creds["consumer_secret"]) && !s.contains(&creds["access_token"])));
}

#[tokio::test(flavor = "multi_thread")]
async fn integration_tokens_work_as_bearer_only_when_the_store_allows_it() {
    let path = "/rest/V1/products?searchCriteria[pageSize]=1";
    let off = TestServer::start().await;
    let creds = activate_locally(&off, "plain", &["Magento_Catalog::products"]);
    let (status, body) = status_json(off.get(path, Some(&creds.token)).await).await;
    assert_eq!(status, 401, "{body}");
    let on = TestServer::start_with(|c| c.integration_bearer = true).await;
    let creds = activate_locally(&on, "plain", &["Magento_Catalog::products"]);
    let (status, body) = status_json(on.get(path, Some(&creds.token)).await).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = status_json(on.get("/rest/V1/orders?searchCriteria[pageSize]=1", Some(&creds.token)).await).await;
    assert_eq!(status, 403);
    ok_cli(&on, &["integration", "reauthorize", "plain"]);
    let (status, _) = status_json(on.get(path, Some(&creds.token)).await).await;
    assert_eq!(status, 401, "a revoked token stops working as Bearer too");
}

/// requests-oauthlib, a third-party OAuth 1.0a client, signs GET with a query string and
/// POST with a JSON body, with HMAC-SHA256 and HMAC-SHA1.
#[tokio::test(flavor = "multi_thread")]
async fn requests_oauthlib_signs_requests_the_server_accepts() {
    let Some(python) = crate::clients::python_with("requests-oauthlib") else { return };
    let server = TestServer::start().await;
    let creds = activate_locally(&server, "py", &["Magento_Catalog::products"]);
    let script = format!("{}/tests/clients/oauth_requests_oauthlib.py", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new(python)
        .arg(script)
        .args([&server.base, &creds.consumer_key, &creds.consumer_secret, &creds.token, &creds.token_secret])
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("ALL OK"), "requests-oauthlib failed:\n{stdout}\n{stderr}");
}

/// Form-encoded body parameters are part of the base string; malformed protocol
/// parameters get Magento's errors; a consumer without an access token reaches nothing.
#[tokio::test(flavor = "multi_thread")]
async fn signatures_cover_form_bodies_and_protocol_errors_are_magentos() {
    let server = TestServer::start().await;
    let creds = activate_locally(&server, "forms", &["Magento_Catalog::products"]);
    let url = server.url("/rest/V1/products");
    let post_form = |header: String| {
        server
            .client
            .post(&url)
            .header("Authorization", header)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("sku=FORM+1&qty=2")
            .send()
    };
    // Signed over the body's parameters: authenticated, then refused for its content type
    // (Magento routes take JSON), not for its signature.
    let mut sign = Sign::new(&creds, SignatureMethod::HmacSha256);
    sign.extra = vec![("sku", "FORM 1".into()), ("qty", "2".into())];
    let header = sign.header("POST", &url).replace(", sku=\"FORM%201\", qty=\"2\"", "");
    let (status, body) = status_json(post_form(header).await.unwrap()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "Server cannot understand Content-Type HTTP header media type %1");
    // Signed without them: the signature does not match.
    let header = Sign::new(&creds, SignatureMethod::HmacSha256).header("POST", &url);
    let (status, body) = status_json(post_form(header).await.unwrap()).await;
    assert_eq!((status, body["message"].as_str()), (401, Some("The signature is invalid. Verify and try again.")));
    // Missing parameters are reported together.
    let r = server.client.get(&url).header("Authorization", "OAuth oauth_consumer_key=\"x\"").send().await.unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "One or more input exceptions have occurred.");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(4), "{body}");
    // A version other than 1.0, a token of the wrong length, an unknown token.
    let mut sign = Sign::new(&creds, SignatureMethod::HmacSha256);
    let header = sign.header("GET", &url).replace("oauth_version=\"1.0\"", "oauth_version=\"2.0\"");
    let (status, body) =
        status_json(server.client.get(&url).header("Authorization", header).send().await.unwrap()).await;
    assert_eq!((status, body["message"].as_str()), (400, Some("The \"%1\" Oauth version isn't supported.")));
    sign.token = Some("short");
    let (status, body) = signed(&server, Method::GET, "/rest/V1/products", &sign, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("The token length is invalid. Check the length and try again."))
    );
    let unknown = "u".repeat(32);
    let mut sign = Sign::new(&creds, SignatureMethod::HmacSha256);
    sign.token = Some(&unknown);
    let (status, body) = signed(&server, Method::GET, "/rest/V1/products", &sign, None).await;
    assert_eq!((status, body["message"].as_str()), (401, Some("Specified token does not exist")));
    // Signed by the consumer alone (the handshake's first step): no Magento route.
    let mut sign = Sign::new(&creds, SignatureMethod::HmacSha256);
    sign.token = None;
    let (status, _) = signed(&server, Method::GET, "/rest/V1/products", &sign, None).await;
    assert_eq!(status, 401, "the consumer of an integration activated without an endpoint has no handshake");
}

/// requests-oauthlib runs the whole handshake (request token, access token with the
/// verifier) with the credentials the activation POST delivered, then signs a call.
#[tokio::test(flavor = "multi_thread")]
async fn requests_oauthlib_runs_the_activation_handshake() {
    let Some(python) = crate::clients::python_with("requests-oauthlib") else { return };
    let server = TestServer::start().await;
    let form = activate_by_endpoint(&server, "pyhandshake", "Magento_Catalog::products").await;
    let script = format!("{}/tests/clients/oauth_requests_oauthlib_handshake.py", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new(python)
        .arg(script)
        .args([&server.base, &form["oauth_consumer_key"], &form["oauth_consumer_secret"], &form["oauth_verifier"]])
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("ALL OK"), "requests-oauthlib failed:\n{stdout}\n{stderr}");
}
