//! Pricing: tax classes, rates and rules (Magento_Tax), cart price rules and coupons
//! (Magento_SalesRule), and the totals calculation carts and checkout call.
//!
//! The calculation follows Magento's defaults: rules by `sort_order` (then id), honouring
//! `stop_rules_processing`; discounts before tax ("apply customer tax after discount"),
//! prices excluding tax; shipping taxed at the rate of product tax class 2 ("Taxable
//! Goods"); free shipping from a rule sets shipping to 0. Rounding: see [`calc`].

pub mod calc;
pub mod conditions;
pub mod rules;
pub mod tax;

use crate::{StorageResult, clock};
use calc::{Action, RateCalc, RuleCalc};
use rust_decimal::Decimal;
use std::collections::HashMap;
use storegate_db::{Exec, Tx, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Where the goods go: the shipping address (the billing address for virtual carts).
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub country_id: String,
    pub region_id: Option<i64>,
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub website_id: i64,
    pub store_id: i64,
    pub customer_group_id: i64,
    pub customer_id: Option<i64>,
    pub coupon_code: Option<String>,
    /// The shipping (or billing, for virtual carts) address; `None` uses Magento's default
    /// tax destination (country US, any region, any postcode).
    pub destination: Option<Destination>,
    /// The selected carrier's rate, before discounts.
    pub shipping_amount: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub item_id: i64,
    pub sku: String,
    pub product_id: i64,
    pub qty: Decimal,
    /// Unit price after tier and group prices, excluding tax.
    pub price: Decimal,
    /// The product's `tax_class_id` (2 by default; 0 is "None").
    pub tax_class_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineTotals {
    pub item_id: i64,
    pub row_total: Decimal,
    /// Positive, as Magento shows it on items.
    pub discount_amount: Decimal,
    pub discount_percent: Decimal,
    pub tax_amount: Decimal,
    pub tax_percent: Decimal,
    pub row_total_incl_tax: Decimal,
    pub applied_rule_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub lines: Vec<LineTotals>,
    pub subtotal: Decimal,
    /// Negative, as Magento shows it on totals; includes the shipping discount.
    pub discount_amount: Decimal,
    /// After free shipping (0 when a rule gave it), before the shipping discount.
    pub shipping_amount: Decimal,
    pub shipping_discount_amount: Decimal,
    pub shipping_tax_amount: Decimal,
    /// Items' and shipping's tax.
    pub tax_amount: Decimal,
    pub grand_total: Decimal,
    pub free_shipping: bool,
    pub applied_rule_ids: Vec<i64>,
    /// The cart's coupon code when its rule applied, else `None`.
    pub coupon_code: Option<String>,
    pub discount_description: Option<String>,
}

/// Magento's default tax classes.
pub const TAXABLE_GOODS: i64 = 2;
pub const RETAIL_CUSTOMER: i64 = 3;

/// The product tax class shipping is taxed as.
pub const SHIPPING_TAX_CLASS: i64 = TAXABLE_GOODS;

/// What a new tenant starts with: tax classes 2 and 3 and Magento's two US rates.
pub async fn seed_defaults(ex: &mut impl Exec, tenant: TenantId) -> Result<(), ApiError> {
    tax::seed_defaults(ex, tenant).await
}

/// Today, as rule dates are compared (UTC).
pub(crate) fn today() -> String {
    clock::now_text()[..10].to_owned()
}

/// Lower case, trimmed: coupon codes compare case-insensitively, as in Magento on MySQL.
pub(crate) fn code_key(code: &str) -> String {
    code.trim().to_lowercase()
}

/// A valid coupon for this cart: `(coupon id, rule id)`.
async fn valid_coupon(
    ex: &mut impl Exec,
    tenant: TenantId,
    cx: &Context,
    code: &str,
) -> Result<Option<(i64, i64)>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT c.id, c.rule_id, COALESCE(c.usage_limit, r.uses_per_coupon), \
             COALESCE(c.usage_per_customer, r.uses_per_customer), c.times_used, c.expiration_date \
             FROM sales_coupons c JOIN sales_rules r ON r.tenant_id = c.tenant_id AND r.id = c.rule_id \
             WHERE c.tenant_id = $1 AND c.code_key = $2",
            tenant.0,
            code_key(code)
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.at(0).storage()?;
    let rule_id: i64 = row.at(1).storage()?;
    let usage_limit: Option<i64> = row.at(2).storage()?;
    let per_customer: Option<i64> = row.at(3).storage()?;
    let times_used: i64 = row.at(4).storage()?;
    let expires: Option<String> = row.at(5).storage()?;
    if expires.is_some_and(|e| !e.is_empty() && e.get(..10).unwrap_or(&e) < today().as_str()) {
        return Ok(None);
    }
    if usage_limit.is_some_and(|l| l > 0 && times_used >= l) {
        return Ok(None);
    }
    if let (Some(limit), Some(customer)) = (per_customer.filter(|l| *l > 0), cx.customer_id) {
        let used: Option<i64> = ex
            .fetch_optional(sql!(
                "SELECT times_used FROM sales_coupon_customers WHERE tenant_id = $1 AND coupon_id = $2 AND customer_id = $3",
                tenant.0,
                id,
                customer
            ))
            .await
            .storage()?
            .map(|r| r.at(0))
            .transpose()
            .storage()?;
        if used.unwrap_or(0) >= limit {
            return Ok(None);
        }
    }
    Ok(Some((id, rule_id)))
}

