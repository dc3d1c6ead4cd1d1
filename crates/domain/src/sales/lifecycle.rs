//! The order lifecycle (contract §7): the quantities left to invoice, ship, refund and
//! cancel; the state resolver; order actions (list, items, comments, cancel, hold, unhold,
//! emails); and the storage shared by the three sales documents (invoices, shipments,
//! credit memos) with their lines and comments. Every write runs inside the caller's
//! transaction.

use super::{Amounts, ORDER_AMOUNTS, Order, OrderItem, PAYMENT_AMOUNTS, StatusHistory, add_history, get, require};
use crate::crypto::Crypto;
use crate::inventory::{self, Line, ReservationObject};
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, clock, ids};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use storegate_db::{Exec, Row, Tx, Value, insert_rows, sql};
use storegate_types::{ApiError, TenantId};

// Quantities and the state resolver ----------------------------------------------------------

fn a(i: &OrderItem, name: &str) -> Decimal {
    i.amount(name)
}

pub fn add(map: &mut Amounts, name: &'static str, d: Decimal) {
    *map.entry(name).or_default() += d;
}

/// `qty_ordered − qty_invoiced − qty_canceled`.
pub fn qty_to_invoice(i: &OrderItem) -> Decimal {
    (a(i, "qty_ordered") - a(i, "qty_invoiced") - a(i, "qty_canceled")).max(Decimal::ZERO)
}

/// `qty_ordered − max(qty_shipped, qty_refunded) − qty_canceled` (Magento's simple qty to ship).
pub fn qty_to_ship(i: &OrderItem) -> Decimal {
    (a(i, "qty_ordered") - a(i, "qty_shipped").max(a(i, "qty_refunded")) - a(i, "qty_canceled")).max(Decimal::ZERO)
}

pub fn qty_to_refund(i: &OrderItem) -> Decimal {
    (a(i, "qty_invoiced") - a(i, "qty_refunded")).max(Decimal::ZERO)
}

pub fn qty_to_cancel(i: &OrderItem) -> Decimal {
    qty_to_invoice(i).min(qty_to_ship(i))
}

pub fn can_invoice_items(o: &Order) -> bool {
    o.lines().any(|i| qty_to_invoice(i) > Decimal::ZERO)
}

pub fn can_ship_items(o: &Order) -> bool {
    !o.is_virtual && o.lines().any(|i| !i.is_virtual && qty_to_ship(i) > Decimal::ZERO)
}

pub fn can_creditmemo_money(o: &Order) -> bool {
    (o.amount("total_paid") - o.amount("total_refunded")).abs() >= Decimal::new(1, 4)
}

/// The default status of a state.
pub fn default_status(state: &str) -> &'static str {
    match state {
        "new" => "pending",
        "pending_payment" => "pending_payment",
        "payment_review" => "payment_review",
        "processing" => "processing",
        "complete" => "complete",
        "closed" => "closed",
        "canceled" => "canceled",
        _ => "holded",
    }
}

/// Magento's state resolver after a document: `new` moves to `processing`; nothing left to
/// invoice nor ship makes it `complete`, and `closed` when all paid money was refunded too.
pub fn resolve_state(o: &mut Order) {
    if !matches!(o.state.as_str(), "new" | "processing" | "complete") {
        return;
    }
    let state = if !can_invoice_items(o) && !can_ship_items(o) {
        if !can_creditmemo_money(o) && o.amount("total_refunded") > Decimal::ZERO { "closed" } else { "complete" }
    } else {
        "processing"
    };
    if state != o.state {
        o.state = state.into();
        o.status = default_status(state).into();
    }
}

// Writing an order back ------------------------------------------------------------------------

const ITEM_MUTABLE: &[&str] = &[
    "qty_invoiced",
    "qty_shipped",
    "qty_refunded",
    "qty_canceled",
    "qty_returned",
    "row_invoiced",
    "tax_invoiced",
    "tax_refunded",
    "tax_canceled",
    "discount_invoiced",
    "discount_refunded",
    "amount_refunded",
];

/// Writes the order's state, hold fields, flags and amounts, its items' progress columns and
/// its payment's amounts.
pub async fn save(ex: &mut impl Exec, tenant: TenantId, o: &Order) -> Result<(), ApiError> {
    let now = clock::now_text();
    let sets: Vec<String> = ORDER_AMOUNTS.iter().enumerate().map(|(n, c)| format!("{c} = ${}", n + 9)).collect();
    let mut q = sql!(
        format!(
            "UPDATE sales_orders SET state = $3, status = $4, hold_before_state = $5, hold_before_status = $6, \
             email_sent = $7, updated_at = $8, {} WHERE tenant_id = $1 AND id = $2",
            sets.join(", ")
        ),
        tenant.0,
        o.id,
        o.state.clone(),
        o.status.clone(),
        o.hold_before_state.clone(),
        o.hold_before_status.clone(),
        o.email_sent,
        now.clone()
    );
    for c in ORDER_AMOUNTS {
        q = q.bind(o.amount(c));
    }
    ex.execute(q).await.storage()?;
    let sets: Vec<String> = ITEM_MUTABLE.iter().enumerate().map(|(n, c)| format!("{c} = ${}", n + 4)).collect();
    let text =
        format!("UPDATE sales_order_items SET updated_at = $3, {} WHERE tenant_id = $1 AND id = $2", sets.join(", "));
    for i in &o.items {
        let mut q = sql!(text.clone(), tenant.0, i.id, now.clone());
        // A configurable line's child follows its quantities; its money stays on the line.
        let progress = o.parent_of(i).unwrap_or(i);
        for c in ITEM_MUTABLE {
            q = q.bind(if c.starts_with("qty_") { progress.amount(c) } else { i.amount(c) });
        }
        ex.execute(q).await.storage()?;
    }
    if let Some(p) = &o.payment {
        let sets: Vec<String> = PAYMENT_AMOUNTS.iter().enumerate().map(|(n, c)| format!("{c} = ${}", n + 3)).collect();
        let mut q = sql!(
            format!("UPDATE sales_order_payments SET {} WHERE tenant_id = $1 AND id = $2", sets.join(", ")),
            tenant.0,
            p.id
        );
        for c in PAYMENT_AMOUNTS {
            q = q.bind(p.amount(c));
        }
        ex.execute(q).await.storage()?;
    }
    Ok(())
}

