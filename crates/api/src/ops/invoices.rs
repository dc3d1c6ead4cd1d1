//! Invoices (contract §1.5): invoice an order, read and search invoices, create one from an
//! `entity`, comments, emails, and capture/void (not available for offline payments).

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::sales_documents::{
    comment_entity, comment_out, comments_criteria, doc_request, document_out, items_in,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};
use storegate_domain::StorageResult;
use storegate_domain::sales::lifecycle::{self, DocType, Document};
use storegate_domain::sales::{self, invoice};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const INVOICES: Acl = Acl::Resources(&[AclResource::SalesInvoiceDocs]);

pub(crate) const fn doc_op(
    id: &'static str,
    acl: Acl,
    group: CapabilityGroup,
    method: Method,
    path: &'static str,
    effect: Effect,
) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
        group,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

const fn inv_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    doc_op(id, acl, CapabilityGroup::Invoices, method, path, effect)
}

/// Path ids arrive as text; anything but an integer is a missing entity.
pub(crate) fn entity_id(raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse().map_err(|_| sales::not_found())
}

/// The optional body fields of invoice, ship and refund requests (read leniently).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DocBody {
    /// `[{order_item_id, qty}]`; omitted or empty: everything left.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub items: Option<Value>,
    /// Email the customer (bool or 0/1).
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub notify: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub notify_customer: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub append_comment: Option<Value>,
    /// `{comment, is_visible_on_front}` or a string.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub comment: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub capture: Option<Value>,
    /// Shipment tracks `[{track_number, title, carrier_code}]`.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub tracks: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub packages: Option<Value>,
    /// `{extension_attributes: {source_code | return_to_stock_items}, shipping_amount, adjustment_*}`.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub arguments: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub is_online: Option<Value>,
}

impl DocBody {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in [
            ("items", &self.items),
            ("notify", &self.notify),
            ("notify_customer", &self.notify_customer),
            ("append_comment", &self.append_comment),
            ("comment", &self.comment),
            ("capture", &self.capture),
            ("tracks", &self.tracks),
            ("arguments", &self.arguments),
        ] {
            if let Some(v) = v {
                m.insert(k.to_owned(), v.clone());
            }
        }
        Value::Object(m)
    }
}

pub(crate) async fn read_doc(cx: &Ctx, doc_type: DocType, raw: &str) -> Result<Value, ApiError> {
    let id = entity_id(raw)?;
    let mut r = cx.db.reader().await.storage()?;
    let d = lifecycle::require_doc(&mut r, cx.tenant, doc_type, id).await?;
    let currency = lifecycle::currency(&mut r, cx.tenant, d.order_id).await?;
    Ok(document_out(&d, &currency))
}

pub(crate) async fn search_docs(cx: &Ctx, doc_type: DocType, input: Search) -> Result<SearchResult<Value>, ApiError> {
    let criteria = input.criteria()?;
    let mut r = cx.db.reader().await.storage()?;
    let (docs, total_count): (Vec<Document>, i64) =
        lifecycle::search_documents(&mut r, cx.tenant, doc_type, &criteria, cx.settings.max_page_size).await?;
    let mut items = Vec::with_capacity(docs.len());
    for d in &docs {
        let currency = lifecycle::currency(&mut r, cx.tenant, d.order_id).await?;
        items.push(document_out(d, &currency));
    }
    Ok(SearchResult { items, search_criteria: criteria.echo(), total_count })
}

pub(crate) async fn list_comments(cx: &Ctx, doc_type: DocType, raw: &str) -> Result<SearchResult<Value>, ApiError> {
    let id = entity_id(raw)?;
    let mut r = cx.db.reader().await.storage()?;
    lifecycle::require_doc(&mut r, cx.tenant, doc_type, id).await?;
    let list = lifecycle::comments(&mut r, cx.tenant, doc_type, id).await?;
    Ok(SearchResult {
        total_count: list.len() as i64,
        items: list.iter().map(comment_out).collect(),
        search_criteria: comments_criteria(id),
    })
}

pub(crate) async fn add_comment(
    cx: &Ctx,
    doc_type: DocType,
    entity: &Value,
    parent: Option<&str>,
) -> Result<Value, ApiError> {
    let mut c = comment_entity(entity)?;
    if let Some(raw) = parent {
        c.parent_id = entity_id(raw)?;
    }
    let mut tx = cx.db.begin().await.storage()?;
    let saved = lifecycle::comment_document(&mut tx, cx.tenant, &cx.settings.crypto, doc_type, c).await?;
    tx.commit().await.storage()?;
    Ok(comment_out(&saved))
}

pub(crate) async fn email_doc(cx: &Ctx, doc_type: DocType, raw: &str) -> Result<bool, ApiError> {
    let id = entity_id(raw)?;
    let mut tx = cx.db.begin().await.storage()?;
    let d = lifecycle::require_doc(&mut tx, cx.tenant, doc_type, id).await?;
    lifecycle::notify_document(&mut tx, cx.tenant, &cx.settings.crypto, &d, None).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InvoiceOrderInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub order_id: String,
    #[serde(flatten)]
    pub body: DocBody,
}

pub struct InvoiceOrder;