/// The rules that may apply to this cart, in Magento's order.
async fn applicable_rules(
    ex: &mut impl Exec,
    tenant: TenantId,
    cx: &Context,
    coupon_rule: Option<i64>,
) -> Result<Vec<RuleCalc>, ApiError> {
    let today = today();
    let rows = ex
        .fetch_all(sql!(
            "SELECT r.id, r.simple_action, r.discount_amount, r.discount_qty, r.discount_step, r.apply_to_shipping, \
             r.simple_free_shipping, r.stop_rules_processing, r.condition_json, r.action_condition_json, \
             r.store_labels_json, r.coupon_type, r.uses_per_customer, \
             (SELECT c.times_used FROM sales_rule_customers c WHERE c.tenant_id = r.tenant_id AND c.rule_id = r.id \
              AND c.customer_id = $5) AS customer_uses \
             FROM sales_rules r WHERE r.tenant_id = $1 AND r.is_active = $2 \
             AND EXISTS (SELECT 1 FROM sales_rule_websites w WHERE w.tenant_id = r.tenant_id AND w.rule_id = r.id AND w.website_id = $3) \
             AND EXISTS (SELECT 1 FROM sales_rule_customer_groups g WHERE g.tenant_id = r.tenant_id AND g.rule_id = r.id AND g.customer_group_id = $4) \
             AND (r.from_date IS NULL OR r.from_date <= $6) AND (r.to_date IS NULL OR r.to_date >= $6) \
             ORDER BY r.sort_order, r.id",
            tenant.0,
            true,
            cx.website_id,
            cx.customer_group_id,
            cx.customer_id.unwrap_or(-1),
            today
        ))
        .await
        .storage()?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.at(0).storage()?;
        let coupon_type: String = row.at(11).storage()?;
        let by_coupon = coupon_type != "NO_COUPON";
        if by_coupon && coupon_rule != Some(id) {
            continue;
        }
        let uses_per_customer: i64 = row.at(12).storage()?;
        let customer_uses: Option<i64> = row.at(13).storage()?;
        if cx.customer_id.is_some() && uses_per_customer > 0 && customer_uses.unwrap_or(0) >= uses_per_customer {
            continue;
        }
        let action: String = row.at(1).storage()?;
        let Some(action) = Action::parse(&action) else { continue };
        let condition = rules::stored_condition(row.at(8).storage()?, conditions::Tree::Conditions)?;
        let action_condition = rules::stored_condition(row.at(9).storage()?, conditions::Tree::Actions)?;
        let labels = rules::stored_labels(row.at(10).storage()?);
        let label = labels
            .iter()
            .find(|l| l.store_id == cx.store_id)
            .or_else(|| labels.iter().find(|l| l.store_id == 0))
            .map(|l| l.store_label.clone());
        out.push(RuleCalc {
            id,
            action,
            amount: row.at(2).storage()?,
            discount_qty: row.at(3).storage()?,
            discount_step: row.at(4).storage()?,
            apply_to_shipping: row.at(5).storage()?,
            free_shipping: row.at(6).storage()?,
            stop: row.at(7).storage()?,
            condition,
            action_condition,
            label,
            by_coupon,
        });
    }
    Ok(out)
}

