//! Tax classes, rates and rules (`/V1/taxClasses…`, `/V1/taxRates…`, `/V1/taxRules…`,
//! Magento_Tax) and cart price rules and coupons (`/V1/salesRules…`, `/V1/coupons…`,
//! Magento_SalesRule).

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::category::lenient;
use crate::wire::pricing::{
    CouponIn, CouponOut, CouponSpecIn, MassDeleteOut, SalesRuleIn, SalesRuleOut, TaxClassIn, TaxClassOut, TaxRateIn,
    TaxRateOut, TaxRuleIn, TaxRuleOut, path_id,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use storegate_domain::StorageResult;
use storegate_domain::pricing::{rules, tax};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const TAX: Acl = Acl::Resources(&[AclResource::TaxManageTax]);
const RULES: Acl = Acl::Resources(&[AclResource::SalesRuleQuote]);

const fn op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
        group: CapabilityGroup::Pricing,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

fn class_missing(raw: &str) -> ApiError {
    ApiError::no_such_entity("class_id", raw.to_owned())
}
fn rate_missing(raw: &str) -> ApiError {
    ApiError::no_such_entity("taxRateId", raw.to_owned())
}
fn tax_rule_missing(raw: &str) -> ApiError {
    ApiError::no_such_entity("id", raw.to_owned())
}
fn rule_missing(raw: &str) -> ApiError {
    ApiError::no_such_entity("rule_id", raw.to_owned())
}
fn coupon_missing(raw: &str) -> ApiError {
    ApiError::no_such_entity("coupon_id", raw.to_owned())
}

// Tax classes -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByTaxClassId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub tax_class_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateTaxClassInput {
    pub tax_class: TaxClassIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateTaxClassInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub class_id: String,
    pub tax_class: TaxClassIn,
}

async fn save_class(cx: &Ctx, id: Option<i64>, input: &TaxClassIn) -> Result<String, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = tax::save_class(&mut tx, cx.tenant, id, input.class_name.as_deref(), input.class_type.as_deref()).await?;
    tx.commit().await.storage()?;
    Ok(id.to_string())
}

pub struct CreateTaxClass;

impl Operation for CreateTaxClass {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a tax class (PRODUCT or CUSTOMER); answers its id as text, as Magento does.",
        audit: "{principal} created {tax_class.class_type} tax class {tax_class.class_name}",
        target: Some("tax_class.class_name"),
        ..op("pricing.tax_class.create", TAX, Method::Post, "/V1/taxClasses", Effect::Write)
    };
    type Input = CreateTaxClassInput;
    type Output = String;

    async fn call(cx: &Ctx, input: CreateTaxClassInput) -> Result<String, ApiError> {
        save_class(cx, None, &input.tax_class).await
    }
}

pub struct UpdateTaxClass;

impl Operation for UpdateTaxClass {
    const SPEC: OpSpec = OpSpec {
        summary: "Rename a tax class (its type cannot change); answers its id as text.",
        audit: "{principal} updated tax class {class_id} ({tax_class.class_name})",
        target: Some("class_id"),
        ..op("pricing.tax_class.update", TAX, Method::Put, "/V1/taxClasses/{classId}", Effect::Write)
    };
    type Input = UpdateTaxClassInput;
    type Output = String;

    async fn call(cx: &Ctx, input: UpdateTaxClassInput) -> Result<String, ApiError> {
        let id = path_id(&input.class_id, || class_missing(&input.class_id))?;
        save_class(cx, Some(id), &input.tax_class).await
    }
}

pub struct GetTaxClass;

impl Operation for GetTaxClass {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a tax class.",
        audit: "{principal} read tax class {tax_class_id}",
        target: Some("tax_class_id"),
        ..op("pricing.tax_class.get", TAX, Method::Get, "/V1/taxClasses/{taxClassId}", Effect::Read)
    };
    type Input = ByTaxClassId;
    type Output = TaxClassOut;

    async fn call(cx: &Ctx, input: ByTaxClassId) -> Result<TaxClassOut, ApiError> {
        let id = path_id(&input.tax_class_id, || class_missing(&input.tax_class_id))?;
        let mut r = cx.db.reader().await.storage()?;
        tax::require_class(&mut r, cx.tenant, id).await.map(Into::into)
    }
}

