//! Tax classes, rates and rules (Magento_Tax data interfaces) and cart price rules and
//! coupons (Magento_SalesRule), in Magento's field order.

use super::category::lenient;
use super::{serialize_decimal, serialize_opt_decimal};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::str::FromStr;
use storegate_domain::pricing::conditions::ConditionNode;
use storegate_domain::pricing::rules::{self, Coupon, CouponInput, MassDelete, SalesRule, StoreLabel};
use storegate_domain::pricing::tax::{self, TaxClass, TaxRate, TaxRule};
use storegate_types::ApiError;

/// Decimals sent as numbers or text.
pub mod lenient_decimal {
    use super::*;

    pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => {
                Decimal::from_str(s.trim()).map(Some).map_err(|_| D::Error::custom(format!("\"{s}\" is not a number")))
            }
            Some(Value::Number(n)) => Decimal::from_str(&n.to_string())
                .or_else(|_| Decimal::from_scientific(&n.to_string()))
                .map(Some)
                .map_err(|_| D::Error::custom(format!("{n} is not a number"))),
            Some(v) => Err(D::Error::custom(format!("{v} is not a number"))),
        }
    }
}

/// Lists of ids sent as `[1, "2"]`, `"1,2"` or a single id.
fn opt_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    let bad = |v: &Value| D::Error::custom(format!("{v} is not a list of ids"));
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            items.iter().map(|i| lenient::int(i).ok_or_else(|| bad(i))).collect::<Result<_, _>>().map(Some)
        }
        Some(Value::String(s)) => s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.trim().parse::<i64>().map_err(|_| bad(&Value::String(s.clone()))))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(v) => lenient::int(&v).map(|i| Some(vec![i])).ok_or_else(|| bad(&v)),
    }
}

/// A key that is present, even as `null` (which clears the field).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(Some(Value::deserialize(d)?))
}

/// A path id: text that is not a positive number names nothing, so it is `not_found`.
pub fn path_id(raw: &str, not_found: impl FnOnce() -> ApiError) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(not_found)
}

// Tax classes -----------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct TaxClassOut {
    pub class_id: i64,
    pub class_name: String,
    pub class_type: String,
}

impl From<TaxClass> for TaxClassOut {
    fn from(c: TaxClass) -> Self {
        TaxClassOut { class_id: c.id, class_name: c.name, class_type: c.class_type }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TaxClassIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub class_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub class_name: Option<String>,
    /// `PRODUCT` or `CUSTOMER`.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub class_type: Option<String>,
}

// Tax rates -------------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct TaxRateOut {
    pub id: i64,
    pub tax_country_id: String,
    pub tax_region_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
    pub tax_postcode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_is_range: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_from: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_to: Option<i64>,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub rate: Decimal,
    pub code: String,
    pub titles: Vec<Value>,
}

