//! Shipments (contract §1.5): ship an order (items, tracks, MSI source), read and search
//! shipments, tracks add/delete, label, comments, emails.

use super::catalog::Search;
use super::invoices::{
    ById, DocBody, EntityInput, add_comment, doc_op, email_doc, entity_id, list_comments, read_doc, search_docs,
};
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec};
use crate::wire::SearchResult;
use crate::wire::sales_documents::{doc_request, track_in, track_out, tracks_in};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use storegate_domain::StorageResult;
use storegate_domain::sales::lifecycle::DocType;
use storegate_domain::sales::shipment::{self, ShipRequest};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const SHIPMENTS: Acl = Acl::Resources(&[AclResource::SalesShipment]);

const fn ship_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    doc_op(id, acl, CapabilityGroup::Shipments, method, path, effect)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ShipOrderInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub order_id: String,
    #[serde(flatten)]
    pub body: DocBody,
}

pub struct ShipOrder;

impl Operation for ShipOrder {
    const SPEC: OpSpec = OpSpec {
        summary: "Ship an order (all of it, or the given items) with tracks; deducts the source quantity; answers the shipment id.",
        audit: "{principal} shipped order {order_id}",
        target: Some("order_id"),
        ..ship_op(
            "order.ship",
            Acl::Resources(&[AclResource::SalesShip]),
            Method::Post,
            "/V1/order/{orderId}/ship",
            Effect::Write,
        )
    };
    type Input = ShipOrderInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: ShipOrderInput) -> Result<i64, ApiError> {
        let order_id = entity_id(&input.order_id)?;
        let body = input.body.to_value();
        let req = ShipRequest {
            doc: doc_request(&body)?,
            tracks: tracks_in(body.get("tracks"))?,
            source_code: body
                .pointer("/arguments/extension_attributes/source_code")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let mut tx = cx.db.begin().await.storage()?;
        let id = shipment::create(&mut tx, cx.tenant, &cx.settings.crypto, order_id, &req).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct GetShipment;

impl Operation for GetShipment {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a shipment with its items, tracks and comments.",
        audit: "{principal} read shipment {id}",
        target: Some("id"),
        ..ship_op("shipments.get", SHIPMENTS, Method::Get, "/V1/shipment/{id}", Effect::Read)
    };
    type Input = ById;
    type Output = Value;

    async fn call(cx: &Ctx, input: ById) -> Result<Value, ApiError> {
        read_doc(cx, DocType::Shipment, &input.id).await
    }
}

pub struct ListShipments;

impl Operation for ListShipments {
    const SPEC: OpSpec = OpSpec {
        summary: "Search shipments with searchCriteria (entity_id, increment_id, order_id, customer_id, store_id, created_at, updated_at).",
        audit: "{principal} searched shipments",
        ..ship_op("shipments.list", SHIPMENTS, Method::Get, "/V1/shipments", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        search_docs(cx, DocType::Shipment, input).await
    }
}

pub struct AddTrack;

impl Operation for AddTrack {
    const SPEC: OpSpec = OpSpec {
        summary: "Add a track to a shipment (entity with parent_id, track_number, title, carrier_code).",
        audit: "{principal} added a shipment track",
        ..ship_op("shipments.tracks.add", SHIPMENTS, Method::Post, "/V1/shipment/track", Effect::Write)
    };
    type Input = EntityInput;
    type Output = Value;

    async fn call(cx: &Ctx, input: EntityInput) -> Result<Value, ApiError> {
        let t = track_in(&input.entity)?;
        let mut tx = cx.db.begin().await.storage()?;
        let saved = shipment::add_track(&mut tx, cx.tenant, t).await?;
        tx.commit().await.storage()?;
        Ok(track_out(&saved))
    }
}

pub struct DeleteTrack;

impl Operation for DeleteTrack {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a shipment track.",
        audit: "{principal} deleted shipment track {id}",
        target: Some("id"),
        ..ship_op("shipments.tracks.delete", SHIPMENTS, Method::Delete, "/V1/shipment/track/{id}", Effect::Destructive)
    };
    type Input = ById;
    type Output = bool;

    async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
        let id = entity_id(&input.id)?;
        let mut tx = cx.db.begin().await.storage()?;
        let out = shipment::delete_track(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(out)
    }
}

pub struct ShipmentLabel;

impl Operation for ShipmentLabel {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a shipment's shipping label (base64; empty when none was created).",
        audit: "{principal} read the label of shipment {id}",
        target: Some("id"),
        ..ship_op("shipments.label", SHIPMENTS, Method::Get, "/V1/shipment/{id}/label", Effect::Read)
    };
    type Input = ById;
    type Output = String;

    async fn call(cx: &Ctx, input: ById) -> Result<String, ApiError> {
        let id = entity_id(&input.id)?;
        let mut r = cx.db.reader().await.storage()?;
        shipment::label(&mut r, cx.tenant, id).await
    }
}

pub struct ShipmentComments;

impl Operation for ShipmentComments {
    const SPEC: OpSpec = OpSpec {
        summary: "List a shipment's comments.",
        audit: "{principal} read the comments of shipment {id}",
        target: Some("id"),
        ..ship_op("shipments.comments.list", SHIPMENTS, Method::Get, "/V1/shipment/{id}/comments", Effect::Read)
    };
    type Input = ById;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: ById) -> Result<Self::Output, ApiError> {
        list_comments(cx, DocType::Shipment, &input.id).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CommentInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
    #[schemars(schema_with = "crate::limits::free_json")]
    pub entity: Value,
}

pub struct AddShipmentComment;

impl Operation for AddShipmentComment {
    const SPEC: OpSpec = OpSpec {
        summary: "Add a comment to a shipment.",
        audit: "{principal} commented on shipment {id}",
        target: Some("id"),
        ..ship_op("shipments.comments.add", SHIPMENTS, Method::Post, "/V1/shipment/{id}/comments", Effect::Write)
    };
    type Input = CommentInput;
    type Output = Value;

    async fn call(cx: &Ctx, input: CommentInput) -> Result<Value, ApiError> {
        add_comment(cx, DocType::Shipment, &input.entity, Some(&input.id)).await
    }
}

pub struct EmailShipment;

impl Operation for EmailShipment {
    const SPEC: OpSpec = OpSpec {
        summary: "Queue the shipment mail to the customer.",
        audit: "{principal} emailed shipment {id} to its customer",
        target: Some("id"),
        ..ship_op("shipments.emails", SHIPMENTS, Method::Post, "/V1/shipment/{id}/emails", Effect::Write)
    };
    type Input = ById;
    type Output = bool;

    async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
        email_doc(cx, DocType::Shipment, &input.id).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    ShipOrder,
    GetShipment,
    ListShipments,
    AddTrack,
    DeleteTrack,
    ShipmentLabel,
    ShipmentComments,
    AddShipmentComment,
    EmailShipment
];
