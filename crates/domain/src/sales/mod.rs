//! Orders: the stored order with items, addresses, payment and status history; reading one
//! (reusable by the order lifecycle); writing a new one (from a cart in [`place`], or from an
//! `entity` payload as `POST /V1/orders` does).
//!
//! Money columns are kept in maps keyed by their Magento field names ([`ORDER_AMOUNTS`],
//! [`ITEM_AMOUNTS`], [`PAYMENT_AMOUNTS`]) so that reading, writing and the wire share one
//! list; base_* amounts equal them (one currency per store).

pub mod creditmemo;
pub mod invoice;
pub mod lifecycle;
pub mod place;
pub mod shipment;

pub use place::{PlaceInput, place};

use crate::crypto::Crypto;
use crate::quote::address::{self, Address};
use crate::{StorageResult, clock, ids};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use storegate_db::{Exec, Row, Value, insert_rows, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Order amount columns (each also `base_<name>` on the wire).
pub const ORDER_AMOUNTS: &[&str] = &[
    "subtotal",
    "subtotal_incl_tax",
    "discount_amount",
    "shipping_amount",
    "shipping_discount_amount",
    "shipping_tax_amount",
    "shipping_incl_tax",
    "tax_amount",
    "grand_total",
    "total_due",
    "total_paid",
    "total_invoiced",
    "total_refunded",
    "total_offline_refunded",
    "total_online_refunded",
    "total_canceled",
    "subtotal_invoiced",
    "subtotal_refunded",
    "subtotal_canceled",
    "tax_invoiced",
    "tax_refunded",
    "tax_canceled",
    "shipping_invoiced",
    "shipping_refunded",
    "shipping_canceled",
    "discount_invoiced",
    "discount_refunded",
    "discount_canceled",
    "adjustment_positive",
    "adjustment_negative",
];

/// Order item amount and quantity columns.
pub const ITEM_AMOUNTS: &[&str] = &[
    "weight",
    "row_weight",
    "qty_ordered",
    "qty_invoiced",
    "qty_shipped",
    "qty_refunded",
    "qty_canceled",
    "qty_backordered",
    "qty_returned",
    "price",
    "original_price",
    "price_incl_tax",
    "row_total",
    "row_total_incl_tax",
    "row_invoiced",
    "tax_amount",
    "tax_percent",
    "tax_invoiced",
    "tax_refunded",
    "tax_canceled",
    "discount_amount",
    "discount_percent",
    "discount_invoiced",
    "discount_refunded",
    "amount_refunded",
];

/// Of [`ITEM_AMOUNTS`], those that are money and get a `base_` twin.
pub const ITEM_MONEY: &[&str] = &[
    "price",
    "original_price",
    "price_incl_tax",
    "row_total",
    "row_total_incl_tax",
    "row_invoiced",
    "tax_amount",
    "tax_invoiced",
    "tax_refunded",
    "tax_canceled",
    "discount_amount",
    "discount_invoiced",
    "discount_refunded",
    "amount_refunded",
];

pub const PAYMENT_AMOUNTS: &[&str] = &[
    "amount_ordered",
    "amount_paid",
    "amount_authorized",
    "amount_refunded",
    "amount_canceled",
    "shipping_amount",
    "shipping_captured",
    "shipping_refunded",
];

pub type Amounts = BTreeMap<&'static str, Decimal>;

fn amount(map: &Amounts, name: &str) -> Decimal {
    map.get(name).copied().unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Order {
    pub id: i64,
    pub increment_id: String,
    pub store_id: i64,
    pub store_name: Option<String>,
    pub quote_id: Option<i64>,
    pub state: String,
    pub status: String,
    pub hold_before_state: Option<String>,
    pub hold_before_status: Option<String>,
    pub protect_code: String,
    pub is_virtual: bool,
    pub email_sent: bool,
    /// Placing the order reserved its stock (from a cart; `POST /V1/orders` does not), so
    /// cancel, ship and refund compensate the reservations.
    pub stock_reserved: bool,
    pub customer_id: Option<i64>,
    pub customer_group_id: i64,
    pub customer_is_guest: bool,
    pub customer_email: String,
    pub customer_firstname: Option<String>,
    pub customer_lastname: Option<String>,
    pub customer_note: Option<String>,
    pub currency_code: String,
    pub coupon_code: Option<String>,
    pub applied_rule_ids: Option<String>,
    pub discount_description: Option<String>,
    /// `flatrate_flatrate`.
    pub shipping_method: Option<String>,
    pub shipping_description: Option<String>,
    pub weight: Decimal,
    pub total_item_count: i64,
    pub total_qty_ordered: Decimal,
    pub amounts: Amounts,
    pub remote_ip: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub items: Vec<OrderItem>,
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub payment: Option<Payment>,
    pub status_histories: Vec<StatusHistory>,
}

impl Order {
    pub fn amount(&self, name: &str) -> Decimal {
        amount(&self.amounts, name)
    }

    /// The lines documents act on (Magento's visible items): every item but the simple
    /// children of configurable lines, which follow their parent line.
    pub fn lines(&self) -> impl Iterator<Item = &OrderItem> {
        self.items.iter().filter(|i| i.parent_item_id.is_none())
    }

    pub fn lines_mut(&mut self) -> impl Iterator<Item = &mut OrderItem> {
        self.items.iter_mut().filter(|i| i.parent_item_id.is_none())
    }

    /// The line a child item belongs to.
    pub fn parent_of(&self, item: &OrderItem) -> Option<&OrderItem> {
        let parent = item.parent_item_id?;
        self.items.iter().find(|i| i.id == parent)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderItem {
    pub id: i64,
    pub order_id: i64,
    pub parent_item_id: Option<i64>,
    pub quote_item_id: Option<i64>,
    pub store_id: i64,
    pub product_id: Option<i64>,
    pub product_type: String,
    /// JSON of the chosen configurable options, `[[attribute_id, "value"], …]`.
    pub product_options: Option<String>,
    pub sku: String,
    pub name: Option<String>,
    pub is_virtual: bool,
    pub is_qty_decimal: bool,
    pub free_shipping: bool,
    pub applied_rule_ids: Option<String>,
    pub amounts: Amounts,
    pub created_at: String,
    pub updated_at: String,
    /// Before the order is saved: the position in `items` of this child's parent line,
    /// whose id becomes `parent_item_id` when ids are assigned.
    pub parent_position: Option<usize>,
}

impl OrderItem {
    pub fn amount(&self, name: &str) -> Decimal {
        amount(&self.amounts, name)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Payment {
    pub id: i64,
    pub order_id: i64,
    pub method: String,
    pub title: String,
    pub po_number: Option<String>,
    pub last_trans_id: Option<String>,
    pub amounts: Amounts,
}

impl Payment {
    pub fn amount(&self, name: &str) -> Decimal {
        amount(&self.amounts, name)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusHistory {
    pub id: i64,
    pub order_id: i64,
    pub comment: Option<String>,
    pub status: Option<String>,
    pub is_customer_notified: Option<i64>,
    pub is_visible_on_front: i64,
    pub entity_name: String,
    pub created_at: String,
}

/// Magento's 404 for orders, invoices, shipments and credit memos.
pub fn not_found() -> ApiError {
    ApiError::new(ErrorCode::SalesEntityNotFound)
}

fn amounts_of(r: &Row, names: &[&'static str]) -> Result<Amounts, ApiError> {
    names.iter().map(|n| Ok((*n, r.get::<Decimal>(n).storage()?))).collect()
}

const ORDER_FIELDS: &str = "id, increment_id, store_id, store_name, quote_id, state, status, hold_before_state, \
     hold_before_status, protect_code, is_virtual, email_sent, stock_reserved, customer_id, customer_group_id, customer_is_guest, \
     customer_email, customer_firstname, customer_lastname, customer_note, currency_code, coupon_code, \
     applied_rule_ids, discount_description, shipping_method, shipping_description, weight, total_item_count, \
     total_qty_ordered, remote_ip, created_at, updated_at";

fn order_from_row(r: &Row) -> Result<Order, ApiError> {
    let g = |e: storegate_db::DbError| crate::storage(e);
    Ok(Order {
        id: r.get("id").map_err(g)?,
        increment_id: r.get("increment_id").map_err(g)?,
        store_id: r.get("store_id").map_err(g)?,
        store_name: r.get("store_name").map_err(g)?,
        quote_id: r.get("quote_id").map_err(g)?,
        state: r.get("state").map_err(g)?,
        status: r.get("status").map_err(g)?,
        hold_before_state: r.get("hold_before_state").map_err(g)?,
        hold_before_status: r.get("hold_before_status").map_err(g)?,
        protect_code: r.get("protect_code").map_err(g)?,
        is_virtual: r.get("is_virtual").map_err(g)?,
        email_sent: r.get("email_sent").map_err(g)?,
        stock_reserved: r.get("stock_reserved").map_err(g)?,
        customer_id: r.get("customer_id").map_err(g)?,
        customer_group_id: r.get("customer_group_id").map_err(g)?,
        customer_is_guest: r.get("customer_is_guest").map_err(g)?,
        customer_email: r.get("customer_email").map_err(g)?,
        customer_firstname: r.get("customer_firstname").map_err(g)?,
        customer_lastname: r.get("customer_lastname").map_err(g)?,
        customer_note: r.get("customer_note").map_err(g)?,
        currency_code: r.get("currency_code").map_err(g)?,
        coupon_code: r.get("coupon_code").map_err(g)?,
        applied_rule_ids: r.get("applied_rule_ids").map_err(g)?,
        discount_description: r.get("discount_description").map_err(g)?,
        shipping_method: r.get("shipping_method").map_err(g)?,
        shipping_description: r.get("shipping_description").map_err(g)?,
        weight: r.get("weight").map_err(g)?,
        total_item_count: r.get("total_item_count").map_err(g)?,
        total_qty_ordered: r.get("total_qty_ordered").map_err(g)?,
        amounts: amounts_of(r, ORDER_AMOUNTS)?,
        remote_ip: r.get("remote_ip").map_err(g)?,
        created_at: r.get("created_at").map_err(g)?,
        updated_at: r.get("updated_at").map_err(g)?,
        items: Vec::new(),
        billing_address: None,
        shipping_address: None,
        payment: None,
        status_histories: Vec::new(),
    })
}

const ITEM_FIELDS: &str = "id, order_id, parent_item_id, quote_item_id, store_id, product_id, product_type, \
     product_options, sku, name, is_virtual, is_qty_decimal, free_shipping, applied_rule_ids, created_at, updated_at";

fn item_from_row(r: &Row) -> Result<OrderItem, ApiError> {
    let g = |e: storegate_db::DbError| crate::storage(e);
    Ok(OrderItem {
        id: r.get("id").map_err(g)?,
        order_id: r.get("order_id").map_err(g)?,
        parent_item_id: r.get("parent_item_id").map_err(g)?,
        quote_item_id: r.get("quote_item_id").map_err(g)?,
        store_id: r.get("store_id").map_err(g)?,
        product_id: r.get("product_id").map_err(g)?,
        product_type: r.get("product_type").map_err(g)?,
        product_options: r.get("product_options").map_err(g)?,
        sku: r.get("sku").map_err(g)?,
        name: r.get("name").map_err(g)?,
        is_virtual: r.get("is_virtual").map_err(g)?,
        is_qty_decimal: r.get("is_qty_decimal").map_err(g)?,
        free_shipping: r.get("free_shipping").map_err(g)?,
        applied_rule_ids: r.get("applied_rule_ids").map_err(g)?,
        amounts: amounts_of(r, ITEM_AMOUNTS)?,
        created_at: r.get("created_at").map_err(g)?,
        updated_at: r.get("updated_at").map_err(g)?,
        parent_position: None,
    })
}

/// One order with items, addresses, payment and status history, or `None`.
pub async fn get(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Option<Order>, ApiError> {
    Ok(get_many(ex, tenant, crypto, &[id]).await?.pop())
}

/// Orders with their items, addresses, payment and status history, in the order of `ids`
/// (ids that do not exist are left out): five statements for a whole page of a search
/// rather than five per order.
pub async fn get_many(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    ids: &[i64],
) -> Result<Vec<Order>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = (2..ids.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let of_orders = |select: String| ids.iter().fold(sql!(select, tenant.0), |q, id| q.bind(*id));
    let rows = ex
        .fetch_all(of_orders(format!(
            "SELECT {ORDER_FIELDS}, {} FROM sales_orders WHERE tenant_id = $1 AND id IN ({list})",
            ORDER_AMOUNTS.join(", ")
        )))
        .await
        .storage()?;
    let mut orders: HashMap<i64, Order> =
        rows.iter().map(|r| order_from_row(r).map(|o| (o.id, o))).collect::<Result<_, _>>()?;
    let rows = ex
        .fetch_all(of_orders(format!(
            "SELECT {ITEM_FIELDS}, {} FROM sales_order_items WHERE tenant_id = $1 AND order_id IN ({list}) ORDER BY id",
            ITEM_AMOUNTS.join(", ")
        )))
        .await
        .storage()?;
    for r in &rows {
        let item = item_from_row(r)?;
        if let Some(order) = orders.get_mut(&item.order_id) {
            order.items.push(item);
        }
    }
    let rows = ex
        .fetch_all(of_orders(format!(
            "SELECT id, order_id, customer_id, {} FROM sales_order_addresses \
             WHERE tenant_id = $1 AND order_id IN ({list}) ORDER BY id",
            address::COLUMNS.join(", ")
        )))
        .await
        .storage()?;
    for r in &rows {
        let order_id: i64 = r.get("order_id").storage()?;
        let a = Address::from_row(r, crypto)?;
        if let Some(order) = orders.get_mut(&order_id) {
            if a.address_type == "billing" {
                order.billing_address = Some(a);
            } else {
                order.shipping_address = Some(a);
            }
        }
    }
    let rows = ex
        .fetch_all(of_orders(format!(
            "SELECT id, order_id, method, title, po_number, last_trans_id, {} FROM sales_order_payments \
             WHERE tenant_id = $1 AND order_id IN ({list})",
            PAYMENT_AMOUNTS.join(", ")
        )))
        .await
        .storage()?;
    for r in &rows {
        let payment = Payment {
            id: r.get("id").storage()?,
            order_id: r.get("order_id").storage()?,
            method: r.get("method").storage()?,
            title: r.get("title").storage()?,
            po_number: r.get("po_number").storage()?,
            last_trans_id: r.get("last_trans_id").storage()?,
            amounts: amounts_of(r, PAYMENT_AMOUNTS)?,
        };
        if let Some(order) = orders.get_mut(&payment.order_id) {
            order.payment = Some(payment);
        }
    }
    let rows = ex
        .fetch_all(of_orders(format!(
            "SELECT {HISTORY_FIELDS} FROM sales_order_status_history \
             WHERE tenant_id = $1 AND order_id IN ({list}) ORDER BY created_at DESC, id DESC"
        )))
        .await
        .storage()?;
    for r in &rows {
        let history = history_from_row(r).storage()?;
        if let Some(order) = orders.get_mut(&history.order_id) {
            order.status_histories.push(history);
        }
    }
    Ok(ids.iter().filter_map(|id| orders.remove(id)).collect())
}

/// The order or Magento's 404.
pub async fn require(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, id: i64) -> Result<Order, ApiError> {
    get(ex, tenant, crypto, id).await?.ok_or_else(not_found)
}

/// An order's status history, newest first (as Magento lists it).
pub async fn histories(ex: &mut impl Exec, tenant: TenantId, order_id: i64) -> Result<Vec<StatusHistory>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT {HISTORY_FIELDS} FROM sales_order_status_history WHERE tenant_id = $1 AND order_id = $2 \
                 ORDER BY created_at DESC, id DESC"
            ),
            tenant.0,
            order_id
        ))
        .await
        .storage()?;
    rows.iter().map(history_from_row).collect::<Result<_, storegate_db::DbError>>().storage()
}

const HISTORY_FIELDS: &str =
    "id, order_id, comment, status, is_customer_notified, is_visible_on_front, entity_name, created_at";

fn history_from_row(r: &Row) -> Result<StatusHistory, storegate_db::DbError> {
    Ok(StatusHistory {
        id: r.get("id")?,
        order_id: r.get("order_id")?,
        comment: r.get("comment")?,
        status: r.get("status")?,
        is_customer_notified: r.get("is_customer_notified")?,
        is_visible_on_front: r.get("is_visible_on_front")?,
        entity_name: r.get("entity_name")?,
        created_at: r.get("created_at")?,
    })
}

/// Appends a status history row.
pub async fn add_history(ex: &mut impl Exec, tenant: TenantId, h: &StatusHistory) -> Result<i64, ApiError> {
    let id = ids::next_detached(ex, tenant, "sales_order_status_history").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO sales_order_status_history (tenant_id, id, order_id, comment, status, is_customer_notified, \
         is_visible_on_front, entity_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        tenant.0,
        id,
        h.order_id,
        h.comment.clone(),
        h.status.clone(),
        h.is_customer_notified,
        h.is_visible_on_front,
        h.entity_name.clone(),
        if h.created_at.is_empty() { clock::now_text() } else { h.created_at.clone() }
    ))
    .await
    .storage()?;
    Ok(id)
}

/// The next increment id of a store view's order sequence: `000000001` for store 1, the
/// store id before nine digits for the others (`2000000001`), as Magento numbers them.
pub async fn next_increment_id(ex: &mut impl Exec, tenant: TenantId, store_id: i64) -> Result<String, ApiError> {
    let n = ids::next_detached(ex, tenant, &format!("order_increment_{store_id}")).await.storage()?;
    Ok(if store_id > 1 { format!("{store_id}{n:09}") } else { format!("{n:09}") })
}

fn protect_code() -> String {
    use rand::Rng;
    const HEX: &[u8] = b"0123456789abcdef";
    let mut rng = rand::rng();
    (0..32).map(|_| HEX[rng.random_range(0..HEX.len())] as char).collect()
}

/// Writes a new order with everything hanging off it; answers its id. `order.id`, the item
/// and address ids are assigned here (the order id unless preassigned); an empty `increment_id` takes the store's next one,
/// and an empty `protect_code` a random one.
pub async fn insert(ex: &mut impl Exec, tenant: TenantId, crypto: &Crypto, order: &mut Order) -> Result<i64, ApiError> {
    if order.id == 0 {
        order.id = ids::next_detached(ex, tenant, "sales_orders").await.storage()?;
    }
    if order.increment_id.is_empty() {
        order.increment_id = next_increment_id(ex, tenant, order.store_id).await?;
    }
    if order.protect_code.is_empty() {
        order.protect_code = protect_code();
    }
    let now = clock::now_text();
    if order.created_at.is_empty() {
        order.created_at = now.clone();
    }
    order.updated_at = now.clone();
    let o = &*order;
    let mut columns: Vec<&str> = ORDER_FIELDS.split(", ").map(str::trim).collect();
    columns.insert(0, "tenant_id");
    let mut values: Vec<Value> = vec![
        tenant.0.into(),
        o.id.into(),
        o.increment_id.clone().into(),
        o.store_id.into(),
        o.store_name.clone().into(),
        o.quote_id.into(),
        o.state.clone().into(),
        o.status.clone().into(),
        o.hold_before_state.clone().into(),
        o.hold_before_status.clone().into(),
        o.protect_code.clone().into(),
        o.is_virtual.into(),
        o.email_sent.into(),
        o.stock_reserved.into(),
        o.customer_id.into(),
        o.customer_group_id.into(),
        o.customer_is_guest.into(),
        o.customer_email.clone().into(),
        o.customer_firstname.clone().into(),
        o.customer_lastname.clone().into(),
        o.customer_note.clone().into(),
        o.currency_code.clone().into(),
        o.coupon_code.clone().into(),
        o.applied_rule_ids.clone().into(),
        o.discount_description.clone().into(),
        o.shipping_method.clone().into(),
        o.shipping_description.clone().into(),
        o.weight.into(),
        o.total_item_count.into(),
        o.total_qty_ordered.into(),
        o.remote_ip.clone().into(),
        o.created_at.clone().into(),
        o.updated_at.clone().into(),
    ];
    for name in ORDER_AMOUNTS {
        columns.push(name);
        values.push(o.amount(name).into());
    }
    insert_rows(ex, "sales_orders", &columns, vec![values]).await.storage()?;

    if !order.items.is_empty() {
        let first = ids::reserve_detached(ex, tenant, "sales_order_items", order.items.len() as i64).await.storage()?;
        let mut columns: Vec<&str> = ITEM_FIELDS.split(", ").map(str::trim).collect();
        columns.insert(0, "tenant_id");
        columns.extend_from_slice(ITEM_AMOUNTS);
        let mut rows = Vec::with_capacity(order.items.len());
        let order_id = order.id;
        for (i, item) in order.items.iter_mut().enumerate() {
            item.id = first + i as i64;
            if let Some(position) = item.parent_position.take() {
                item.parent_item_id = Some(first + position as i64);
            }
            item.order_id = order_id;
            item.created_at = now.clone();
            item.updated_at = now.clone();
            let mut v: Vec<Value> = vec![
                tenant.0.into(),
                item.id.into(),
                item.order_id.into(),
                item.parent_item_id.into(),
                item.quote_item_id.into(),
                item.store_id.into(),
                item.product_id.into(),
                item.product_type.clone().into(),
                item.product_options.clone().into(),
                item.sku.clone().into(),
                item.name.clone().into(),
                item.is_virtual.into(),
                item.is_qty_decimal.into(),
                item.free_shipping.into(),
                item.applied_rule_ids.clone().into(),
                item.created_at.clone().into(),
                item.updated_at.clone().into(),
            ];
            for name in ITEM_AMOUNTS {
                v.push(item.amount(name).into());
            }
            rows.push(v);
        }
        insert_rows(ex, "sales_order_items", &columns, rows).await.storage()?;
    }

    let order_id = order.id;
    let customer_id = order.customer_id;
    for a in [order.billing_address.as_mut(), order.shipping_address.as_mut()].into_iter().flatten() {
        a.id = ids::next_detached(ex, tenant, "sales_order_addresses").await.storage()?;
        a.customer_id = customer_id;
        let mut columns = vec!["tenant_id", "id", "order_id", "customer_id"];
        columns.extend_from_slice(address::COLUMNS);
        let mut v: Vec<Value> = vec![tenant.0.into(), a.id.into(), order_id.into(), customer_id.into()];
        v.extend(a.values(crypto)?);
        insert_rows(ex, "sales_order_addresses", &columns, vec![v]).await.storage()?;
    }

    if let Some(p) = order.payment.as_mut() {
        p.id = ids::next_detached(ex, tenant, "sales_order_payments").await.storage()?;
        p.order_id = order_id;
        let mut columns = vec!["tenant_id", "id", "order_id", "method", "title", "po_number", "last_trans_id"];
        columns.extend_from_slice(PAYMENT_AMOUNTS);
        let mut v: Vec<Value> = vec![
            tenant.0.into(),
            p.id.into(),
            p.order_id.into(),
            p.method.clone().into(),
            p.title.clone().into(),
            p.po_number.clone().into(),
            p.last_trans_id.clone().into(),
        ];
        for name in PAYMENT_AMOUNTS {
            v.push(p.amount(name).into());
        }
        insert_rows(ex, "sales_order_payments", &columns, vec![v]).await.storage()?;
    }

    for h in order.status_histories.iter_mut() {
        h.order_id = order_id;
        if h.created_at.is_empty() {
            h.created_at = now.clone();
        }
        h.id = add_history(ex, tenant, h).await?;
    }
    Ok(order_id)
}

/// Queues a domain event in the outbox (delivered by a later component).
pub async fn publish(
    ex: &mut impl Exec,
    tenant: TenantId,
    topic: &str,
    payload: &serde_json::Value,
) -> Result<(), ApiError> {
    let id = ids::next_detached(ex, tenant, "event_outbox").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO event_outbox (tenant_id, id, topic, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
        tenant.0,
        id,
        topic.to_owned(),
        payload.to_string(),
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}
