//! Saving a product as Magento's product repository does: a save of a new SKU creates the
//! product, a save of an existing one merges into it. Only what the input carries changes:
//! custom attributes merge by code (in the save's store scope), and websites, category
//! links, stock, configurable options and links, tier prices, product links and the media
//! gallery change only when present (stock merges field by field, the others are replaced).

use super::links::LinkInput;
use super::media::MediaInput;
use super::products::{self, NewProduct};
use super::stock::StockPatch;
use super::tier_prices::TierPriceInput;
use super::{attributes, links, media, stock, tier_prices};
use crate::{StorageResult, clock};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use storegate_db::{Exec, Tx, Value, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Magento's longest SKU.
pub const SKU_MAX_LENGTH: usize = 64;
/// Magento keeps names in a 255-character column.
pub const NAME_MAX_LENGTH: usize = 255;

/// Product columns that custom attributes cannot set (they have their own fields).
const STATIC_CODES: &[&str] =
    &["sku", "name", "price", "status", "visibility", "weight", "type_id", "attribute_set_id", "category_ids"];

/// A custom attribute value as sent: text, a list (multiselect, category ids) or null.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Null,
    Text(String),
    List(Vec<String>),
}

/// A configurable product's option: the attribute it varies by.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurableOptionInput {
    pub attribute_id: i64,
    pub label: Option<String>,
    pub position: Option<i64>,
}

/// What a product save carries; `None` means "not sent, keep".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductInput {
    /// An existing product id: the save then targets that product (and may change its SKU).
    pub id: Option<i64>,
    pub sku: String,
    pub name: Option<String>,
    pub attribute_set_id: Option<i64>,
    pub price: Option<Decimal>,
    pub status: Option<i64>,
    pub visibility: Option<i64>,
    pub type_id: Option<String>,
    pub weight: Option<Decimal>,
    pub custom_attributes: Vec<(String, AttrValue)>,
    pub website_ids: Option<Vec<i64>>,
    /// (category id, position).
    pub category_links: Option<Vec<(i64, i64)>>,
    pub stock: Option<StockPatch>,
    pub configurable_options: Option<Vec<ConfigurableOptionInput>>,
    /// Child product ids.
    pub configurable_links: Option<Vec<i64>>,
    pub tier_prices: Option<Vec<TierPriceInput>>,
    pub links: Option<Vec<LinkInput>>,
    pub media: Option<Vec<MediaInput>>,
}

/// Which product a save targets.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `POST /V1/products`: the product with the input's id or SKU, else a new one.
    Upsert,
    /// `PUT /V1/products/{sku}`: this SKU, which must exist.
    Existing(String),
}

/// Where a save happens.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// The store view custom attribute values of an update are written for (0: default).
    pub store_id: i64,
    /// Websites a new product joins when the input names none.
    pub default_website_ids: Vec<i64>,
    pub media_dir: &'a Path,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub id: i64,
    pub created: bool,
    /// Media files no longer referenced by this product: remove them after commit with
    /// [`media::remove_unused_files`].
    pub unused_files: Vec<String>,
}

/// The product a save found, before changes.
struct Current {
    id: i64,
    sku: String,
    type_id: String,
    price: Option<Decimal>,
}

/// Checks what can be checked without the database, collecting errors as Magento's
/// input validation does.
fn validate_static(input: &ProductInput, creating: bool) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if input.sku.trim().is_empty() {
        errors.push(ApiError::required("sku"));
    } else if input.sku.chars().count() > SKU_MAX_LENGTH {
        errors.push(ApiError::positional(ErrorCode::SkuTooLong, [SKU_MAX_LENGTH]));
    }
    if creating && input.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        errors.push(ApiError::required("name"));
    }
    if let Some(name) = &input.name
        && !creating
        && name.trim().is_empty()
    {
        errors.push(ApiError::invalid_value("name", name.clone()));
    }
    if input.name.as_ref().is_some_and(|n| n.chars().count() > NAME_MAX_LENGTH) {
        errors.push(ApiError::positional(ErrorCode::TextTooLong, ["name".to_string(), NAME_MAX_LENGTH.to_string()]));
    }
    for (field, value) in [("price", input.price), ("weight", input.weight)] {
        if let Some(v) = value
            && (v < Decimal::ZERO || storegate_db::decimal_to_micros(v).is_err())
        {
            errors.push(ApiError::invalid_value(field, v.to_string()));
        }
    }
    if let Some(t) = &input.type_id
        && !products::TYPES.iter().any(|(name, _)| name == t)
    {
        errors.push(ApiError::invalid_value("type_id", t.clone()));
    }
    if let Some(s) = input.status
        && !(1..=2).contains(&s)
    {
        errors.push(ApiError::invalid_value("status", s));
    }
    if let Some(v) = input.visibility
        && !(1..=4).contains(&v)
    {
        errors.push(ApiError::invalid_value("visibility", v));
    }
    ApiError::aggregate(errors).map_or(Ok(()), Err)
}