/// The stock serving the order's store view.
pub async fn stock_of(ex: &mut impl Exec, tenant: TenantId, store_id: i64) -> Result<i64, ApiError> {
    let view = crate::quote::view_of(ex, tenant, store_id).await?;
    inventory::stock_for_website(ex, tenant, view.website_id).await
}

pub fn reservation(event: &str, o: &Order) -> ReservationObject {
    ReservationObject {
        event_type: event.into(),
        object_type: "order".into(),
        object_id: o.id.to_string(),
        object_increment_id: o.increment_id.clone(),
    }
}

/// Queues a mail for the order's customer, recipient and body encrypted.
pub async fn queue_mail(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    template: &str,
    o: &Order,
    subject: &str,
    body: &str,
) -> Result<(), ApiError> {
    let id = ids::next_detached(ex, tenant, "mail_outbox").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO mail_outbox (tenant_id, id, template, recipient, subject, body, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
        tenant.0,
        id,
        template.to_owned(),
        crypto.encrypt(&o.customer_email),
        subject.to_owned(),
        crypto.encrypt(body),
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

fn store_label(o: &Order) -> String {
    o.store_name.clone().unwrap_or_else(|| "our store".into())
}

// Order actions ---------------------------------------------------------------------------------

/// `canCancel()`: not held or in payment review, something left to invoice, and not
/// canceled, complete or closed.
pub fn can_cancel(o: &Order) -> bool {
    !matches!(o.state.as_str(), "holded" | "payment_review" | "canceled" | "complete" | "closed")
        && can_invoice_items(o)
}

/// Cancels the order; `false` (Magento answers it with 200) when it cannot be canceled.
/// Uninvoiced, unshipped quantities are canceled and their reservations compensated.
pub async fn cancel(tx: &mut Tx, tenant: TenantId, crypto: &Crypto, order_id: i64) -> Result<bool, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if !can_cancel(&o) {
        return Ok(false);
    }
    let mut lines = Vec::new();
    for i in o.lines_mut() {
        let qty = qty_to_cancel(i);
        if qty <= Decimal::ZERO {
            continue;
        }
        let ordered = i.amount("qty_ordered");
        let tax = if ordered.is_zero() { Decimal::ZERO } else { (i.amount("tax_amount") * qty / ordered).round_dp(2) };
        add(&mut i.amounts, "qty_canceled", qty);
        add(&mut i.amounts, "tax_canceled", tax);
        lines.push(Line { sku: i.sku.clone(), qty });
    }
    let rest = |o: &Order, total: &str, done: &str| o.amount(total) - o.amount(done);
    let subtotal = rest(&o, "subtotal", "subtotal_invoiced");
    let tax = rest(&o, "tax_amount", "tax_invoiced");
    let shipping = rest(&o, "shipping_amount", "shipping_invoiced");
    let discount = rest(&o, "discount_amount", "discount_invoiced");
    let total = rest(&o, "grand_total", "total_paid");
    o.amounts.insert("subtotal_canceled", subtotal);
    o.amounts.insert("tax_canceled", tax);
    o.amounts.insert("shipping_canceled", shipping);
    o.amounts.insert("discount_canceled", discount);
    o.amounts.insert("total_canceled", total);
    o.amounts.insert("total_due", Decimal::ZERO);
    if let Some(p) = o.payment.as_mut() {
        let canceled = p.amount("amount_ordered") - p.amount("amount_paid");
        p.amounts.insert("amount_canceled", canceled);
    }
    o.state = "canceled".into();
    o.status = "canceled".into();
    save(tx, tenant, &o).await?;
    if !lines.is_empty() && o.stock_reserved {
        let stock = stock_of(tx, tenant, o.store_id).await?;
        inventory::compensate(tx, tenant, stock, &lines, &reservation("order_canceled", &o)).await?;
    }
    super::publish(
        tx,
        tenant,
        "order_canceled",
        &serde_json::json!({"order_id": o.id, "increment_id": o.increment_id}),
    )
    .await?;
    Ok(true)
}

/// Puts the order on hold (400 `A hold action is not available.` when it cannot be).
pub async fn hold(tx: &mut Tx, tenant: TenantId, crypto: &Crypto, order_id: i64) -> Result<bool, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if matches!(o.state.as_str(), "holded" | "payment_review" | "canceled" | "complete" | "closed") {
        return Err(ApiError::new(storegate_types::ErrorCode::HoldNotAvailable));
    }
    o.hold_before_state = Some(o.state.clone());
    o.hold_before_status = Some(o.status.clone());
    o.state = "holded".into();
    o.status = "holded".into();
    save(tx, tenant, &o).await?;
    Ok(true)
}