pub struct DeleteTaxClass;

impl Operation for DeleteTaxClass {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a tax class that no tax rule or customer group uses.",
        audit: "{principal} deleted tax class {tax_class_id}",
        target: Some("tax_class_id"),
        ..op("pricing.tax_class.delete", TAX, Method::Delete, "/V1/taxClasses/{taxClassId}", Effect::Destructive)
    };
    type Input = ByTaxClassId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByTaxClassId) -> Result<bool, ApiError> {
        let id = path_id(&input.tax_class_id, || class_missing(&input.tax_class_id))?;
        let mut tx = cx.db.begin().await.storage()?;
        tax::delete_class(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct SearchTaxClasses;

impl Operation for SearchTaxClasses {
    const SPEC: OpSpec = OpSpec {
        summary: "Search tax classes with searchCriteria (class_id, class_name, class_type).",
        audit: "{principal} searched tax classes",
        ..op("pricing.tax_class.search", TAX, Method::Get, "/V1/taxClasses/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<TaxClassOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = tax::search_classes(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

// Tax rates -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByRateId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub rate_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TaxRateInput {
    pub tax_rate: TaxRateIn,
}

async fn save_rate(cx: &Ctx, id: Option<i64>, input: &TaxRateIn) -> Result<TaxRateOut, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = tax::save_rate(&mut tx, cx.tenant, id, &input.input()).await?;
    let rate = tax::require_rate(&mut tx, cx.tenant, id).await?;
    tx.commit().await.storage()?;
    Ok(rate.into())
}

pub struct CreateTaxRate;

impl Operation for CreateTaxRate {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a tax rate: country, region (0: any), postcode (`*`, a `prefix*`, or a range) and percent.",
        audit: "{principal} created tax rate {id} ({code})",
        target: Some("id"),
        ..op("pricing.tax_rate.create", TAX, Method::Post, "/V1/taxRates", Effect::Write)
    };
    type Input = TaxRateInput;
    type Output = TaxRateOut;

    async fn call(cx: &Ctx, input: TaxRateInput) -> Result<TaxRateOut, ApiError> {
        save_rate(cx, None, &input.tax_rate).await
    }
}

pub struct UpdateTaxRate;

impl Operation for UpdateTaxRate {
    const SPEC: OpSpec = OpSpec {
        summary: "Update the tax rate named by `taxRate.id`.",
        audit: "{principal} updated tax rate {id} ({code})",
        target: Some("id"),
        ..op("pricing.tax_rate.update", TAX, Method::Put, "/V1/taxRates", Effect::Write)
    };
    type Input = TaxRateInput;
    type Output = TaxRateOut;

    async fn call(cx: &Ctx, input: TaxRateInput) -> Result<TaxRateOut, ApiError> {
        let id = input.tax_rate.id.ok_or_else(|| ApiError::required("id"))?;
        save_rate(cx, Some(id), &input.tax_rate).await
    }
}

pub struct GetTaxRate;

impl Operation for GetTaxRate {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a tax rate.",
        audit: "{principal} read tax rate {rate_id}",
        target: Some("rate_id"),
        ..op("pricing.tax_rate.get", TAX, Method::Get, "/V1/taxRates/{rateId}", Effect::Read)
    };
    type Input = ByRateId;
    type Output = TaxRateOut;

    async fn call(cx: &Ctx, input: ByRateId) -> Result<TaxRateOut, ApiError> {
        let id = path_id(&input.rate_id, || rate_missing(&input.rate_id))?;
        let mut r = cx.db.reader().await.storage()?;
        tax::require_rate(&mut r, cx.tenant, id).await.map(Into::into)
    }
}

pub struct DeleteTaxRate;

impl Operation for DeleteTaxRate {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a tax rate that no tax rule uses.",
        audit: "{principal} deleted tax rate {rate_id}",
        target: Some("rate_id"),
        ..op("pricing.tax_rate.delete", TAX, Method::Delete, "/V1/taxRates/{rateId}", Effect::Destructive)
    };
    type Input = ByRateId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByRateId) -> Result<bool, ApiError> {
        let id = path_id(&input.rate_id, || rate_missing(&input.rate_id))?;
        let mut tx = cx.db.begin().await.storage()?;
        tax::delete_rate(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct SearchTaxRates;

impl Operation for SearchTaxRates {
    const SPEC: OpSpec = OpSpec {
        summary: "Search tax rates with searchCriteria.",
        audit: "{principal} searched tax rates",
        ..op("pricing.tax_rate.search", TAX, Method::Get, "/V1/taxRates/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<TaxRateOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = tax::search_rates(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

// Tax rules -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByRuleId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub rule_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TaxRuleInput {
    pub rule: TaxRuleIn,
}

async fn save_tax_rule(cx: &Ctx, id: Option<i64>, input: &TaxRuleIn) -> Result<TaxRuleOut, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = tax::save_rule(&mut tx, cx.tenant, id, &input.input()).await?;
    let rule = tax::require_rule(&mut tx, cx.tenant, id).await?;
    tx.commit().await.storage()?;
    Ok(rule.into())
}

pub struct CreateTaxRule;

impl Operation for CreateTaxRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a tax rule: customer and product tax classes, tax rates, priority.",
        audit: "{principal} created tax rule {id} ({code})",
        target: Some("id"),
        ..op("pricing.tax_rule.create", TAX, Method::Post, "/V1/taxRules", Effect::Write)
    };
    type Input = TaxRuleInput;
    type Output = TaxRuleOut;

    async fn call(cx: &Ctx, input: TaxRuleInput) -> Result<TaxRuleOut, ApiError> {
        save_tax_rule(cx, None, &input.rule).await
    }
}

pub struct UpdateTaxRule;

impl Operation for UpdateTaxRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Update the tax rule named by `rule.id`.",
        audit: "{principal} updated tax rule {id} ({code})",
        target: Some("id"),
        ..op("pricing.tax_rule.update", TAX, Method::Put, "/V1/taxRules", Effect::Write)
    };
    type Input = TaxRuleInput;
    type Output = TaxRuleOut;

    async fn call(cx: &Ctx, input: TaxRuleInput) -> Result<TaxRuleOut, ApiError> {
        let id = input.rule.id.ok_or_else(|| ApiError::required("id"))?;
        save_tax_rule(cx, Some(id), &input.rule).await
    }
}