async fn find(ex: &mut impl Exec, tenant: TenantId, by: FindBy<'_>) -> Result<Option<Current>, ApiError> {
    let q = match by {
        FindBy::Id(id) => {
            sql!("SELECT id, sku, type_id, price FROM products WHERE tenant_id = $1 AND id = $2", tenant.0, id)
        }
        FindBy::Sku(sku) => sql!(
            "SELECT id, sku, type_id, price FROM products WHERE tenant_id = $1 AND sku = $2",
            tenant.0,
            sku.to_owned()
        ),
    };
    let row = ex.fetch_optional(q).await.storage()?;
    row.map(|r| Ok(Current { id: r.at(0)?, sku: r.at(1)?, type_id: r.at(2)?, price: r.at(3)? })).transpose().storage()
}

enum FindBy<'a> {
    Id(i64),
    Sku(&'a str),
}

/// Saves a product in the caller's transaction.
pub async fn save(
    tx: &mut Tx,
    tenant: TenantId,
    scope: &Scope<'_>,
    target: Target,
    mut input: ProductInput,
) -> Result<Saved, ApiError> {
    let current = match &target {
        Target::Existing(sku) => {
            Some(find(tx, tenant, FindBy::Sku(sku)).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?)
        }
        Target::Upsert => {
            let by_id = match input.id {
                Some(id) => find(tx, tenant, FindBy::Id(id)).await?,
                None => None,
            };
            match by_id {
                Some(c) => Some(c),
                None => find(tx, tenant, FindBy::Sku(&input.sku)).await?,
            }
        }
    };
    validate_static(&input, current.is_none())?;
    if let Some(set) = input.attribute_set_id
        && attributes::get_set(tx, tenant, set).await?.is_none()
    {
        return Err(ApiError::invalid_value("attribute_set_id", set));
    }
    let type_id = input.type_id.clone().or_else(|| current.as_ref().map(|c| c.type_id.clone()));
    let type_id = type_id.unwrap_or_else(|| "simple".to_owned());
    if type_id == "virtual" {
        input.weight = None;
    }
    let values = resolve_values(tx, tenant, &mut input).await?;
    validate_references(tx, tenant, &input).await?;
    match current {
        None => create(tx, tenant, scope, input, &type_id, values).await,
        Some(current) => update(tx, tenant, scope, input, current, &type_id, values).await,
    }
}

