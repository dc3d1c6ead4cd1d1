//! Queued operations that fail in a way that may pass are retried with backoff until they
//! succeed; one that panics fails for good without taking its worker down. The operations
//! exist only in this test's registry.

mod common;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use storegate_api::ops::bulk::ShortStatus;
use storegate_api::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_api::{Ctx, ErasedOp, Operation, register};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, ErrorCode};

#[derive(Deserialize, JsonSchema)]
struct Empty {}

const fn spec(id: &'static str, path: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method: Method::Post,
        path,
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        limits: &[],
        cache: storegate_api::Cache::Never,
        effect: Effect::Write,
        forced: &[],
        summary: "A test operation.",
        audit: "{principal} ran a test operation",
        target: None,
    }
}

static FLAKY_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Storage is "unavailable" on the first two calls.
struct Flaky;

impl Operation for Flaky {
    const SPEC: OpSpec = spec("test.flaky", "/V1/flaky");
    type Input = Empty;
    type Output = bool;

    async fn call(_: &Ctx, _: Empty) -> Result<bool, ApiError> {
        if FLAKY_CALLS.fetch_add(1, Ordering::SeqCst) < 2 {
            return Err(ApiError::new(ErrorCode::StorageUnavailable));
        }
        Ok(true)
    }
}

struct Explode;

impl Operation for Explode {
    const SPEC: OpSpec = spec("test.explode", "/V1/explode");
    type Input = Empty;
    type Output = bool;

    async fn call(_: &Ctx, _: Empty) -> Result<bool, ApiError> {
        panic!("deliberate test panic")
    }
}

static OPS: &[&dyn ErasedOp] = register![Flaky, Explode, ShortStatus];

/// The test server and an admin token for the status endpoint.
async fn serve() -> (common::Served, String) {
    let served = common::serve(OPS).await;
    let admin = storegate_domain::admin::list_users(&mut served.db.clone(), served.tenant).await.unwrap().remove(0);
    let kind = storegate_domain::tokens::TokenKind::Admin;
    let hour = time::Duration::hours(1);
    let token =
        storegate_domain::tokens::issue(&mut served.db.clone(), served.tenant, kind, admin.id.0, hour).await.unwrap();
    (served, token)
}

async fn queue(client: &reqwest::Client, base: &str, path: &str) -> String {
    let r = client.post(format!("{base}/rest/async{path}")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    body["bulk_uuid"].as_str().unwrap().to_owned()
}

async fn settled(client: &reqwest::Client, base: &str, token: &str, uuid: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = format!("{base}/rest/V1/bulk/{uuid}/status");
        let body: Value = client.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        if body["operations_list"][0]["status"] != 4 {
            return body["operations_list"][0].clone();
        }
        assert!(Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn transient_failures_are_retried_and_a_panic_fails_for_good() {
    let (served, token) = serve().await;
    let (db, base) = (&served.db, served.base.as_str());
    let client = reqwest::Client::new();

    let flaky = queue(&client, base, "/V1/flaky").await;
    let op = settled(&client, base, &token, &flaky).await;
    assert_eq!(op["status"], 1, "{op}");
    assert_eq!(FLAKY_CALLS.load(Ordering::SeqCst), 3);
    let attempts: i64 = db
        .clone()
        .fetch_scalar(sql!("SELECT attempts FROM bulk_operations WHERE bulk_uuid = $1", flaky.clone()))
        .await
        .unwrap();
    assert_eq!(attempts, 3);

    let explode = queue(&client, base, "/V1/explode").await;
    let op = settled(&client, base, &token, &explode).await;
    assert_eq!(op["status"], 3, "{op}");
    assert_eq!(op["error_code"], 500);
    assert!(!op.to_string().contains("deliberate"), "panic details stay in the log: {op}");
    // The workers live on.
    FLAKY_CALLS.store(2, Ordering::SeqCst);
    let again = queue(&client, base, "/V1/flaky").await;
    assert_eq!(settled(&client, base, &token, &again).await["status"], 1);
}