pub struct GetTaxRule;

impl Operation for GetTaxRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a tax rule.",
        audit: "{principal} read tax rule {rule_id}",
        target: Some("rule_id"),
        ..op("pricing.tax_rule.get", TAX, Method::Get, "/V1/taxRules/{ruleId}", Effect::Read)
    };
    type Input = ByRuleId;
    type Output = TaxRuleOut;

    async fn call(cx: &Ctx, input: ByRuleId) -> Result<TaxRuleOut, ApiError> {
        let id = path_id(&input.rule_id, || tax_rule_missing(&input.rule_id))?;
        let mut r = cx.db.reader().await.storage()?;
        tax::require_rule(&mut r, cx.tenant, id).await.map(Into::into)
    }
}

pub struct DeleteTaxRule;

impl Operation for DeleteTaxRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a tax rule.",
        audit: "{principal} deleted tax rule {rule_id}",
        target: Some("rule_id"),
        ..op("pricing.tax_rule.delete", TAX, Method::Delete, "/V1/taxRules/{ruleId}", Effect::Destructive)
    };
    type Input = ByRuleId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByRuleId) -> Result<bool, ApiError> {
        let id = path_id(&input.rule_id, || tax_rule_missing(&input.rule_id))?;
        let mut tx = cx.db.begin().await.storage()?;
        tax::delete_rule(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct SearchTaxRules;

impl Operation for SearchTaxRules {
    const SPEC: OpSpec = OpSpec {
        summary: "Search tax rules with searchCriteria.",
        audit: "{principal} searched tax rules",
        ..op("pricing.tax_rule.search", TAX, Method::Get, "/V1/taxRules/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<TaxRuleOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = tax::search_rules(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

// Cart price rules ------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateSalesRuleInput {
    pub rule: SalesRuleIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateSalesRuleInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub rule_id: String,
    pub rule: SalesRuleIn,
}

async fn save_sales_rule(cx: &Ctx, id: Option<i64>, input: &SalesRuleIn) -> Result<SalesRuleOut, ApiError> {
    let changes = input.input()?;
    let mut tx = cx.db.begin().await.storage()?;
    let id = rules::save_rule(&mut tx, cx.tenant, id, &changes).await?;
    let rule = rules::require_rule(&mut tx, cx.tenant, id).await?;
    tx.commit().await.storage()?;
    Ok(rule.into())
}

pub struct CreateSalesRule;

impl Operation for CreateSalesRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a cart price rule (by_percent, by_fixed, cart_fixed; subtotal conditions, SKU actions).",
        audit: "{principal} created cart price rule {rule_id} ({name})",
        target: Some("rule_id"),
        ..op("pricing.sales_rule.create", RULES, Method::Post, "/V1/salesRules", Effect::Write)
    };
    type Input = CreateSalesRuleInput;
    type Output = SalesRuleOut;

    async fn call(cx: &Ctx, input: CreateSalesRuleInput) -> Result<SalesRuleOut, ApiError> {
        save_sales_rule(cx, None, &input.rule).await
    }
}

pub struct UpdateSalesRule;

impl Operation for UpdateSalesRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a cart price rule: only the fields sent change.",
        audit: "{principal} updated cart price rule {rule_id} ({name})",
        target: Some("rule_id"),
        ..op("pricing.sales_rule.update", RULES, Method::Put, "/V1/salesRules/{ruleId}", Effect::Write)
    };
    type Input = UpdateSalesRuleInput;
    type Output = SalesRuleOut;

    async fn call(cx: &Ctx, input: UpdateSalesRuleInput) -> Result<SalesRuleOut, ApiError> {
        let id = path_id(&input.rule_id, || rule_missing(&input.rule_id))?;
        save_sales_rule(cx, Some(id), &input.rule).await
    }
}

