//! Cart price rules and coupons (Magento_SalesRule repositories and coupon management).

use super::calc::Action;
use super::conditions::{self, Cond, ConditionNode, Tree};
use super::tax::search_rows;
use crate::search::{Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, clock, ids};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use storegate_db::{Exec, Row, Tx, Value, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Serialises rule and coupon saves per tenant on PostgreSQL (coupon code uniqueness).
const RULE_LOCK: i64 = 0x0073_7275_0000_0000;

pub const NO_COUPON: &str = "NO_COUPON";
pub const SPECIFIC_COUPON: &str = "SPECIFIC_COUPON";
pub const AUTO: &str = "AUTO";

/// Descriptions are Magento `text` columns.
const MAX_TEXT_BYTES: usize = 65_535;

/// Money amounts and quantities beyond this are refused (they could not be stored).
const MAX_AMOUNT: i64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreLabel {
    pub store_id: i64,
    pub store_label: String,
}

pub(crate) fn stored_condition(json: Option<String>, tree: Tree) -> Result<Option<Cond>, ApiError> {
    let node = parse_node(json)?;
    conditions::compile(node.as_ref(), tree)
}

fn parse_node(json: Option<String>) -> Result<Option<ConditionNode>, ApiError> {
    match json {
        None => Ok(None),
        Some(j) => serde_json::from_str(&j).map(Some).map_err(|e| ApiError::internal(format!("stored condition: {e}"))),
    }
}

pub(crate) fn stored_labels(json: Option<String>) -> Vec<StoreLabel> {
    json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SalesRule {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub store_labels: Vec<StoreLabel>,
    pub website_ids: Vec<i64>,
    pub customer_group_ids: Vec<i64>,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
    pub uses_per_customer: i64,
    pub is_active: bool,
    pub condition: Option<ConditionNode>,
    pub action_condition: Option<ConditionNode>,
    pub stop_rules_processing: bool,
    pub is_advanced: bool,
    pub sort_order: i64,
    pub simple_action: String,
    pub discount_amount: Decimal,
    pub discount_qty: Option<Decimal>,
    pub discount_step: i64,
    pub apply_to_shipping: bool,
    pub times_used: i64,
    pub is_rss: bool,
    pub coupon_type: String,
    pub use_auto_generation: bool,
    pub uses_per_coupon: i64,
    pub simple_free_shipping: i64,
}

/// A rule as sent; absent fields keep their value on update (Magento's defaults on create).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub store_labels: Option<Vec<StoreLabel>>,
    pub website_ids: Option<Vec<i64>>,
    pub customer_group_ids: Option<Vec<i64>>,
    /// `Some(None)` clears the date.
    pub from_date: Option<Option<String>>,
    pub to_date: Option<Option<String>>,
    pub uses_per_customer: Option<i64>,
    pub is_active: Option<bool>,
    pub condition: Option<Option<ConditionNode>>,
    pub action_condition: Option<Option<ConditionNode>>,
    pub stop_rules_processing: Option<bool>,
    pub is_advanced: Option<bool>,
    pub sort_order: Option<i64>,
    pub simple_action: Option<String>,
    pub discount_amount: Option<Decimal>,
    pub discount_qty: Option<Decimal>,
    pub discount_step: Option<i64>,
    pub apply_to_shipping: Option<bool>,
    pub is_rss: Option<bool>,
    pub coupon_type: Option<String>,
    pub use_auto_generation: Option<bool>,
    pub uses_per_coupon: Option<i64>,
    pub simple_free_shipping: Option<i64>,
}

const RULE_COLUMNS: &str = "r.id, r.name, r.description, r.store_labels_json, r.from_date, r.to_date, \
     r.uses_per_customer, r.is_active, r.condition_json, r.action_condition_json, r.stop_rules_processing, \
     r.is_advanced, r.sort_order, r.simple_action, r.discount_amount, r.discount_qty, r.discount_step, \
     r.apply_to_shipping, r.times_used, r.is_rss, r.coupon_type, r.use_auto_generation, r.uses_per_coupon, \
     r.simple_free_shipping";

async fn rule_from_row(ex: &mut impl Exec, tenant: TenantId, r: &Row) -> Result<SalesRule, ApiError> {
    let id: i64 = r.at(0).storage()?;
    let website_ids = ex
        .fetch_column(sql!(
            "SELECT website_id FROM sales_rule_websites WHERE tenant_id = $1 AND rule_id = $2 ORDER BY website_id",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    let customer_group_ids = ex
        .fetch_column(sql!(
            "SELECT customer_group_id FROM sales_rule_customer_groups WHERE tenant_id = $1 AND rule_id = $2 \
             ORDER BY customer_group_id",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    Ok(SalesRule {
        id,
        name: r.at(1).storage()?,
        description: r.at(2).storage()?,
        store_labels: stored_labels(r.at(3).storage()?),
        website_ids,
        customer_group_ids,
        from_date: r.at(4).storage()?,
        to_date: r.at(5).storage()?,
        uses_per_customer: r.at(6).storage()?,
        is_active: r.at(7).storage()?,
        condition: parse_node(r.at(8).storage()?)?,
        action_condition: parse_node(r.at(9).storage()?)?,
        stop_rules_processing: r.at(10).storage()?,
        is_advanced: r.at(11).storage()?,
        sort_order: r.at(12).storage()?,
        simple_action: r.at(13).storage()?,
        discount_amount: r.at(14).storage()?,
        discount_qty: r.at(15).storage()?,
        discount_step: r.at(16).storage()?,
        apply_to_shipping: r.at(17).storage()?,
        times_used: r.at(18).storage()?,
        is_rss: r.at(19).storage()?,
        coupon_type: r.at(20).storage()?,
        use_auto_generation: r.at(21).storage()?,
        uses_per_coupon: r.at(22).storage()?,
        simple_free_shipping: r.at(23).storage()?,
    })
}

pub async fn get_rule(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<SalesRule>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {RULE_COLUMNS} FROM sales_rules r WHERE r.tenant_id = $1 AND r.id = $2"),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    match row {
        Some(r) => Ok(Some(rule_from_row(ex, tenant, &r).await?)),
        None => Ok(None),
    }
}

/// An unknown id is `No such entity with rule_id = …`.
pub async fn require_rule(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<SalesRule, ApiError> {
    get_rule(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("rule_id", id))
}

/// `YYYY-MM-DD` from a date or a date-time; anything else is refused.
fn date(field: &str, v: &str) -> Result<Option<String>, ApiError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let day = v.get(..10).unwrap_or("");
    let ok = day.len() == 10
        && day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
        && (v.len() == 10 || v.as_bytes()[10] == b' ' || v.as_bytes()[10] == b'T');
    if ok && clock::parse(&format!("{day} 00:00:00")).is_some() {
        Ok(Some(day.to_owned()))
    } else {
        Err(ApiError::invalid_value(field, v.to_owned()))
    }
}

fn non_negative(errors: &mut Vec<ApiError>, field: &str, v: i64) {
    if !(0..=MAX_AMOUNT).contains(&v) {
        errors.push(ApiError::invalid_value(field, v));
    }
}

pub async fn save_rule(tx: &mut Tx, tenant: TenantId, id: Option<i64>, input: &RuleInput) -> Result<i64, ApiError> {
    tx.lock(RULE_LOCK + tenant.0).await.storage()?;
    let t = tenant.0;
    let old = match id {
        Some(id) => Some(require_rule(tx, tenant, id).await?),
        None => None,
    };
    let o = old.as_ref();
    let mut errors = Vec::new();
    let name = input.name.clone().or(o.map(|r| r.name.clone())).unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        errors.push(ApiError::required("name"));
    } else if name.chars().count() > super::tax::MAX_NAME_CHARS {
        errors.push(super::tax::too_long("name", &name));
    }
    if let Some(d) = input.description.as_deref().filter(|d| d.len() > MAX_TEXT_BYTES) {
        errors.push(super::tax::too_long("description", d));
    }
    for label in input.store_labels.iter().flatten() {
        if label.store_label.chars().count() > super::tax::MAX_NAME_CHARS {
            errors.push(super::tax::too_long("store_label", &label.store_label));
        }
    }
    let mut website_ids = input.website_ids.clone().or(o.map(|r| r.website_ids.clone())).unwrap_or_default();
    website_ids.sort_unstable();
    website_ids.dedup();
    if website_ids.is_empty() {
        errors.push(ApiError::required("website_ids"));
    }
    for w in &website_ids {
        let n: i64 = tx
            .fetch_scalar(sql!("SELECT COUNT(*) FROM websites WHERE tenant_id = $1 AND id = $2", t, *w))
            .await
            .storage()?;
        if n == 0 || *w == 0 {
            errors.push(ApiError::invalid_value("website_ids", *w));
        }
    }
    let mut group_ids =
        input.customer_group_ids.clone().or(o.map(|r| r.customer_group_ids.clone())).unwrap_or_default();
    group_ids.sort_unstable();
    group_ids.dedup();
    if group_ids.is_empty() {
        errors.push(ApiError::required("customer_group_ids"));
    }
    for g in &group_ids {
        let n: i64 = tx
            .fetch_scalar(sql!("SELECT COUNT(*) FROM customer_groups WHERE tenant_id = $1 AND id = $2", t, *g))
            .await
            .storage()?;
        if n == 0 {
            errors.push(ApiError::invalid_value("customer_group_ids", *g));
        }
    }
    let from_date = match &input.from_date {
        Some(Some(d)) => date("from_date", d).unwrap_or_else(|e| {
            errors.push(e);
            None
        }),
        Some(None) => None,
        None => o.and_then(|r| r.from_date.clone()),
    };
    let to_date = match &input.to_date {
        Some(Some(d)) => date("to_date", d).unwrap_or_else(|e| {
            errors.push(e);
            None
        }),
        Some(None) => None,
        None => o.and_then(|r| r.to_date.clone()),
    };
    if let (Some(f), Some(to)) = (&from_date, &to_date)
        && to < f
    {
        errors.push(ApiError::invalid_value("to_date", to.clone()));
    }
    let simple_action = input
        .simple_action
        .clone()
        .or(o.map(|r| r.simple_action.clone()))
        .unwrap_or_else(|| "by_percent".into())
        .trim()
        .to_owned();
    let action = Action::parse(&simple_action);
    if action.is_none() {
        errors.push(ApiError::invalid_value("simple_action", simple_action.clone()));
    }
    let discount_amount = input.discount_amount.or(o.map(|r| r.discount_amount)).unwrap_or_default();
    if discount_amount < Decimal::ZERO
        || discount_amount > Decimal::from(MAX_AMOUNT)
        || (action == Some(Action::ByPercent) && discount_amount > Decimal::ONE_HUNDRED)
    {
        errors.push(ApiError::invalid_value("discount_amount", discount_amount.to_string()));
    }
    let discount_qty = match input.discount_qty {
        Some(q) => Some(q),
        None => o.and_then(|r| r.discount_qty),
    }
    .filter(|q| !q.is_zero());
    if discount_qty.is_some_and(|q| q < Decimal::ZERO || q > Decimal::from(MAX_AMOUNT)) {
        errors.push(ApiError::invalid_value("discount_qty", discount_qty.unwrap_or_default().to_string()));
    }
    let coupon_type = input
        .coupon_type
        .clone()
        .or(o.map(|r| r.coupon_type.clone()))
        .unwrap_or_else(|| NO_COUPON.into())
        .trim()
        .to_uppercase();
    if ![NO_COUPON, SPECIFIC_COUPON, AUTO].contains(&coupon_type.as_str()) {
        errors.push(ApiError::invalid_value("coupon_type", coupon_type.clone()));
    }
    let simple_free_shipping = input.simple_free_shipping.or(o.map(|r| r.simple_free_shipping)).unwrap_or(0);
    if !(0..=2).contains(&simple_free_shipping) {
        errors.push(ApiError::invalid_value("simple_free_shipping", simple_free_shipping));
    }
    let uses_per_customer = input.uses_per_customer.or(o.map(|r| r.uses_per_customer)).unwrap_or(0);
    non_negative(&mut errors, "uses_per_customer", uses_per_customer);
    let uses_per_coupon = input.uses_per_coupon.or(o.map(|r| r.uses_per_coupon)).unwrap_or(0);
    non_negative(&mut errors, "uses_per_coupon", uses_per_coupon);
    let sort_order = input.sort_order.or(o.map(|r| r.sort_order)).unwrap_or(0);
    non_negative(&mut errors, "sort_order", sort_order);
    let discount_step = input.discount_step.or(o.map(|r| r.discount_step)).unwrap_or(0);
    non_negative(&mut errors, "discount_step", discount_step);
    let condition = match &input.condition {
        Some(c) => c.clone(),
        None => o.and_then(|r| r.condition.clone()),
    };
    let action_condition = match &input.action_condition {
        Some(c) => c.clone(),
        None => o.and_then(|r| r.action_condition.clone()),
    };
    if let Some(e) = ApiError::aggregate(errors) {
        return Err(e);
    }
    conditions::compile(condition.as_ref(), Tree::Conditions)?;
    conditions::compile(action_condition.as_ref(), Tree::Actions)?;
    let labels = input.store_labels.clone().or(o.map(|r| r.store_labels.clone())).unwrap_or_default();
    let json = |v: &Option<ConditionNode>| v.as_ref().map(|n| serde_json::to_string(n).unwrap_or_default());
    let now = clock::now_text();
    let use_auto = coupon_type == AUTO
        || input.use_auto_generation.or(o.map(|r| r.use_auto_generation)).unwrap_or(false)
            && coupon_type == SPECIFIC_COUPON;
    let columns: Vec<(&str, Value)> = vec![
        ("name", name.into()),
        ("description", input.description.clone().or(o.and_then(|r| r.description.clone())).into()),
        ("is_active", input.is_active.or(o.map(|r| r.is_active)).unwrap_or(true).into()),
        ("from_date", from_date.into()),
        ("to_date", to_date.into()),
        ("uses_per_customer", uses_per_customer.into()),
        ("sort_order", sort_order.into()),
        (
            "stop_rules_processing",
            input.stop_rules_processing.or(o.map(|r| r.stop_rules_processing)).unwrap_or(false).into(),
        ),
        ("is_advanced", input.is_advanced.or(o.map(|r| r.is_advanced)).unwrap_or(true).into()),
        ("is_rss", input.is_rss.or(o.map(|r| r.is_rss)).unwrap_or(false).into()),
        ("simple_action", simple_action.into()),
        ("discount_amount", discount_amount.into()),
        ("discount_qty", discount_qty.into()),
        ("discount_step", discount_step.into()),
        ("apply_to_shipping", input.apply_to_shipping.or(o.map(|r| r.apply_to_shipping)).unwrap_or(false).into()),
        ("simple_free_shipping", simple_free_shipping.into()),
        ("coupon_type", coupon_type.into()),
        ("use_auto_generation", use_auto.into()),
        ("uses_per_coupon", uses_per_coupon.into()),
        ("condition_json", json(&condition).into()),
        ("action_condition_json", json(&action_condition).into()),
        (
            "store_labels_json",
            if labels.is_empty() { None } else { Some(serde_json::to_string(&labels).unwrap_or_default()) }.into(),
        ),
        ("updated_at", now.clone().into()),
    ];
    let id = match id {
        Some(id) => {
            let sets: Vec<String> = columns.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 3)).collect();
            let mut q =
                sql!(format!("UPDATE sales_rules SET {} WHERE tenant_id = $1 AND id = $2", sets.join(", ")), t, id);
            for (_, v) in columns {
                q = q.bind(v);
            }
            tx.execute(q).await.storage()?;
            id
        }
        None => {
            let id = ids::next(tx, tenant, "sales_rule").await.storage()?;
            let mut names = vec!["tenant_id", "id", "created_at"];
            let mut values: Vec<Value> = vec![t.into(), id.into(), now.into()];
            for (c, v) in columns {
                names.push(c);
                values.push(v);
            }
            storegate_db::insert_rows(tx, "sales_rules", &names, vec![values]).await.storage()?;
            id
        }
    };
    tx.execute(sql!("DELETE FROM sales_rule_websites WHERE tenant_id = $1 AND rule_id = $2", t, id)).await.storage()?;
    let rows = website_ids.iter().map(|w| vec![t.into(), id.into(), (*w).into()]).collect();
    storegate_db::insert_rows(tx, "sales_rule_websites", &["tenant_id", "rule_id", "website_id"], rows)
        .await
        .storage()?;
    tx.execute(sql!("DELETE FROM sales_rule_customer_groups WHERE tenant_id = $1 AND rule_id = $2", t, id))
        .await
        .storage()?;
    let rows = group_ids.iter().map(|g| vec![t.into(), id.into(), (*g).into()]).collect();
    storegate_db::insert_rows(tx, "sales_rule_customer_groups", &["tenant_id", "rule_id", "customer_group_id"], rows)
        .await
        .storage()?;
    Ok(id)
}

/// Deletes a rule with its coupons and use counts.
pub async fn delete_rule(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    require_rule(tx, tenant, id).await?;
    tx.execute(sql!("DELETE FROM sales_rules WHERE tenant_id = $1 AND id = $2", tenant.0, id)).await.storage()?;
    Ok(())
}

pub const RULE_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "rule_id", sql: "r.id", kind: FieldKind::Int },
        Field { name: "name", sql: "r.name", kind: FieldKind::Text },
        Field { name: "description", sql: "r.description", kind: FieldKind::Text },
        Field { name: "is_active", sql: "r.is_active", kind: FieldKind::Bool },
        Field { name: "from_date", sql: "r.from_date", kind: FieldKind::Text },
        Field { name: "to_date", sql: "r.to_date", kind: FieldKind::Text },
        Field { name: "sort_order", sql: "r.sort_order", kind: FieldKind::Int },
        Field { name: "simple_action", sql: "r.simple_action", kind: FieldKind::Text },
        Field { name: "discount_amount", sql: "r.discount_amount", kind: FieldKind::Decimal },
        Field { name: "coupon_type", sql: "r.coupon_type", kind: FieldKind::Text },
        Field { name: "uses_per_customer", sql: "r.uses_per_customer", kind: FieldKind::Int },
        Field { name: "uses_per_coupon", sql: "r.uses_per_coupon", kind: FieldKind::Int },
        Field { name: "times_used", sql: "r.times_used", kind: FieldKind::Int },
        Field { name: "stop_rules_processing", sql: "r.stop_rules_processing", kind: FieldKind::Bool },
        Field { name: "apply_to_shipping", sql: "r.apply_to_shipping", kind: FieldKind::Bool },
        Field { name: "simple_free_shipping", sql: "r.simple_free_shipping", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "r.id",
};

