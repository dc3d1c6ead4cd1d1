//! The order shape (contract §5.5): top-level fields, items, billing address, payment
//! (singular), status histories and `extension_attributes.shipping_assignments` (where the
//! shipping address lives). Every money field is written with its `base_` twin. Built as a
//! JSON object so the many optional fields stay in one place; `entity` input for
//! `POST /V1/orders` is read from the same field names.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use std::str::FromStr;
use storegate_domain::quote::Address;
use storegate_domain::sales::{
    Amounts, ITEM_AMOUNTS, ITEM_MONEY, ORDER_AMOUNTS, Order, OrderItem, PAYMENT_AMOUNTS, Payment, StatusHistory,
};
use storegate_types::ApiError;

use super::number;

fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
    m.insert(k.to_owned(), v.into());
}

fn put_opt<T: Into<Value>>(m: &mut Map<String, Value>, k: &str, v: Option<T>) {
    if let Some(v) = v {
        m.insert(k.to_owned(), v.into());
    }
}

fn money(m: &mut Map<String, Value>, k: &str, d: Decimal) {
    m.insert(format!("base_{k}"), number(&d));
    m.insert(k.to_owned(), number(&d));
}

pub fn address_out(a: &Address, parent_id: i64) -> Value {
    let mut m = Map::new();
    put(&mut m, "address_type", a.address_type.clone());
    put_opt(&mut m, "city", a.city.clone());
    put_opt(&mut m, "company", a.company.clone());
    put_opt(&mut m, "country_id", a.country_id.clone());
    put_opt(&mut m, "customer_address_id", a.customer_address_id);
    put_opt(&mut m, "customer_id", a.customer_id);
    put_opt(&mut m, "email", a.email.clone());
    put(&mut m, "entity_id", a.id);
    put_opt(&mut m, "fax", a.fax.clone());
    put_opt(&mut m, "firstname", a.firstname.clone());
    put_opt(&mut m, "lastname", a.lastname.clone());
    put_opt(&mut m, "middlename", a.middlename.clone());
    put(&mut m, "parent_id", parent_id);
    put_opt(&mut m, "postcode", a.postcode.clone());
    put_opt(&mut m, "prefix", a.prefix.clone());
    put_opt(&mut m, "region", a.region.clone());
    put_opt(&mut m, "region_code", a.region_code.clone());
    put_opt(&mut m, "region_id", a.region_id);
    put(&mut m, "street", a.street.clone());
    put_opt(&mut m, "suffix", a.suffix.clone());
    put_opt(&mut m, "telephone", a.telephone.clone());
    put_opt(&mut m, "vat_id", a.vat_id.clone());
    Value::Object(m)
}

pub fn item_out(i: &OrderItem) -> Value {
    let mut m = Map::new();
    for name in ITEM_AMOUNTS {
        let d = i.amount(name);
        if ITEM_MONEY.contains(name) {
            money(&mut m, name, d);
        } else {
            put(&mut m, name, number(&d));
        }
    }
    put(&mut m, "created_at", i.created_at.clone());
    put(&mut m, "free_shipping", i64::from(i.free_shipping));
    put(&mut m, "is_qty_decimal", i64::from(i.is_qty_decimal));
    put(&mut m, "is_virtual", i64::from(i.is_virtual));
    put(&mut m, "item_id", i.id);
    put_opt(&mut m, "name", i.name.clone());
    put(&mut m, "no_discount", 0);
    put(&mut m, "order_id", i.order_id);
    put_opt(&mut m, "parent_item_id", i.parent_item_id);
    put_opt(&mut m, "product_id", i.product_id);
    put(&mut m, "product_type", i.product_type.clone());
    put_opt(&mut m, "quote_item_id", i.quote_item_id);
    put(&mut m, "sku", i.sku.clone());
    put(&mut m, "store_id", i.store_id);
    put(&mut m, "updated_at", i.updated_at.clone());
    put_opt(&mut m, "applied_rule_ids", i.applied_rule_ids.clone());
    if let Some(options) = i.product_options.as_deref().and_then(|o| serde_json::from_str::<Vec<(i64, String)>>(o).ok())
    {
        let list: Vec<Value> = options
            .iter()
            .map(|(id, v)| json!({"option_id": id.to_string(), "option_value": v.parse::<i64>().unwrap_or(0)}))
            .collect();
        put(&mut m, "product_option", json!({"extension_attributes": {"configurable_item_options": list}}));
    }
    Value::Object(m)
}