/// Releases a held order to the state and status it had.
pub async fn unhold(tx: &mut Tx, tenant: TenantId, crypto: &Crypto, order_id: i64) -> Result<bool, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if o.state != "holded" {
        return Err(ApiError::new(storegate_types::ErrorCode::UnholdNotAvailable));
    }
    o.state = o.hold_before_state.take().unwrap_or_else(|| "new".into());
    o.status = o.hold_before_status.take().unwrap_or_else(|| default_status(&o.state).into());
    save(tx, tenant, &o).await?;
    Ok(true)
}

/// The statuses a state may carry.
fn status_allowed(state: &str, status: &str) -> bool {
    status == default_status(state) || (matches!(state, "processing" | "payment_review") && status == "fraud")
}

/// Appends an order comment; a status allowed for the order's state becomes its status.
pub async fn add_order_comment(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    order_id: i64,
    mut h: StatusHistory,
) -> Result<bool, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    h.order_id = o.id;
    h.entity_name = "order".into();
    h.created_at = String::new();
    match h.status.as_deref() {
        Some(s) if status_allowed(&o.state, s) => {
            if s != o.status {
                o.status = s.to_owned();
                save(tx, tenant, &o).await?;
            }
        }
        _ => h.status = Some(o.status.clone()),
    }
    add_history(tx, tenant, &h).await?;
    if h.is_customer_notified == Some(1) {
        let body = format!(
            "Your order #{} has been updated: {}.\n\n{}\n",
            o.increment_id,
            o.status,
            h.comment.clone().unwrap_or_default()
        );
        let subject = format!("Update to your {} order", store_label(&o));
        queue_mail(tx, tenant, crypto, "sales_email_order_comment_template", &o, &subject, &body).await?;
    }
    Ok(true)
}

/// Queues the order mail again (`POST /V1/orders/{id}/emails`).
pub async fn notify_order(tx: &mut Tx, tenant: TenantId, crypto: &Crypto, order_id: i64) -> Result<bool, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    let mut body =
        format!("Thank you for your order from {}.\n\nOrder #{} ({})\n\n", store_label(&o), o.increment_id, o.status);
    for i in o.lines() {
        body.push_str(&format!(
            "{} ({}) x {}: {}\n",
            i.name.clone().unwrap_or_default(),
            i.sku,
            i.amount("qty_ordered").normalize(),
            i.amount("row_total").round_dp(2)
        ));
    }
    body.push_str(&format!("\nGrand total: {} {}\n", o.amount("grand_total").round_dp(2), o.currency_code));
    let subject = format!("Your {} order confirmation", store_label(&o));
    queue_mail(tx, tenant, crypto, "sales_email_order_template", &o, &subject, &body).await?;
    if !o.email_sent {
        o.email_sent = true;
        save(tx, tenant, &o).await?;
    }
    Ok(true)
}

pub static ORDER_SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "entity_id", sql: "o.id", kind: FieldKind::Int },
        Field { name: "increment_id", sql: "o.increment_id", kind: FieldKind::Text },
        Field { name: "state", sql: "o.state", kind: FieldKind::Text },
        Field { name: "status", sql: "o.status", kind: FieldKind::Text },
        Field { name: "customer_email", sql: "o.customer_email", kind: FieldKind::Text },
        Field { name: "customer_id", sql: "o.customer_id", kind: FieldKind::Int },
        Field { name: "customer_firstname", sql: "o.customer_firstname", kind: FieldKind::Text },
        Field { name: "customer_lastname", sql: "o.customer_lastname", kind: FieldKind::Text },
        Field { name: "created_at", sql: "o.created_at", kind: FieldKind::DateTime },
        Field { name: "updated_at", sql: "o.updated_at", kind: FieldKind::DateTime },
        Field { name: "grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
        Field { name: "base_grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
        Field { name: "store_id", sql: "o.store_id", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "o.id",
};

pub static ORDER_ITEM_SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "item_id", sql: "o.id", kind: FieldKind::Int },
        Field { name: "order_id", sql: "o.order_id", kind: FieldKind::Int },
        Field { name: "sku", sql: "o.sku", kind: FieldKind::Text },
        Field { name: "name", sql: "o.name", kind: FieldKind::Text },
        Field { name: "product_id", sql: "o.product_id", kind: FieldKind::Int },
        Field { name: "product_type", sql: "o.product_type", kind: FieldKind::Text },
        Field { name: "store_id", sql: "o.store_id", kind: FieldKind::Int },
        Field { name: "created_at", sql: "o.created_at", kind: FieldKind::DateTime },
        Field { name: "updated_at", sql: "o.updated_at", kind: FieldKind::DateTime },
    ],
    eav: None,
    tiebreak: "o.id",
};