pub async fn search_rules(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<SalesRule>, i64), ApiError> {
    let (rows, total) =
        search_rows(ex, tenant, criteria, max_page_size, &RULE_FIELDS, "sales_rules r", "r", RULE_COLUMNS).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(rule_from_row(ex, tenant, r).await?);
    }
    Ok((out, total))
}

// Coupons ---------------------------------------------------------------------------------

pub const TYPE_MANUAL: i64 = 0;
pub const TYPE_GENERATED: i64 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Coupon {
    pub id: i64,
    pub rule_id: i64,
    pub code: String,
    /// The coupon's own limit, else its rule's `uses_per_coupon` (0: unlimited).
    pub usage_limit: i64,
    /// The coupon's own limit, else its rule's `uses_per_customer` (0: unlimited).
    pub usage_per_customer: i64,
    pub times_used: i64,
    pub expiration_date: Option<String>,
    pub is_primary: bool,
    pub created_at: String,
    pub kind: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CouponInput {
    pub rule_id: Option<i64>,
    pub code: Option<String>,
    pub usage_limit: Option<i64>,
    pub usage_per_customer: Option<i64>,
    pub expiration_date: Option<String>,
    pub is_primary: Option<bool>,
    pub kind: Option<i64>,
}

const COUPON_COLUMNS: &str = "c.id, c.rule_id, c.code, COALESCE(c.usage_limit, r.uses_per_coupon), \
     COALESCE(c.usage_per_customer, r.uses_per_customer), c.times_used, c.expiration_date, c.is_primary, \
     c.created_at, c.type";
const COUPON_FROM: &str = "sales_coupons c JOIN sales_rules r ON r.tenant_id = c.tenant_id AND r.id = c.rule_id";

fn coupon_row(r: &Row) -> Result<Coupon, ApiError> {
    Ok(Coupon {
        id: r.at(0).storage()?,
        rule_id: r.at(1).storage()?,
        code: r.at(2).storage()?,
        usage_limit: r.at(3).storage()?,
        usage_per_customer: r.at(4).storage()?,
        times_used: r.at(5).storage()?,
        expiration_date: r.at(6).storage()?,
        is_primary: r.at(7).storage()?,
        created_at: r.at(8).storage()?,
        kind: r.at(9).storage()?,
    })
}

pub async fn get_coupon(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<Coupon>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {COUPON_COLUMNS} FROM {COUPON_FROM} WHERE c.tenant_id = $1 AND c.id = $2"),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(coupon_row).transpose()
}

/// An unknown id is `No such entity with coupon_id = …`.
pub async fn require_coupon(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Coupon, ApiError> {
    get_coupon(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("coupon_id", id))
}

async fn code_taken(ex: &mut impl Exec, tenant: TenantId, code: &str, except: i64) -> Result<bool, ApiError> {
    let n: i64 = ex
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM sales_coupons WHERE tenant_id = $1 AND code_key = $2 AND id <> $3",
            tenant.0,
            super::code_key(code),
            except
        ))
        .await
        .storage()?;
    Ok(n > 0)
}