fn payment_out(p: &Payment) -> Value {
    let mut m = Map::new();
    put(&mut m, "account_status", Value::Null);
    put(&mut m, "additional_information", vec![p.title.clone()]);
    for name in PAYMENT_AMOUNTS {
        money(&mut m, name, p.amount(name));
    }
    put(&mut m, "cc_last4", Value::Null);
    put(&mut m, "entity_id", p.id);
    put_opt(&mut m, "last_trans_id", p.last_trans_id.clone());
    put(&mut m, "method", p.method.clone());
    put(&mut m, "parent_id", p.order_id);
    put_opt(&mut m, "po_number", p.po_number.clone());
    Value::Object(m)
}

pub fn history_out(h: &StatusHistory) -> Value {
    let mut m = Map::new();
    put(&mut m, "comment", h.comment.clone().map(Value::from).unwrap_or(Value::Null));
    put(&mut m, "created_at", h.created_at.clone());
    put(&mut m, "entity_id", h.id);
    put(&mut m, "entity_name", h.entity_name.clone());
    put(&mut m, "is_customer_notified", h.is_customer_notified.map(Value::from).unwrap_or(Value::Null));
    put(&mut m, "is_visible_on_front", h.is_visible_on_front);
    put(&mut m, "parent_id", h.order_id);
    put_opt(&mut m, "status", h.status.clone());
    Value::Object(m)
}

/// The order as Magento's `GET /V1/orders/{id}` answers it.
pub fn order_out(o: &Order) -> Value {
    let mut m = Map::new();
    put(&mut m, "base_currency_code", o.currency_code.clone());
    for name in ORDER_AMOUNTS {
        money(&mut m, name, o.amount(name));
    }
    put(&mut m, "base_to_global_rate", 1);
    put(&mut m, "base_to_order_rate", 1);
    put_opt(&mut m, "applied_rule_ids", o.applied_rule_ids.clone());
    put(&mut m, "billing_address_id", o.billing_address.as_ref().map(|a| a.id).map(Value::from).unwrap_or(Value::Null));
    put_opt(&mut m, "coupon_code", o.coupon_code.clone());
    put(&mut m, "created_at", o.created_at.clone());
    put(&mut m, "customer_email", o.customer_email.clone());
    put_opt(&mut m, "customer_firstname", o.customer_firstname.clone());
    put(&mut m, "customer_group_id", o.customer_group_id);
    put_opt(&mut m, "customer_id", o.customer_id);
    put(&mut m, "customer_is_guest", i64::from(o.customer_is_guest));
    put_opt(&mut m, "customer_lastname", o.customer_lastname.clone());
    put_opt(&mut m, "customer_note", o.customer_note.clone());
    put(&mut m, "customer_note_notify", 1);
    put_opt(&mut m, "discount_description", o.discount_description.clone());
    put(&mut m, "email_sent", i64::from(o.email_sent));
    put(&mut m, "entity_id", o.id);
    put(&mut m, "global_currency_code", o.currency_code.clone());
    put_opt(&mut m, "hold_before_state", o.hold_before_state.clone());
    put_opt(&mut m, "hold_before_status", o.hold_before_status.clone());
    put(&mut m, "increment_id", o.increment_id.clone());
    put(&mut m, "is_virtual", i64::from(o.is_virtual));
    put(&mut m, "order_currency_code", o.currency_code.clone());
    put(&mut m, "protect_code", o.protect_code.clone());
    put_opt(&mut m, "quote_id", o.quote_id);
    put_opt(&mut m, "remote_ip", o.remote_ip.clone());
    put_opt(&mut m, "shipping_description", o.shipping_description.clone());
    put(&mut m, "state", o.state.clone());
    put(&mut m, "status", o.status.clone());
    put(&mut m, "store_currency_code", o.currency_code.clone());
    put(&mut m, "store_id", o.store_id);
    put_opt(&mut m, "store_name", o.store_name.clone());
    put(&mut m, "store_to_base_rate", 0);
    put(&mut m, "store_to_order_rate", 0);
    put(&mut m, "total_item_count", o.total_item_count);
    put(&mut m, "total_qty_ordered", number(&o.total_qty_ordered));
    put(&mut m, "updated_at", o.updated_at.clone());
    put(&mut m, "weight", number(&o.weight));
    let items: Vec<Value> = o
        .items
        .iter()
        .map(|i| {
            let mut out = item_out(i);
            // Magento nests the configurable line inside its child as `parent_item`.
            if let (Some(parent), Value::Object(map)) = (o.parent_of(i), &mut out) {
                map.insert("parent_item".into(), item_out(parent));
            }
            out
        })
        .collect();
    put(&mut m, "items", items.clone());
    if let Some(b) = &o.billing_address {
        put(&mut m, "billing_address", address_out(b, o.id));
    }
    if let Some(p) = &o.payment {
        put(&mut m, "payment", payment_out(p));
    }
    put(&mut m, "status_histories", o.status_histories.iter().map(history_out).collect::<Vec<_>>());
    let mut shipping = Map::new();
    if let Some(a) = &o.shipping_address {
        put(&mut shipping, "address", address_out(a, o.id));
    }
    put_opt(&mut shipping, "method", o.shipping_method.clone());
    let mut total = Map::new();
    money(&mut total, "shipping_amount", o.amount("shipping_amount"));
    money(&mut total, "shipping_discount_amount", o.amount("shipping_discount_amount"));
    money(&mut total, "shipping_incl_tax", o.amount("shipping_incl_tax"));
    money(&mut total, "shipping_tax_amount", o.amount("shipping_tax_amount"));
    put(&mut shipping, "total", Value::Object(total));
    let mut ext = Map::new();
    if !o.is_virtual || o.shipping_address.is_some() {
        put(&mut ext, "shipping_assignments", json!([{ "shipping": shipping, "items": items }]));
    }
    if let Some(p) = &o.payment {
        put(&mut ext, "payment_additional_info", json!([{"key": "method_title", "value": p.title}]));
    }
    put(&mut ext, "applied_taxes", json!([]));
    put(&mut ext, "item_applied_taxes", json!([]));
    put(&mut ext, "converting_from_quote", o.quote_id.is_some());
    put(&mut m, "extension_attributes", Value::Object(ext));
    Value::Object(m)
}

