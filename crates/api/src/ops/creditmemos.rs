//! Credit memos (contract §1.5): refund an order or an invoice offline (items, shipping,
//! adjustments, return to stock), read and search credit memos, comments, emails.

use super::catalog::Search;
use super::invoices::{ById, DocBody, add_comment, doc_op, email_doc, entity_id, list_comments, read_doc, search_docs};
use super::shipments::CommentInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec};
use crate::wire::SearchResult;
use crate::wire::sales_documents::{decimal, doc_request, int};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use storegate_domain::StorageResult;
use storegate_domain::sales::creditmemo::{self, RefundRequest};
use storegate_domain::sales::lifecycle::DocType;
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const MEMOS: Acl = Acl::Resources(&[AclResource::SalesCreditmemoDocs]);

const fn cm_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    doc_op(id, acl, CapabilityGroup::Creditmemos, method, path, effect)
}

fn refund_request(body: &DocBody) -> Result<RefundRequest, ApiError> {
    let v = body.to_value();
    let args = v.get("arguments").cloned().unwrap_or(Value::Null);
    let mut back = Vec::new();
    if let Some(list) = args.pointer("/extension_attributes/return_to_stock_items").and_then(Value::as_array) {
        for item in list {
            back.push(int(Some(item), "return_to_stock_items")?.unwrap_or(0));
        }
    }
    let non_negative = |field: &str| -> Result<rust_decimal::Decimal, ApiError> {
        let d = decimal(args.get(field), field)?.unwrap_or_default();
        if d < rust_decimal::Decimal::ZERO {
            return Err(ApiError::invalid_value(field, d.to_string()));
        }
        Ok(d)
    };
    Ok(RefundRequest {
        doc: doc_request(&v)?,
        shipping_amount: decimal(args.get("shipping_amount"), "shipping_amount")?,
        adjustment_positive: non_negative("adjustment_positive")?,
        adjustment_negative: non_negative("adjustment_negative")?,
        return_to_stock_items: back,
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RefundOrderInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub order_id: String,
    #[serde(flatten)]
    pub body: DocBody,
}

pub struct RefundOrder;

impl Operation for RefundOrder {
    const SPEC: OpSpec = OpSpec {
        summary: "Refund an order offline with a credit memo; answers the credit memo id.",
        audit: "{principal} refunded order {order_id}",
        target: Some("order_id"),
        ..cm_op(
            "order.refund",
            Acl::Resources(&[AclResource::SalesCreditmemo]),
            Method::Post,
            "/V1/order/{orderId}/refund",
            Effect::Write,
        )
    };
    type Input = RefundOrderInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: RefundOrderInput) -> Result<i64, ApiError> {
        let order_id = entity_id(&input.order_id)?;
        let req = refund_request(&input.body)?;
        let mut tx = cx.db.begin().await.storage()?;
        let id = creditmemo::refund(&mut tx, cx.tenant, &cx.settings.crypto, Some(order_id), None, &req).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RefundInvoiceInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub invoice_id: String,
    #[serde(flatten)]
    pub body: DocBody,
}

pub struct RefundInvoice;

impl Operation for RefundInvoice {
    const SPEC: OpSpec = OpSpec {
        summary: "Refund an invoice offline with a credit memo; answers the credit memo id.",
        audit: "{principal} refunded invoice {invoice_id}",
        target: Some("invoice_id"),
        ..cm_op(
            "invoice.refund",
            Acl::Resources(&[AclResource::SalesInvoiceDocs]),
            Method::Post,
            "/V1/invoice/{invoiceId}/refund",
            Effect::Write,
        )
    };
    type Input = RefundInvoiceInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: RefundInvoiceInput) -> Result<i64, ApiError> {
        let invoice_id = entity_id(&input.invoice_id)?;
        let req = refund_request(&input.body)?;
        let mut tx = cx.db.begin().await.storage()?;
        let id = creditmemo::refund(&mut tx, cx.tenant, &cx.settings.crypto, None, Some(invoice_id), &req).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct GetCreditmemo;

impl Operation for GetCreditmemo {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a credit memo with its items and comments.",
        audit: "{principal} read credit memo {id}",
        target: Some("id"),
        ..cm_op("creditmemos.get", MEMOS, Method::Get, "/V1/creditmemo/{id}", Effect::Read)
    };
    type Input = ById;
    type Output = Value;

    async fn call(cx: &Ctx, input: ById) -> Result<Value, ApiError> {
        read_doc(cx, DocType::Creditmemo, &input.id).await
    }
}

pub struct ListCreditmemos;

impl Operation for ListCreditmemos {
    const SPEC: OpSpec = OpSpec {
        summary: "Search credit memos with searchCriteria (entity_id, increment_id, order_id, invoice_id, state, store_id, grand_total, created_at, updated_at).",
        audit: "{principal} searched credit memos",
        ..cm_op("creditmemos.list", MEMOS, Method::Get, "/V1/creditmemos", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        search_docs(cx, DocType::Creditmemo, input).await
    }
}

pub struct CreditmemoComments;

impl Operation for CreditmemoComments {
    const SPEC: OpSpec = OpSpec {
        summary: "List a credit memo's comments.",
        audit: "{principal} read the comments of credit memo {id}",
        target: Some("id"),
        ..cm_op("creditmemos.comments.list", MEMOS, Method::Get, "/V1/creditmemo/{id}/comments", Effect::Read)
    };
    type Input = ById;
    type Output = SearchResult<Value>;

    async fn call(cx: &Ctx, input: ById) -> Result<Self::Output, ApiError> {
        list_comments(cx, DocType::Creditmemo, &input.id).await
    }
}

pub struct AddCreditmemoComment;

impl Operation for AddCreditmemoComment {
    const SPEC: OpSpec = OpSpec {
        summary: "Add a comment to a credit memo.",
        audit: "{principal} commented on credit memo {id}",
        target: Some("id"),
        ..cm_op("creditmemos.comments.add", MEMOS, Method::Post, "/V1/creditmemo/{id}/comments", Effect::Write)
    };
    type Input = CommentInput;
    type Output = Value;

    async fn call(cx: &Ctx, input: CommentInput) -> Result<Value, ApiError> {
        add_comment(cx, DocType::Creditmemo, &input.entity, Some(&input.id)).await
    }
}

pub struct EmailCreditmemo;

impl Operation for EmailCreditmemo {
    const SPEC: OpSpec = OpSpec {
        summary: "Queue the credit memo mail to the customer.",
        audit: "{principal} emailed credit memo {id} to its customer",
        target: Some("id"),
        ..cm_op("creditmemos.emails", MEMOS, Method::Post, "/V1/creditmemo/{id}/emails", Effect::Write)
    };
    type Input = ById;
    type Output = bool;

    async fn call(cx: &Ctx, input: ById) -> Result<bool, ApiError> {
        email_doc(cx, DocType::Creditmemo, &input.id).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    RefundOrder,
    RefundInvoice,
    GetCreditmemo,
    ListCreditmemos,
    CreditmemoComments,
    AddCreditmemoComment,
    EmailCreditmemo
];