/// Ids of one page of `table` (aliased `o`) matching `criteria`, and the total.
async fn search_ids(
    ex: &mut impl Exec,
    tenant: TenantId,
    table: &str,
    extra: &str,
    map: &FieldMap,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<i64>, i64), ApiError> {
    let compiled = search::compile(criteria, map, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("FROM {table} o WHERE o.tenant_id = $1{extra} AND ({})", compiled.condition);
    let (rows, total) = search::fetch_page(ex, tenant, &compiled, "o.id", &from).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.at(0)).collect::<Result<_, _>>().storage()?;
    Ok((ids, total))
}

/// `GET /V1/orders`.
pub async fn search_orders(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Order>, i64), ApiError> {
    let (ids, total) =
        search_ids(ex, tenant, "sales_orders", "", &ORDER_SEARCH_FIELDS, criteria, max_page_size).await?;
    Ok((super::get_many(ex, tenant, crypto, &ids).await?, total))
}

/// `GET /V1/orders/items`.
pub async fn search_items(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<OrderItem>, i64), ApiError> {
    let (ids, total) =
        search_ids(ex, tenant, "sales_order_items", "", &ORDER_ITEM_SEARCH_FIELDS, criteria, max_page_size).await?;
    let mut orders: BTreeMap<i64, Order> = BTreeMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(item(ex, tenant, crypto, id, &mut orders).await?);
    }
    Ok((out, total))
}

async fn item(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    item_id: i64,
    orders: &mut BTreeMap<i64, Order>,
) -> Result<OrderItem, ApiError> {
    let order_id: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT order_id FROM sales_order_items WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            item_id
        ))
        .await
        .storage()?;
    let order_id = order_id.ok_or_else(super::not_found)?;
    if let std::collections::btree_map::Entry::Vacant(e) = orders.entry(order_id) {
        e.insert(require(ex, tenant, crypto, order_id).await?);
    }
    orders[&order_id].items.iter().find(|i| i.id == item_id).cloned().ok_or_else(super::not_found)
}

/// `GET /V1/orders/items/{id}`.
pub async fn get_item(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    item_id: i64,
) -> Result<OrderItem, ApiError> {
    item(ex, tenant, crypto, item_id, &mut BTreeMap::new()).await
}

/// The order's status, or 404.
pub async fn status(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, order_id: i64) -> Result<String, ApiError> {
    Ok(get(ex, tenant, crypto, order_id).await?.ok_or_else(super::not_found)?.status)
}

// Sales documents -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Invoice,
    Shipment,
    Creditmemo,
}

impl DocType {
    pub fn name(self) -> &'static str {
        match self {
            DocType::Invoice => "invoice",
            DocType::Shipment => "shipment",
            DocType::Creditmemo => "creditmemo",
        }
    }

    fn table(self) -> &'static str {
        match self {
            DocType::Invoice => "sales_invoices",
            DocType::Shipment => "sales_shipments",
            DocType::Creditmemo => "sales_creditmemos",
        }
    }

    /// The money columns of the document (each also `base_<name>` on the wire).
    pub fn amounts(self) -> &'static [&'static str] {
        match self {
            DocType::Invoice => &[
                "subtotal",
                "subtotal_incl_tax",
                "tax_amount",
                "shipping_amount",
                "shipping_tax_amount",
                "shipping_incl_tax",
                "discount_amount",
                "grand_total",
                "total_refunded",
            ],
            DocType::Shipment => &[],
            DocType::Creditmemo => &[
                "subtotal",
                "subtotal_incl_tax",
                "tax_amount",
                "shipping_amount",
                "shipping_tax_amount",
                "shipping_incl_tax",
                "discount_amount",
                "adjustment_positive",
                "adjustment_negative",
                "grand_total",
            ],
        }
    }

    /// Columns besides id, increment_id, order_id, store_id, email_sent, created_at, updated_at.
    fn extra(self) -> &'static [&'static str] {
        match self {
            DocType::Invoice => &["state", "total_qty", "can_void_flag"],
            DocType::Shipment => &["customer_id", "total_qty", "total_weight", "source_code", "shipping_label"],
            DocType::Creditmemo => &["state", "total_qty", "invoice_id"],
        }
    }

    fn search_fields(self) -> &'static FieldMap {
        match self {
            DocType::Invoice => &INVOICE_FIELDS,
            DocType::Shipment => &SHIPMENT_FIELDS,
            DocType::Creditmemo => &CREDITMEMO_FIELDS,
        }
    }
}

const COMMON_DOC_FIELDS: [Field; 6] = [
    Field { name: "entity_id", sql: "o.id", kind: FieldKind::Int },
    Field { name: "increment_id", sql: "o.increment_id", kind: FieldKind::Text },
    Field { name: "order_id", sql: "o.order_id", kind: FieldKind::Int },
    Field { name: "store_id", sql: "o.store_id", kind: FieldKind::Int },
    Field { name: "created_at", sql: "o.created_at", kind: FieldKind::DateTime },
    Field { name: "updated_at", sql: "o.updated_at", kind: FieldKind::DateTime },
];

