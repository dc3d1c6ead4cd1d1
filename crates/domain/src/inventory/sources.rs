//! Sources (Magento's `SourceRepositoryInterface`): physical places that hold stock. Saves
//! are upserts by code, as Magento's repository does; there is no delete.

use super::DEFAULT_SOURCE;
use crate::StorageResult;
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use rust_decimal::Decimal;
use serde_json::json;
use storegate_db::{DbError, Exec, Row, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CarrierLink {
    pub carrier_code: String,
    pub position: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    pub source_code: String,
    pub name: String,
    pub email: Option<String>,
    pub contact_name: Option<String>,
    pub enabled: bool,
    pub description: Option<String>,
    pub latitude: Option<Decimal>,
    pub longitude: Option<Decimal>,
    pub country_id: Option<String>,
    pub region_id: Option<i64>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub use_default_carrier_config: bool,
    pub carrier_links: Vec<CarrierLink>,
    pub is_pickup_location_active: Option<bool>,
    pub frontend_name: Option<String>,
    pub frontend_description: Option<String>,
}

pub fn not_found(code: &str) -> ApiError {
    ApiError::named(ErrorCode::SourceNotFound, [("value", json!(code))])
}

fn field_error(code: ErrorCode, field: &str) -> ApiError {
    ApiError::named(code, [("field", json!(field))])
}

/// Wraps collected validation errors as Magento's `ValidationException` does.
pub(crate) fn validation_failed(errors: Vec<ApiError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    Err(ApiError { errors, ..ApiError::new(ErrorCode::InventoryValidationFailed) })
}

/// Magento's source validators: code (not empty, no whitespace), name, country and postcode
/// required, coordinates in range, carrier links only without the global configuration.
pub fn validate(s: &Source) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if s.source_code.trim().is_empty() {
        errors.push(field_error(ErrorCode::InventoryFieldEmpty, "source_code"));
    } else if s.source_code.chars().any(char::is_whitespace) {
        errors.push(field_error(ErrorCode::InventoryFieldWhitespace, "source_code"));
    }
    if s.name.trim().is_empty() {
        errors.push(field_error(ErrorCode::InventoryFieldEmpty, "name"));
    }
    if s.country_id.as_deref().is_none_or(|c| c.trim().is_empty()) {
        errors.push(field_error(ErrorCode::InventoryFieldEmpty, "country_id"));
    }
    if s.postcode.as_deref().is_none_or(|c| c.trim().is_empty()) {
        errors.push(field_error(ErrorCode::InventoryFieldEmpty, "postcode"));
    }
    for (field, value, bound) in [("latitude", s.latitude, 90), ("longitude", s.longitude, 180)] {
        if let Some(v) = value
            && v.abs() > Decimal::from(bound)
        {
            errors.push(ApiError::invalid_value(field, v.to_string()));
        }
    }
    if s.use_default_carrier_config && !s.carrier_links.is_empty() {
        errors.push(
            ApiError::invalid_value("carrier_links", "[…]").with_internal("global shipping configuration chosen"),
        );
    }
    if s.source_code == DEFAULT_SOURCE && !s.enabled {
        errors.push(ApiError::new(ErrorCode::DefaultSourceNotDisablable));
    }
    validation_failed(errors)
}

const COLUMNS: &str = "e.source_code, e.name, e.email, e.contact_name, e.enabled, e.description, e.latitude, \
                       e.longitude, e.country_id, e.region_id, e.region, e.city, e.street, e.postcode, e.phone, e.fax, \
                       e.use_default_carrier_config, e.is_pickup_location_active, e.frontend_name, e.frontend_description";

fn from_row(r: &Row) -> Result<Source, DbError> {
    Ok(Source {
        source_code: r.at(0)?,
        name: r.at(1)?,
        email: r.at(2)?,
        contact_name: r.at(3)?,
        enabled: r.at(4)?,
        description: r.at(5)?,
        latitude: r.at(6)?,
        longitude: r.at(7)?,
        country_id: r.at(8)?,
        region_id: r.at(9)?,
        region: r.at(10)?,
        city: r.at(11)?,
        street: r.at(12)?,
        postcode: r.at(13)?,
        phone: r.at(14)?,
        fax: r.at(15)?,
        use_default_carrier_config: r.at(16)?,
        carrier_links: Vec::new(),
        is_pickup_location_active: r.at(17)?,
        frontend_name: r.at(18)?,
        frontend_description: r.at(19)?,
    })
}

async fn with_links(ex: &mut impl Exec, tenant: TenantId, mut s: Source) -> Result<Source, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT carrier_code, position FROM inventory_source_carrier_links \
             WHERE tenant_id = $1 AND source_code = $2 ORDER BY position, carrier_code",
            tenant.0,
            s.source_code.clone()
        ))
        .await
        .storage()?;
    s.carrier_links = rows
        .iter()
        .map(|r| Ok(CarrierLink { carrier_code: r.at(0)?, position: r.at(1)? }))
        .collect::<Result<_, DbError>>()
        .storage()?;
    Ok(s)
}

pub async fn get(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Option<Source>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {COLUMNS} FROM inventory_sources e WHERE e.tenant_id = $1 AND e.source_code = $2"),
            tenant.0,
            code.to_owned()
        ))
        .await
        .storage()?;
    match row {
        Some(r) => Ok(Some(with_links(ex, tenant, from_row(&r).storage()?).await?)),
        None => Ok(None),
    }
}

