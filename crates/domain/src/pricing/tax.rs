//! Tax classes, rates and rules (Magento_Tax repositories).

use crate::search::{Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, directory, ids};
use rust_decimal::Decimal;
use serde_json::Value as Json;
use storegate_db::{Exec, Row, Tx, Value, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Serialises tax saves per tenant on PostgreSQL (name and code uniqueness checks).
const TAX_LOCK: i64 = 0x0074_6178_0000_0000;

pub const PRODUCT: &str = "PRODUCT";

/// Names and codes are Magento `varchar(255)` columns.
pub const MAX_NAME_CHARS: usize = 255;

/// `Invalid value of "<first 20 characters>…"` for a text that is too long.
pub(crate) fn too_long(field: &str, text: &str) -> ApiError {
    ApiError::invalid_value(field, format!("{}…", text.chars().take(20).collect::<String>()))
}
pub const CUSTOMER: &str = "CUSTOMER";

/// Magento's default classes and US rates, with their well-known ids.
pub async fn seed_defaults(ex: &mut impl Exec, tenant: TenantId) -> Result<(), ApiError> {
    let t = tenant.0;
    for (id, name, kind) in [(2, "Taxable Goods", PRODUCT), (3, "Retail Customer", CUSTOMER)] {
        ex.execute(sql!(
            "INSERT INTO tax_classes (tenant_id, id, class_name, class_type) VALUES ($1, $2, $3, $4)",
            t,
            id,
            name,
            kind
        ))
        .await
        .storage()?;
    }
    ids::ensure_above(ex, tenant, "tax_class", 3).await.storage()?;
    for (id, code, region, rate) in
        [(1, "US-CA-*-Rate 1", 12, Decimal::new(825, 2)), (2, "US-NY-*-Rate 1", 43, Decimal::new(8375, 3))]
    {
        ex.execute(sql!(
            "INSERT INTO tax_rates (tenant_id, id, code, tax_country_id, tax_region_id, tax_postcode, rate) \
             VALUES ($1, $2, $3, 'US', $4, '*', $5)",
            t,
            id,
            code,
            region,
            rate
        ))
        .await
        .storage()?;
    }
    ids::ensure_above(ex, tenant, "tax_rate", 2).await.storage()
}

/// Whether a rate's postcode matches the destination's, and how specifically:
/// `*` (any) 0, a `prefix*` 1, a range 2, the exact postcode 3.
pub fn postcode_matches(
    rate: &str,
    is_range: bool,
    from: Option<i64>,
    to: Option<i64>,
    postcode: Option<&str>,
) -> Option<u8> {
    let rate = rate.trim();
    if is_range {
        let (from, to) = (from?, to?);
        let digits: String = postcode?.trim().chars().take_while(|c| c.is_ascii_digit()).collect();
        let n: i64 = digits.parse().ok()?;
        return (from <= n && n <= to).then_some(2);
    }
    if rate.is_empty() || rate == "*" {
        return Some(0);
    }
    let postcode = postcode?.trim();
    if let Some(prefix) = rate.strip_suffix('*') {
        let p = postcode.to_ascii_uppercase();
        return p.starts_with(&prefix.to_ascii_uppercase()).then_some(1);
    }
    rate.eq_ignore_ascii_case(postcode).then_some(3)
}

// Classes ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct TaxClass {
    pub id: i64,
    pub name: String,
    pub class_type: String,
}

fn class_row(r: &Row) -> Result<TaxClass, ApiError> {
    Ok(TaxClass { id: r.at(0).storage()?, name: r.at(1).storage()?, class_type: r.at(2).storage()? })
}

pub async fn get_class(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<TaxClass>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, class_name, class_type FROM tax_classes WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(class_row).transpose()
}