static INVOICE_FIELDS: FieldMap = FieldMap {
    fields: &[
        COMMON_DOC_FIELDS[0],
        COMMON_DOC_FIELDS[1],
        COMMON_DOC_FIELDS[2],
        COMMON_DOC_FIELDS[3],
        COMMON_DOC_FIELDS[4],
        COMMON_DOC_FIELDS[5],
        Field { name: "state", sql: "o.state", kind: FieldKind::Int },
        Field { name: "grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
        Field { name: "base_grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
    ],
    eav: None,
    tiebreak: "o.id",
};

static SHIPMENT_FIELDS: FieldMap = FieldMap {
    fields: &[
        COMMON_DOC_FIELDS[0],
        COMMON_DOC_FIELDS[1],
        COMMON_DOC_FIELDS[2],
        COMMON_DOC_FIELDS[3],
        COMMON_DOC_FIELDS[4],
        COMMON_DOC_FIELDS[5],
        Field { name: "customer_id", sql: "o.customer_id", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "o.id",
};

static CREDITMEMO_FIELDS: FieldMap = FieldMap {
    fields: &[
        COMMON_DOC_FIELDS[0],
        COMMON_DOC_FIELDS[1],
        COMMON_DOC_FIELDS[2],
        COMMON_DOC_FIELDS[3],
        COMMON_DOC_FIELDS[4],
        COMMON_DOC_FIELDS[5],
        Field { name: "state", sql: "o.state", kind: FieldKind::Int },
        Field { name: "invoice_id", sql: "o.invoice_id", kind: FieldKind::Int },
        Field { name: "grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
        Field { name: "base_grand_total", sql: "o.grand_total", kind: FieldKind::Decimal },
    ],
    eav: None,
    tiebreak: "o.id",
};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocItem {
    pub id: i64,
    pub parent_id: i64,
    pub order_item_id: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: Option<String>,
    pub qty: Decimal,
    pub price: Decimal,
    pub price_incl_tax: Decimal,
    pub row_total: Decimal,
    pub row_total_incl_tax: Decimal,
    pub tax_amount: Decimal,
    pub discount_amount: Decimal,
    pub weight: Decimal,
    pub back_to_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comment {
    pub id: i64,
    pub parent_id: i64,
    pub comment: String,
    pub is_customer_notified: Option<i64>,
    pub is_visible_on_front: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Track {
    pub id: i64,
    pub parent_id: i64,
    pub order_id: i64,
    pub track_number: String,
    pub title: Option<String>,
    pub carrier_code: String,
    pub qty: Option<Decimal>,
    pub weight: Option<Decimal>,
    pub description: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// An invoice, shipment or credit memo.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub doc_type: DocType,
    pub id: i64,
    pub increment_id: String,
    pub order_id: i64,
    pub invoice_id: Option<i64>,
    pub store_id: i64,
    pub customer_id: Option<i64>,
    pub state: i64,
    pub total_qty: Decimal,
    pub total_weight: Decimal,
    pub can_void_flag: bool,
    pub source_code: Option<String>,
    pub shipping_label: Option<String>,
    pub email_sent: bool,
    pub amounts: Amounts,
    pub created_at: String,
    pub updated_at: String,
    pub items: Vec<DocItem>,
    pub comments: Vec<Comment>,
    pub tracks: Vec<Track>,
}

impl Document {
    pub fn new(doc_type: DocType, o: &Order) -> Document {
        Document {
            doc_type,
            id: 0,
            increment_id: String::new(),
            order_id: o.id,
            invoice_id: None,
            store_id: o.store_id,
            customer_id: o.customer_id,
            state: 0,
            total_qty: Decimal::ZERO,
            total_weight: Decimal::ZERO,
            can_void_flag: false,
            source_code: None,
            shipping_label: None,
            email_sent: false,
            amounts: Amounts::new(),
            created_at: String::new(),
            updated_at: String::new(),
            items: Vec::new(),
            comments: Vec::new(),
            tracks: Vec::new(),
        }
    }

    pub fn amount(&self, name: &str) -> Decimal {
        self.amounts.get(name).copied().unwrap_or_default()
    }
}

const ITEM_COLUMNS: &[&str] = &[
    "order_item_id",
    "product_id",
    "sku",
    "name",
    "qty",
    "price",
    "price_incl_tax",
    "row_total",
    "row_total_incl_tax",
    "tax_amount",
    "discount_amount",
    "weight",
    "back_to_stock",
];

/// Writes a new document with its lines, comments and tracks; answers its id. The increment
/// id comes from the store's sequence of the document type.
pub async fn insert_document(ex: &mut impl Exec, tenant: TenantId, d: &mut Document) -> Result<i64, ApiError> {
    let kind = d.doc_type.name();
    d.id = ids::next_detached(ex, tenant, d.doc_type.table()).await.storage()?;
    let n = ids::next_detached(ex, tenant, &format!("{kind}_increment_{}", d.store_id)).await.storage()?;
    d.increment_id = if d.store_id > 1 { format!("{}{n:09}", d.store_id) } else { format!("{n:09}") };
    let now = clock::now_text();
    d.created_at = now.clone();
    d.updated_at = now.clone();
    let mut columns =
        vec!["tenant_id", "id", "increment_id", "order_id", "store_id", "email_sent", "created_at", "updated_at"];
    let mut values: Vec<Value> = vec![
        tenant.0.into(),
        d.id.into(),
        d.increment_id.clone().into(),
        d.order_id.into(),
        d.store_id.into(),
        d.email_sent.into(),
        now.clone().into(),
        now.clone().into(),
    ];
    for c in d.doc_type.extra() {
        columns.push(c);
        values.push(match *c {
            "state" => d.state.into(),
            "total_qty" => d.total_qty.into(),
            "can_void_flag" => d.can_void_flag.into(),
            "customer_id" => d.customer_id.into(),
            "total_weight" => d.total_weight.into(),
            "source_code" => d.source_code.clone().into(),
            "shipping_label" => d.shipping_label.clone().into(),
            _ => d.invoice_id.into(),
        });
    }
    for c in d.doc_type.amounts() {
        columns.push(c);
        values.push(d.amount(c).into());
    }
    insert_rows(ex, d.doc_type.table(), &columns, vec![values]).await.storage()?;
    if !d.items.is_empty() {
        let first = ids::reserve_detached(ex, tenant, "sales_document_items", d.items.len() as i64).await.storage()?;
        let mut columns = vec!["tenant_id", "id", "doc_type", "parent_id"];
        columns.extend_from_slice(ITEM_COLUMNS);
        let mut rows = Vec::new();
        for (n, i) in d.items.iter_mut().enumerate() {
            i.id = first + n as i64;
            i.parent_id = d.id;
            rows.push(vec![
                tenant.0.into(),
                i.id.into(),
                kind.into(),
                d.id.into(),
                i.order_item_id.into(),
                i.product_id.into(),
                i.sku.clone().into(),
                i.name.clone().into(),
                i.qty.into(),
                i.price.into(),
                i.price_incl_tax.into(),
                i.row_total.into(),
                i.row_total_incl_tax.into(),
                i.tax_amount.into(),
                i.discount_amount.into(),
                i.weight.into(),
                i.back_to_stock.into(),
            ]);
        }
        insert_rows(ex, "sales_document_items", &columns, rows).await.storage()?;
    }
    let doc_type = d.doc_type;
    let id = d.id;
    for c in d.comments.iter_mut() {
        c.parent_id = id;
        *c = add_comment(ex, tenant, doc_type, c.clone()).await?;
    }
    for t in d.tracks.iter_mut() {
        t.parent_id = id;
        t.order_id = d.order_id;
        *t = insert_track(ex, tenant, t.clone()).await?;
    }
    Ok(id)
}

/// Appends a comment to a document (which must exist); answers it as stored.
pub async fn add_comment(
    ex: &mut impl Exec,
    tenant: TenantId,
    doc_type: DocType,
    mut c: Comment,
) -> Result<Comment, ApiError> {
    c.id = ids::next_detached(ex, tenant, "sales_document_comments").await.storage()?;
    c.created_at = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO sales_document_comments (tenant_id, id, doc_type, parent_id, comment, is_customer_notified, \
         is_visible_on_front, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant.0,
        c.id,
        doc_type.name(),
        c.parent_id,
        c.comment.clone(),
        c.is_customer_notified,
        c.is_visible_on_front,
        c.created_at.clone()
    ))
    .await
    .storage()?;
    Ok(c)
}

pub async fn insert_track(ex: &mut impl Exec, tenant: TenantId, mut t: Track) -> Result<Track, ApiError> {
    t.id = ids::next_detached(ex, tenant, "sales_shipment_tracks").await.storage()?;
    t.created_at = clock::now_text();
    t.updated_at = t.created_at.clone();
    ex.execute(sql!(
        "INSERT INTO sales_shipment_tracks (tenant_id, id, shipment_id, order_id, track_number, title, carrier_code, \
         qty, weight, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        tenant.0,
        t.id,
        t.parent_id,
        t.order_id,
        t.track_number.clone(),
        t.title.clone(),
        t.carrier_code.clone(),
        t.qty,
        t.weight,
        t.description.clone(),
        t.created_at.clone(),
        t.updated_at.clone()
    ))
    .await
    .storage()?;
    Ok(t)
}

fn g<T: storegate_db::FromValue>(r: &Row, name: &str) -> Result<T, ApiError> {
    r.get(name).storage()
}

/// A document's comments, oldest first.
pub async fn comments(
    ex: &mut impl Exec,
    tenant: TenantId,
    doc_type: DocType,
    id: i64,
) -> Result<Vec<Comment>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, parent_id, comment, is_customer_notified, is_visible_on_front, created_at \
             FROM sales_document_comments WHERE tenant_id = $1 AND doc_type = $2 AND parent_id = $3 ORDER BY id",
            tenant.0,
            doc_type.name(),
            id
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            Ok(Comment {
                id: g(r, "id")?,
                parent_id: g(r, "parent_id")?,
                comment: g(r, "comment")?,
                is_customer_notified: g(r, "is_customer_notified")?,
                is_visible_on_front: g(r, "is_visible_on_front")?,
                created_at: g(r, "created_at")?,
            })
        })
        .collect()
}

pub async fn tracks(ex: &mut impl Exec, tenant: TenantId, shipment_id: i64) -> Result<Vec<Track>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, shipment_id, order_id, track_number, title, carrier_code, qty, weight, description, created_at, \
             updated_at FROM sales_shipment_tracks WHERE tenant_id = $1 AND shipment_id = $2 ORDER BY id",
            tenant.0,
            shipment_id
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            Ok(Track {
                id: g(r, "id")?,
                parent_id: g(r, "shipment_id")?,
                order_id: g(r, "order_id")?,
                track_number: g(r, "track_number")?,
                title: g(r, "title")?,
                carrier_code: g(r, "carrier_code")?,
                qty: g(r, "qty")?,
                weight: g(r, "weight")?,
                description: g(r, "description")?,
                created_at: g(r, "created_at")?,
                updated_at: g(r, "updated_at")?,
            })
        })
        .collect()
}