/// Interprets custom attributes: unknown codes are ignored (as Magento does), select
/// values may be option ids or labels (a new label becomes a new option), multiselect
/// values lists or comma-separated text, booleans and decimals are normalised. `None`
/// removes the value. `category_ids` becomes category links unless those are sent.
async fn resolve_values(
    ex: &mut impl Exec,
    tenant: TenantId,
    input: &mut ProductInput,
) -> Result<Vec<(String, Option<String>)>, ApiError> {
    if input.custom_attributes.is_empty() {
        return Ok(Vec::new());
    }
    let defs: HashMap<String, (i64, String)> =
        attributes::inputs(ex, tenant).await?.into_iter().map(|(id, code, input)| (code, (id, input))).collect();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for (code, value) in std::mem::take(&mut input.custom_attributes) {
        let parts: Vec<String> = match &value {
            AttrValue::Null => Vec::new(),
            AttrValue::Text(t) => vec![t.clone()],
            AttrValue::List(l) => l.clone(),
        };
        if code == "category_ids" {
            if input.category_links.is_none() {
                let ids = split_list(&parts)
                    .iter()
                    .map(|v| {
                        v.parse::<i64>()
                            .map(|id| (id, 0))
                            .map_err(|_| ApiError::invalid_value("category_ids", v.clone()))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                input.category_links = Some(ids);
            }
            continue;
        }
        if STATIC_CODES.contains(&code.as_str()) {
            continue;
        }
        let Some((attribute_id, kind)) = defs.get(&code) else { continue };
        let text = parts.join(",");
        let stored = match kind.as_str() {
            _ if matches!(value, AttrValue::Null) => None,
            // Its options are the tax classes (Magento's source model), not attribute options.
            _ if code == TAX_CLASS => match text.trim() {
                "" => None,
                t => Some(t.parse::<u32>().map_err(|_| ApiError::invalid_value(&code, text.clone()))?.to_string()),
            },
            "select" => match parts.first().map(|p| p.trim()).filter(|p| !p.is_empty()) {
                None => None,
                Some(raw) => Some(attributes::resolve_option(ex, tenant, *attribute_id, raw).await?.to_string()),
            },
            "multiselect" => {
                let mut ids = Vec::new();
                for raw in split_list(&parts) {
                    let id = attributes::resolve_option(ex, tenant, *attribute_id, &raw).await?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                (!ids.is_empty()).then(|| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
            }
            "boolean" => match text.trim().to_ascii_lowercase().as_str() {
                "" => None,
                "1" | "true" | "yes" => Some("1".to_owned()),
                "0" | "false" | "no" => Some("0".to_owned()),
                _ => return Err(ApiError::invalid_value(&code, text)),
            },
            "price" | "weight" => match text.trim() {
                "" => None,
                t => {
                    let d = Decimal::from_str(t)
                        .or_else(|_| Decimal::from_scientific(t))
                        .map_err(|_| ApiError::invalid_value(&code, text.clone()))?;
                    Some(d.normalize().to_string())
                }
            },
            "date" | "datetime" => Some(text.trim().to_owned()).filter(|t| !t.is_empty()),
            _ => Some(text),
        };
        out.retain(|(c, _)| *c != code);
        out.push((code, stored));
    }
    Ok(out)
}

const TAX_CLASS: &str = "tax_class_id";

/// `["5,6", "7"]` → `["5", "6", "7"]`.
fn split_list(parts: &[String]) -> Vec<String> {
    parts.iter().flat_map(|p| p.split(',')).map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Websites, categories, configurable attributes and children must exist.
async fn validate_references(ex: &mut impl Exec, tenant: TenantId, input: &ProductInput) -> Result<(), ApiError> {
    for w in input.website_ids.iter().flatten() {
        let found: Option<i64> = ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM websites WHERE tenant_id = $1 AND id = $2 AND id <> 0",
                tenant.0,
                *w
            ))
            .await
            .storage()?;
        if found.is_none() {
            return Err(ApiError::positional(
                ErrorCode::ProductWebsiteNotSaved,
                [serde_json::Value::from(input.sku.clone()), (*w).into()],
            )
            .with_internal("no such website"));
        }
    }
    for (category, position) in input.category_links.iter().flatten() {
        let found: Option<i64> = ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM categories WHERE tenant_id = $1 AND id = $2",
                tenant.0,
                *category
            ))
            .await
            .storage()?;
        if found.is_none() {
            return Err(ApiError::positional(
                ErrorCode::CategoryLinkNotSaved,
                [serde_json::Value::from(input.sku.clone()), (*position).into(), (*category).into()],
            )
            .with_internal("no such category"));
        }
    }
    for o in input.configurable_options.iter().flatten() {
        let input_kind: Option<String> = ex
            .fetch_optional_scalar(sql!(
                "SELECT frontend_input FROM attributes WHERE tenant_id = $1 AND entity_type = $2 AND id = $3",
                tenant.0,
                super::PRODUCT_ENTITY,
                o.attribute_id
            ))
            .await
            .storage()?;
        if input_kind.as_deref() != Some("select") {
            return Err(ApiError::invalid_value("attribute_id", o.attribute_id));
        }
    }
    for child in input.configurable_links.iter().flatten() {
        let found: Option<i64> = ex
            .fetch_optional_scalar(sql!("SELECT id FROM products WHERE tenant_id = $1 AND id = $2", tenant.0, *child))
            .await
            .storage()?;
        if found.is_none() {
            return Err(ApiError::invalid_value("configurable_product_links", *child));
        }
    }
    Ok(())
}

/// The (attribute id, label) pairs of configurable options in position order, labels
/// defaulting to the attribute's.
async fn super_attributes(
    ex: &mut impl Exec,
    tenant: TenantId,
    options: &[ConfigurableOptionInput],
) -> Result<Vec<(i64, String)>, ApiError> {
    let mut sorted: Vec<(usize, &ConfigurableOptionInput)> = options.iter().enumerate().collect();
    sorted.sort_by_key(|(i, o)| (o.position.unwrap_or(*i as i64), *i));
    let mut out: Vec<(i64, String)> = Vec::with_capacity(options.len());
    for (_, o) in sorted {
        if out.iter().any(|(id, _)| *id == o.attribute_id) {
            continue;
        }
        let label = match o.label.clone().filter(|l| !l.trim().is_empty()) {
            Some(l) => l,
            None => ex
                .fetch_optional_scalar::<Option<String>>(sql!(
                    "SELECT frontend_label FROM attributes WHERE tenant_id = $1 AND id = $2",
                    tenant.0,
                    o.attribute_id
                ))
                .await
                .storage()?
                .flatten()
                .unwrap_or_default(),
        };
        out.push((o.attribute_id, label));
    }
    Ok(out)
}

async fn create(
    tx: &mut Tx,
    tenant: TenantId,
    scope: &Scope<'_>,
    input: ProductInput,
    type_id: &str,
    values: Vec<(String, Option<String>)>,
) -> Result<Saved, ApiError> {
    let supers = match &input.configurable_options {
        Some(options) if type_id == "configurable" => super_attributes(tx, tenant, options).await?,
        _ => Vec::new(),
    };
    let new = NewProduct {
        sku: input.sku.clone(),
        type_id: type_id.to_owned(),
        attribute_set_id: input.attribute_set_id.unwrap_or(super::DEFAULT_PRODUCT_SET),
        name: input.name.clone().unwrap_or_default(),
        price: input.price,
        status: input.status.unwrap_or(products::STATUS_ENABLED),
        visibility: input.visibility.unwrap_or(products::VISIBILITY_BOTH),
        weight: input.weight,
        attributes: values.into_iter().filter_map(|(c, v)| v.map(|v| (c, v))).collect(),
        website_ids: input.website_ids.clone().unwrap_or_else(|| scope.default_website_ids.clone()),
        categories: dedup_categories(input.category_links.clone().unwrap_or_default()),
        stock: None,
        super_attributes: supers,
        children: Vec::new(),
    };
    let id = products::insert_one(tx, tenant, new).await?;
    stock::save(tx, tenant, id, type_id, &input.stock.clone().unwrap_or_default()).await?;
    let unused = write_related(tx, tenant, scope, &input, id, type_id, input.price).await?;
    Ok(Saved { id, created: true, unused_files: unused })
}

fn dedup_categories(mut links: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let mut seen = Vec::with_capacity(links.len());
    links.retain(|(c, _)| {
        let fresh = !seen.contains(c);
        seen.push(*c);
        fresh
    });
    links
}

async fn update(
    tx: &mut Tx,
    tenant: TenantId,
    scope: &Scope<'_>,
    input: ProductInput,
    current: Current,
    type_id: &str,
    values: Vec<(String, Option<String>)>,
) -> Result<Saved, ApiError> {
    let id = current.id;
    let t = tenant.0;
    if input.sku != current.sku && products::id_by_sku(tx, tenant, &input.sku).await?.is_some() {
        return Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("A product with SKU \"{}\"", input.sku)]));
    }
    let mut sets: Vec<(&str, Value)> = vec![("sku", input.sku.clone().into()), ("type_id", type_id.into())];
    if let Some(v) = &input.name {
        sets.push(("name", v.clone().into()));
    }
    if let Some(v) = input.attribute_set_id {
        sets.push(("attribute_set_id", v.into()));
    }
    if let Some(v) = input.price {
        sets.push(("price", micros(v, "price")?.into()));
    }
    if let Some(v) = input.status {
        sets.push(("status", v.into()));
    }
    if let Some(v) = input.visibility {
        sets.push(("visibility", v.into()));
    }
    if type_id == "virtual" {
        sets.push(("weight", Value::Null));
    } else if let Some(v) = input.weight {
        sets.push(("weight", micros(v, "weight")?.into()));
    }
    sets.push(("updated_at", clock::now_text().into()));
    let assignments =
        sets.iter().enumerate().map(|(i, (col, _))| format!("{col} = ${}", i + 3)).collect::<Vec<_>>().join(", ");
    let mut q = sql!(format!("UPDATE products SET {assignments} WHERE tenant_id = $1 AND id = $2"), t, id);
    for (_, v) in sets {
        q = q.bind(v);
    }
    tx.execute(q).await.storage()?;

    for (code, value) in values {
        match value {
            Some(v) => {
                tx.execute(sql!(
                    "INSERT INTO product_attribute_values (tenant_id, product_id, attribute_code, store_id, value) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, product_id, attribute_code, store_id) \
                     DO UPDATE SET value = excluded.value",
                    t,
                    id,
                    code,
                    scope.store_id,
                    v
                ))
                .await
                .storage()?;
            }
            None => {
                tx.execute(sql!(
                    "DELETE FROM product_attribute_values WHERE tenant_id = $1 AND product_id = $2 \
                     AND attribute_code = $3 AND store_id = $4",
                    t,
                    id,
                    code,
                    scope.store_id
                ))
                .await
                .storage()?;
            }
        }
    }
    if let Some(websites) = &input.website_ids {
        set_websites(tx, tenant, id, websites).await?;
    }
    if let Some(links) = &input.category_links {
        tx.execute(sql!("DELETE FROM category_products WHERE tenant_id = $1 AND product_id = $2", t, id))
            .await
            .storage()?;
        for (category, position) in dedup_categories(links.clone()) {
            tx.execute(sql!(
                "INSERT INTO category_products (tenant_id, category_id, product_id, position) VALUES ($1, $2, $3, $4)",
                t,
                category,
                id,
                position
            ))
            .await
            .storage()?;
        }
    }
    if let Some(patch) = &input.stock {
        stock::save(tx, tenant, id, type_id, patch).await?;
    }
    if let Some(options) = &input.configurable_options
        && type_id == "configurable"
    {
        let supers = super_attributes(tx, tenant, options).await?;
        tx.execute(sql!("DELETE FROM product_super_attributes WHERE tenant_id = $1 AND product_id = $2", t, id))
            .await
            .storage()?;
        for (position, (attribute_id, label)) in supers.into_iter().enumerate() {
            tx.execute(sql!(
                "INSERT INTO product_super_attributes (tenant_id, product_id, attribute_id, position, label) \
                 VALUES ($1, $2, $3, $4, $5)",
                t,
                id,
                attribute_id,
                position as i64,
                label
            ))
            .await
            .storage()?;
        }
    }
    let price = input.price.or(current.price);
    let unused = write_related(tx, tenant, scope, &input, id, type_id, price).await?;
    Ok(Saved { id, created: false, unused_files: unused })
}