/// An unknown id is Magento's `No such entity with class_id = …`.
pub async fn require_class(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<TaxClass, ApiError> {
    get_class(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("class_id", id))
}

/// Creates (`id` None) or renames a class. The type of an existing class cannot change.
pub async fn save_class(
    tx: &mut Tx,
    tenant: TenantId,
    id: Option<i64>,
    name: Option<&str>,
    class_type: Option<&str>,
) -> Result<i64, ApiError> {
    tx.lock(TAX_LOCK + tenant.0).await.storage()?;
    let existing = match id {
        Some(id) => Some(require_class(tx, tenant, id).await?),
        None => None,
    };
    let name = name.map(str::trim).unwrap_or("");
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(ApiError::required("class_name"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(too_long("class_name", name));
    }
    let kind = match (class_type.map(str::trim), &existing) {
        (None | Some(""), Some(e)) => e.class_type.clone(),
        (None | Some(""), None) => {
            errors.push(ApiError::required("class_type"));
            String::new()
        }
        (Some(k), _) if k == PRODUCT || k == CUSTOMER => k.to_owned(),
        (Some(k), _) => {
            errors.push(ApiError::invalid_value("class_type", k.to_owned()));
            String::new()
        }
    };
    if let Some(e) = ApiError::aggregate(errors) {
        return Err(e);
    }
    if let Some(e) = &existing
        && e.class_type != kind
    {
        return Err(ApiError::new(ErrorCode::TaxClassTypeChange));
    }
    let taken: Option<i64> = tx
        .fetch_optional(sql!(
            "SELECT id FROM tax_classes WHERE tenant_id = $1 AND class_type = $2 AND LOWER(class_name) = LOWER($3) AND id <> $4",
            tenant.0,
            kind.clone(),
            name.to_owned(),
            id.unwrap_or(0)
        ))
        .await
        .storage()?
        .map(|r| r.at(0))
        .transpose()
        .storage()?;
    if taken.is_some() {
        return Err(ApiError::positional(ErrorCode::TaxClassNameExists, [kind]));
    }
    match id {
        Some(id) => {
            tx.execute(sql!(
                "UPDATE tax_classes SET class_name = $3 WHERE tenant_id = $1 AND id = $2",
                tenant.0,
                id,
                name.to_owned()
            ))
            .await
            .storage()?;
            Ok(id)
        }
        None => {
            let id = ids::next(tx, tenant, "tax_class").await.storage()?;
            tx.execute(sql!(
                "INSERT INTO tax_classes (tenant_id, id, class_name, class_type) VALUES ($1, $2, $3, $4)",
                tenant.0,
                id,
                name.to_owned(),
                kind
            ))
            .await
            .storage()?;
            Ok(id)
        }
    }
}

/// Deletes a class that no tax rule, product or customer group uses.
pub async fn delete_class(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    require_class(tx, tenant, id).await?;
    let t = tenant.0;
    let in_rules: i64 = tx
        .fetch_scalar(sql!(
            "SELECT (SELECT COUNT(*) FROM tax_rule_customer_classes WHERE tenant_id = $1 AND class_id = $2) + \
             (SELECT COUNT(*) FROM tax_rule_product_classes WHERE tenant_id = $1 AND class_id = $2)",
            t,
            id
        ))
        .await
        .storage()?;
    if in_rules > 0 {
        return Err(ApiError::new(ErrorCode::TaxClassInRules));
    }
    let products: i64 = tx
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM product_attribute_values WHERE tenant_id = $1 AND attribute_code = 'tax_class_id' \
             AND substr(value, 1, 256) = $2 AND value = $2",
            t,
            id.to_string()
        ))
        .await
        .storage()?;
    if products > 0 {
        return Err(ApiError::new(ErrorCode::TaxClassInProducts));
    }
    let groups: i64 = tx
        .fetch_scalar(sql!("SELECT COUNT(*) FROM customer_groups WHERE tenant_id = $1 AND tax_class_id = $2", t, id))
        .await
        .storage()?;
    if groups > 0 {
        return Err(ApiError::positional(ErrorCode::TaxClassInGroups, [groups]));
    }
    tx.execute(sql!("DELETE FROM tax_classes WHERE tenant_id = $1 AND id = $2", t, id)).await.storage()?;
    Ok(())
}

pub const CLASS_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "class_id", sql: "c.id", kind: FieldKind::Int },
        Field { name: "id", sql: "c.id", kind: FieldKind::Int },
        Field { name: "class_name", sql: "c.class_name", kind: FieldKind::Text },
        Field { name: "class_type", sql: "c.class_type", kind: FieldKind::Text },
    ],
    eav: None,
    tiebreak: "c.id",
};