/// One document with lines, comments (and tracks), or `None`.
pub async fn load(
    ex: &mut impl Exec,
    tenant: TenantId,
    doc_type: DocType,
    id: i64,
) -> Result<Option<Document>, ApiError> {
    let mut columns = vec!["id", "increment_id", "order_id", "store_id", "email_sent", "created_at", "updated_at"];
    columns.extend_from_slice(doc_type.extra());
    columns.extend_from_slice(doc_type.amounts());
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {} FROM {} WHERE tenant_id = $1 AND id = $2", columns.join(", "), doc_type.table()),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    let Some(r) = row else { return Ok(None) };
    let has = |c: &str| doc_type.extra().contains(&c);
    let mut d = Document {
        doc_type,
        id: g(&r, "id")?,
        increment_id: g(&r, "increment_id")?,
        order_id: g(&r, "order_id")?,
        invoice_id: if has("invoice_id") { g(&r, "invoice_id")? } else { None },
        store_id: g(&r, "store_id")?,
        customer_id: if has("customer_id") { g(&r, "customer_id")? } else { None },
        state: if has("state") { g(&r, "state")? } else { 0 },
        total_qty: g(&r, "total_qty")?,
        total_weight: if has("total_weight") { g(&r, "total_weight")? } else { Decimal::ZERO },
        can_void_flag: if has("can_void_flag") { g(&r, "can_void_flag")? } else { false },
        source_code: if has("source_code") { g(&r, "source_code")? } else { None },
        shipping_label: if has("shipping_label") { g(&r, "shipping_label")? } else { None },
        email_sent: g(&r, "email_sent")?,
        amounts: doc_type.amounts().iter().map(|c| Ok((*c, g::<Decimal>(&r, c)?))).collect::<Result<_, ApiError>>()?,
        created_at: g(&r, "created_at")?,
        updated_at: g(&r, "updated_at")?,
        items: Vec::new(),
        comments: Vec::new(),
        tracks: Vec::new(),
    };
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT id, parent_id, {} FROM sales_document_items WHERE tenant_id = $1 AND doc_type = $2 \
                 AND parent_id = $3 ORDER BY id",
                ITEM_COLUMNS.join(", ")
            ),
            tenant.0,
            doc_type.name(),
            id
        ))
        .await
        .storage()?;
    for r in &rows {
        d.items.push(DocItem {
            id: g(r, "id")?,
            parent_id: g(r, "parent_id")?,
            order_item_id: g(r, "order_item_id")?,
            product_id: g(r, "product_id")?,
            sku: g(r, "sku")?,
            name: g(r, "name")?,
            qty: g(r, "qty")?,
            price: g(r, "price")?,
            price_incl_tax: g(r, "price_incl_tax")?,
            row_total: g(r, "row_total")?,
            row_total_incl_tax: g(r, "row_total_incl_tax")?,
            tax_amount: g(r, "tax_amount")?,
            discount_amount: g(r, "discount_amount")?,
            weight: g(r, "weight")?,
            back_to_stock: g(r, "back_to_stock")?,
        });
    }
    d.comments = comments(ex, tenant, doc_type, id).await?;
    if doc_type == DocType::Shipment {
        d.tracks = tracks(ex, tenant, id).await?;
    }
    Ok(Some(d))
}