/// Creates (`id` None) or updates a coupon, with Magento's checks of its rule's coupon type.
pub async fn save_coupon(tx: &mut Tx, tenant: TenantId, id: Option<i64>, input: &CouponInput) -> Result<i64, ApiError> {
    tx.lock(RULE_LOCK + tenant.0).await.storage()?;
    let t = tenant.0;
    let old = match id {
        Some(id) => Some(require_coupon(tx, tenant, id).await?),
        None => None,
    };
    let o = old.as_ref();
    let rule_id = input.rule_id.or(o.map(|c| c.rule_id)).ok_or_else(|| ApiError::required("rule_id"))?;
    let rule = require_rule(tx, tenant, rule_id).await?;
    let kind = input.kind.or(o.map(|c| c.kind)).unwrap_or(TYPE_MANUAL);
    if kind != TYPE_MANUAL && kind != TYPE_GENERATED {
        return Err(ApiError::invalid_value("type", kind));
    }
    if rule.coupon_type == NO_COUPON {
        return Err(ApiError::new(ErrorCode::CouponRuleNoCoupons));
    }
    if rule.use_auto_generation && kind != TYPE_GENERATED {
        return Err(ApiError::new(ErrorCode::CouponRuleOnlyAuto));
    }
    if !rule.use_auto_generation && kind != TYPE_MANUAL {
        return Err(ApiError::new(ErrorCode::CouponRuleNoAuto));
    }
    let code = input.code.clone().or(o.map(|c| c.code.clone())).unwrap_or_default().trim().to_owned();
    if code.is_empty() {
        return Err(ApiError::required("code"));
    }
    if code.chars().count() > 255 {
        return Err(ApiError::invalid_value("code", format!("{}…", code.chars().take(20).collect::<String>())));
    }
    let mut errors = Vec::new();
    for (field, v) in [("usage_limit", input.usage_limit), ("usage_per_customer", input.usage_per_customer)] {
        if let Some(v) = v {
            non_negative(&mut errors, field, v);
        }
    }
    let expiration = match &input.expiration_date {
        Some(d) => date("expiration_date", d).unwrap_or_else(|e| {
            errors.push(e);
            None
        }),
        None => o.and_then(|c| c.expiration_date.clone()),
    };
    if let Some(e) = ApiError::aggregate(errors) {
        return Err(e);
    }
    if code_taken(tx, tenant, &code, id.unwrap_or(0)).await? {
        return Err(ApiError::new(ErrorCode::CouponCodeExists));
    }
    let is_primary = input.is_primary.or(o.map(|c| c.is_primary)).unwrap_or(false);
    match id {
        Some(id) => {
            tx.execute(sql!(
                "UPDATE sales_coupons SET rule_id = $3, code = $4, code_key = $5, expiration_date = $6, is_primary = $7, \
                 type = $8 WHERE tenant_id = $1 AND id = $2",
                t,
                id,
                rule_id,
                code.clone(),
                super::code_key(&code),
                expiration,
                is_primary,
                kind
            ))
            .await
            .storage()?;
            if let Some(v) = input.usage_limit {
                tx.execute(sql!(
                    "UPDATE sales_coupons SET usage_limit = $3 WHERE tenant_id = $1 AND id = $2",
                    t,
                    id,
                    v
                ))
                .await
                .storage()?;
            }
            if let Some(v) = input.usage_per_customer {
                tx.execute(sql!(
                    "UPDATE sales_coupons SET usage_per_customer = $3 WHERE tenant_id = $1 AND id = $2",
                    t,
                    id,
                    v
                ))
                .await
                .storage()?;
            }
            Ok(id)
        }
        None => {
            let id = ids::next(tx, tenant, "sales_coupon").await.storage()?;
            tx.execute(sql!(
                "INSERT INTO sales_coupons (tenant_id, id, rule_id, code, code_key, usage_limit, usage_per_customer, \
                 expiration_date, is_primary, type, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                t,
                id,
                rule_id,
                code.clone(),
                super::code_key(&code),
                input.usage_limit,
                input.usage_per_customer,
                expiration,
                is_primary,
                kind,
                clock::now_text()
            ))
            .await
            .storage()?;
            Ok(id)
        }
    }
}

