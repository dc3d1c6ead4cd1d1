//! Liveness, readiness, metrics and the OpenAPI document.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation, Reply};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use schemars::JsonSchema;
use serde::Serialize;
use std::time::Duration;
use storegate_types::ApiError;

const fn system(id: &'static str, path: &'static str, summary: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::System,
        method: Method::Get,
        path,
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary,
        audit: "{principal} read the {store} status",
        target: None,
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Status {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

pub struct Health;

impl Operation for Health {
    const SPEC: OpSpec = system("system.health", "/health", "Liveness: answers while the process serves requests.");
    type Input = NoInput;
    type Output = Status;

    async fn call(_: &Ctx, _: NoInput) -> Result<Status, ApiError> {
        Ok(Status { status: "ok", database: None })
    }
}

pub struct Ready;

impl Operation for Ready {
    const SPEC: OpSpec = system("system.ready", "/ready", "Readiness: the database answers; 503 when it does not.");
    type Input = NoInput;
    type Output = Status;

    async fn call(cx: &Ctx, _: NoInput) -> Result<Status, ApiError> {
        match tokio_timeout(Duration::from_secs(2), cx.db.ping()).await {
            Some(Ok(())) => Ok(Status { status: "ready", database: Some(cx.db.backend().name()) }),
            Some(Err(e)) => Err(storegate_domain::storage(e)),
            None => Err(ApiError::new(storegate_types::ErrorCode::StorageUnavailable).with_internal("ping timed out")),
        }
    }
}

async fn tokio_timeout<F: std::future::Future>(d: Duration, f: F) -> Option<F::Output> {
    tokio::time::timeout(d, f).await.ok()
}

pub struct Metrics;

impl Operation for Metrics {
    const SPEC: OpSpec =
        system("system.metrics", "/metrics", "Prometheus metrics: requests and latency per operation, database pool.");
    type Input = NoInput;
    type Output = String;

    async fn call(cx: &Ctx, _: NoInput) -> Result<String, ApiError> {
        Ok(cx.host.render_metrics())
    }

    fn reply(output: String) -> Result<Reply, ApiError> {
        Ok(Reply::Text { body: output, content_type: "text/plain; version=0.0.4; charset=utf-8" })
    }
}

pub struct OpenApi;

impl Operation for OpenApi {
    const SPEC: OpSpec = OpSpec {
        id: "system.openapi",
        surface: crate::spec::Surface::Magento,
        path: "/schema",
        summary: "The OpenAPI 3.1 document of every operation, derived from the registry.",
        ..system("", "", "")
    };
    type Input = NoInput;
    type Output = serde_json::Value;

    async fn call(cx: &Ctx, _: NoInput) -> Result<serde_json::Value, ApiError> {
        Ok((*cx.host.openapi()).clone())
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![Health, Ready, Metrics, OpenApi];
