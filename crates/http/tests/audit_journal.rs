//! A write's audit row is committed in the write's own transaction: a process that stops
//! after the commit and before recording the answer loses no audit row. The operations
//! exist only in this test's registry.

mod common;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant};
use storegate_api::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_api::{Ctx, ErasedOp, Operation, register};
use storegate_db::{Db, Exec, sql};
use storegate_domain::StorageResult;
use storegate_types::ApiError;

#[derive(Deserialize, JsonSchema)]
struct Rename {
    name: String,
}

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
        summary: "Rename the default store view.",
        audit: "{principal} renamed the default store view to {name}",
        target: Some("name"),
    }
}

async fn rename(cx: &Ctx, name: &str) -> Result<(), ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    tx.execute(sql!("UPDATE store_views SET name = $1 WHERE tenant_id = $2 AND id = 1", name.to_owned(), cx.tenant.0))
        .await
        .storage()?;
    tx.commit().await.storage()
}

/// Commits, then answers.
struct Write;

impl Operation for Write {
    const SPEC: OpSpec = spec("test.write", "/V1/write");
    type Input = Rename;
    type Output = bool;

    async fn call(cx: &Ctx, input: Rename) -> Result<bool, ApiError> {
        rename(cx, &input.name).await.map(|()| true)
    }
}

/// Commits, then never answers: the process "stops" between the commit and the audit write.
struct Stall;

impl Operation for Stall {
    const SPEC: OpSpec = spec("test.stall", "/V1/stall");
    type Input = Rename;
    type Output = bool;

    async fn call(cx: &Ctx, input: Rename) -> Result<bool, ApiError> {
        rename(cx, &input.name).await?;
        std::future::pending().await
    }
}

static OPS: &[&dyn ErasedOp] = register![Write, Stall];

async fn count(db: &Db, table: &str, operation: &str) -> i64 {
    let query =
        storegate_db::Query::new(format!("SELECT COUNT(*) FROM {table} WHERE operation_id = $1")).bind(operation);
    db.clone().fetch_scalar(query).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_and_its_audit_row_are_committed_together() {
    let served = common::serve(OPS).await;
    let db = &served.db;
    let client = reqwest::Client::new();

    // An answered write leaves exactly one audit row and nothing in the journal.
    let r = client.post(format!("{}/rest/V1/write", served.base)).json(&json!({"name": "Plain"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(count(db, "audit_log", "test.write").await, 1);
    assert_eq!(count(db, "audit_journal", "test.write").await, 0);

    // A write whose answer is never recorded: its audit row was committed with it.
    let stalled = client
        .post(format!("{}/rest/V1/stall", served.base))
        .json(&json!({"name": "Crashville"}))
        .timeout(Duration::from_secs(2))
        .send();
    assert!(stalled.await.is_err(), "the stalled write answered");
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(db, "audit_journal", "test.stall").await == 0 {
        assert!(Instant::now() < deadline, "the committed write has no journaled audit row");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let name: String = db.clone().fetch_scalar(sql!("SELECT name FROM store_views WHERE id = 1")).await.unwrap();
    assert_eq!(name, "Crashville");
    assert_eq!(count(db, "audit_log", "test.stall").await, 0);

    // After a crash, recovery moves it into the audit log, with a reason that says so.
    assert_eq!(storegate_domain::audit::recover(db, Duration::ZERO).await.unwrap(), 1);
    assert_eq!(count(db, "audit_journal", "test.stall").await, 0);
    let rows = storegate_domain::audit::tail(&mut db.clone(), Some(served.tenant), 10, 0).await.unwrap();
    let row = rows.iter().find(|r| r.entry.operation_id == "test.stall").expect("the recovered row");
    assert_eq!(row.entry.sentence, "an anonymous caller renamed the default store view to Crashville");
    assert_eq!(row.entry.reason.as_deref(), Some(storegate_domain::audit::RECOVERED));
    assert_eq!(row.entry.target.as_deref(), Some("Crashville"));
}