pub async fn delete_coupon(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    require_coupon(tx, tenant, id).await?;
    tx.execute(sql!("DELETE FROM sales_coupons WHERE tenant_id = $1 AND id = $2", tenant.0, id)).await.storage()?;
    Ok(())
}

/// What a mass delete did: the codes (or ids) that were not found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MassDelete {
    pub failed_items: Vec<String>,
    pub missing_items: Vec<String>,
}

/// Deletes coupons by code (`by_code`) or id. Unknown ones are reported as missing, or
/// refuse the whole request when `ignore_invalid` is false (Magento's "Some coupons are
/// invalid.").
pub async fn delete_coupons(
    tx: &mut Tx,
    tenant: TenantId,
    keys: &[String],
    by_code: bool,
    ignore_invalid: bool,
) -> Result<MassDelete, ApiError> {
    let t = tenant.0;
    let mut found = Vec::new();
    let mut out = MassDelete::default();
    for key in keys {
        let id: Option<i64> = if by_code {
            tx.fetch_optional(sql!(
                "SELECT id FROM sales_coupons WHERE tenant_id = $1 AND code_key = $2",
                t,
                super::code_key(key)
            ))
            .await
            .storage()?
            .map(|r| r.at(0))
            .transpose()
            .storage()?
        } else {
            match key.trim().parse::<i64>() {
                Ok(id) => get_coupon(tx, tenant, id).await?.map(|c| c.id),
                Err(_) => None,
            }
        };
        match id {
            Some(id) => found.push(id),
            None => out.missing_items.push(key.clone()),
        }
    }
    if !ignore_invalid && !out.missing_items.is_empty() {
        return Err(ApiError::new(ErrorCode::CouponsInvalid));
    }
    for id in found {
        tx.execute(sql!("DELETE FROM sales_coupons WHERE tenant_id = $1 AND id = $2", t, id)).await.storage()?;
    }
    Ok(out)
}