impl From<TaxRate> for TaxRateOut {
    fn from(r: TaxRate) -> Self {
        TaxRateOut {
            id: r.id,
            tax_country_id: r.country_id.clone(),
            tax_region_id: r.region_id,
            region_name: r.region_name().map(str::to_owned),
            tax_postcode: r.postcode.clone(),
            zip_is_range: r.zip_is_range.then_some(1),
            zip_from: r.zip_from.filter(|_| r.zip_is_range),
            zip_to: r.zip_to.filter(|_| r.zip_is_range),
            rate: r.rate,
            code: r.code,
            titles: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TaxRateIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub tax_country_id: Option<String>,
    /// 0 or absent: any region.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub tax_region_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub tax_postcode: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub zip_is_range: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub zip_from: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub zip_to: Option<i64>,
    /// Percent.
    #[serde(default, deserialize_with = "lenient_decimal::opt")]
    #[schemars(with = "Option<f64>")]
    pub rate: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub code: Option<String>,
    /// Accepted and ignored (store-view titles of the rate).
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub titles: Option<Value>,
}

impl TaxRateIn {
    pub fn input(&self) -> tax::RateInput {
        tax::RateInput {
            code: self.code.clone(),
            country_id: self.tax_country_id.clone(),
            region_id: self.tax_region_id,
            postcode: self.tax_postcode.clone(),
            zip_is_range: self.zip_is_range,
            zip_from: self.zip_from,
            zip_to: self.zip_to,
            rate: self.rate,
        }
    }
}

// Tax rules -------------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct TaxRuleOut {
    pub id: i64,
    pub code: String,
    pub priority: i64,
    pub position: i64,
    pub customer_tax_class_ids: Vec<i64>,
    pub product_tax_class_ids: Vec<i64>,
    pub tax_rate_ids: Vec<i64>,
    pub calculate_subtotal: bool,
}

impl From<TaxRule> for TaxRuleOut {
    fn from(r: TaxRule) -> Self {
        TaxRuleOut {
            id: r.id,
            code: r.code,
            priority: r.priority,
            position: r.position,
            customer_tax_class_ids: r.customer_tax_class_ids,
            product_tax_class_ids: r.product_tax_class_ids,
            tax_rate_ids: r.tax_rate_ids,
            calculate_subtotal: r.calculate_subtotal,
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TaxRuleIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub priority: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    #[serde(default, deserialize_with = "opt_ids")]
    #[schemars(with = "Option<Vec<i64>>")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub customer_tax_class_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "opt_ids")]
    #[schemars(with = "Option<Vec<i64>>")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub product_tax_class_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "opt_ids")]
    #[schemars(with = "Option<Vec<i64>>")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub tax_rate_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub calculate_subtotal: Option<bool>,
}

impl TaxRuleIn {
    pub fn input(&self) -> tax::RuleInput {
        tax::RuleInput {
            code: self.code.clone(),
            priority: self.priority,
            position: self.position,
            calculate_subtotal: self.calculate_subtotal,
            customer_tax_class_ids: self.customer_tax_class_ids.clone(),
            product_tax_class_ids: self.product_tax_class_ids.clone(),
            tax_rate_ids: self.tax_rate_ids.clone(),
        }
    }
}

// Cart price rules ------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreLabelOut {
    pub store_id: i64,
    pub store_label: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SalesRuleOut {
    pub rule_id: i64,
    pub name: String,
    pub store_labels: Vec<StoreLabelOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub website_ids: Vec<i64>,
    pub customer_group_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_date: Option<String>,
    pub uses_per_customer: i64,
    pub is_active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub condition: Option<ConditionNode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub action_condition: Option<ConditionNode>,
    pub stop_rules_processing: bool,
    pub is_advanced: bool,
    pub sort_order: i64,
    pub simple_action: String,
    #[serde(serialize_with = "serialize_decimal")]
    #[schemars(with = "f64")]
    pub discount_amount: Decimal,
    #[serde(serialize_with = "serialize_opt_decimal")]
    #[schemars(with = "f64")]
    pub discount_qty: Option<Decimal>,
    pub discount_step: i64,
    pub apply_to_shipping: bool,
    pub times_used: i64,
    pub is_rss: bool,
    pub coupon_type: String,
    pub use_auto_generation: bool,
    pub uses_per_coupon: i64,
    /// Magento's interface types it as text: "0", "1" (matching items) or "2" (shipment).
    pub simple_free_shipping: String,
}

impl From<SalesRule> for SalesRuleOut {
    fn from(r: SalesRule) -> Self {
        SalesRuleOut {
            rule_id: r.id,
            name: r.name,
            store_labels: r
                .store_labels
                .into_iter()
                .map(|l| StoreLabelOut { store_id: l.store_id, store_label: l.store_label })
                .collect(),
            description: r.description,
            website_ids: r.website_ids,
            customer_group_ids: r.customer_group_ids,
            from_date: r.from_date,
            to_date: r.to_date,
            uses_per_customer: r.uses_per_customer,
            is_active: r.is_active,
            condition: r.condition,
            action_condition: r.action_condition,
            stop_rules_processing: r.stop_rules_processing,
            is_advanced: r.is_advanced,
            sort_order: r.sort_order,
            simple_action: r.simple_action,
            discount_amount: r.discount_amount,
            discount_qty: Some(r.discount_qty.unwrap_or_default()),
            discount_step: r.discount_step,
            apply_to_shipping: r.apply_to_shipping,
            times_used: r.times_used,
            is_rss: r.is_rss,
            coupon_type: r.coupon_type,
            use_auto_generation: r.use_auto_generation,
            uses_per_coupon: r.uses_per_coupon,
            simple_free_shipping: r.simple_free_shipping.to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SalesRuleIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub rule_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub store_labels: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "opt_ids")]
    #[schemars(with = "Option<Vec<i64>>")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub website_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "opt_ids")]
    #[schemars(with = "Option<Vec<i64>>")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub customer_group_ids: Option<Vec<i64>>,
    /// `YYYY-MM-DD`; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    #[schemars(length(max = crate::limits::DATE))]
    pub from_date: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Option<String>")]
    #[schemars(length(max = crate::limits::DATE))]
    pub to_date: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub uses_per_customer: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    /// Magento's condition tree; storegate evaluates `base_subtotal` conditions only.
    #[serde(default, deserialize_with = "present")]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub condition: Option<Value>,
    /// Magento's action condition tree; storegate evaluates `sku` (is, is one of) only.
    #[serde(default, deserialize_with = "present")]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub action_condition: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub stop_rules_processing: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_advanced: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub sort_order: Option<i64>,
    /// `by_percent`, `by_fixed` or `cart_fixed`.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub simple_action: Option<String>,
    #[serde(default, deserialize_with = "lenient_decimal::opt")]
    #[schemars(with = "Option<f64>")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient_decimal::opt")]
    #[schemars(with = "Option<f64>")]
    pub discount_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub discount_step: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub apply_to_shipping: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_rss: Option<bool>,
    /// `NO_COUPON`, `SPECIFIC_COUPON` or `AUTO`.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub coupon_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_auto_generation: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub uses_per_coupon: Option<i64>,
    /// 0 none, 1 matching items only, 2 the whole shipment.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub simple_free_shipping: Option<i64>,
    /// Accepted and ignored.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub extension_attributes: Option<Value>,
}

fn node(v: &Value, field: &str) -> Result<ConditionNode, ApiError> {
    let bad = || ApiError::invalid_value(field, v.to_string().chars().take(80).collect::<String>());
    let obj = v.as_object().ok_or_else(bad)?;
    let text = |k: &str| obj.get(k).and_then(lenient::text).filter(|s| !s.is_empty());
    let condition_type = text("condition_type").ok_or_else(|| ApiError::required("condition_type"))?;
    let conditions = match obj.get("conditions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(|c| node(c, field)).collect::<Result<_, _>>()?,
        Some(_) => return Err(bad()),
    };
    Ok(ConditionNode {
        condition_type,
        conditions,
        aggregator_type: text("aggregator_type"),
        operator: text("operator"),
        attribute_name: text("attribute_name"),
        value: text("value"),
    })
}

fn tree(v: &Option<Value>, field: &str) -> Result<Option<Option<ConditionNode>>, ApiError> {
    match v {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => node(v, field).map(|n| Some(Some(n))),
    }
}

fn day(v: &Option<Value>, field: &str) -> Result<Option<Option<String>>, ApiError> {
    match v {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()).filter(|s| !s.trim().is_empty()))),
        Some(other) => Err(ApiError::invalid_value(field, other.clone())),
    }
}

