//! Invoices, shipments, credit memos, their comments and tracks (contract §5.6), and the
//! lenient reading of the `invoice`, `ship` and `refund` request bodies: flags may come as
//! booleans or 0/1, `comment` as an object or a bare string (document 002 sends a string),
//! quantities as numbers or text.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;
use storegate_domain::sales::lifecycle::{Comment, DocItem, DocRequest, DocType, Document, Track};
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

pub fn comment_out(c: &Comment) -> Value {
    let mut m = Map::new();
    put(&mut m, "comment", c.comment.clone());
    put(&mut m, "created_at", c.created_at.clone());
    put(&mut m, "entity_id", c.id);
    put(&mut m, "is_customer_notified", c.is_customer_notified.map(Value::from).unwrap_or(Value::Null));
    put(&mut m, "is_visible_on_front", c.is_visible_on_front);
    put(&mut m, "parent_id", c.parent_id);
    Value::Object(m)
}

pub fn track_out(t: &Track) -> Value {
    let mut m = Map::new();
    put(&mut m, "carrier_code", t.carrier_code.clone());
    put(&mut m, "created_at", t.created_at.clone());
    put(&mut m, "description", t.description.clone().map(Value::from).unwrap_or(Value::Null));
    put(&mut m, "entity_id", t.id);
    put(&mut m, "order_id", t.order_id);
    put(&mut m, "parent_id", t.parent_id);
    put(&mut m, "qty", t.qty.as_ref().map(number).unwrap_or(Value::Null));
    put(&mut m, "title", t.title.clone().map(Value::from).unwrap_or(Value::Null));
    put(&mut m, "track_number", t.track_number.clone());
    put(&mut m, "updated_at", t.updated_at.clone());
    put(&mut m, "weight", t.weight.as_ref().map(number).unwrap_or(Value::Null));
    Value::Object(m)
}

fn item_out(doc_type: DocType, i: &DocItem) -> Value {
    let mut m = Map::new();
    match doc_type {
        DocType::Shipment => {
            put(&mut m, "entity_id", i.id);
            put_opt(&mut m, "name", i.name.clone());
            put(&mut m, "parent_id", i.parent_id);
            put(&mut m, "price", number(&i.price));
            put_opt(&mut m, "product_id", i.product_id);
            put(&mut m, "row_total", number(&i.row_total));
            put(&mut m, "sku", i.sku.clone());
            put(&mut m, "weight", number(&i.weight));
            put(&mut m, "order_item_id", i.order_item_id);
            put(&mut m, "qty", number(&i.qty));
        }
        _ => {
            money(&mut m, "discount_amount", i.discount_amount);
            money(&mut m, "price", i.price);
            money(&mut m, "price_incl_tax", i.price_incl_tax);
            money(&mut m, "row_total", i.row_total);
            money(&mut m, "row_total_incl_tax", i.row_total_incl_tax);
            money(&mut m, "tax_amount", i.tax_amount);
            put(&mut m, "entity_id", i.id);
            put_opt(&mut m, "name", i.name.clone());
            put(&mut m, "parent_id", i.parent_id);
            put_opt(&mut m, "product_id", i.product_id);
            put(&mut m, "sku", i.sku.clone());
            put(&mut m, "order_item_id", i.order_item_id);
            put(&mut m, "qty", number(&i.qty));
            if doc_type == DocType::Creditmemo {
                put(&mut m, "extension_attributes", serde_json::json!({"return_to_stock": i.back_to_stock}));
            }
        }
    }
    Value::Object(m)
}

/// An invoice, shipment or credit memo as Magento's repositories answer it.
pub fn document_out(d: &Document, currency: &str) -> Value {
    let mut m = Map::new();
    match d.doc_type {
        DocType::Invoice | DocType::Creditmemo => {
            put(&mut m, "base_currency_code", currency);
            for name in d.doc_type.amounts() {
                money(&mut m, name, d.amount(name));
            }
            put(&mut m, "base_to_global_rate", 1);
            put(&mut m, "base_to_order_rate", 1);
            put(&mut m, "global_currency_code", currency);
            put(&mut m, "order_currency_code", currency);
            put(&mut m, "store_currency_code", currency);
            put(&mut m, "store_to_base_rate", 0);
            put(&mut m, "store_to_order_rate", 0);
            put(&mut m, "state", d.state);
            put(&mut m, "total_qty", number(&d.total_qty));
            if d.doc_type == DocType::Invoice {
                put(&mut m, "can_void_flag", i64::from(d.can_void_flag));
                put(&mut m, "is_used_for_refund", i64::from(d.amount("total_refunded") > Decimal::ZERO));
            } else {
                money(&mut m, "adjustment", d.amount("adjustment_positive") - d.amount("adjustment_negative"));
                put(&mut m, "creditmemo_status", d.state);
                put_opt(&mut m, "invoice_id", d.invoice_id);
            }
        }
        DocType::Shipment => {
            put_opt(&mut m, "customer_id", d.customer_id);
            put(&mut m, "packages", Vec::<Value>::new());
            put_opt(&mut m, "shipping_label", d.shipping_label.clone());
            put(&mut m, "total_qty", number(&d.total_qty));
            put(&mut m, "total_weight", number(&d.total_weight));
            put(&mut m, "tracks", d.tracks.iter().map(track_out).collect::<Vec<_>>());
            if let Some(code) = &d.source_code {
                put(&mut m, "extension_attributes", serde_json::json!({"source_code": code}));
            }
        }
    }
    put(&mut m, "created_at", d.created_at.clone());
    put(&mut m, "email_sent", i64::from(d.email_sent));
    put(&mut m, "entity_id", d.id);
    put(&mut m, "increment_id", d.increment_id.clone());
    put(&mut m, "order_id", d.order_id);
    put(&mut m, "store_id", d.store_id);
    put(&mut m, "updated_at", d.updated_at.clone());
    put(&mut m, "items", d.items.iter().map(|i| item_out(d.doc_type, i)).collect::<Vec<_>>());
    put(&mut m, "comments", d.comments.iter().map(comment_out).collect::<Vec<_>>());
    Value::Object(m)
}

