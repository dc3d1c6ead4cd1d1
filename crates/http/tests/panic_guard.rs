//! A handler that panics becomes a logged 500 in the surface's format with a report id, and
//! the server keeps serving. The panicking operation exists only in this test's registry.

use schemars::JsonSchema;
use serde::Deserialize;
use storegate_api::ops::system::Health;
use storegate_api::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_api::{Ctx, ErasedOp, Operation, Settings, register};
use storegate_db::testing::TestDatabase;
use storegate_db::{Db, migrate};
use storegate_domain::tenancy::{BootstrapOptions, bootstrap};
use storegate_http::{App, HttpConfig};
use storegate_types::ApiError;

#[derive(Deserialize, JsonSchema)]
struct Empty {}

struct Explode;

impl Operation for Explode {
    const SPEC: OpSpec = OpSpec {
        id: "test.explode",
        surface: Surface::Magento,
        method: Method::Get,
        path: "/V1/explode",
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        effect: Effect::Read,
        forced: &[],
        summary: "Panics.",
        audit: "{principal} exploded",
        target: None,
    };
    type Input = Empty;
    type Output = bool;

    async fn call(_: &Ctx, _: Empty) -> Result<bool, ApiError> {
        panic!("deliberate test panic with a secret detail")
    }
}

static OPS: &[&dyn ErasedOp] = register![Explode, Health];

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_is_a_500_with_a_report_id_and_serving_continues() {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.unwrap();
    migrate::run(&db).await.unwrap();
    let boot = bootstrap(
        &db,
        &BootstrapOptions {
            admin_username: "admin".into(),
            admin_password: Some("admin123".into()),
            base_url: "http://x".into(),
        },
    )
    .await
    .unwrap();
    let crypto = storegate_domain::crypto::Crypto::from_key(&[3u8; 32]);
    let settings = Settings::new(crypto, test_db.data_dir.path().join("media"));
    let app = App::with_operations(db, boot.tenant, settings, &HttpConfig::default(), OPS).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(storegate_http::serve(listener, app, std::future::pending()));

    let client = reqwest::Client::new();
    let response = client.get(format!("{base}/rest/V1/explode")).send().await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Internal Error. Details are available in the storegate log. Report ID: webapi-"),
        "{message}"
    );
    assert!(!body.to_string().contains("secret detail"), "panic details must not reach the client");

    for _ in 0..3 {
        let ok = client.get(format!("{base}/health")).send().await.unwrap();
        assert_eq!(ok.status(), 200);
    }
}