impl Operation for InvoiceOrder {
    const SPEC: OpSpec = OpSpec {
        summary: "Invoice an order (all of it, or the given items); answers the invoice id.",
        audit: "{principal} invoiced order {order_id}",
        target: Some("order_id"),
        ..inv_op(
            "order.invoice",
            Acl::Resources(&[AclResource::SalesInvoice]),
            Method::Post,
            "/V1/order/{orderId}/invoice",
            Effect::Write,
        )
    };
    type Input = InvoiceOrderInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: InvoiceOrderInput) -> Result<i64, ApiError> {
        let order_id = entity_id(&input.order_id)?;
        let req = doc_request(&input.body.to_value())?;
        let mut tx = cx.db.begin().await.storage()?;
        let id = invoice::create(&mut tx, cx.tenant, &cx.settings.crypto, order_id, &req).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ById {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
}

pub struct GetInvoice;

impl Operation for GetInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Get an invoice with its items and comments.",
        audit: "{principal} read invoice {id}",
        target: Some("id"),
        ..inv_op("invoices.get", INVOICES, Method::Get, "/V1/invoices/{id}", Effect::Read)
    };
    type Input = ById;
    type Output = Value;

    async fn call(cx: &Ctx, input: ById) -> Result<Value, ApiError> {
        read_doc(cx, DocType::Invoice, &input.id).await
    }
}

pub struct ListInvoices;

impl Operation for ListInvoices {
    const SPEC: OpSpec = OpSpec {
        summary: "Search invoices with searchCriteria (entity_id, increment_id, order_id, state, store_id, grand_total, created_at, updated_at).",
        audit: "{principal} searched invoices",
        ..inv_op("invoices.list", INVOICES, Method::Get, "/V1/invoices", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        search_docs(cx, DocType::Invoice, input).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EntityInput {
    #[schemars(schema_with = "crate::limits::free_json")]
    pub entity: Value,
}

pub struct CreateInvoice;

impl Operation for CreateInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Create an invoice from an invoice entity (order_id, items with order_item_id and qty, comments).",
        audit: "{principal} created an invoice from an invoice entity",
        target: None,
        ..inv_op("invoices.create", INVOICES, Method::Post, "/V1/invoices", Effect::Write)
    };
    type Input = EntityInput;
    type Output = Value;

    async fn call(cx: &Ctx, input: EntityInput) -> Result<Value, ApiError> {
        let e = &input.entity;
        let order_id = crate::wire::sales_documents::int(e.get("order_id"), "order_id")?
            .ok_or_else(|| ApiError::required("order_id"))?;
        let mut req = lifecycle::DocRequest { items: items_in(e.get("items"))?, ..Default::default() };
        if let Some(c) = e.get("comments").and_then(Value::as_array).and_then(|c| c.first()) {
            req.comment = Some(comment_entity(c)?);
        }
        let mut tx = cx.db.begin().await.storage()?;
        let id = invoice::create(&mut tx, cx.tenant, &cx.settings.crypto, order_id, &req).await?;
        let d = lifecycle::require_doc(&mut tx, cx.tenant, DocType::Invoice, id).await?;
        let currency = lifecycle::currency(&mut tx, cx.tenant, order_id).await?;
        tx.commit().await.storage()?;
        Ok(document_out(&d, &currency))
    }
}

pub struct InvoiceComments;

impl Operation for InvoiceComments {
    const SPEC: OpSpec = OpSpec {
        summary: "List an invoice's comments.",
        audit: "{principal} read the comments of invoice {id}",
        target: Some("id"),
        ..inv_op("invoices.comments.list", INVOICES, Method::Get, "/V1/invoices/{id}/comments", Effect::Read)
    };
    type Input = ById;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: ById) -> Result<Self::Output, ApiError> {
        list_comments(cx, DocType::Invoice, &input.id).await
    }
}

pub struct AddInvoiceComment;

impl Operation for AddInvoiceComment {
    const SPEC: OpSpec = OpSpec {
        summary: "Add a comment to an invoice (entity with parent_id, comment, is_customer_notified, is_visible_on_front).",
        audit: "{principal} commented on an invoice",
        target: None,
        ..inv_op("invoices.comments.add", INVOICES, Method::Post, "/V1/invoices/comments", Effect::Write)
    };
    type Input = EntityInput;
    type Output = Value;

    async fn call(cx: &Ctx, input: EntityInput) -> Result<Value, ApiError> {
        add_comment(cx, DocType::Invoice, &input.entity, None).await
    }
}

pub struct EmailInvoice;

impl Operation for EmailInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Queue the invoice mail to the customer.",
        audit: "{principal} emailed invoice {id} to its customer",
        target: Some("id"),
        ..inv_op("invoices.emails", INVOICES, Method::Post, "/V1/invoices/{id}/emails", Effect::Write)
    };
    type Input = ById;
    type Output = bool;

    async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
        email_doc(cx, DocType::Invoice, &input.id).await
    }
}

pub struct CaptureInvoice;

impl Operation for CaptureInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Capture an invoice online (offline payment methods cannot: 400).",
        audit: "{principal} tried to capture invoice {id}",
        target: Some("id"),
        ..inv_op("invoices.capture", INVOICES, Method::Post, "/V1/invoices/{id}/capture", Effect::Write)
    };
    type Input = ById;
    type Output = String;

    async fn call(cx: &Ctx, input: ById) -> Result<String, ApiError> {
        let id = entity_id(&input.id)?;
        let mut tx = cx.db.begin().await.storage()?;
        let out = invoice::capture(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(out)
    }
}

pub struct VoidInvoice;

impl Operation for VoidInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Void an invoice (offline payment methods cannot: 400; refund with a credit memo).",
        audit: "{principal} tried to void invoice {id}",
        target: Some("id"),
        ..inv_op("invoices.void", INVOICES, Method::Post, "/V1/invoices/{id}/void", Effect::Write)
    };
    type Input = ById;
    type Output = bool;

    async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
        let id = entity_id(&input.id)?;
        let mut tx = cx.db.begin().await.storage()?;
        let out = invoice::void(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(out)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    InvoiceOrder,
    GetInvoice,
    ListInvoices,
    CreateInvoice,
    InvoiceComments,
    AddInvoiceComment,
    EmailInvoice,
    CaptureInvoice,
    VoidInvoice
];