pub const COUPON_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "coupon_id", sql: "c.id", kind: FieldKind::Int },
        Field { name: "rule_id", sql: "c.rule_id", kind: FieldKind::Int },
        Field { name: "code", sql: "c.code", kind: FieldKind::Text },
        Field { name: "times_used", sql: "c.times_used", kind: FieldKind::Int },
        Field { name: "expiration_date", sql: "c.expiration_date", kind: FieldKind::Text },
        Field { name: "is_primary", sql: "c.is_primary", kind: FieldKind::Bool },
        Field { name: "created_at", sql: "c.created_at", kind: FieldKind::DateTime },
        Field { name: "type", sql: "c.type", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "c.id",
};

pub async fn search_coupons(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Coupon>, i64), ApiError> {
    let (rows, total) =
        search_rows(ex, tenant, criteria, max_page_size, &COUPON_FIELDS, COUPON_FROM, "c", COUPON_COLUMNS).await?;
    Ok((rows.iter().map(coupon_row).collect::<Result<_, _>>()?, total))
}

/// Magento's `CouponGenerationSpecInterface`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerateSpec {
    pub rule_id: i64,
    pub quantity: i64,
    pub length: Option<i64>,
    pub format: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub delimiter_at_every: Option<i64>,
    pub delimiter: Option<String>,
}