/// Creates or replaces a source (every field is written, as Magento's save does).
pub async fn save(ex: &mut impl Exec, tenant: TenantId, s: &Source) -> Result<(), ApiError> {
    validate(s)?;
    let micros = |d: Option<Decimal>, field: &str| {
        d.map(|v| storegate_db::decimal_to_micros(v).map_err(|_| ApiError::invalid_value(field, v.to_string())))
            .transpose()
    };
    ex.execute(sql!(
        "INSERT INTO inventory_sources (tenant_id, source_code, name, email, contact_name, enabled, description, \
         latitude, longitude, country_id, region_id, region, city, street, postcode, phone, fax, \
         use_default_carrier_config, is_pickup_location_active, frontend_name, frontend_description) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         ON CONFLICT (tenant_id, source_code) DO UPDATE SET name = excluded.name, email = excluded.email, \
         contact_name = excluded.contact_name, enabled = excluded.enabled, description = excluded.description, \
         latitude = excluded.latitude, longitude = excluded.longitude, country_id = excluded.country_id, \
         region_id = excluded.region_id, region = excluded.region, city = excluded.city, street = excluded.street, \
         postcode = excluded.postcode, phone = excluded.phone, fax = excluded.fax, \
         use_default_carrier_config = excluded.use_default_carrier_config, \
         is_pickup_location_active = excluded.is_pickup_location_active, frontend_name = excluded.frontend_name, \
         frontend_description = excluded.frontend_description",
        tenant.0,
        s.source_code.clone(),
        s.name.clone(),
        s.email.clone(),
        s.contact_name.clone(),
        s.enabled,
        s.description.clone(),
        micros(s.latitude, "latitude")?,
        micros(s.longitude, "longitude")?,
        s.country_id.clone(),
        s.region_id,
        s.region.clone(),
        s.city.clone(),
        s.street.clone(),
        s.postcode.clone(),
        s.phone.clone(),
        s.fax.clone(),
        s.use_default_carrier_config,
        s.is_pickup_location_active,
        s.frontend_name.clone(),
        s.frontend_description.clone()
    ))
    .await
    .storage()?;
    ex.execute(sql!(
        "DELETE FROM inventory_source_carrier_links WHERE tenant_id = $1 AND source_code = $2",
        tenant.0,
        s.source_code.clone()
    ))
    .await
    .storage()?;
    for link in &s.carrier_links {
        ex.execute(sql!(
            "INSERT INTO inventory_source_carrier_links (tenant_id, source_code, carrier_code, position) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, source_code, carrier_code) DO UPDATE SET position = excluded.position",
            tenant.0,
            s.source_code.clone(),
            link.carrier_code.clone(),
            link.position
        ))
        .await
        .storage()?;
    }
    Ok(())
}

const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "source_code", sql: "e.source_code", kind: FieldKind::Text },
        Field { name: "name", sql: "e.name", kind: FieldKind::Text },
        Field { name: "email", sql: "e.email", kind: FieldKind::Text },
        Field { name: "contact_name", sql: "e.contact_name", kind: FieldKind::Text },
        Field { name: "enabled", sql: "e.enabled", kind: FieldKind::Bool },
        Field { name: "description", sql: "e.description", kind: FieldKind::Text },
        Field { name: "latitude", sql: "e.latitude", kind: FieldKind::Decimal },
        Field { name: "longitude", sql: "e.longitude", kind: FieldKind::Decimal },
        Field { name: "country_id", sql: "e.country_id", kind: FieldKind::Text },
        Field { name: "region_id", sql: "e.region_id", kind: FieldKind::Int },
        Field { name: "region", sql: "e.region", kind: FieldKind::Text },
        Field { name: "city", sql: "e.city", kind: FieldKind::Text },
        Field { name: "street", sql: "e.street", kind: FieldKind::Text },
        Field { name: "postcode", sql: "e.postcode", kind: FieldKind::Text },
        Field { name: "phone", sql: "e.phone", kind: FieldKind::Text },
        Field { name: "fax", sql: "e.fax", kind: FieldKind::Text },
        Field { name: "use_default_carrier_config", sql: "e.use_default_carrier_config", kind: FieldKind::Bool },
        Field { name: "is_pickup_location_active", sql: "e.is_pickup_location_active", kind: FieldKind::Bool },
        Field { name: "frontend_name", sql: "e.frontend_name", kind: FieldKind::Text },
    ],
    eav: None,
    tiebreak: "e.source_code",
};

/// One page of sources and the total.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Source>, i64), ApiError> {
    let compiled = search::compile(criteria, &SEARCH_FIELDS, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("FROM inventory_sources e WHERE e.tenant_id = $1 AND ({})", compiled.condition);
    let (rows, total) = search::fetch_page(ex, tenant, &compiled, COLUMNS, &from).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(with_links(ex, tenant, from_row(r).storage()?).await?);
    }
    Ok((items, total))
}

/// The sources linked to a stock, by link priority (Magento's
/// `GetSourcesAssignedToStockOrderedByPriority`).
pub async fn assigned_to_stock(ex: &mut impl Exec, tenant: TenantId, stock_id: i64) -> Result<Vec<Source>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT {COLUMNS} FROM inventory_sources e JOIN inventory_source_stock_links l \
                 ON l.tenant_id = e.tenant_id AND l.source_code = e.source_code \
                 WHERE e.tenant_id = $1 AND l.stock_id = $2 ORDER BY l.priority, e.source_code"
            ),
            tenant.0,
            stock_id
        ))
        .await
        .storage()?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(with_links(ex, tenant, from_row(r).storage()?).await?);
    }
    Ok(items)
}
