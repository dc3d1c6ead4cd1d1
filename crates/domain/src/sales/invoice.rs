//! Invoices (`POST /V1/order/{orderId}/invoice`, `POST /V1/invoices`): every payment
//! method storegate offers is offline, so an invoice is paid when it is created (state 2),
//! as Magento's offline capture does; capture and void are therefore not available.

use super::lifecycle::{
    DocItem, DocRequest, DocType, Document, LineError, add, after_create, can_invoice_items, insert_document,
    qty_to_invoice, request_comment, requested, require_doc, resolve_state, save, share,
};
use super::require;
use crate::crypto::Crypto;
use rust_decimal::Decimal;
use storegate_db::Tx;
use storegate_types::{ApiError, ErrorCode, TenantId};

pub const STATE_OPEN: i64 = 1;
pub const STATE_PAID: i64 = 2;
pub const STATE_CANCELED: i64 = 3;

/// Creates an invoice for the order; answers its id.
pub async fn create(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    order_id: i64,
    req: &DocRequest,
) -> Result<i64, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if matches!(o.state.as_str(), "payment_review" | "holded" | "canceled" | "complete" | "closed") {
        return Err(ApiError::positional(ErrorCode::InvoiceOrderState, [o.status.clone()]));
    }
    if !can_invoice_items(&o) {
        return Err(ApiError::new(ErrorCode::InvoiceNotAllowed));
    }
    let lines: Vec<(i64, Decimal)> = requested(&o, req, qty_to_invoice, |_| true)
        .map_err(|e| match e {
            LineError::TooMuch(i) => ApiError::positional(ErrorCode::InvoiceQtyTooLarge, [i.sku.clone()]),
            LineError::NotInOrder(_) => ApiError::new(ErrorCode::InvoiceItemNotInOrder),
        })?
        .into_iter()
        .map(|(i, q)| (i.id, q))
        .collect();
    let total_qty: Decimal = lines.iter().map(|(_, q)| *q).sum();
    if total_qty <= Decimal::ZERO {
        return Err(ApiError::new(ErrorCode::InvoiceWithoutProducts));
    }
    let mut doc = Document::new(DocType::Invoice, &o);
    let (mut subtotal, mut item_tax, mut item_discount) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (item_id, qty) in &lines {
        let Some(i) = o.lines_mut().find(|i| i.id == *item_id) else { continue };
        let left = qty_to_invoice(i);
        let ordered = i.amount("qty_ordered");
        let row = share(i.amount("row_total"), i.amount("row_invoiced"), *qty, left, ordered);
        let tax = share(i.amount("tax_amount"), i.amount("tax_invoiced"), *qty, left, ordered);
        let discount = share(i.amount("discount_amount"), i.amount("discount_invoiced"), *qty, left, ordered);
        add(&mut i.amounts, "qty_invoiced", *qty);
        add(&mut i.amounts, "row_invoiced", row);
        add(&mut i.amounts, "tax_invoiced", tax);
        add(&mut i.amounts, "discount_invoiced", discount);
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
            weight: i.amount("weight"),
            ..DocItem::default()
        });
    }
    // Shipping goes with the first invoice.
    let shipping = o.amount("shipping_amount") - o.amount("shipping_invoiced");
    let with_shipping = shipping > Decimal::ZERO || o.amount("shipping_invoiced").is_zero();
    let shipping_tax = if with_shipping { o.amount("shipping_tax_amount") } else { Decimal::ZERO };
    let shipping = if with_shipping { shipping.max(Decimal::ZERO) } else { Decimal::ZERO };
    let last = !can_invoice_items(&o);
    let (tax, discount, grand) = if last {
        (
            o.amount("tax_amount") - o.amount("tax_invoiced"),
            o.amount("discount_amount") - o.amount("discount_invoiced"),
            o.amount("grand_total") - o.amount("total_invoiced"),
        )
    } else {
        let shipping_discount = if with_shipping { o.amount("shipping_discount_amount").abs() } else { Decimal::ZERO };
        let tax = item_tax + shipping_tax;
        let discount = -(item_discount.abs() + shipping_discount);
        (tax, discount, subtotal + shipping + tax + discount)
    };
    doc.state = STATE_PAID;
    doc.total_qty = total_qty;
    for (name, v) in [
        ("subtotal", subtotal),
        ("subtotal_incl_tax", subtotal + item_tax),
        ("tax_amount", tax),
        ("shipping_amount", shipping),
        ("shipping_tax_amount", shipping_tax),
        ("shipping_incl_tax", shipping + shipping_tax),
        ("discount_amount", discount),
        ("grand_total", grand),
    ] {
        doc.amounts.insert(name, v);
    }
    doc.comments = request_comment(req);
    for (name, v) in [
        ("subtotal_invoiced", subtotal),
        ("tax_invoiced", tax),
        ("shipping_invoiced", shipping),
        ("discount_invoiced", discount),
        ("total_invoiced", grand),
        ("total_paid", grand),
    ] {
        add(&mut o.amounts, name, v);
    }
    let due = o.amount("grand_total") - o.amount("total_paid");
    o.amounts.insert("total_due", due.max(Decimal::ZERO));
    if let Some(p) = o.payment.as_mut() {
        add(&mut p.amounts, "amount_paid", grand);
        add(&mut p.amounts, "shipping_captured", shipping);
    }
    if o.state == "new" {
        o.state = "processing".into();
        o.status = "processing".into();
    }
    resolve_state(&mut o);
    save(tx, tenant, &o).await?;
    let id = insert_document(tx, tenant, &mut doc).await?;
    after_create(tx, tenant, crypto, DocType::Invoice, id, req).await?;
    Ok(id)
}

/// `POST /V1/invoices/{id}/capture`: offline invoices are paid at creation and cannot be
/// captured online.
pub async fn capture(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<String, ApiError> {
    require_doc(tx, tenant, DocType::Invoice, id).await?;
    Err(ApiError::new(ErrorCode::CaptureNotAvailable))
}

/// `POST /V1/invoices/{id}/void`: offline payments cannot be voided (refund instead).
pub async fn void(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<bool, ApiError> {
    require_doc(tx, tenant, DocType::Invoice, id).await?;
    Err(ApiError::new(ErrorCode::VoidNotAvailable))
}