// Input (`entity` of POST /V1/orders) -------------------------------------------------------

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(v: &Value, k: &str) -> Result<Option<i64>, ApiError> {
    match v.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| ApiError::invalid_value(k, n.to_string())),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| ApiError::invalid_value(k, s.clone())),
        Some(Value::Bool(b)) => Ok(Some(i64::from(*b))),
        Some(other) => Err(ApiError::invalid_value(k, other.to_string())),
    }
}

fn decimal(v: &Value, k: &str) -> Result<Option<Decimal>, ApiError> {
    let raw = match v.get(k) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => return Err(ApiError::invalid_value(k, other.to_string())),
    };
    Decimal::from_str(&raw)
        .or_else(|_| Decimal::from_scientific(&raw))
        .map(Some)
        .map_err(|_| ApiError::invalid_value(k, raw))
}

fn amounts(v: &Value, names: &[&'static str]) -> Result<Amounts, ApiError> {
    let mut out = Amounts::new();
    for name in names {
        let d = match decimal(v, name)? {
            Some(d) => Some(d),
            None => decimal(v, &format!("base_{name}"))?,
        };
        if let Some(d) = d {
            out.insert(name, d);
        }
    }
    Ok(out)
}

fn address_in(v: &Value, address_type: &str) -> Result<Address, ApiError> {
    let street = match v.get("street") {
        Some(Value::Array(lines)) => lines.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => s.lines().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let a = Address {
        address_type: address_type.to_owned(),
        customer_address_id: int(v, "customer_address_id")?,
        email: text(v, "email"),
        firstname: text(v, "firstname"),
        lastname: text(v, "lastname"),
        middlename: text(v, "middlename"),
        prefix: text(v, "prefix"),
        suffix: text(v, "suffix"),
        company: text(v, "company"),
        street,
        city: text(v, "city"),
        region: text(v, "region"),
        region_id: int(v, "region_id")?,
        region_code: text(v, "region_code"),
        postcode: text(v, "postcode"),
        country_id: text(v, "country_id"),
        telephone: text(v, "telephone"),
        fax: text(v, "fax"),
        vat_id: text(v, "vat_id"),
        ..Address::default()
    };
    if let Some(field) = a.missing_field().filter(|f| *f != "postcode") {
        return Err(ApiError::required(field));
    }
    Ok(a)
}

/// Reads an order `entity` (Magento's order data object, snake_case keys).
pub fn order_in(v: &Value) -> Result<Order, ApiError> {
    if !v.is_object() {
        return Err(ApiError::invalid_value("entity", v.to_string()));
    }
    let mut items = Vec::new();
    for item in v.get("items").and_then(Value::as_array).into_iter().flatten() {
        let mut a = amounts(item, ITEM_AMOUNTS)?;
        if !a.contains_key("qty_ordered") {
            a.insert("qty_ordered", Decimal::ONE);
        }
        items.push(OrderItem {
            product_id: int(item, "product_id")?,
            product_type: text(item, "product_type").unwrap_or_default(),
            sku: text(item, "sku").ok_or_else(|| ApiError::required("sku"))?,
            name: text(item, "name"),
            is_virtual: int(item, "is_virtual")?.unwrap_or(0) != 0,
            amounts: a,
            ..OrderItem::default()
        });
    }
    let shipping = v.pointer("/extension_attributes/shipping_assignments/0/shipping");
    let shipping_address = match shipping.and_then(|s| s.get("address")).filter(|a| a.is_object()) {
        Some(a) => Some(address_in(a, "shipping")?),
        None => None,
    };
    let billing_address = match v.get("billing_address").filter(|a| a.is_object()) {
        Some(a) => Some(address_in(a, "billing")?),
        None => None,
    };
    let payment = match v.get("payment").filter(|p| p.is_object()) {
        Some(p) => {
            let method = text(p, "method").ok_or_else(|| ApiError::required("method"))?;
            let title = p
                .get("additional_information")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| storegate_domain::quote::payment::default_title(&method));
            Some(Payment {
                method,
                title,
                po_number: text(p, "po_number"),
                amounts: amounts(p, PAYMENT_AMOUNTS)?,
                ..Payment::default()
            })
        }
        None => None,
    };
    let mut histories = Vec::new();
    for h in v.get("status_histories").and_then(Value::as_array).into_iter().flatten() {
        histories.push(StatusHistory {
            comment: text(h, "comment"),
            status: text(h, "status"),
            is_customer_notified: int(h, "is_customer_notified")?,
            is_visible_on_front: int(h, "is_visible_on_front")?.unwrap_or(0),
            entity_name: "order".into(),
            ..StatusHistory::default()
        });
    }
    let customer_id = int(v, "customer_id")?;
    Ok(Order {
        increment_id: text(v, "increment_id").unwrap_or_default(),
        store_id: int(v, "store_id")?.unwrap_or(1),
        store_name: text(v, "store_name"),
        quote_id: int(v, "quote_id")?,
        state: text(v, "state").unwrap_or_default(),
        status: text(v, "status").unwrap_or_default(),
        is_virtual: int(v, "is_virtual")?.unwrap_or(0) != 0,
        customer_id,
        customer_group_id: int(v, "customer_group_id")?.unwrap_or(if customer_id.is_some() { 1 } else { 0 }),
        customer_email: text(v, "customer_email").map(|e| e.trim().to_lowercase()).unwrap_or_default(),
        customer_firstname: text(v, "customer_firstname"),
        customer_lastname: text(v, "customer_lastname"),
        customer_note: text(v, "customer_note"),
        currency_code: text(v, "order_currency_code").or_else(|| text(v, "base_currency_code")).unwrap_or_default(),
        coupon_code: text(v, "coupon_code"),
        discount_description: text(v, "discount_description"),
        shipping_method: shipping.and_then(|s| text(s, "method")).or_else(|| text(v, "shipping_method")),
        shipping_description: text(v, "shipping_description"),
        weight: decimal(v, "weight")?.unwrap_or_default(),
        amounts: amounts(v, ORDER_AMOUNTS)?,
        remote_ip: text(v, "remote_ip"),
        items,
        billing_address,
        shipping_address,
        payment,
        status_histories: histories,
        ..Order::default()
    })
}