pub async fn search_classes(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<TaxClass>, i64), ApiError> {
    let rows = search_rows(
        ex,
        tenant,
        criteria,
        max_page_size,
        &CLASS_FIELDS,
        "tax_classes c",
        "c",
        "c.id, c.class_name, c.class_type",
    )
    .await?;
    Ok((rows.0.iter().map(class_row).collect::<Result<_, _>>()?, rows.1))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn search_rows(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
    map: &FieldMap,
    from: &str,
    alias: &str,
    columns: &str,
) -> Result<(Vec<Row>, i64), ApiError> {
    let none = |_: &str| None;
    let compiled = crate::search::compile(criteria, map, &none, 2, max_page_size, ex.backend())?;
    let from = format!("FROM {from} WHERE {alias}.tenant_id = $1 AND ({})", compiled.condition);
    crate::search::fetch_page(ex, tenant, &compiled, columns, &from).await
}

// Rates -----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct TaxRate {
    pub id: i64,
    pub code: String,
    pub country_id: String,
    pub region_id: i64,
    pub postcode: String,
    pub zip_is_range: bool,
    pub zip_from: Option<i64>,
    pub zip_to: Option<i64>,
    pub rate: Decimal,
}

impl TaxRate {
    pub fn region_name(&self) -> Option<&'static str> {
        directory::region(self.region_id).map(|r| r.code)
    }
}

/// A rate as sent; absent fields keep their value on update.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateInput {
    pub code: Option<String>,
    pub country_id: Option<String>,
    pub region_id: Option<i64>,
    pub postcode: Option<String>,
    pub zip_is_range: Option<bool>,
    pub zip_from: Option<i64>,
    pub zip_to: Option<i64>,
    pub rate: Option<Decimal>,
}

const RATE_COLUMNS: &str =
    "r.id, r.code, r.tax_country_id, r.tax_region_id, r.tax_postcode, r.zip_is_range, r.zip_from, r.zip_to, r.rate";

fn rate_row(r: &Row) -> Result<TaxRate, ApiError> {
    Ok(TaxRate {
        id: r.at(0).storage()?,
        code: r.at(1).storage()?,
        country_id: r.at(2).storage()?,
        region_id: r.at(3).storage()?,
        postcode: r.at(4).storage()?,
        zip_is_range: r.at(5).storage()?,
        zip_from: r.at(6).storage()?,
        zip_to: r.at(7).storage()?,
        rate: r.at(8).storage()?,
    })
}

pub async fn get_rate(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<TaxRate>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {RATE_COLUMNS} FROM tax_rates r WHERE r.tenant_id = $1 AND r.id = $2"),
            tenant.0,
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(rate_row).transpose()
}