/// The most coupons one generate request may create.
pub const MAX_GENERATE: i64 = 10_000;

/// Generates unique codes for a rule that allows automatic generation and saves them.
pub async fn generate(tx: &mut Tx, tenant: TenantId, spec: &GenerateSpec) -> Result<Vec<String>, ApiError> {
    use rand::Rng;
    tx.lock(RULE_LOCK + tenant.0).await.storage()?;
    let rule = require_rule(tx, tenant, spec.rule_id).await?;
    if !rule.use_auto_generation {
        return Err(ApiError::new(ErrorCode::CouponRuleNoGeneration));
    }
    if !(1..=MAX_GENERATE).contains(&spec.quantity) {
        return Err(ApiError::invalid_value("quantity", spec.quantity));
    }
    let length = spec.length.unwrap_or(12);
    if !(1..=64).contains(&length) {
        return Err(ApiError::invalid_value("length", length));
    }
    let alphabet: &[u8] = match spec.format.as_deref().map(str::trim).unwrap_or("alphanum") {
        "alphanum" | "" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "alpha" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "num" => b"0123456789",
        other => return Err(ApiError::invalid_value("format", other.to_owned())),
    };
    // Magento refuses when the code space is too small for the quantity asked for.
    let space = (alphabet.len() as f64).powi(length as i32);
    if space < (spec.quantity as f64) * 2.0 {
        return Err(ApiError::new(ErrorCode::CouponQtyImpossible));
    }
    let every = spec.delimiter_at_every.unwrap_or(0).max(0) as usize;
    let delimiter = spec.delimiter.clone().unwrap_or_else(|| "-".into());
    let prefix = spec.prefix.clone().unwrap_or_default();
    let suffix = spec.suffix.clone().unwrap_or_default();
    let mut codes: Vec<String> = Vec::with_capacity(spec.quantity as usize);
    let mut seen: HashSet<String> = HashSet::new();
    let mut attempts = 0;
    let now = clock::now_text();
    while (codes.len() as i64) < spec.quantity {
        attempts += 1;
        if attempts > spec.quantity * 20 + 100 {
            return Err(ApiError::new(ErrorCode::CouponQtyImpossible));
        }
        let body: String = {
            let mut rng = rand::rng();
            let mut s = String::with_capacity(length as usize * 2);
            for i in 0..length as usize {
                if every > 0 && i > 0 && i % every == 0 {
                    s.push_str(&delimiter);
                }
                s.push(alphabet[rng.random_range(0..alphabet.len())] as char);
            }
            s
        };
        let code = format!("{prefix}{body}{suffix}");
        let key = super::code_key(&code);
        if !seen.insert(key) || code_taken(tx, tenant, &code, 0).await? {
            continue;
        }
        codes.push(code);
    }
    let first = ids::reserve(tx, tenant, "sales_coupon", spec.quantity).await.storage()?;
    let rows = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            vec![
                tenant.0.into(),
                (first + i as i64).into(),
                rule.id.into(),
                code.clone().into(),
                super::code_key(code).into(),
                TYPE_GENERATED.into(),
                now.clone().into(),
            ]
        })
        .collect();
    storegate_db::insert_rows(
        tx,
        "sales_coupons",
        &["tenant_id", "id", "rule_id", "code", "code_key", "type", "created_at"],
        rows,
    )
    .await
    .storage()?;
    Ok(codes)
}
