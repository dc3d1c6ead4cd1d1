//! Order actions (contract §1.5, §7): list orders and order items, the status, comments,
//! cancel (a non-cancelable order answers `false` with 200, as Magento does), hold, unhold
//! and emails.

use super::catalog::Search;
use super::invoices::entity_id;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::order::{history_out, item_out, order_out};
use crate::wire::sales_documents::{comments_criteria, int};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use storegate_domain::StorageResult;
use storegate_domain::sales::{self, StatusHistory, lifecycle};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const VIEW: Acl = Acl::Resources(&[AclResource::SalesActionsView]);

const fn act_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
        group: CapabilityGroup::Orders,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
}

pub struct ListOrders;

impl Operation for ListOrders {
    const SPEC: OpSpec = OpSpec {
        summary: "Search orders with searchCriteria (entity_id, increment_id, state, status, customer_email, customer_id, customer_firstname, customer_lastname, created_at, updated_at, grand_total, store_id).",
        audit: "{principal} searched orders",
        ..act_op("orders.list", VIEW, Method::Get, "/V1/orders", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (orders, total_count) =
            lifecycle::search_orders(&mut r, cx.tenant, &cx.settings.crypto, &criteria, cx.settings.max_page_size)
                .await?;
        Ok(SearchResult {
            items: orders.iter().map(order_out).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

pub struct ListOrderItems;

impl Operation for ListOrderItems {
    const SPEC: OpSpec = OpSpec {
        summary: "Search order items with searchCriteria (item_id, order_id, sku, name, product_id, product_type, store_id, created_at, updated_at).",
        audit: "{principal} searched order items",
        ..act_op("orders.items.list", VIEW, Method::Get, "/V1/orders/items", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) =
            lifecycle::search_items(&mut r, cx.tenant, &cx.settings.crypto, &criteria, cx.settings.max_page_size)
                .await?;
        Ok(SearchResult { items: items.iter().map(item_out).collect(), search_criteria: criteria.echo(), total_count })
    }
}

pub struct GetOrderItem;

impl Operation for GetOrderItem {
    const SPEC: OpSpec = OpSpec {
        summary: "Get an order item.",
        audit: "{principal} read order item {id}",
        target: Some("id"),
        ..act_op("orders.items.get", VIEW, Method::Get, "/V1/orders/items/{id}", Effect::Read)
    };
    type Input = ById;
    type Output = Value;

    async fn call(cx: &Ctx, input: ById) -> Result<Value, ApiError> {
        let id = entity_id(&input.id)?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(item_out(&lifecycle::get_item(&mut r, cx.tenant, &cx.settings.crypto, id).await?))
    }
}

pub struct OrderStatus;

impl Operation for OrderStatus {
    const SPEC: OpSpec = OpSpec {
        summary: "The order's current status code (a bare string).",
        audit: "{principal} read the status of order {id}",
        target: Some("id"),
        ..act_op("orders.statuses", VIEW, Method::Get, "/V1/orders/{id}/statuses", Effect::Read)
    };
    type Input = ById;
    type Output = String;

    async fn call(cx: &Ctx, input: ById) -> Result<String, ApiError> {
        let id = entity_id(&input.id)?;
        let mut r = cx.db.reader().await.storage()?;
        lifecycle::status(&mut r, cx.tenant, &cx.settings.crypto, id).await
    }
}

pub struct OrderComments;

impl Operation for OrderComments {
    const SPEC: OpSpec = OpSpec {
        summary: "List an order's status history (comments), newest first.",
        audit: "{principal} read the comments of order {id}",
        target: Some("id"),
        ..act_op("orders.comments.list", VIEW, Method::Get, "/V1/orders/{id}/comments", Effect::Read)
    };
    type Input = ById;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: ById) -> Result<Self::Output, ApiError> {
        let id = entity_id(&input.id)?;
        let mut r = cx.db.reader().await.storage()?;
        let order = sales::require(&mut r, cx.tenant, &cx.settings.crypto, id).await?;
        Ok(SearchResult {
            total_count: order.status_histories.len() as i64,
            items: order.status_histories.iter().map(history_out).collect(),
            search_criteria: comments_criteria(id),
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CommentInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
    /// `{comment, is_customer_notified, is_visible_on_front, status}`.
    #[schemars(schema_with = "crate::limits::free_json")]
    pub status_history: Value,
}

pub struct AddOrderComment;

impl Operation for AddOrderComment {
    const SPEC: OpSpec = OpSpec {
        summary: "Add a comment to an order's status history; a status allowed for its state becomes the order's status.",
        audit: "{principal} commented on order {id}",
        target: Some("id"),
        ..act_op(
            "orders.comments.add",
            Acl::Resources(&[AclResource::SalesComment]),
            Method::Post,
            "/V1/orders/{id}/comments",
            Effect::Write,
        )
    };
    type Input = CommentInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: CommentInput) -> Result<bool, ApiError> {
        let id = entity_id(&input.id)?;
        let h = &input.status_history;
        if !h.is_object() {
            return Err(ApiError::invalid_value("statusHistory", h.to_string()));
        }
        let text = |k: &str| match h.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        };
        let history = StatusHistory {
            comment: text("comment"),
            status: text("status"),
            is_customer_notified: int(h.get("is_customer_notified"), "is_customer_notified")?,
            is_visible_on_front: int(h.get("is_visible_on_front"), "is_visible_on_front")?.unwrap_or(0),
            ..StatusHistory::default()
        };
        let mut tx = cx.db.begin().await.storage()?;
        let out = lifecycle::add_order_comment(&mut tx, cx.tenant, &cx.settings.crypto, id, history).await?;
        tx.commit().await.storage()?;
        Ok(out)
    }
}

macro_rules! action {
    ($name:ident, $id:literal, $resource:ident, $path:literal, $summary:literal, $audit:literal, $f:path) => {
        pub struct $name;

        impl Operation for $name {
            const SPEC: OpSpec = OpSpec {
                summary: $summary,
                audit: $audit,
                target: Some("id"),
                ..act_op($id, Acl::Resources(&[AclResource::$resource]), Method::Post, $path, Effect::Write)
            };
            type Input = ById;
            type Output = bool;

            async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
                let id = entity_id(&input.id)?;
                let mut tx = cx.db.begin().await.storage()?;
                let out = $f(&mut tx, cx.tenant, &cx.settings.crypto, id).await?;
                tx.commit().await.storage()?;
                Ok(out)
            }
        }
    };
}

action!(
    CancelOrder,
    "orders.cancel",
    SalesCancel,
    "/V1/orders/{id}/cancel",
    "Cancel an order: true, or false (200) when it cannot be canceled; reservations of canceled units are compensated.",
    "{principal} canceled order {id}",
    lifecycle::cancel
);
action!(
    HoldOrder,
    "orders.hold",
    SalesHold,
    "/V1/orders/{id}/hold",
    "Put an order on hold.",
    "{principal} put order {id} on hold",
    lifecycle::hold
);
action!(
    UnholdOrder,
    "orders.unhold",
    SalesUnhold,
    "/V1/orders/{id}/unhold",
    "Release an order from hold.",
    "{principal} released order {id} from hold",
    lifecycle::unhold
);
action!(
    EmailOrder,
    "orders.emails",
    SalesEmails,
    "/V1/orders/{id}/emails",
    "Queue the order mail to the customer.",
    "{principal} emailed order {id} to its customer",
    lifecycle::notify_order
);

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    ListOrders,
    ListOrderItems,
    GetOrderItem,
    OrderStatus,
    OrderComments,
    AddOrderComment,
    CancelOrder,
    HoldOrder,
    UnholdOrder,
    EmailOrder
];