/// Configurable children, tier prices, product links and media: written on create and
/// on update alike, each only when present.
async fn write_related(
    tx: &mut Tx,
    tenant: TenantId,
    scope: &Scope<'_>,
    input: &ProductInput,
    id: i64,
    type_id: &str,
    price: Option<Decimal>,
) -> Result<Vec<String>, ApiError> {
    let t = tenant.0;
    if let Some(children) = &input.configurable_links
        && type_id == "configurable"
    {
        tx.execute(sql!("DELETE FROM product_relations WHERE tenant_id = $1 AND parent_id = $2", t, id))
            .await
            .storage()?;
        let mut seen = Vec::new();
        for child in children.iter().filter(|c| **c != id) {
            if seen.contains(child) {
                continue;
            }
            seen.push(*child);
            tx.execute(sql!(
                "INSERT INTO product_relations (tenant_id, parent_id, child_id) VALUES ($1, $2, $3)",
                t,
                id,
                *child
            ))
            .await
            .storage()?;
        }
    }
    if let Some(tiers) = &input.tier_prices {
        tier_prices::replace(tx, tenant, id, price, tiers).await?;
    }
    if let Some(l) = &input.links {
        links::replace_all(tx, tenant, id, l).await?;
    }
    let mut unused = Vec::new();
    if let Some(entries) = &input.media {
        unused = media::replace_all(tx, tenant, scope.media_dir, id, entries).await?;
    }
    Ok(unused)
}