pub struct GetSalesRule;

impl Operation for GetSalesRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a cart price rule.",
        audit: "{principal} read cart price rule {rule_id}",
        target: Some("rule_id"),
        ..op("pricing.sales_rule.get", RULES, Method::Get, "/V1/salesRules/{ruleId}", Effect::Read)
    };
    type Input = ByRuleId;
    type Output = SalesRuleOut;

    async fn call(cx: &Ctx, input: ByRuleId) -> Result<SalesRuleOut, ApiError> {
        let id = path_id(&input.rule_id, || rule_missing(&input.rule_id))?;
        let mut r = cx.db.reader().await.storage()?;
        rules::require_rule(&mut r, cx.tenant, id).await.map(Into::into)
    }
}

pub struct DeleteSalesRule;

impl Operation for DeleteSalesRule {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a cart price rule with its coupons.",
        audit: "{principal} deleted cart price rule {rule_id}",
        target: Some("rule_id"),
        ..op("pricing.sales_rule.delete", RULES, Method::Delete, "/V1/salesRules/{ruleId}", Effect::Destructive)
    };
    type Input = ByRuleId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByRuleId) -> Result<bool, ApiError> {
        let id = path_id(&input.rule_id, || rule_missing(&input.rule_id))?;
        let mut tx = cx.db.begin().await.storage()?;
        rules::delete_rule(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct SearchSalesRules;

impl Operation for SearchSalesRules {
    const SPEC: OpSpec = OpSpec {
        summary: "Search cart price rules with searchCriteria.",
        audit: "{principal} searched cart price rules",
        ..op("pricing.sales_rule.search", RULES, Method::Get, "/V1/salesRules/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<SalesRuleOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = rules::search_rules(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

// Coupons ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByCouponId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub coupon_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateCouponInput {
    pub coupon: CouponIn,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateCouponInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub coupon_id: String,
    pub coupon: CouponIn,
}

async fn save_coupon(cx: &Ctx, id: Option<i64>, input: &CouponIn) -> Result<CouponOut, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = rules::save_coupon(&mut tx, cx.tenant, id, &input.input()).await?;
    let coupon = rules::require_coupon(&mut tx, cx.tenant, id).await?;
    tx.commit().await.storage()?;
    Ok(coupon.into())
}

pub struct CreateCoupon;

impl Operation for CreateCoupon {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a coupon for a rule that takes coupons.",
        audit: "{principal} created coupon {coupon_id} for cart price rule {rule_id}",
        target: Some("coupon_id"),
        ..op("pricing.coupon.create", RULES, Method::Post, "/V1/coupons", Effect::Write)
    };
    type Input = CreateCouponInput;
    type Output = CouponOut;

    async fn call(cx: &Ctx, input: CreateCouponInput) -> Result<CouponOut, ApiError> {
        save_coupon(cx, None, &input.coupon).await
    }
}

pub struct UpdateCoupon;

impl Operation for UpdateCoupon {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a coupon: only the fields sent change.",
        audit: "{principal} updated coupon {coupon_id}",
        target: Some("coupon_id"),
        ..op("pricing.coupon.update", RULES, Method::Put, "/V1/coupons/{couponId}", Effect::Write)
    };
    type Input = UpdateCouponInput;
    type Output = CouponOut;

    async fn call(cx: &Ctx, input: UpdateCouponInput) -> Result<CouponOut, ApiError> {
        let id = path_id(&input.coupon_id, || coupon_missing(&input.coupon_id))?;
        save_coupon(cx, Some(id), &input.coupon).await
    }
}

pub struct GetCoupon;

impl Operation for GetCoupon {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a coupon.",
        audit: "{principal} read coupon {coupon_id}",
        target: Some("coupon_id"),
        ..op("pricing.coupon.get", RULES, Method::Get, "/V1/coupons/{couponId}", Effect::Read)
    };
    type Input = ByCouponId;
    type Output = CouponOut;

    async fn call(cx: &Ctx, input: ByCouponId) -> Result<CouponOut, ApiError> {
        let id = path_id(&input.coupon_id, || coupon_missing(&input.coupon_id))?;
        let mut r = cx.db.reader().await.storage()?;
        rules::require_coupon(&mut r, cx.tenant, id).await.map(Into::into)
    }
}