fn labels(v: &Option<Value>) -> Result<Option<Vec<StoreLabel>>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let store_id = i.get("store_id").and_then(lenient::int).unwrap_or(0);
                let store_label = i.get("store_label").and_then(lenient::text).unwrap_or_default();
                Ok(StoreLabel { store_id, store_label })
            })
            .collect::<Result<Vec<_>, ApiError>>()
            .map(|l| Some(l.into_iter().filter(|l| !l.store_label.is_empty()).collect())),
        Some(other) => Err(ApiError::invalid_value("store_labels", other.to_string())),
    }
}

impl SalesRuleIn {
    pub fn input(&self) -> Result<rules::RuleInput, ApiError> {
        Ok(rules::RuleInput {
            name: self.name.clone(),
            description: self.description.clone(),
            store_labels: labels(&self.store_labels)?,
            website_ids: self.website_ids.clone(),
            customer_group_ids: self.customer_group_ids.clone(),
            from_date: day(&self.from_date, "from_date")?,
            to_date: day(&self.to_date, "to_date")?,
            uses_per_customer: self.uses_per_customer,
            is_active: self.is_active,
            condition: tree(&self.condition, "condition")?,
            action_condition: tree(&self.action_condition, "action_condition")?,
            stop_rules_processing: self.stop_rules_processing,
            is_advanced: self.is_advanced,
            sort_order: self.sort_order,
            simple_action: self.simple_action.clone(),
            discount_amount: self.discount_amount,
            discount_qty: self.discount_qty,
            discount_step: self.discount_step,
            apply_to_shipping: self.apply_to_shipping,
            is_rss: self.is_rss,
            coupon_type: self.coupon_type.clone(),
            use_auto_generation: self.use_auto_generation,
            uses_per_coupon: self.uses_per_coupon,
            simple_free_shipping: self.simple_free_shipping,
        })
    }
}