fn micros(d: Decimal, field: &str) -> Result<i64, ApiError> {
    storegate_db::decimal_to_micros(d).map_err(|_| ApiError::invalid_value(field, d.to_string()))
}

/// Replaces a product's websites.
async fn set_websites(ex: &mut impl Exec, tenant: TenantId, product_id: i64, websites: &[i64]) -> Result<(), ApiError> {
    ex.execute(sql!("DELETE FROM product_websites WHERE tenant_id = $1 AND product_id = $2", tenant.0, product_id))
        .await
        .storage()?;
    let mut seen = Vec::new();
    for w in websites {
        if seen.contains(w) {
            continue;
        }
        seen.push(*w);
        ex.execute(sql!(
            "INSERT INTO product_websites (tenant_id, product_id, website_id) VALUES ($1, $2, $3)",
            tenant.0,
            product_id,
            *w
        ))
        .await
        .storage()?;
    }
    Ok(())
}

/// Assigns a product to a website (`POST /V1/products/{sku}/websites`).
pub async fn add_website(ex: &mut impl Exec, tenant: TenantId, sku: &str, website_id: i64) -> Result<(), ApiError> {
    let id = products::id_by_sku(ex, tenant, sku).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
    let found: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM websites WHERE tenant_id = $1 AND id = $2 AND id <> 0",
            tenant.0,
            website_id
        ))
        .await
        .storage()?;
    if found.is_none() {
        return Err(ApiError::positional(
            ErrorCode::ProductWebsiteNotSaved,
            [serde_json::Value::from(sku), website_id.into()],
        )
        .with_internal("no such website"));
    }
    ex.execute(sql!(
        "INSERT INTO product_websites (tenant_id, product_id, website_id) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, product_id, website_id) DO NOTHING",
        tenant.0,
        id,
        website_id
    ))
    .await
    .storage()?;
    touch(ex, tenant, id).await
}

