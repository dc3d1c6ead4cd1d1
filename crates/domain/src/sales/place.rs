//! Placing an order from a cart, in one transaction: the cart is validated as Magento's
//! quote validator does, totals are collected again, the inventory reserved, the order
//! written with its increment id, the cart deactivated, coupon uses counted, an
//! `order_placed` event queued in the outbox and the confirmation mail in the mail outbox.

use super::{Order, OrderItem, Payment, StatusHistory, insert, publish};
use crate::crypto::Crypto;
use crate::customer::{self, DefaultAddress};
use crate::inventory::{self, ReservationObject};
use crate::quote::{self, Address, CartRef, payment, totals};
use crate::{StorageResult, clock, ids, pricing};
use rust_decimal::Decimal;
use serde_json::json;
use storegate_db::{Exec, Tx, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// What `payment-information` and `…/order` may bring along.
#[derive(Debug, Clone, Default)]
pub struct PlaceInput {
    /// (method, po_number).
    pub payment: Option<(String, Option<String>)>,
    pub billing: Option<Address>,
    /// A guest's e-mail.
    pub email: Option<String>,
}

/// Sets the payment method (and billing address, guest e-mail) without placing
/// (`set-payment-information`, `selected-payment-method`).
pub async fn save_payment(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    input: &PlaceInput,
) -> Result<i64, ApiError> {
    apply(ex, tenant, crypto, cart, input, true).await
}

/// Stores what the input carries; the payment method is checked against the cart's totals
/// when `check_payment` (placing checks it later anyway, with the final totals).
async fn apply(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    input: &PlaceInput,
    check_payment: bool,
) -> Result<i64, ApiError> {
    let quote_id = quote::resolve(ex, tenant, cart).await?;
    if let Some(billing) = &input.billing {
        let mut b = billing.clone();
        b.address_type = "billing".into();
        quote::set_address(ex, tenant, crypto, quote_id, &b).await?;
    }
    if let Some(email) = input.email.as_deref().filter(|e| !e.trim().is_empty()) {
        quote::set_email(ex, tenant, quote_id, email).await?;
    }
    if let Some((method, po)) = &input.payment {
        if !check_payment {
            quote::set_payment(ex, tenant, quote_id, method, po.as_deref()).await?;
            return Ok(quote_id);
        }
        let quote = quote::load(ex, tenant, crypto, quote_id).await?;
        let view = quote::view_of(ex, tenant, quote.store_id).await?;
        let collected = totals::collect(ex, tenant, &view, &quote).await?;
        payment::check(ex, tenant, &view, collected.totals.grand_total, method, po.as_deref()).await?;
        quote::set_payment(ex, tenant, quote_id, method, po.as_deref()).await?;
    }
    Ok(quote_id)
}

/// Magento orders a configurable product as two rows: the configurable line, which carries
/// the price and the chosen options, and after it the simple child that was picked, with
/// `parent_item_id` pointing at the line, its own product id and name, and no money.
async fn with_configurable_children(
    tx: &mut Tx,
    tenant: TenantId,
    store_id: i64,
    quote: &quote::Quote,
    lines: Vec<OrderItem>,
) -> Result<Vec<OrderItem>, ApiError> {
    let mut items = Vec::with_capacity(lines.len());
    for (line, quoted) in lines.into_iter().zip(&quote.items) {
        let child = match quoted.parent_product_id {
            Some(_) => crate::catalog::products::get_by_id(tx, tenant, quoted.product_id, store_id).await?,
            None => None,
        };
        let position = items.len();
        let line_is_virtual = line.is_virtual;
        let qty = line.amount("qty_ordered");
        let weight = line.amount("weight");
        items.push(line);
        if let Some(child) = child {
            let mut amounts = super::Amounts::new();
            amounts.insert("qty_ordered", qty);
            amounts.insert("weight", weight);
            amounts.insert("row_weight", weight * qty);
            items.push(OrderItem {
                store_id: quote.store_id,
                product_id: Some(child.id),
                product_type: child.type_id.clone(),
                sku: child.sku.clone(),
                name: Some(child.name.clone()),
                is_virtual: line_is_virtual,
                amounts,
                parent_position: Some(position),
                ..OrderItem::default()
            });
        }
    }
    Ok(items)
}

fn rule_ids(ids: &[i64]) -> Option<String> {
    if ids.is_empty() { None } else { Some(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")) }
}

/// Places the cart's order; answers the order id.
pub async fn place(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    input: &PlaceInput,
) -> Result<i64, ApiError> {
    let quote_id = quote::resolve(tx, tenant, cart).await?;
    let empty: i64 = tx
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM quote_items WHERE tenant_id = $1 AND quote_id = $2",
            tenant.0,
            quote_id
        ))
        .await
        .storage()?;
    if empty == 0 {
        return Err(ApiError::new(ErrorCode::OrderNotPlaced).with_internal("the cart has no items"));
    }
    apply(tx, tenant, crypto, &CartRef::Id(quote_id), input, false).await?;
    let mut quote = quote::load(tx, tenant, crypto, quote_id).await?;
    // A customer's cart falls back on the customer's default addresses, as Magento assigns
    // them to a customer's quote.
    if let Some(customer_id) = quote.customer_id {
        if quote.billing.is_none()
            && let Some(a) = customer::default_address(tx, tenant, crypto, customer_id, DefaultAddress::Billing).await?
        {
            quote.billing = Some(Address::from_customer(&a, "billing", quote.customer_email.clone()));
        }
        if quote.shipping.is_none()
            && !quote.is_virtual()
            && let Some(a) =
                customer::default_address(tx, tenant, crypto, customer_id, DefaultAddress::Shipping).await?
        {
            quote.shipping = Some(Address::from_customer(&a, "shipping", quote.customer_email.clone()));
        }
    }
    let view = quote::view_of(tx, tenant, quote.store_id).await?;
    let is_virtual = quote.is_virtual();
    let shipping_address = if is_virtual {
        None
    } else {
        let a = quote.shipping.clone().ok_or_else(|| ApiError::new(ErrorCode::ShippingAddressMissing))?;
        if let Some(field) = a.missing_field() {
            return Err(ApiError::positional(ErrorCode::ShippingAddressInvalid, [format!("\"{field}\" is required.")]));
        }
        Some(a)
    };
    let collected = totals::collect(tx, tenant, &view, &quote).await?;
    if !is_virtual && collected.shipping.is_none() {
        return Err(ApiError::new(ErrorCode::ShippingMethodMissing));
    }
    let mut billing = match (&quote.billing, &shipping_address) {
        (Some(b), _) => b.clone(),
        (None, Some(s)) => Address { address_type: "billing".into(), ..s.clone() },
        (None, None) => {
            return Err(ApiError::positional(ErrorCode::BillingAddressInvalid, ["\"firstname\" is required."]));
        }
    };
    if let Some(field) = billing.missing_field() {
        return Err(ApiError::positional(ErrorCode::BillingAddressInvalid, [format!("\"{field}\" is required.")]));
    }
    let t = &collected.totals;
    let method = quote.payment_method.clone().ok_or_else(|| ApiError::new(ErrorCode::PaymentMethodMissing))?;
    let method = payment::check(tx, tenant, &view, t.grand_total, &method, quote.payment_po_number.as_deref()).await?;
    let email = quote
        .customer_email
        .clone()
        .or_else(|| billing.email.clone())
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| ApiError::required("email"))?;
    billing.email = Some(email.clone());
    let shipping_address = shipping_address.map(|s| Address { email: Some(email.clone()), ..s });

    let (state, status) = if method.code == "free" { ("processing", "processing") } else { ("new", "pending") };
    let items: Vec<OrderItem> = quote
        .items
        .iter()
        .map(|i| {
            let line = t.lines.iter().find(|l| l.item_id == i.id);
            let row_total = line.map(|l| l.row_total).unwrap_or_else(|| i.row_total());
            let row_incl = line.map(|l| l.row_total_incl_tax).unwrap_or(row_total);
            let virtual_item = matches!(i.product_type.as_str(), "virtual" | "downloadable");
            let weight = i.weight.unwrap_or_default();
            let mut amounts = super::Amounts::new();
            amounts.insert("weight", weight);
            amounts.insert("row_weight", weight * i.qty);
            amounts.insert("qty_ordered", i.qty);
            amounts.insert("price", i.price);
            amounts.insert("original_price", i.price);
            amounts.insert("price_incl_tax", if i.qty.is_zero() { i.price } else { (row_incl / i.qty).round_dp(2) });
            amounts.insert("row_total", row_total);
            amounts.insert("row_total_incl_tax", row_incl);
            if let Some(l) = line {
                amounts.insert("tax_amount", l.tax_amount);
                amounts.insert("tax_percent", l.tax_percent);
                amounts.insert("discount_amount", l.discount_amount);
                amounts.insert("discount_percent", l.discount_percent);
            }
            OrderItem {
                quote_item_id: Some(i.id),
                store_id: quote.store_id,
                product_id: Some(i.parent_product_id.unwrap_or(i.product_id)),
                product_type: i.product_type.clone(),
                product_options: if i.options.is_empty() { None } else { serde_json::to_string(&i.options).ok() },
                sku: i.sku.clone(),
                name: Some(i.name.clone()),
                is_virtual: virtual_item,
                free_shipping: t.free_shipping,
                applied_rule_ids: line.and_then(|l| rule_ids(&l.applied_rule_ids)),
                amounts,
                ..OrderItem::default()
            }
        })
        .collect();
    let line_count = items.len() as i64;
    let items = with_configurable_children(tx, tenant, view.id, &quote, items).await?;
    let item_tax: Decimal = t.lines.iter().map(|l| l.tax_amount).sum();
    let mut amounts = super::Amounts::new();
    amounts.insert("subtotal", t.subtotal);
    amounts.insert("subtotal_incl_tax", t.subtotal + item_tax);
    amounts.insert("discount_amount", t.discount_amount);
    amounts.insert("shipping_amount", t.shipping_amount);
    amounts.insert("shipping_discount_amount", t.shipping_discount_amount);
    amounts.insert("shipping_tax_amount", t.shipping_tax_amount);
    amounts.insert("shipping_incl_tax", t.shipping_amount + t.shipping_tax_amount);
    amounts.insert("tax_amount", t.tax_amount);
    amounts.insert("grand_total", t.grand_total);
    amounts.insert("total_due", t.grand_total);
    let mut payment_amounts = super::Amounts::new();
    payment_amounts.insert("amount_ordered", t.grand_total);
    payment_amounts.insert("shipping_amount", t.shipping_amount);
    let currency = crate::store::config_value(tx, tenant, &view, "currency/options/base")
        .await?
        .unwrap_or_else(|| "USD".to_owned());
    let rate = collected.shipping.clone();
    let mut order = Order {
        store_id: quote.store_id,
        store_name: Some(view.name.clone()),
        quote_id: Some(quote.id),
        state: state.into(),
        status: status.into(),
        is_virtual,
        email_sent: true,
        stock_reserved: true,
        customer_id: quote.customer_id,
        customer_group_id: quote.customer_group_id,
        customer_is_guest: quote.is_guest(),
        customer_email: email.clone(),
        customer_firstname: quote.customer_firstname.clone().or_else(|| billing.firstname.clone()),
        customer_lastname: quote.customer_lastname.clone().or_else(|| billing.lastname.clone()),
        customer_note: quote.customer_note.clone(),
        currency_code: currency,
        coupon_code: t.coupon_code.clone(),
        applied_rule_ids: rule_ids(&t.applied_rule_ids),
        discount_description: t.discount_description.clone(),
        shipping_method: rate.as_ref().map(|r| format!("{}_{}", r.carrier_code, r.method_code)),
        shipping_description: rate.as_ref().map(|r| format!("{} - {}", r.carrier_title, r.method_title)),
        weight: collected.package.weight,
        total_item_count: line_count,
        total_qty_ordered: quote.items_qty(),
        amounts,
        items,
        billing_address: Some(billing),
        shipping_address,
        payment: Some(Payment {
            method: method.code.clone(),
            title: method.title.clone(),
            po_number: quote.payment_po_number.clone(),
            amounts: payment_amounts,
            ..Payment::default()
        }),
        status_histories: vec![StatusHistory {
            status: Some(status.into()),
            is_customer_notified: Some(1),
            entity_name: "order".into(),
            ..StatusHistory::default()
        }],
        ..Order::default()
    };
    order.increment_id = super::next_increment_id(tx, tenant, order.store_id).await?;
    let stock_id = inventory::stock_for_website(tx, tenant, view.website_id).await?;
    let lines: Vec<inventory::Line> =
        quote.items.iter().map(|i| inventory::Line { sku: i.sku.clone(), qty: i.qty }).collect();
    order.id = ids::next_detached(tx, tenant, "sales_orders").await.storage()?;
    let order_id = insert(tx, tenant, crypto, &mut order).await?;
    quote::deactivate(tx, tenant, quote.id, &order.increment_id).await?;
    pricing::record_usage(tx, tenant, t, quote.customer_id).await?;
    publish(
        tx,
        tenant,
        "order_placed",
        &json!({
            "order_id": order_id,
            "increment_id": order.increment_id,
            "store_id": order.store_id,
            "customer_id": order.customer_id,
            "state": order.state,
            "status": order.status,
            "grand_total": order.amount("grand_total").to_string(),
            "currency_code": order.currency_code,
        }),
    )
    .await?;
    queue_confirmation(tx, tenant, crypto, &order).await?;
    // Last, so that on PostgreSQL the SKUs' rows it locks are held only until the commit
    // that follows: concurrent checkouts of one SKU queue on that lock.
    inventory::reserve(
        tx,
        tenant,
        stock_id,
        &lines,
        &ReservationObject {
            event_type: "order_placed".into(),
            object_type: "order".into(),
            object_id: order.id.to_string(),
            object_increment_id: order.increment_id.clone(),
        },
    )
    .await?;
    Ok(order_id)
}