/// An unknown id is Magento's `No such entity with taxRateId = …`.
pub async fn require_rate(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<TaxRate, ApiError> {
    get_rate(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("taxRateId", id))
}

/// The largest rate accepted, in percent.
const MAX_RATE: i64 = 1_000_000;

pub async fn save_rate(tx: &mut Tx, tenant: TenantId, id: Option<i64>, input: &RateInput) -> Result<i64, ApiError> {
    tx.lock(TAX_LOCK + tenant.0).await.storage()?;
    let existing = match id {
        Some(id) => Some(require_rate(tx, tenant, id).await?),
        None => None,
    };
    let mut errors = Vec::new();
    let country = input
        .country_id
        .clone()
        .or_else(|| existing.as_ref().map(|e| e.country_id.clone()))
        .map(|c| c.trim().to_uppercase())
        .unwrap_or_default();
    if country.is_empty() {
        errors.push(ApiError::required("country_id"));
    } else if directory::country(&country).is_none() {
        errors.push(ApiError::invalid_value("country_id", country.clone()));
    }
    let region = input.region_id.or(existing.as_ref().map(|e| e.region_id)).unwrap_or(0);
    if region != 0 && directory::region(region).is_none_or(|r| !r.country_id.eq_ignore_ascii_case(&country)) {
        errors.push(ApiError::invalid_value("region_id", region));
    }
    let rate = input.rate.or(existing.as_ref().map(|e| e.rate));
    match rate {
        None => errors.push(ApiError::required("percentage_rate")),
        Some(r) if r < Decimal::ZERO || r > Decimal::from(MAX_RATE) => {
            errors.push(ApiError::invalid_value("percentage_rate", r.to_string()))
        }
        _ => {}
    }
    let code = input.code.clone().or(existing.as_ref().map(|e| e.code.clone())).unwrap_or_default().trim().to_owned();
    if code.is_empty() {
        errors.push(ApiError::required("code"));
    } else if code.chars().count() > MAX_NAME_CHARS {
        errors.push(too_long("code", &code));
    }
    let zip_is_range = input.zip_is_range.or(existing.as_ref().map(|e| e.zip_is_range)).unwrap_or(false);
    let (mut zip_from, mut zip_to) = (None, None);
    let mut postcode = input
        .postcode
        .clone()
        .or(existing.as_ref().map(|e| e.postcode.clone()))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "*".into());
    if zip_is_range {
        zip_from = input.zip_from.or(existing.as_ref().and_then(|e| e.zip_from));
        zip_to = input.zip_to.or(existing.as_ref().and_then(|e| e.zip_to));
        match (zip_from, zip_to) {
            (None, _) => errors.push(ApiError::required("zip_from")),
            (_, None) => errors.push(ApiError::required("zip_to")),
            (Some(f), Some(t)) if f < 0 || t < 0 || f > 9_999_999_999 || t > 9_999_999_999 => {
                errors.push(ApiError::invalid_value("zip_from", f))
            }
            (Some(f), Some(t)) if f > t => errors.push(ApiError::invalid_value("zip_to", t)),
            (Some(f), Some(t)) => postcode = format!("{f}-{t}"),
        }
    } else if postcode.chars().count() > 21 || postcode.chars().rev().skip(1).any(|c| c == '*') {
        // Counted and scanned by character: a byte offset can fall inside a multi-byte one.
        // A '*' is a wildcard only as the last character.
        errors.push(ApiError::invalid_value("postcode", postcode.clone()));
    }
    if let Some(e) = ApiError::aggregate(errors) {
        return Err(e);
    }
    let taken: i64 = tx
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM tax_rates WHERE tenant_id = $1 AND code = $2 AND id <> $3",
            tenant.0,
            code.clone(),
            id.unwrap_or(0)
        ))
        .await
        .storage()?;
    if taken > 0 {
        return Err(ApiError::new(ErrorCode::TaxCodeExists));
    }
    let rate = rate.unwrap_or_default();
    let id = match id {
        Some(id) => id,
        None => ids::next(tx, tenant, "tax_rate").await.storage()?,
    };
    let values: Vec<Value> = vec![
        tenant.0.into(),
        id.into(),
        code.into(),
        country.into(),
        region.into(),
        postcode.into(),
        zip_is_range.into(),
        zip_from.into(),
        zip_to.into(),
        rate.into(),
    ];
    let mut q = if existing.is_some() {
        sql!(
            "UPDATE tax_rates SET code = $3, tax_country_id = $4, tax_region_id = $5, tax_postcode = $6, \
             zip_is_range = $7, zip_from = $8, zip_to = $9, rate = $10 WHERE tenant_id = $1 AND id = $2"
        )
    } else {
        sql!(
            "INSERT INTO tax_rates (tenant_id, id, code, tax_country_id, tax_region_id, tax_postcode, zip_is_range, \
             zip_from, zip_to, rate) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
    };
    for v in values {
        q = q.bind(v);
    }
    tx.execute(q).await.storage()?;
    Ok(id)
}

pub async fn delete_rate(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    require_rate(tx, tenant, id).await?;
    let used: i64 = tx
        .fetch_scalar(sql!("SELECT COUNT(*) FROM tax_rule_rates WHERE tenant_id = $1 AND rate_id = $2", tenant.0, id))
        .await
        .storage()?;
    if used > 0 {
        return Err(ApiError::new(ErrorCode::TaxRateInRules));
    }
    tx.execute(sql!("DELETE FROM tax_rates WHERE tenant_id = $1 AND id = $2", tenant.0, id)).await.storage()?;
    Ok(())
}

pub const RATE_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "r.id", kind: FieldKind::Int },
        Field { name: "tax_calculation_rate_id", sql: "r.id", kind: FieldKind::Int },
        Field { name: "code", sql: "r.code", kind: FieldKind::Text },
        Field { name: "tax_country_id", sql: "r.tax_country_id", kind: FieldKind::Text },
        Field { name: "tax_region_id", sql: "r.tax_region_id", kind: FieldKind::Int },
        Field { name: "tax_postcode", sql: "r.tax_postcode", kind: FieldKind::Text },
        Field { name: "rate", sql: "r.rate", kind: FieldKind::Decimal },
        Field { name: "zip_is_range", sql: "r.zip_is_range", kind: FieldKind::Bool },
        Field { name: "zip_from", sql: "r.zip_from", kind: FieldKind::Int },
        Field { name: "zip_to", sql: "r.zip_to", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "r.id",
};

pub async fn search_rates(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<TaxRate>, i64), ApiError> {
    let (rows, total) =
        search_rows(ex, tenant, criteria, max_page_size, &RATE_FIELDS, "tax_rates r", "r", RATE_COLUMNS).await?;
    Ok((rows.iter().map(rate_row).collect::<Result<_, _>>()?, total))
}