pub struct DeleteCoupon;

impl Operation for DeleteCoupon {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a coupon.",
        audit: "{principal} deleted coupon {coupon_id}",
        target: Some("coupon_id"),
        ..op("pricing.coupon.delete", RULES, Method::Delete, "/V1/coupons/{couponId}", Effect::Destructive)
    };
    type Input = ByCouponId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByCouponId) -> Result<bool, ApiError> {
        let id = path_id(&input.coupon_id, || coupon_missing(&input.coupon_id))?;
        let mut tx = cx.db.begin().await.storage()?;
        rules::delete_coupon(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct SearchCoupons;

impl Operation for SearchCoupons {
    const SPEC: OpSpec = OpSpec {
        summary: "Search coupons with searchCriteria.",
        audit: "{principal} searched coupons",
        ..op("pricing.coupon.search", RULES, Method::Get, "/V1/coupons/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<CouponOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) =
            rules::search_coupons(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GenerateInput {
    pub coupon_spec: CouponSpecIn,
}

pub struct GenerateCoupons;

impl Operation for GenerateCoupons {
    const SPEC: OpSpec = OpSpec {
        summary: "Generate unique coupon codes for a rule with automatic generation; answers the codes.",
        audit: "{principal} generated {coupon_spec.quantity} coupons for cart price rule {coupon_spec.rule_id}",
        target: Some("coupon_spec.rule_id"),
        ..op("pricing.coupon.generate", RULES, Method::Post, "/V1/coupons/generate", Effect::Write)
    };
    type Input = GenerateInput;
    type Output = Vec<String>;

    async fn call(cx: &Ctx, input: GenerateInput) -> Result<Vec<String>, ApiError> {
        let spec = input.coupon_spec.spec()?;
        let mut tx = cx.db.begin().await.storage()?;
        let codes = rules::generate(&mut tx, cx.tenant, &spec).await?;
        tx.commit().await.storage()?;
        Ok(codes)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeleteByCodesInput {
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    #[schemars(length(max = crate::limits::BATCH), inner(length(max = crate::limits::VARCHAR)))]
    pub codes: Option<Vec<Value>>,
    /// Default true: unknown codes are reported in `missing_items`; false refuses them all.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub ignore_invalid_coupons: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeleteByIdsInput {
    #[serde(default)]
    #[schemars(with = "Vec<i64>")]
    #[schemars(length(max = crate::limits::BATCH))]
    pub ids: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub ignore_invalid_coupons: Option<bool>,
}

async fn mass_delete(
    cx: &Ctx,
    field: &str,
    keys: Option<Vec<Value>>,
    by_code: bool,
    ignore: Option<bool>,
) -> Result<MassDeleteOut, ApiError> {
    let keys: Vec<String> = keys
        .ok_or_else(|| ApiError::required(field))?
        .iter()
        .map(|v| lenient::text(v).ok_or_else(|| ApiError::invalid_value(field, v.clone())))
        .collect::<Result<_, _>>()?;
    let mut tx = cx.db.begin().await.storage()?;
    let out = rules::delete_coupons(&mut tx, cx.tenant, &keys, by_code, ignore.unwrap_or(true)).await?;
    tx.commit().await.storage()?;
    Ok(out.into())
}

pub struct DeleteCouponsByCodes;

impl Operation for DeleteCouponsByCodes {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete coupons by code; answers the codes that were missing.",
        audit: "{principal} deleted coupons by code",
        ..op("pricing.coupon.delete_by_codes", RULES, Method::Post, "/V1/coupons/deleteByCodes", Effect::Destructive)
    };
    type Input = DeleteByCodesInput;
    type Output = MassDeleteOut;

    async fn call(cx: &Ctx, input: DeleteByCodesInput) -> Result<MassDeleteOut, ApiError> {
        mass_delete(cx, "codes", input.codes, true, input.ignore_invalid_coupons).await
    }
}

pub struct DeleteCouponsByIds;

impl Operation for DeleteCouponsByIds {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete coupons by id; answers the ids that were missing.",
        audit: "{principal} deleted coupons by id {ids}",
        ..op("pricing.coupon.delete_by_ids", RULES, Method::Post, "/V1/coupons/deleteByIds", Effect::Destructive)
    };
    type Input = DeleteByIdsInput;
    type Output = MassDeleteOut;

    async fn call(cx: &Ctx, input: DeleteByIdsInput) -> Result<MassDeleteOut, ApiError> {
        mass_delete(cx, "ids", input.ids, false, input.ignore_invalid_coupons).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    CreateTaxClass,
    UpdateTaxClass,
    GetTaxClass,
    DeleteTaxClass,
    SearchTaxClasses,
    CreateTaxRate,
    UpdateTaxRate,
    GetTaxRate,
    DeleteTaxRate,
    SearchTaxRates,
    CreateTaxRule,
    UpdateTaxRule,
    GetTaxRule,
    DeleteTaxRule,
    SearchTaxRules,
    CreateSalesRule,
    UpdateSalesRule,
    GetSalesRule,
    DeleteSalesRule,
    SearchSalesRules,
    CreateCoupon,
    UpdateCoupon,
    GetCoupon,
    DeleteCoupon,
    SearchCoupons,
    GenerateCoupons,
    DeleteCouponsByCodes,
    DeleteCouponsByIds,
];