/// The order confirmation mail, recipient and body encrypted (`sales_email_order_template`).
async fn queue_confirmation(
    ex: &mut impl Exec,
    tenant: TenantId,
    crypto: &Crypto,
    order: &Order,
) -> Result<(), ApiError> {
    let store = order.store_name.clone().unwrap_or_else(|| "our store".into());
    let mut body = format!(
        "Hello {} {},\n\nThank you for your order from {store}.\n\nOrder #{} placed on {}\n\n",
        order.customer_firstname.clone().unwrap_or_default(),
        order.customer_lastname.clone().unwrap_or_default(),
        order.increment_id,
        order.created_at
    );
    for i in order.lines() {
        body.push_str(&format!(
            "{} ({}) x {}: {}\n",
            i.name.clone().unwrap_or_default(),
            i.sku,
            i.amount("qty_ordered").normalize(),
            i.amount("row_total").round_dp(2)
        ));
    }
    body.push_str(&format!(
        "\nSubtotal: {}\nShipping: {}\nDiscount: {}\nTax: {}\nGrand total: {} {}\n",
        order.amount("subtotal").round_dp(2),
        order.amount("shipping_amount").round_dp(2),
        order.amount("discount_amount").round_dp(2),
        order.amount("tax_amount").round_dp(2),
        order.amount("grand_total").round_dp(2),
        order.currency_code
    ));
    let id = ids::next_detached(ex, tenant, "mail_outbox").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO mail_outbox (tenant_id, id, template, recipient, subject, body, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
        tenant.0,
        id,
        "sales_email_order_template",
        crypto.encrypt(&order.customer_email),
        format!("Your {store} order confirmation"),
        crypto.encrypt(&body),
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

/// `POST /V1/orders`: writes an order as given (Magento's repository save: no quote, no
/// inventory reservation, no totals collection). Missing totals are derived from the items.
pub async fn create_direct(tx: &mut Tx, tenant: TenantId, crypto: &Crypto, mut order: Order) -> Result<i64, ApiError> {
    if order.customer_email.trim().is_empty() {
        return Err(ApiError::required("customer_email"));
    }
    if order.items.is_empty() {
        return Err(ApiError::required("items"));
    }
    if !crate::store::view_exists(tx, tenant, order.store_id).await? {
        return Err(ApiError::invalid_value("store_id", order.store_id));
    }
    if !order.increment_id.is_empty() {
        let taken: Option<i64> = tx
            .fetch_optional_scalar(sql!(
                "SELECT id FROM sales_orders WHERE tenant_id = $1 AND store_id = $2 AND increment_id = $3",
                tenant.0,
                order.store_id,
                order.increment_id.clone()
            ))
            .await
            .storage()?;
        if taken.is_some() {
            return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("Order #{}", order.increment_id)]));
        }
    }
    check_storable(&order.amounts)?;
    for i in &order.items {
        check_storable(&i.amounts)?;
    }
    for i in order.items.iter_mut() {
        if i.sku.trim().is_empty() {
            return Err(ApiError::required("sku"));
        }
        let qty = i.amount("qty_ordered");
        if !i.amounts.contains_key("row_total") {
            i.amounts.insert("row_total", i.amount("price") * qty);
        }
        if !i.amounts.contains_key("row_total_incl_tax") {
            i.amounts.insert("row_total_incl_tax", i.amount("row_total") + i.amount("tax_amount"));
        }
        if i.product_type.is_empty() {
            i.product_type = "simple".into();
        }
        i.store_id = order.store_id;
    }
    if !order.amounts.contains_key("subtotal") {
        let subtotal: Decimal = order.items.iter().map(|i| i.amount("row_total")).sum();
        order.amounts.insert("subtotal", subtotal);
    }
    if !order.amounts.contains_key("grand_total") {
        let g = order.amount("subtotal")
            + order.amount("shipping_amount")
            + order.amount("tax_amount")
            + order.amount("discount_amount");
        order.amounts.insert("grand_total", g);
    }
    if !order.amounts.contains_key("total_due") {
        order.amounts.insert("total_due", order.amount("grand_total") - order.amount("total_paid"));
    }
    order.total_item_count = order.items.len() as i64;
    order.total_qty_ordered = order.items.iter().map(|i| i.amount("qty_ordered")).sum();
    if order.state.is_empty() {
        order.state = "new".into();
    }
    if order.status.is_empty() {
        order.status = if order.state == "new" { "pending".into() } else { order.state.clone() };
    }
    if order.currency_code.is_empty() {
        order.currency_code = "USD".into();
    }
    order.customer_is_guest = order.customer_id.is_none();
    // Derived totals (row totals, sums) must fit storage too.
    check_storable(&order.amounts)?;
    for i in &order.items {
        check_storable(&i.amounts)?;
    }
    if storegate_db::decimal_to_micros(order.total_qty_ordered).is_err() {
        return Err(ApiError::invalid_value("total_qty_ordered", order.total_qty_ordered.to_string()));
    }
    let id = insert(tx, tenant, crypto, &mut order).await?;
    publish(
        tx,
        tenant,
        "order_placed",
        &json!({"order_id": id, "increment_id": order.increment_id, "store_id": order.store_id, "source": "api"}),
    )
    .await?;
    Ok(id)
}

/// Amounts beyond what storage holds (±9.2 × 10¹² in millionths) are invalid values.
fn check_storable(amounts: &super::Amounts) -> Result<(), ApiError> {
    match amounts.iter().find(|(_, v)| storegate_db::decimal_to_micros(**v).is_err()) {
        Some((field, v)) => Err(ApiError::invalid_value(field, v.to_string())),
        None => Ok(()),
    }
}