// Rules -----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct TaxRule {
    pub id: i64,
    pub code: String,
    pub priority: i64,
    pub position: i64,
    pub calculate_subtotal: bool,
    pub customer_tax_class_ids: Vec<i64>,
    pub product_tax_class_ids: Vec<i64>,
    pub tax_rate_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInput {
    pub code: Option<String>,
    pub priority: Option<i64>,
    pub position: Option<i64>,
    pub calculate_subtotal: Option<bool>,
    pub customer_tax_class_ids: Option<Vec<i64>>,
    pub product_tax_class_ids: Option<Vec<i64>>,
    pub tax_rate_ids: Option<Vec<i64>>,
}

const LINKS: [(&str, &str); 3] = [
    ("tax_rule_customer_classes", "class_id"),
    ("tax_rule_product_classes", "class_id"),
    ("tax_rule_rates", "rate_id"),
];

async fn rule_links(ex: &mut impl Exec, tenant: TenantId, id: i64, link: usize) -> Result<Vec<i64>, ApiError> {
    let (table, column) = LINKS[link];
    ex.fetch_column(sql!(
        format!("SELECT {column} FROM {table} WHERE tenant_id = $1 AND rule_id = $2 ORDER BY {column}"),
        tenant.0,
        id
    ))
    .await
    .storage()
}

async fn rule_from_row(ex: &mut impl Exec, tenant: TenantId, r: &Row) -> Result<TaxRule, ApiError> {
    let id: i64 = r.at(0).storage()?;
    Ok(TaxRule {
        id,
        code: r.at(1).storage()?,
        priority: r.at(2).storage()?,
        position: r.at(3).storage()?,
        calculate_subtotal: r.at(4).storage()?,
        customer_tax_class_ids: rule_links(ex, tenant, id, 0).await?,
        product_tax_class_ids: rule_links(ex, tenant, id, 1).await?,
        tax_rate_ids: rule_links(ex, tenant, id, 2).await?,
    })
}

const RULE_COLUMNS: &str = "tr.id, tr.code, tr.priority, tr.position, tr.calculate_subtotal";

pub async fn get_rule(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<TaxRule>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {RULE_COLUMNS} FROM tax_rules tr WHERE tr.tenant_id = $1 AND tr.id = $2"),
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

/// An unknown id is Magento's `No such entity with id = …`.
pub async fn require_rule(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<TaxRule, ApiError> {
    get_rule(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("id", id))
}

fn bad_reference(field: &str, value: i64) -> ApiError {
    ApiError::named(
        ErrorCode::TaxRuleBadReference,
        [("fieldName", Json::from(field)), ("fieldValue", Json::from(value))],
    )
}

pub async fn save_rule(tx: &mut Tx, tenant: TenantId, id: Option<i64>, input: &RuleInput) -> Result<i64, ApiError> {
    tx.lock(TAX_LOCK + tenant.0).await.storage()?;
    let existing = match id {
        Some(id) => Some(require_rule(tx, tenant, id).await?),
        None => None,
    };
    let t = tenant.0;
    let pick = |new: &Option<Vec<i64>>, old: Option<&Vec<i64>>| {
        let mut v = new.clone().or_else(|| old.cloned()).unwrap_or_default();
        v.sort_unstable();
        v.dedup();
        v
    };
    let code = input.code.clone().or(existing.as_ref().map(|e| e.code.clone())).unwrap_or_default().trim().to_owned();
    let customer = pick(&input.customer_tax_class_ids, existing.as_ref().map(|e| &e.customer_tax_class_ids));
    let product = pick(&input.product_tax_class_ids, existing.as_ref().map(|e| &e.product_tax_class_ids));
    let rates = pick(&input.tax_rate_ids, existing.as_ref().map(|e| &e.tax_rate_ids));
    let priority = input.priority.or(existing.as_ref().map(|e| e.priority)).unwrap_or(0);
    let position = input.position.or(existing.as_ref().map(|e| e.position)).unwrap_or(0);
    let calculate_subtotal =
        input.calculate_subtotal.or(existing.as_ref().map(|e| e.calculate_subtotal)).unwrap_or(false);
    let mut errors = Vec::new();
    if code.is_empty() {
        errors.push(ApiError::required("code"));
    } else if code.chars().count() > MAX_NAME_CHARS {
        errors.push(too_long("code", &code));
    }
    if priority < 0 {
        errors.push(ApiError::invalid_value("priority", priority));
    }
    if position < 0 {
        errors.push(ApiError::invalid_value("sort_order", position));
    }
    for (field, list, kind) in
        [("customer_tax_class_ids", &customer, CUSTOMER), ("product_tax_class_ids", &product, PRODUCT)]
    {
        if list.is_empty() {
            errors.push(ApiError::required(field));
        }
        for class in list {
            match get_class(tx, tenant, *class).await? {
                Some(c) if c.class_type == kind => {}
                _ => errors.push(bad_reference(field, *class)),
            }
        }
    }
    if rates.is_empty() {
        errors.push(ApiError::required("tax_rate_ids"));
    }
    for rate in &rates {
        if get_rate(tx, tenant, *rate).await?.is_none() {
            errors.push(bad_reference("tax_rate_ids", *rate));
        }
    }
    if let Some(e) = ApiError::aggregate(errors) {
        return Err(e);
    }
    let taken: i64 = tx
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM tax_rules WHERE tenant_id = $1 AND code = $2 AND id <> $3",
            t,
            code.clone(),
            id.unwrap_or(0)
        ))
        .await
        .storage()?;
    if taken > 0 {
        return Err(ApiError::new(ErrorCode::TaxCodeExists));
    }
    let id = match id {
        Some(id) => {
            tx.execute(sql!(
                "UPDATE tax_rules SET code = $3, priority = $4, position = $5, calculate_subtotal = $6 \
                 WHERE tenant_id = $1 AND id = $2",
                t,
                id,
                code,
                priority,
                position,
                calculate_subtotal
            ))
            .await
            .storage()?;
            id
        }
        None => {
            let id = ids::next(tx, tenant, "tax_rule").await.storage()?;
            tx.execute(sql!(
                "INSERT INTO tax_rules (tenant_id, id, code, priority, position, calculate_subtotal) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                t,
                id,
                code,
                priority,
                position,
                calculate_subtotal
            ))
            .await
            .storage()?;
            id
        }
    };
    for ((table, column), list) in LINKS.iter().zip([&customer, &product, &rates]) {
        tx.execute(sql!(format!("DELETE FROM {table} WHERE tenant_id = $1 AND rule_id = $2"), t, id))
            .await
            .storage()?;
        let rows = list.iter().map(|v| vec![t.into(), id.into(), (*v).into()]).collect();
        storegate_db::insert_rows(tx, table, &["tenant_id", "rule_id", column], rows).await.storage()?;
    }
    Ok(id)
}

