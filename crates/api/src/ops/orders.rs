//! Orders (contract §1.5): read one, and create one directly from an `entity` payload as
//! Magento's order repository does. Placing orders from carts lives in `carts`; the order
//! lifecycle (list, cancel, hold, invoices, shipments, credit memos) builds on
//! `storegate_domain::sales`.

use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::order::{order_in, order_out};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use storegate_domain::StorageResult;
use storegate_domain::sales;
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const fn order_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
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

pub struct GetOrder;

impl Operation for GetOrder {
    const SPEC: OpSpec = OpSpec {
        summary: "Get an order with its items, addresses, payment and status history.",
        audit: "{principal} read order {id}",
        target: Some("id"),
        ..order_op(
            "orders.get",
            Acl::Resources(&[AclResource::SalesActionsView]),
            Method::Get,
            "/V1/orders/{id}",
            Effect::Read,
        )
    };
    type Input = ById;
    type Output = Value;

    async fn call(cx: &Ctx, input: ById) -> Result<Value, ApiError> {
        let id: i64 = input.id.trim().parse().map_err(|_| sales::not_found())?;
        let mut r = cx.db.reader().await.storage()?;
        let order = sales::require(&mut r, cx.tenant, &cx.settings.crypto, id).await?;
        Ok(order_out(&order))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EntityIn {
    /// The order (Magento's order data object).
    #[schemars(schema_with = "crate::limits::free_json")]
    pub entity: Value,
}

async fn create(cx: &Ctx, input: EntityIn) -> Result<Value, ApiError> {
    let mut order = order_in(&input.entity)?;
    if order.store_id == 0 || order.store_name.is_none() {
        order.store_name = Some(cx.store.name.clone());
    }
    let mut tx = cx.db.begin().await.storage()?;
    let id = sales::place::create_direct(&mut tx, cx.tenant, &cx.settings.crypto, order).await?;
    let saved = sales::require(&mut tx, cx.tenant, &cx.settings.crypto, id).await?;
    tx.commit().await.storage()?;
    Ok(order_out(&saved))
}

pub struct CreateOrder;

impl Operation for CreateOrder {
    const SPEC: OpSpec = OpSpec {
        summary: "Create an order directly from an order entity (no cart, no stock reservation).",
        audit: "{principal} created an order directly in {store}",
        target: None,
        ..order_op(
            "orders.create",
            Acl::Resources(&[AclResource::SalesApiActions]),
            Method::Post,
            "/V1/orders",
            Effect::Write,
        )
    };
    type Input = EntityIn;
    type Output = Value;

    async fn call(cx: &Ctx, input: EntityIn) -> Result<Value, ApiError> {
        create(cx, input).await
    }
}

pub struct CreateOrderPut;

impl Operation for CreateOrderPut {
    const SPEC: OpSpec = OpSpec {
        summary: "Create an order directly from an order entity (PUT form).",
        audit: "{principal} created an order directly in {store}",
        target: None,
        ..order_op(
            "orders.create_put",
            Acl::Resources(&[AclResource::SalesCreate]),
            Method::Put,
            "/V1/orders/create",
            Effect::Write,
        )
    };
    type Input = EntityIn;
    type Output = Value;

    async fn call(cx: &Ctx, input: EntityIn) -> Result<Value, ApiError> {
        create(cx, input).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![GetOrder, CreateOrder, CreateOrderPut];