/// Removes a product from a website (`DELETE /V1/products/{sku}/websites/{websiteId}`).
pub async fn remove_website(ex: &mut impl Exec, tenant: TenantId, sku: &str, website_id: i64) -> Result<(), ApiError> {
    let id = products::id_by_sku(ex, tenant, sku).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
    ex.execute(sql!(
        "DELETE FROM product_websites WHERE tenant_id = $1 AND product_id = $2 AND website_id = $3",
        tenant.0,
        id,
        website_id
    ))
    .await
    .storage()?;
    touch(ex, tenant, id).await
}

/// Marks a product as changed.
pub async fn touch(ex: &mut impl Exec, tenant: TenantId, product_id: i64) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE products SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        product_id,
        clock::now_text()
    ))
    .await
    .storage()
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(sku: &str) -> ProductInput {
        ProductInput { sku: sku.into(), name: Some("N".into()), ..Default::default() }
    }

    #[test]
    fn static_checks_follow_magento() {
        assert!(validate_static(&input(&"a".repeat(64)), true).is_ok());
        let e = validate_static(&input(&"a".repeat(65)), true).unwrap_err();
        assert_eq!(e.message(), "SKU length should be 64 characters maximum.");
        assert!(validate_static(&input(&"ü".repeat(64)), true).is_ok(), "characters, not bytes");
        let e = validate_static(&ProductInput { sku: "X".into(), ..Default::default() }, true).unwrap_err();
        assert_eq!(e.code, ErrorCode::RequiredField);
        assert!(validate_static(&ProductInput { sku: "X".into(), ..Default::default() }, false).is_ok());
        let bad = ProductInput {
            price: Some(Decimal::NEGATIVE_ONE),
            status: Some(3),
            visibility: Some(0),
            type_id: Some("kit".into()),
            ..input("X")
        };
        let e = validate_static(&bad, true).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputErrors);
        assert_eq!(e.errors.len(), 4);
    }

    #[test]
    fn lists_split_on_commas() {
        assert_eq!(split_list(&["5, 6".into(), "7".into(), "".into()]), ["5", "6", "7"]);
    }
}