/// The customer group's tax class (Retail Customer when the group is unknown).
async fn customer_tax_class(ex: &mut impl Exec, tenant: TenantId, group: i64) -> Result<i64, ApiError> {
    let class: Option<i64> = ex
        .fetch_optional(sql!(
            "SELECT tax_class_id FROM customer_groups WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            group
        ))
        .await
        .storage()?
        .map(|r| r.at(0))
        .transpose()
        .storage()?;
    Ok(class.unwrap_or(RETAIL_CUSTOMER))
}

/// Combined tax percent per product tax class for this customer class and destination.
async fn tax_rates(
    ex: &mut impl Exec,
    tenant: TenantId,
    customer_class: i64,
    destination: &Destination,
) -> Result<HashMap<i64, Decimal>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT pc.class_id, tr.id, tr.priority, tr.calculate_subtotal, r.tax_region_id, r.tax_postcode, \
             r.zip_is_range, r.zip_from, r.zip_to, r.rate \
             FROM tax_rules tr \
             JOIN tax_rule_customer_classes cc ON cc.tenant_id = tr.tenant_id AND cc.rule_id = tr.id \
             JOIN tax_rule_product_classes pc ON pc.tenant_id = tr.tenant_id AND pc.rule_id = tr.id \
             JOIN tax_rule_rates rr ON rr.tenant_id = tr.tenant_id AND rr.rule_id = tr.id \
             JOIN tax_rates r ON r.tenant_id = rr.tenant_id AND r.id = rr.rate_id \
             WHERE tr.tenant_id = $1 AND cc.class_id = $2 AND r.tax_country_id = $3 \
             AND (r.tax_region_id = 0 OR r.tax_region_id = $4)",
            tenant.0,
            customer_class,
            destination.country_id.to_uppercase(),
            destination.region_id.unwrap_or(-1)
        ))
        .await
        .storage()?;
    struct Match {
        class: i64,
        priority: i64,
        rule_id: i64,
        /// (region given, postcode rank): higher is more specific.
        specificity: (bool, u8),
        rate: Decimal,
        calculate_subtotal: bool,
    }
    let mut matches: Vec<Match> = Vec::new();
    for row in rows {
        let postcode: String = row.at(5).storage()?;
        let is_range: bool = row.at(6).storage()?;
        let from: Option<i64> = row.at(7).storage()?;
        let to: Option<i64> = row.at(8).storage()?;
        let Some(postcode_rank) = tax::postcode_matches(&postcode, is_range, from, to, destination.postcode.as_deref())
        else {
            continue;
        };
        let region: i64 = row.at(4).storage()?;
        matches.push(Match {
            class: row.at(0).storage()?,
            priority: row.at(2).storage()?,
            rule_id: row.at(1).storage()?,
            specificity: (region != 0, postcode_rank),
            rate: row.at(9).storage()?,
            calculate_subtotal: row.at(3).storage()?,
        });
    }
    // Magento's order: priority, rule, then the most specific rate first (region, postcode),
    // then the highest rate.
    matches.sort_by(|a, b| {
        (a.class, a.priority, a.rule_id)
            .cmp(&(b.class, b.priority, b.rule_id))
            .then_with(|| b.specificity.cmp(&a.specificity))
            .then_with(|| b.rate.cmp(&a.rate))
    });
    let mut by_class: HashMap<i64, Vec<RateCalc>> = HashMap::new();
    for m in matches {
        by_class.entry(m.class).or_default().push(RateCalc {
            rule_id: m.rule_id,
            priority: m.priority,
            calculate_subtotal: m.calculate_subtotal,
            rate: m.rate,
        });
    }
    Ok(by_class.into_iter().map(|(class, rates)| (class, calc::combined_rate(&rates))).collect())
}

fn default_destination() -> Destination {
    Destination { country_id: "US".into(), region_id: None, postcode: None }
}

/// Totals of a cart: discounts from the cart price rules that apply (with the cart's
/// coupon, when it is valid), tax from the rates that match the destination, shipping.
pub async fn calculate(ex: &mut impl Exec, tenant: TenantId, cx: &Context, lines: &[Line]) -> Result<Totals, ApiError> {
    let coupon = match cx.coupon_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => valid_coupon(ex, tenant, cx, code).await?,
        None => None,
    };
    let rules = applicable_rules(ex, tenant, cx, coupon.map(|(_, rule)| rule)).await?;
    let customer_class = customer_tax_class(ex, tenant, cx.customer_group_id).await?;
    let default = default_destination();
    let destination = cx.destination.as_ref().unwrap_or(&default);
    let rates = tax_rates(ex, tenant, customer_class, destination).await?;
    let code = cx.coupon_code.as_deref().map(str::trim);
    Ok(calc::compute(&calc::Input {
        lines,
        rules: &rules,
        shipping_amount: cx.shipping_amount.max(Decimal::ZERO),
        coupon_code: if coupon.is_some() { code } else { None },
        tax_rates: &rates,
        shipping_tax_class: SHIPPING_TAX_CLASS,
    }))
}