// Coupons ---------------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct CouponOut {
    pub coupon_id: i64,
    pub rule_id: i64,
    pub code: String,
    pub usage_limit: i64,
    pub usage_per_customer: i64,
    pub times_used: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    pub is_primary: bool,
    pub created_at: String,
    /// 0 manual, 1 generated.
    #[serde(rename = "type")]
    pub kind: i64,
}

impl From<Coupon> for CouponOut {
    fn from(c: Coupon) -> Self {
        CouponOut {
            coupon_id: c.id,
            rule_id: c.rule_id,
            code: c.code,
            usage_limit: c.usage_limit,
            usage_per_customer: c.usage_per_customer,
            times_used: c.times_used,
            expiration_date: c.expiration_date,
            is_primary: c.is_primary,
            created_at: c.created_at,
            kind: c.kind,
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CouponIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub coupon_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub rule_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub usage_limit: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub usage_per_customer: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::DATE))]
    pub expiration_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_primary: Option<bool>,
    /// 0 manual (default), 1 generated.
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_int")]
    pub kind: Option<i64>,
    /// Accepted and ignored (counted by storegate).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub times_used: Option<i64>,
}

impl CouponIn {
    pub fn input(&self) -> CouponInput {
        CouponInput {
            rule_id: self.rule_id,
            code: self.code.clone(),
            usage_limit: self.usage_limit,
            usage_per_customer: self.usage_per_customer,
            expiration_date: self.expiration_date.clone(),
            is_primary: self.is_primary,
            kind: self.kind,
        }
    }
}

/// Magento's `CouponGenerationSpecInterface`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CouponSpecIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub rule_id: Option<i64>,
    /// `alphanum` (default), `alpha` or `num`.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub format: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub quantity: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub length: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub prefix: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub suffix: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub delimiter_at_every: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub delimiter: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub extension_attributes: Option<Value>,
}

impl CouponSpecIn {
    pub fn spec(&self) -> Result<rules::GenerateSpec, ApiError> {
        let mut errors = Vec::new();
        if self.rule_id.is_none() {
            errors.push(ApiError::required("rule_id"));
        }
        if self.quantity.is_none() {
            errors.push(ApiError::required("quantity"));
        }
        if let Some(e) = ApiError::aggregate(errors) {
            return Err(e);
        }
        Ok(rules::GenerateSpec {
            rule_id: self.rule_id.unwrap_or_default(),
            quantity: self.quantity.unwrap_or_default(),
            length: self.length,
            format: self.format.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            delimiter_at_every: self.delimiter_at_every,
            delimiter: self.delimiter.clone(),
        })
    }
}

/// Magento's `CouponMassDeleteResultInterface`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MassDeleteOut {
    pub failed_items: Vec<String>,
    pub missing_items: Vec<String>,
}

impl From<MassDelete> for MassDeleteOut {
    fn from(m: MassDelete) -> Self {
        MassDeleteOut { failed_items: m.failed_items, missing_items: m.missing_items }
    }
}
