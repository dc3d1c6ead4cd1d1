//! Credit memos (`POST /V1/order/{orderId}/refund`, `POST /V1/invoice/{invoiceId}/refund`),
//! offline: the refunded money is recorded, items returned to stock go back to the source
//! they were shipped from, and refunded units never shipped release their reservation.

use super::invoice::STATE_PAID;
use super::lifecycle::{
    DocItem, DocRequest, DocType, Document, LineError, add, after_create, insert_document, qty_to_refund, qty_to_ship,
    request_comment, requested, require_doc, reservation, resolve_state, save, share, stock_of,
};
use super::{OrderItem, require};
use crate::StorageResult;
use crate::crypto::Crypto;
use crate::inventory::{self, DEFAULT_SOURCE, Line};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use storegate_db::{Exec, Tx, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

pub const STATE_REFUNDED: i64 = 2;

#[derive(Debug, Clone, Default)]
pub struct RefundRequest {
    pub doc: DocRequest,
    pub shipping_amount: Option<Decimal>,
    pub adjustment_positive: Decimal,
    pub adjustment_negative: Decimal,
    /// Order item ids whose refunded (shipped) units return to their source.
    pub return_to_stock_items: Vec<i64>,
}

/// Creates an offline credit memo for the order (of one of its invoices when `invoice_id`
/// is given); answers its id.
pub async fn refund(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    order_id: Option<i64>,
    invoice_id: Option<i64>,
    req: &RefundRequest,
) -> Result<i64, ApiError> {
    // Of an invoice, only what it invoiced and was not yet refunded against it.
    let mut invoice_left: Option<BTreeMap<i64, Decimal>> = None;
    let order_id = match (order_id, invoice_id) {
        (Some(id), _) => id,
        (None, Some(invoice_id)) => {
            let invoice = require_doc(tx, tenant, DocType::Invoice, invoice_id).await?;
            if invoice.state != STATE_PAID {
                return Err(ApiError::new(ErrorCode::RefundInvoiceNotPaid));
            }
            let mut left: BTreeMap<i64, Decimal> = BTreeMap::new();
            for i in &invoice.items {
                *left.entry(i.order_item_id).or_default() += i.qty;
            }
            let rows = tx
                .fetch_all(sql!(
                    "SELECT i.order_item_id, i.qty FROM sales_document_items i JOIN sales_creditmemos c \
                     ON c.tenant_id = i.tenant_id AND c.id = i.parent_id \
                     WHERE i.tenant_id = $1 AND i.doc_type = 'creditmemo' AND c.invoice_id = $2",
                    tenant.0,
                    invoice_id
                ))
                .await
                .storage()?;
            for r in &rows {
                let item: i64 = r.at(0).storage()?;
                let qty: Decimal = r.at(1).storage()?;
                *left.entry(item).or_default() -= qty;
            }
            invoice_left = Some(left);
            invoice.order_id
        }
        (None, None) => return Err(ApiError::required("orderId")),
    };
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if matches!(o.state.as_str(), "payment_review" | "holded" | "canceled" | "closed") {
        return Err(ApiError::positional(ErrorCode::CreditmemoOrderState, [o.status.clone()]));
    }
    if !super::lifecycle::can_creditmemo_money(&o) {
        return Err(ApiError::new(ErrorCode::CreditmemoNotAllowed));
    }
    let left = |i: &OrderItem| match &invoice_left {
        Some(map) => qty_to_refund(i).min(map.get(&i.id).copied().unwrap_or_default().max(Decimal::ZERO)),
        None => qty_to_refund(i),
    };
    let lines: Vec<(i64, Decimal)> = requested(&o, &req.doc, left, |_| true)
        .map_err(|e| match e {
            LineError::TooMuch(i) => ApiError::positional(ErrorCode::CreditmemoQtyTooLarge, [i.sku.clone()]),
            LineError::NotInOrder(id) => ApiError::positional(ErrorCode::CreditmemoItemNotInOrder, [id.to_string()]),
        })?
        .into_iter()
        .map(|(i, q)| (i.id, q))
        .collect();
    let mut doc = Document::new(DocType::Creditmemo, &o);
    doc.invoice_id = invoice_id;
    let (mut subtotal, mut item_tax, mut item_discount) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut released = Vec::new();
    let mut returned = Vec::new();
    for (item_id, qty) in &lines {
        let Some(i) = o.lines_mut().find(|i| i.id == *item_id) else { continue };
        let left = qty_to_refund(i);
        let invoiced = i.amount("qty_invoiced");
        let row = share(i.amount("row_invoiced"), i.amount("amount_refunded"), *qty, left, invoiced);
        let tax = share(i.amount("tax_invoiced"), i.amount("tax_refunded"), *qty, left, invoiced);
        let discount = share(i.amount("discount_invoiced"), i.amount("discount_refunded"), *qty, left, invoiced);
        let to_ship_before = qty_to_ship(i);
        add(&mut i.amounts, "qty_refunded", *qty);
        add(&mut i.amounts, "amount_refunded", row);
        add(&mut i.amounts, "tax_refunded", tax);
        add(&mut i.amounts, "discount_refunded", discount);
        let unshipped = to_ship_before - qty_to_ship(i);
        let shipped = *qty - unshipped;
        let back = req.return_to_stock_items.contains(&i.id);
        if unshipped > Decimal::ZERO {
            released.push(Line { sku: i.sku.clone(), qty: unshipped });
        }
        if back && shipped > Decimal::ZERO {
            add(&mut i.amounts, "qty_returned", shipped);
            returned.push(Line { sku: i.sku.clone(), qty: shipped });
        }
        subtotal += row;
        item_tax += tax;
        item_discount += discount;
        doc.items.push(DocItem {
            order_item_id: i.id,
            product_id: i.product_id,
            sku: i.sku.clone(),
            name: i.name.clone(),
            qty: *qty,
            price: i.amount("price"),
            price_incl_tax: i.amount("price_incl_tax"),
            row_total: row,
            row_total_incl_tax: row + tax,
            tax_amount: tax,
            discount_amount: discount,
            back_to_stock: back,
            ..DocItem::default()
        });
    }
    let shipping_left = o.amount("shipping_invoiced") - o.amount("shipping_refunded");
    let shipping = match req.shipping_amount {
        Some(s) if s < Decimal::ZERO => return Err(ApiError::invalid_value("shipping_amount", s.to_string())),
        Some(s) if s > shipping_left => {
            return Err(ApiError::positional(
                ErrorCode::ShippingRefundTooMuch,
                [shipping_left.round_dp(2).to_string()],
            ));
        }
        Some(s) => s,
        None => shipping_left.max(Decimal::ZERO),
    };
    let shipping_tax = {
        let amount = o.amount("shipping_amount");
        if amount.is_zero() { Decimal::ZERO } else { (o.amount("shipping_tax_amount") * shipping / amount).round_dp(2) }
    };
    let tax = item_tax + shipping_tax;
    let discount = -item_discount.abs();
    let grand = subtotal + shipping + tax + discount + req.adjustment_positive - req.adjustment_negative;
    if grand <= Decimal::ZERO {
        return Err(ApiError::new(ErrorCode::CreditmemoTotalNotPositive));
    }
    let available = o.amount("total_paid") - o.amount("total_refunded");
    if (o.amount("total_refunded") + grand).round_dp(2) > o.amount("total_paid").round_dp(2) {
        return Err(ApiError::positional(ErrorCode::RefundTooMuch, [available.round_dp(2).normalize().to_string()]));
    }
    doc.state = STATE_REFUNDED;
    doc.total_qty = lines.iter().map(|(_, q)| *q).sum();
    for (name, v) in [
        ("subtotal", subtotal),
        ("subtotal_incl_tax", subtotal + item_tax),
        ("tax_amount", tax),
        ("shipping_amount", shipping),
        ("shipping_tax_amount", shipping_tax),
        ("shipping_incl_tax", shipping + shipping_tax),
        ("discount_amount", discount),
        ("adjustment_positive", req.adjustment_positive),
        ("adjustment_negative", req.adjustment_negative),
        ("grand_total", grand),
    ] {
        doc.amounts.insert(name, v);
    }
    doc.comments = request_comment(&req.doc);
    for (name, v) in [
        ("subtotal_refunded", subtotal),
        ("tax_refunded", tax),
        ("shipping_refunded", shipping),
        ("discount_refunded", discount),
        ("total_refunded", grand),
        ("total_offline_refunded", grand),
        ("adjustment_positive", req.adjustment_positive),
        ("adjustment_negative", req.adjustment_negative),
    ] {
        add(&mut o.amounts, name, v);
    }
    if let Some(p) = o.payment.as_mut() {
        add(&mut p.amounts, "amount_refunded", grand);
        add(&mut p.amounts, "shipping_refunded", shipping);
    }
    resolve_state(&mut o);
    save(tx, tenant, &o).await?;
    if let Some(invoice_id) = invoice_id {
        tx.execute(sql!(
            "UPDATE sales_invoices SET total_refunded = total_refunded + $3 WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            invoice_id,
            grand
        ))
        .await
        .storage()?;
    }
    // Inventory: unshipped units release their reservation; shipped ones marked for return
    // go back to the source the order shipped from.
    if !released.is_empty() && o.stock_reserved {
        let stock = stock_of(tx, tenant, o.store_id).await?;
        inventory::compensate(tx, tenant, stock, &released, &reservation("creditmemo_created", &o)).await?;
    }
    if !returned.is_empty() {
        let source: Option<String> = tx
            .fetch_optional_scalar(sql!(
                "SELECT source_code FROM sales_shipments WHERE tenant_id = $1 AND order_id = $2 \
                 AND source_code IS NOT NULL ORDER BY id LIMIT 1",
                tenant.0,
                o.id
            ))
            .await
            .storage()?;
        let source = source.unwrap_or_else(|| DEFAULT_SOURCE.to_owned());
        inventory::return_to_source(tx, tenant, &source, &returned).await?;
    }
    let id = insert_document(tx, tenant, &mut doc).await?;
    after_create(tx, tenant, crypto, DocType::Creditmemo, id, &req.doc).await?;
    Ok(id)
}