/// The document or Magento's 404.
pub async fn require_doc(
    ex: &mut impl Exec,
    tenant: TenantId,
    doc_type: DocType,
    id: i64,
) -> Result<Document, ApiError> {
    load(ex, tenant, doc_type, id).await?.ok_or_else(super::not_found)
}

/// `GET /V1/invoices`, `/V1/shipments`, `/V1/creditmemos`.
pub async fn search_documents(
    ex: &mut impl Exec,
    tenant: TenantId,
    doc_type: DocType,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Document>, i64), ApiError> {
    let (ids, total) =
        search_ids(ex, tenant, doc_type.table(), "", doc_type.search_fields(), criteria, max_page_size).await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(require_doc(ex, tenant, doc_type, id).await?);
    }
    Ok((out, total))
}

/// Marks a document's mail as sent.
pub async fn mark_email_sent(ex: &mut impl Exec, tenant: TenantId, doc_type: DocType, id: i64) -> Result<(), ApiError> {
    ex.execute(sql!(
        format!("UPDATE {} SET email_sent = $3 WHERE tenant_id = $1 AND id = $2", doc_type.table()),
        tenant.0,
        id,
        true
    ))
    .await
    .storage()?;
    Ok(())
}

/// Queues the document's mail to the order's customer (`…/emails`, or `notify` on create).
pub async fn notify_document(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    d: &Document,
    comment: Option<&str>,
) -> Result<bool, ApiError> {
    let o = require(ex, tenant, crypto, d.order_id).await?;
    let kind = match d.doc_type {
        DocType::Invoice => "Invoice",
        DocType::Shipment => "Shipment",
        DocType::Creditmemo => "Credit memo",
    };
    let mut body =
        format!("{kind} #{} for your order #{} from {}.\n\n", d.increment_id, o.increment_id, store_label(&o));
    for i in &d.items {
        body.push_str(&format!("{} ({}) x {}\n", i.name.clone().unwrap_or_default(), i.sku, i.qty.normalize()));
    }
    for t in &d.tracks {
        body.push_str(&format!("\nTracking: {} {}\n", t.carrier_code, t.track_number));
    }
    if let Some(c) = comment {
        body.push_str(&format!("\n{c}\n"));
    }
    let subject = format!("{kind} for your {} order #{}", store_label(&o), o.increment_id);
    let template = format!("sales_email_{}_template", d.doc_type.name());
    queue_mail(ex, tenant, crypto, &template, &o, &subject, &body).await?;
    mark_email_sent(ex, tenant, d.doc_type, d.id).await?;
    Ok(true)
}

