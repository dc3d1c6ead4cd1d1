//! A handler that panics becomes a logged 500 in the surface's format with a report id, and
//! the server keeps serving. The panicking operation exists only in this test's registry.

mod common;

use schemars::JsonSchema;
use serde::Deserialize;
use storegate_api::ops::system::Health;
use storegate_api::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_api::{Ctx, ErasedOp, Operation, register};
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
        limits: &[],
        cache: storegate_api::Cache::Never,
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
    let served = common::serve(OPS).await;
    let base = &served.base;

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