pub async fn delete_rule(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<(), ApiError> {
    require_rule(tx, tenant, id).await?;
    tx.execute(sql!("DELETE FROM tax_rules WHERE tenant_id = $1 AND id = $2", tenant.0, id)).await.storage()?;
    Ok(())
}

pub const RULE_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "tr.id", kind: FieldKind::Int },
        Field { name: "tax_calculation_rule_id", sql: "tr.id", kind: FieldKind::Int },
        Field { name: "code", sql: "tr.code", kind: FieldKind::Text },
        Field { name: "priority", sql: "tr.priority", kind: FieldKind::Int },
        Field { name: "position", sql: "tr.position", kind: FieldKind::Int },
        Field { name: "calculate_subtotal", sql: "tr.calculate_subtotal", kind: FieldKind::Bool },
    ],
    eav: None,
    tiebreak: "tr.id",
};

pub async fn search_rules(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<TaxRule>, i64), ApiError> {
    let (rows, total) =
        search_rows(ex, tenant, criteria, max_page_size, &RULE_FIELDS, "tax_rules tr", "tr", RULE_COLUMNS).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(rule_from_row(ex, tenant, r).await?);
    }
    Ok((out, total))
}

#[cfg(test)]
mod tests {
    use super::postcode_matches;

    #[test]
    fn postcodes_match_like_magento() {
        assert_eq!(postcode_matches("*", false, None, None, None), Some(0));
        assert_eq!(postcode_matches("*", false, None, None, Some("10001")), Some(0));
        assert_eq!(postcode_matches("900*", false, None, None, Some("90012")), Some(1));
        assert_eq!(postcode_matches("900*", false, None, None, Some("91012")), None);
        assert_eq!(postcode_matches("90210", false, None, None, Some("90210")), Some(3));
        assert_eq!(postcode_matches("90210", false, None, None, None), None);
        assert_eq!(postcode_matches("90000-90999", true, Some(90000), Some(90999), Some("90500-1234")), Some(2));
        assert_eq!(postcode_matches("90000-90999", true, Some(90000), Some(90999), Some("91000")), None);
    }
}