/// The fixed search criteria Magento echoes for a comments list of one parent.
pub fn comments_criteria(parent_id: i64) -> Value {
    serde_json::json!({"filter_groups": [{"filters": [
        {"field": "parent_id", "value": parent_id.to_string(), "condition_type": "eq"}
    ]}]})
}

// Input ---------------------------------------------------------------------------------------

pub fn flag(v: Option<&Value>, field: &str) -> Result<bool, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) => Ok(n.as_f64().unwrap_or(0.0) != 0.0),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" | "0" | "false" => Ok(false),
            "1" | "true" => Ok(true),
            _ => Err(ApiError::invalid_value(field, s.clone())),
        },
        Some(other) => Err(ApiError::invalid_value(field, other.to_string())),
    }
}

pub fn decimal(v: Option<&Value>, field: &str) -> Result<Option<Decimal>, ApiError> {
    let raw = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => return Err(ApiError::invalid_value(field, other.to_string())),
    };
    Decimal::from_str(&raw)
        .or_else(|_| Decimal::from_scientific(&raw))
        .map(Some)
        .map_err(|_| ApiError::invalid_value(field, raw))
}

pub fn int(v: Option<&Value>, field: &str) -> Result<Option<i64>, ApiError> {
    match decimal(v, field)? {
        None => Ok(None),
        Some(d) if d.fract().is_zero() => Ok(i64::try_from(d).ok()),
        Some(d) => Err(ApiError::invalid_value(field, d.to_string())),
    }
}

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `[{order_item_id, qty}]`.
pub fn items_in(v: Option<&Value>) -> Result<Vec<(i64, Decimal)>, ApiError> {
    let mut out = Vec::new();
    match v {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for item in list {
                let id = int(item.get("order_item_id"), "order_item_id")?
                    .ok_or_else(|| ApiError::required("order_item_id"))?;
                let qty = decimal(item.get("qty"), "qty")?.ok_or_else(|| ApiError::required("qty"))?;
                out.push((id, qty));
            }
        }
        Some(other) => return Err(ApiError::invalid_value("items", other.to_string())),
    }
    Ok(out)
}

/// A comment given as `{comment, is_visible_on_front}` or as a bare string.
pub fn comment_in(v: Option<&Value>) -> Result<Option<Comment>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(Comment { comment: s.clone(), ..Comment::default() })),
        Some(o @ Value::Object(_)) => Ok(text(o, "comment").map(|c| Comment {
            comment: c,
            is_visible_on_front: int(o.get("is_visible_on_front"), "is_visible_on_front").ok().flatten().unwrap_or(0),
            is_customer_notified: int(o.get("is_customer_notified"), "is_customer_notified").ok().flatten(),
            ..Comment::default()
        })),
        Some(other) => Err(ApiError::invalid_value("comment", other.to_string())),
    }
}

/// The request fields every document creation shares.
pub fn doc_request(body: &Value) -> Result<DocRequest, ApiError> {
    Ok(DocRequest {
        items: items_in(body.get("items"))?,
        notify: flag(body.get("notify"), "notify")? || flag(body.get("notify_customer"), "notify_customer")?,
        append_comment: flag(body.get("append_comment"), "append_comment")?,
        comment: comment_in(body.get("comment"))?,
    })
}

pub fn track_in(v: &Value) -> Result<Track, ApiError> {
    Ok(Track {
        parent_id: int(v.get("parent_id"), "parent_id")?.unwrap_or(0),
        order_id: int(v.get("order_id"), "order_id")?.unwrap_or(0),
        track_number: text(v, "track_number").unwrap_or_default(),
        title: text(v, "title"),
        carrier_code: text(v, "carrier_code").unwrap_or_default(),
        qty: decimal(v.get("qty"), "qty")?,
        weight: decimal(v.get("weight"), "weight")?,
        description: text(v, "description"),
        ..Track::default()
    })
}

pub fn tracks_in(v: Option<&Value>) -> Result<Vec<Track>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list.iter().map(track_in).collect(),
        Some(other) => Err(ApiError::invalid_value("tracks", other.to_string())),
    }
}

/// A document comment `entity` (`POST /V1/invoices/comments`, …/{id}/comments).
pub fn comment_entity(v: &Value) -> Result<Comment, ApiError> {
    let comment = text(v, "comment").filter(|c| !c.trim().is_empty()).ok_or_else(|| ApiError::required("comment"))?;
    Ok(Comment {
        parent_id: int(v.get("parent_id"), "parent_id")?.unwrap_or(0),
        comment,
        is_customer_notified: int(v.get("is_customer_notified"), "is_customer_notified")?,
        is_visible_on_front: int(v.get("is_visible_on_front"), "is_visible_on_front")?.unwrap_or(0),
        ..Comment::default()
    })
}
