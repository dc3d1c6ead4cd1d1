//! Status of queued operations (`/V1/bulk…`). Queuing itself is not an operation: any
//! Magento write is queued by its `/rest/async/…` or `/rest/async/bulk/…` form.

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::bulk::{BulkStatus, OperationDetail, OperationSummary};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::StorageResult;
use storegate_domain::bulk::{self, Status};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const BULK: Acl = Acl::Resources(&[AclResource::AsyncBulkOperations]);

const fn bulk_op(id: &'static str, path: &'static str) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method: Method::Get,
        path,
        acl: BULK,
        group: CapabilityGroup::Bulk,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary: "",
        audit: "",
        target: Some("bulk_uuid"),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByBulkUuid {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub bulk_uuid: String,
}

/// A bulk with each operation in the shape `T` of its endpoint.
async fn status<T: From<bulk::Operation>>(cx: &Ctx, uuid: &str) -> Result<BulkStatus<T>, ApiError> {
    let mut r = cx.db.reader().await.storage()?;
    let found = bulk::find(&mut r, cx.tenant, uuid).await?;
    let ops = bulk::operations(&mut r, cx.tenant, &cx.settings.crypto, uuid).await?;
    Ok(BulkStatus::new(found, ops.into_iter().map(|o| visible(cx, o).into()).collect()))
}

/// An operation's inputs, result and result message are shown only to the principal that
/// queued it, or to one that may call the queued operation itself (the edge's permission
/// decision on the queued operation's spec, through [`crate::ctx::Host::permits`]), when
/// that operation is guarded by ACL resources. Operations open to anyone or to the calling
/// customer (registration, guest carts, `customers/me`) carry their sender's personal data
/// and no resource covers them: only their sender sees it. Everyone else sees status and ids.
fn visible(cx: &Ctx, op: bulk::Operation) -> bulk::Operation {
    let caller = bulk::user_of(&cx.principal);
    let sender = caller.1.is_some() && caller == op.queued_by;
    let guarded =
        crate::registry::find(&op.operation).is_some_and(|queued| matches!(queued.spec().acl, Acl::Resources(_)));
    if sender || (guarded && cx.host.permits(&cx.principal, &op.operation, cx.tenant)) { op } else { op.without_data() }
}

pub struct ShortStatus;

impl Operation for ShortStatus {
    const SPEC: OpSpec = OpSpec {
        summary: "Status of a bulk: each operation's status and result message.",
        audit: "{principal} read the status of bulk {bulk_uuid}",
        ..bulk_op("bulk.status", "/V1/bulk/{bulkUuid}/status")
    };
    type Input = ByBulkUuid;
    type Output = BulkStatus<OperationSummary>;

    async fn call(cx: &Ctx, input: ByBulkUuid) -> Result<Self::Output, ApiError> {
        status(cx, &input.bulk_uuid).await
    }
}

pub struct DetailedStatus;

impl Operation for DetailedStatus {
    const SPEC: OpSpec = OpSpec {
        summary: "Detailed status of a bulk: each operation with its input (secrets masked) and result.",
        audit: "{principal} read the detailed status of bulk {bulk_uuid}",
        ..bulk_op("bulk.detailed_status", "/V1/bulk/{bulkUuid}/detailed-status")
    };
    type Input = ByBulkUuid;
    type Output = BulkStatus<OperationDetail>;

    async fn call(cx: &Ctx, input: ByBulkUuid) -> Result<Self::Output, ApiError> {
        status(cx, &input.bulk_uuid).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByBulkUuidAndStatus {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub bulk_uuid: String,
    /// 1 complete, 2 failed but retriable, 3 failed, 4 open, 5 rejected.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub status: String,
}

pub struct CountByStatus;

impl Operation for CountByStatus {
    const SPEC: OpSpec = OpSpec {
        summary: "How many of a bulk's operations have a status (1 complete, 2 retriable, 3 failed, 4 open, 5 rejected).",
        audit: "{principal} counted operations of bulk {bulk_uuid} with status {status}",
        ..bulk_op("bulk.operation_count", "/V1/bulk/{bulkUuid}/operation-status/{status}")
    };
    type Input = ByBulkUuidAndStatus;
    type Output = i64;

    async fn call(cx: &Ctx, input: ByBulkUuidAndStatus) -> Result<i64, ApiError> {
        let status = input
            .status
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Status::from_code)
            .ok_or_else(|| ApiError::invalid_value("status", input.status.clone()))?;
        let mut r = cx.db.reader().await.storage()?;
        bulk::count_with_status(&mut r, cx.tenant, &input.bulk_uuid, status.code()).await
    }
}

pub struct ListOperations;

impl Operation for ListOperations {
    const SPEC: OpSpec = OpSpec {
        summary: "Search queued operations of every bulk with searchCriteria (bulk_uuid, status, topic_name, …).",
        audit: "{principal} searched bulk operations",
        target: None,
        ..bulk_op("bulk.operations.search", "/V1/bulk")
    };
    type Input = Search;
    type Output = SearchResult<OperationDetail>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) =
            bulk::search(&mut r, cx.tenant, &cx.settings.crypto, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(|o| visible(cx, o).into()).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![ShortStatus, DetailedStatus, CountByStatus, ListOperations];