fn coupon_invalid(code: &str) -> ApiError {
    ApiError::positional(ErrorCode::CouponCodeInvalid, [code.to_owned()])
}

/// Magento's "The coupon code \"%1\" is not valid." when the code does not apply to this cart.
pub async fn check_coupon(
    ex: &mut impl Exec,
    tenant: TenantId,
    cx: &Context,
    lines: &[Line],
    code: &str,
) -> Result<(), ApiError> {
    let cx = Context { coupon_code: Some(code.to_owned()), ..cx.clone() };
    let totals = calculate(ex, tenant, &cx, lines).await?;
    if totals.coupon_code.is_some() { Ok(()) } else { Err(coupon_invalid(code)) }
}

/// Counts rule and coupon uses when an order is placed (inside the order's transaction);
/// fails if a use limit was reached meanwhile.
pub async fn record_usage(
    tx: &mut Tx,
    tenant: TenantId,
    totals: &Totals,
    customer_id: Option<i64>,
) -> Result<(), ApiError> {
    let t = tenant.0;
    for rule in &totals.applied_rule_ids {
        let limit: Option<i64> = tx
            .fetch_optional(sql!(
                "UPDATE sales_rules SET times_used = times_used + 1 WHERE tenant_id = $1 AND id = $2 \
                 RETURNING uses_per_customer",
                t,
                *rule
            ))
            .await
            .storage()?
            .map(|r| r.at(0))
            .transpose()
            .storage()?;
        let (Some(limit), Some(customer)) = (limit, customer_id) else { continue };
        let used: i64 = tx
            .fetch_scalar(sql!(
                "INSERT INTO sales_rule_customers (tenant_id, rule_id, customer_id, times_used) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (tenant_id, rule_id, customer_id) DO UPDATE SET times_used = sales_rule_customers.times_used + 1 \
                 RETURNING times_used",
                t,
                *rule,
                customer
            ))
            .await
            .storage()?;
        if limit > 0 && used > limit {
            return Err(ApiError::positional(ErrorCode::SalesRuleUsageExceeded, [*rule]));
        }
    }
    if let Some(code) = &totals.coupon_code {
        let row = tx
            .fetch_optional(sql!(
                "UPDATE sales_coupons SET times_used = times_used + 1 WHERE tenant_id = $1 AND code_key = $2 \
                 RETURNING id, times_used, usage_limit, usage_per_customer, rule_id",
                t,
                code_key(code)
            ))
            .await
            .storage()?;
        let Some(row) = row else { return Err(coupon_invalid(code)) };
        let id: i64 = row.at(0).storage()?;
        let used: i64 = row.at(1).storage()?;
        let rule_id: i64 = row.at(4).storage()?;
        let rule_limits = tx
            .fetch_one(sql!(
                "SELECT uses_per_coupon, uses_per_customer FROM sales_rules WHERE tenant_id = $1 AND id = $2",
                t,
                rule_id
            ))
            .await
            .storage()?;
        let limit: Option<i64> = Some(row.at::<Option<i64>>(2).storage()?.unwrap_or(rule_limits.at(0).storage()?));
        let per_customer: Option<i64> =
            Some(row.at::<Option<i64>>(3).storage()?.unwrap_or(rule_limits.at(1).storage()?));
        if limit.is_some_and(|l| l > 0 && used > l) {
            return Err(coupon_invalid(code));
        }
        if let Some(customer) = customer_id {
            let used: i64 = tx
                .fetch_scalar(sql!(
                    "INSERT INTO sales_coupon_customers (tenant_id, coupon_id, customer_id, times_used) VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (tenant_id, coupon_id, customer_id) DO UPDATE SET times_used = sales_coupon_customers.times_used + 1 \
                     RETURNING times_used",
                    t,
                    id,
                    customer
                ))
                .await
                .storage()?;
            if per_customer.is_some_and(|l| l > 0 && used > l) {
                return Err(coupon_invalid(code));
            }
        }
    }
    Ok(())
}