/// What the three creation requests share.
#[derive(Debug, Clone, Default)]
pub struct DocRequest {
    /// (order_item_id, qty); empty: everything left.
    pub items: Vec<(i64, Decimal)>,
    pub notify: bool,
    pub append_comment: bool,
    pub comment: Option<Comment>,
}

/// Finishes a new document: comment, mail and the order history line.
pub async fn after_create(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    doc_type: DocType,
    id: i64,
    req: &DocRequest,
) -> Result<(), ApiError> {
    if req.notify {
        let d = require_doc(tx, tenant, doc_type, id).await?;
        let comment = if req.append_comment { req.comment.as_ref().map(|c| c.comment.as_str()) } else { None };
        notify_document(tx, tenant, crypto, &d, comment).await?;
    }
    Ok(())
}

/// The comment of a request with its notification flag.
pub fn request_comment(req: &DocRequest) -> Vec<Comment> {
    req.comment
        .iter()
        .filter(|c| !c.comment.trim().is_empty())
        .map(|c| Comment { is_customer_notified: Some(i64::from(req.notify && req.append_comment)), ..c.clone() })
        .collect()
}

/// Why a requested line was refused.
#[derive(Debug)]
pub enum LineError<'a> {
    /// No such item in the order.
    NotInOrder(i64),
    /// More than is left of the item.
    TooMuch(&'a OrderItem),
}

/// Resolves requested lines against the order.
pub fn requested<'a>(
    o: &'a Order,
    req: &DocRequest,
    left: impl Fn(&OrderItem) -> Decimal,
    eligible: impl Fn(&OrderItem) -> bool,
) -> Result<Vec<(&'a OrderItem, Decimal)>, LineError<'a>> {
    if req.items.is_empty() {
        return Ok(o
            .lines()
            .filter(|i| eligible(i))
            .map(|i| (i, left(i)))
            .filter(|(_, q)| *q > Decimal::ZERO)
            .collect());
    }
    let mut out: Vec<(&OrderItem, Decimal)> = Vec::new();
    for (item_id, qty) in &req.items {
        let Some(i) = o.lines().find(|i| i.id == *item_id) else { return Err(LineError::NotInOrder(*item_id)) };
        if *qty < Decimal::ZERO || *qty > left(i) {
            return Err(LineError::TooMuch(i));
        }
        if qty.is_zero() {
            continue;
        }
        match out.iter_mut().find(|(x, _)| x.id == i.id) {
            Some((_, q)) => {
                *q += *qty;
                if *q > left(i) {
                    return Err(LineError::TooMuch(i));
                }
            }
            None => out.push((i, *qty)),
        }
    }
    Ok(out)
}

/// `part` of `total` for `qty` of `of` units, or the rest when the last units go.
pub fn share(total: Decimal, done: Decimal, qty: Decimal, left_before: Decimal, of: Decimal) -> Decimal {
    if qty >= left_before {
        total - done
    } else if of.is_zero() {
        Decimal::ZERO
    } else {
        (total * qty / of).round_dp(2)
    }
}

/// The currency of an order's documents.
pub async fn currency(ex: &mut impl Exec, tenant: TenantId, order_id: i64) -> Result<String, ApiError> {
    let c: Option<String> = ex
        .fetch_optional_scalar(sql!(
            "SELECT currency_code FROM sales_orders WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            order_id
        ))
        .await
        .storage()?;
    Ok(c.unwrap_or_else(|| "USD".into()))
}

/// Adds a comment to an existing document; `notify` queues the document mail with it.
pub async fn comment_document(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    doc_type: DocType,
    c: Comment,
) -> Result<Comment, ApiError> {
    let d = require_doc(tx, tenant, doc_type, c.parent_id).await?;
    let notify = c.is_customer_notified == Some(1);
    let saved = add_comment(tx, tenant, doc_type, c).await?;
    if notify {
        notify_document(tx, tenant, crypto, &d, Some(&saved.comment)).await?;
    }
    Ok(saved)
}
