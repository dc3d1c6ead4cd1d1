//! EAV attribute definitions, their options (for select and multiselect inputs) and the
//! attribute sets that group them.

use super::PRODUCT_ENTITY;
use crate::{StorageResult, ids};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// How an attribute is declared.
#[derive(Debug, Clone, Copy)]
pub struct AttributeDef<'a> {
    pub code: &'a str,
    pub label: &'a str,
    /// Magento's `frontend_input`: text, textarea, select, multiselect, boolean, price,
    /// weight, date, media_image.
    pub input: &'a str,
    pub user_defined: bool,
    pub required: bool,
    pub filterable: bool,
}

impl<'a> AttributeDef<'a> {
    pub const fn user(code: &'a str, label: &'a str, input: &'a str) -> Self {
        AttributeDef { code, label, input, user_defined: true, required: false, filterable: false }
    }

    const fn system(code: &'a str, label: &'a str, input: &'a str) -> Self {
        AttributeDef { code, label, input, user_defined: false, required: false, filterable: false }
    }

    /// The storage type Magento derives from the input.
    pub fn backend_type(&self) -> &'static str {
        match self.input {
            "price" | "weight" => "decimal",
            "select" | "boolean" => "int",
            "textarea" => "text",
            "date" | "datetime" => "datetime",
            _ => "varchar",
        }
    }

    pub fn has_options(&self) -> bool {
        matches!(self.input, "select" | "multiselect")
    }
}

/// The product attributes a fresh Magento install has (the static ones included, since
/// clients read their definitions through the attribute endpoints).
pub const SYSTEM_PRODUCT_ATTRIBUTES: &[AttributeDef<'static>] = &[
    AttributeDef { required: true, ..AttributeDef::system("name", "Product Name", "text") },
    AttributeDef { required: true, ..AttributeDef::system("sku", "SKU", "text") },
    AttributeDef { required: true, ..AttributeDef::system("price", "Price", "price") },
    AttributeDef::system("status", "Enable Product", "boolean"),
    AttributeDef::system("visibility", "Visibility", "select"),
    AttributeDef::system("weight", "Weight", "weight"),
    AttributeDef::system("description", "Description", "textarea"),
    AttributeDef::system("short_description", "Short Description", "textarea"),
    AttributeDef::system("url_key", "URL Key", "text"),
    AttributeDef::system("meta_title", "Meta Title", "text"),
    AttributeDef::system("meta_keyword", "Meta Keywords", "textarea"),
    AttributeDef::system("meta_description", "Meta Description", "textarea"),
    AttributeDef::system("special_price", "Special Price", "price"),
    AttributeDef::system("special_from_date", "Special Price From Date", "date"),
    AttributeDef::system("special_to_date", "Special Price To Date", "date"),
    AttributeDef::system("cost", "Cost", "price"),
    AttributeDef::system("msrp", "Minimum Advertised Price", "price"),
    AttributeDef::system("tax_class_id", "Tax Class", "select"),
    AttributeDef::system("news_from_date", "Set Product as New from Date", "date"),
    AttributeDef::system("news_to_date", "Set Product as New to Date", "date"),
    AttributeDef::system("country_of_manufacture", "Country of Manufacture", "select"),
    AttributeDef::system("image", "Base", "media_image"),
    AttributeDef::system("small_image", "Small", "media_image"),
    AttributeDef::system("thumbnail", "Thumbnail", "media_image"),
    AttributeDef::system("has_options", "Has Options", "text"),
    AttributeDef::system("required_options", "Required Options", "text"),
    AttributeDef::system("gift_message_available", "Allow Gift Message", "boolean"),
    AttributeDef { filterable: true, ..AttributeDef::user("color", "Color", "select") },
    AttributeDef { filterable: true, ..AttributeDef::user("manufacturer", "Manufacturer", "select") },
];

/// The id of the product attribute `def.code`, created if missing.
pub async fn ensure(ex: &mut impl Exec, tenant: TenantId, def: &AttributeDef<'_>) -> Result<i64, ApiError> {
    if let Some(id) = id_by_code(ex, tenant, def.code).await? {
        return Ok(id);
    }
    let id = ids::next(ex, tenant, "attribute").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO attributes (tenant_id, id, entity_type, code, frontend_input, frontend_label, backend_type, \
         is_required, is_user_defined, is_filterable, is_visible_on_front) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        tenant.0,
        id,
        PRODUCT_ENTITY,
        def.code.to_owned(),
        def.input.to_owned(),
        def.label.to_owned(),
        def.backend_type(),
        def.required,
        def.user_defined,
        def.filterable,
        def.user_defined
    ))
    .await
    .storage()?;
    Ok(id)
}

pub async fn id_by_code(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Option<i64>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT id FROM attributes WHERE tenant_id = $1 AND entity_type = $2 AND code = $3",
        tenant.0,
        PRODUCT_ENTITY,
        code.to_owned()
    ))
    .await
    .storage()
}

/// The frontend input of a product attribute, if it exists.
pub async fn input_of(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Option<String>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT frontend_input FROM attributes WHERE tenant_id = $1 AND entity_type = $2 AND code = $3",
        tenant.0,
        PRODUCT_ENTITY,
        code.to_owned()
    ))
    .await
    .storage()
}

/// The option id for `label`, created (at the end of the list) if missing.
pub async fn ensure_option(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    label: &str,
) -> Result<i64, ApiError> {
    let existing = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM attribute_options WHERE tenant_id = $1 AND attribute_id = $2 AND label = $3",
            tenant.0,
            attribute_id,
            label.to_owned()
        ))
        .await
        .storage()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let sort_order: i64 = ex
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM attribute_options WHERE tenant_id = $1 AND attribute_id = $2",
            tenant.0,
            attribute_id
        ))
        .await
        .storage()?;
    let id = ids::next(ex, tenant, "attribute_option").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO attribute_options (tenant_id, id, attribute_id, sort_order, label) VALUES ($1, $2, $3, $4, $5)",
        tenant.0,
        id,
        attribute_id,
        sort_order,
        label.to_owned()
    ))
    .await
    .storage()?;
    Ok(id)
}

/// An option's label, for reading configurable options back.
pub async fn option_labels(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
) -> Result<Vec<(i64, String)>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, label FROM attribute_options WHERE tenant_id = $1 AND attribute_id = $2 ORDER BY sort_order, id",
            tenant.0,
            attribute_id
        ))
        .await
        .storage()?;
    rows.iter().map(|r| Ok((r.at(0)?, r.at(1)?))).collect::<Result<_, storegate_db::DbError>>().storage()
}

pub async fn assign_to_set(
    ex: &mut impl Exec,
    tenant: TenantId,
    set_id: i64,
    attribute_id: i64,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "INSERT INTO attribute_set_attributes (tenant_id, attribute_set_id, attribute_id) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, attribute_set_id, attribute_id) DO NOTHING",
        tenant.0,
        set_id,
        attribute_id
    ))
    .await
    .storage()
    .map(|_| ())
}

/// The id of the product attribute set `name`, created (from the default set's attributes)
/// if missing.
pub async fn ensure_product_set(ex: &mut impl Exec, tenant: TenantId, name: &str) -> Result<i64, ApiError> {
    let existing = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM attribute_sets WHERE tenant_id = $1 AND entity_type = $2 AND name = $3",
            tenant.0,
            PRODUCT_ENTITY,
            name.to_owned()
        ))
        .await
        .storage()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = ids::next(ex, tenant, "attribute_set").await.storage()?;
    ex.execute(sql!(
        "INSERT INTO attribute_sets (tenant_id, id, entity_type, name, sort_order) VALUES ($1, $2, $3, $4, 0)",
        tenant.0,
        id,
        PRODUCT_ENTITY,
        name.to_owned()
    ))
    .await
    .storage()?;
    ex.execute(sql!(
        "INSERT INTO attribute_set_attributes (tenant_id, attribute_set_id, attribute_id, group_name, sort_order) \
         SELECT tenant_id, $2, attribute_id, group_name, sort_order FROM attribute_set_attributes \
         WHERE tenant_id = $1 AND attribute_set_id = $3",
        tenant.0,
        id,
        super::DEFAULT_PRODUCT_SET
    ))
    .await
    .storage()?;
    Ok(id)
}

/// A product attribute as the attribute endpoints show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: i64,
    pub code: String,
    pub frontend_input: String,
    pub frontend_label: Option<String>,
    pub backend_type: String,
    pub is_required: bool,
    pub is_user_defined: bool,
    pub is_unique: bool,
    pub scope: String,
    pub is_searchable: bool,
    pub is_filterable: bool,
    pub is_comparable: bool,
    pub is_visible_on_front: bool,
    pub used_in_product_listing: bool,
    pub position: i64,
    pub default_value: Option<String>,
    /// For select and multiselect inputs: the options by sort order; for boolean inputs:
    /// Yes (1) and No (0).
    pub options: Vec<AttributeOption>,
}

impl Attribute {
    pub fn has_options(&self) -> bool {
        matches!(self.frontend_input.as_str(), "select" | "multiselect")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttributeOption {
    pub id: i64,
    pub label: String,
    pub sort_order: i64,
}

const ATTRIBUTE_COLUMNS: &str = "a.id, a.code, a.frontend_input, a.frontend_label, a.backend_type, a.is_required, \
     a.is_user_defined, a.is_unique, a.scope, a.is_searchable, a.is_filterable, a.is_comparable, a.is_visible_on_front, \
     a.used_in_product_listing, a.position, a.default_value";

fn attribute_from_row(r: &storegate_db::Row) -> Result<Attribute, storegate_db::DbError> {
    Ok(Attribute {
        id: r.at(0)?,
        code: r.at(1)?,
        frontend_input: r.at(2)?,
        frontend_label: r.at(3)?,
        backend_type: r.at(4)?,
        is_required: r.at(5)?,
        is_user_defined: r.at(6)?,
        is_unique: r.at(7)?,
        scope: r.at(8)?,
        is_searchable: r.at(9)?,
        is_filterable: r.at(10)?,
        is_comparable: r.at(11)?,
        is_visible_on_front: r.at(12)?,
        used_in_product_listing: r.at(13)?,
        position: r.at(14)?,
        default_value: r.at(15)?,
        options: Vec::new(),
    })
}

/// Fills in the options of select, multiselect and boolean attributes, in one query.
async fn load_options(ex: &mut impl Exec, tenant: TenantId, attrs: &mut [Attribute]) -> Result<(), ApiError> {
    for a in attrs.iter_mut().filter(|a| a.frontend_input == "boolean") {
        a.options = vec![
            AttributeOption { id: 1, label: "Yes".into(), sort_order: 0 },
            AttributeOption { id: 0, label: "No".into(), sort_order: 1 },
        ];
    }
    let ids: Vec<i64> = attrs.iter().filter(|a| a.has_options()).map(|a| a.id).collect();
    for chunk in ids.chunks(500) {
        let placeholders = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
        let mut q = sql!(
            format!(
                "SELECT attribute_id, id, label, sort_order FROM attribute_options WHERE tenant_id = $1 \
                 AND attribute_id IN ({placeholders}) ORDER BY attribute_id, sort_order, id"
            ),
            tenant.0
        );
        for id in chunk {
            q = q.bind(*id);
        }
        for r in ex.fetch_all(q).await.storage()? {
            let attribute_id: i64 = r.at(0).storage()?;
            let option =
                AttributeOption { id: r.at(1).storage()?, label: r.at(2).storage()?, sort_order: r.at(3).storage()? };
            if let Some(a) = attrs.iter_mut().find(|a| a.id == attribute_id) {
                a.options.push(option);
            }
        }
    }
    Ok(())
}

/// A product attribute with its options, by code.
pub async fn get_by_code(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Option<Attribute>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {ATTRIBUTE_COLUMNS} FROM attributes a WHERE a.tenant_id = $1 AND a.entity_type = $2 AND a.code = $3"),
            tenant.0,
            PRODUCT_ENTITY,
            code.to_owned()
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let mut attrs = vec![attribute_from_row(&row).storage()?];
    load_options(ex, tenant, &mut attrs).await?;
    Ok(attrs.pop())
}

/// Like [`get_by_code`], with Magento's not-found error.
pub async fn require(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Attribute, ApiError> {
    get_by_code(ex, tenant, code)
        .await?
        .ok_or_else(|| ApiError::positional(ErrorCode::AttributeNotFound, [code.to_owned()]))
}

/// Every product attribute's id, code and input (what a product save needs to interpret
/// custom attributes).
pub async fn inputs(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<(i64, String, String)>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, code, frontend_input FROM attributes WHERE tenant_id = $1 AND entity_type = $2",
            tenant.0,
            PRODUCT_ENTITY
        ))
        .await
        .storage()?;
    rows.iter().map(|r| Ok((r.at(0)?, r.at(1)?, r.at(2)?))).collect::<Result<_, storegate_db::DbError>>().storage()
}

/// The searchable fields of product attributes.
pub const SEARCH_FIELDS: crate::search::FieldMap = {
    use crate::search::{Field, FieldKind};
    crate::search::FieldMap {
        fields: &[
            Field { name: "attribute_id", sql: "a.id", kind: FieldKind::Int },
            Field { name: "attribute_code", sql: "a.code", kind: FieldKind::Text },
            Field { name: "frontend_input", sql: "a.frontend_input", kind: FieldKind::Text },
            Field { name: "frontend_label", sql: "a.frontend_label", kind: FieldKind::Text },
            Field { name: "default_frontend_label", sql: "a.frontend_label", kind: FieldKind::Text },
            Field { name: "backend_type", sql: "a.backend_type", kind: FieldKind::Text },
            Field { name: "is_required", sql: "a.is_required", kind: FieldKind::Bool },
            Field { name: "is_user_defined", sql: "a.is_user_defined", kind: FieldKind::Bool },
            Field { name: "is_unique", sql: "a.is_unique", kind: FieldKind::Bool },
            Field { name: "scope", sql: "a.scope", kind: FieldKind::Text },
            Field { name: "is_searchable", sql: "a.is_searchable", kind: FieldKind::Bool },
            Field { name: "is_filterable", sql: "a.is_filterable", kind: FieldKind::Bool },
            Field { name: "is_comparable", sql: "a.is_comparable", kind: FieldKind::Bool },
            Field { name: "is_visible_on_front", sql: "a.is_visible_on_front", kind: FieldKind::Bool },
            Field { name: "used_in_product_listing", sql: "a.used_in_product_listing", kind: FieldKind::Bool },
            Field { name: "position", sql: "a.position", kind: FieldKind::Int },
        ],
        eav: None,
        tiebreak: "a.id",
    }
};

/// One page of product attributes matching `criteria`, and the number of matches.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &crate::search::SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Attribute>, i64), ApiError> {
    let none = |_: &str| None;
    let c = crate::search::compile(criteria, &SEARCH_FIELDS, &none, 3, max_page_size, ex.backend())?;
    let total: i64 = ex
        .fetch_scalar(c.bind(sql!(
            format!(
                "SELECT COUNT(*) FROM attributes a WHERE a.tenant_id = $1 AND a.entity_type = $2 AND ({})",
                c.condition
            ),
            tenant.0,
            PRODUCT_ENTITY
        )))
        .await
        .storage()?;
    let rows = ex
        .fetch_all(c.bind_page(sql!(
            format!(
                "SELECT {ATTRIBUTE_COLUMNS} FROM attributes a WHERE a.tenant_id = $1 AND a.entity_type = $2 AND ({}) \
                 {}",
                c.condition,
                c.page_clause()
            ),
            tenant.0,
            PRODUCT_ENTITY
        )))
        .await
        .storage()?;
    let mut attrs = rows.iter().map(attribute_from_row).collect::<Result<Vec<_>, _>>().storage()?;
    load_options(ex, tenant, &mut attrs).await?;
    Ok((attrs, total))
}

/// The option of `attribute_id` whose label is `label`, ignoring case.
pub async fn option_by_label(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    label: &str,
) -> Result<Option<i64>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT id FROM attribute_options WHERE tenant_id = $1 AND attribute_id = $2 AND LOWER(label) = LOWER($3) \
         ORDER BY id LIMIT 1",
        tenant.0,
        attribute_id,
        label.trim().to_owned()
    ))
    .await
    .storage()
}

/// Whether `option_id` is an option of `attribute_id`.
pub async fn option_exists(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    option_id: i64,
) -> Result<bool, ApiError> {
    let found: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM attribute_options WHERE tenant_id = $1 AND attribute_id = $2 AND id = $3",
            tenant.0,
            attribute_id,
            option_id
        ))
        .await
        .storage()?;
    Ok(found.is_some())
}

/// The option id a custom attribute value stands for: an existing option id, else the
/// option with that label (ignoring case), else a new option with that label.
pub async fn resolve_option(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    raw: &str,
) -> Result<i64, ApiError> {
    let raw = raw.trim();
    if let Ok(id) = raw.parse::<i64>()
        && option_exists(ex, tenant, attribute_id, id).await?
    {
        return Ok(id);
    }
    if let Some(id) = option_by_label(ex, tenant, attribute_id, raw).await? {
        return Ok(id);
    }
    ensure_option(ex, tenant, attribute_id, raw).await
}

/// What a new or changed option carries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OptionInput {
    pub label: Option<String>,
    pub sort_order: Option<i64>,
    pub is_default: bool,
}

fn option_attribute(attribute: &Attribute) -> Result<(), ApiError> {
    if attribute.has_options() {
        Ok(())
    } else {
        Err(ApiError::positional(ErrorCode::AttributeWithoutOptions, [attribute.code.clone()]))
    }
}

async fn label_taken(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    label: &str,
    except: Option<i64>,
) -> Result<bool, ApiError> {
    Ok(option_by_label(ex, tenant, attribute_id, label).await?.is_some_and(|id| Some(id) != except))
}

/// Adds an option to a select or multiselect attribute; answers its id.
pub async fn add_option(
    ex: &mut impl Exec,
    tenant: TenantId,
    code: &str,
    input: &OptionInput,
) -> Result<i64, ApiError> {
    let attribute = require(ex, tenant, code).await?;
    option_attribute(&attribute)?;
    let label = input.label.as_deref().map(str::trim).unwrap_or_default();
    if label.is_empty() {
        return Err(ApiError::new(ErrorCode::AttributeOptionLabelEmpty));
    }
    if label_taken(ex, tenant, attribute.id, label, None).await? {
        return Err(ApiError::positional(ErrorCode::AttributeOptionExists, [label.to_owned()]));
    }
    let id = ensure_option(ex, tenant, attribute.id, label).await?;
    if let Some(sort_order) = input.sort_order {
        ex.execute(sql!(
            "UPDATE attribute_options SET sort_order = $3 WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id,
            sort_order
        ))
        .await
        .storage()?;
    }
    if input.is_default {
        set_default(ex, tenant, attribute.id, Some(id.to_string())).await?;
    }
    Ok(id)
}

async fn set_default(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_id: i64,
    value: Option<String>,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "UPDATE attributes SET default_value = $3 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        attribute_id,
        value
    ))
    .await
    .storage()
    .map(|_| ())
}

/// Changes an option's label or sort order.
pub async fn update_option(
    ex: &mut impl Exec,
    tenant: TenantId,
    code: &str,
    option_id: i64,
    input: &OptionInput,
) -> Result<(), ApiError> {
    let attribute = require(ex, tenant, code).await?;
    option_attribute(&attribute)?;
    let Some(current) = attribute.options.iter().find(|o| o.id == option_id) else {
        return Err(ApiError::positional(ErrorCode::AttributeOptionNotFound, [code.to_owned(), option_id.to_string()]));
    };
    let label = match input.label.as_deref().map(str::trim) {
        Some("") => return Err(ApiError::new(ErrorCode::AttributeOptionLabelEmpty)),
        Some(l) => l.to_owned(),
        None => current.label.clone(),
    };
    if label_taken(ex, tenant, attribute.id, &label, Some(option_id)).await? {
        return Err(ApiError::positional(ErrorCode::AttributeOptionExists, [label]));
    }
    ex.execute(sql!(
        "UPDATE attribute_options SET label = $3, sort_order = $4 WHERE tenant_id = $1 AND id = $2",
        tenant.0,
        option_id,
        label,
        input.sort_order.unwrap_or(current.sort_order)
    ))
    .await
    .storage()?;
    if input.is_default {
        set_default(ex, tenant, attribute.id, Some(option_id.to_string())).await?;
    }
    Ok(())
}

/// Deletes an option, and the select values that pointed at it.
pub async fn delete_option(ex: &mut impl Exec, tenant: TenantId, code: &str, option_id: i64) -> Result<(), ApiError> {
    let attribute = require(ex, tenant, code).await?;
    option_attribute(&attribute)?;
    if !attribute.options.iter().any(|o| o.id == option_id) {
        return Err(ApiError::positional(ErrorCode::AttributeOptionNotFound, [code.to_owned(), option_id.to_string()]));
    }
    ex.execute(sql!("DELETE FROM attribute_options WHERE tenant_id = $1 AND id = $2", tenant.0, option_id))
        .await
        .storage()?;
    ex.execute(sql!(
        "DELETE FROM product_attribute_values WHERE tenant_id = $1 AND attribute_code = $2 AND value = $3",
        tenant.0,
        code.to_owned(),
        option_id.to_string()
    ))
    .await
    .storage()?;
    if attribute.default_value.as_deref() == Some(option_id.to_string().as_str()) {
        set_default(ex, tenant, attribute.id, None).await?;
    }
    Ok(())
}

/// An attribute set (`eav_attribute_set`).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeSet {
    pub id: i64,
    pub name: String,
    pub sort_order: i64,
    /// Magento's entity type id: 4 for products.
    pub entity_type_id: i64,
}

/// Magento's entity type ids by code.
const ENTITY_TYPE_ID: &str = "(CASE s.entity_type WHEN 'customer' THEN 1 WHEN 'customer_address' THEN 2 \
     WHEN 'catalog_category' THEN 3 WHEN 'catalog_product' THEN 4 ELSE 0 END)";

pub const SET_SEARCH_FIELDS: crate::search::FieldMap = {
    use crate::search::{Field, FieldKind};
    crate::search::FieldMap {
        fields: &[
            Field { name: "attribute_set_id", sql: "s.id", kind: FieldKind::Int },
            Field { name: "attribute_set_name", sql: "s.name", kind: FieldKind::Text },
            Field { name: "sort_order", sql: "s.sort_order", kind: FieldKind::Int },
            Field { name: "entity_type_id", sql: ENTITY_TYPE_ID, kind: FieldKind::Int },
        ],
        eav: None,
        tiebreak: "s.id",
    }
};

fn set_from_row(r: &storegate_db::Row) -> Result<AttributeSet, storegate_db::DbError> {
    Ok(AttributeSet { id: r.at(0)?, name: r.at(1)?, sort_order: r.at(2)?, entity_type_id: r.at(3)? })
}

/// A product attribute set by id.
pub async fn get_set(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<AttributeSet>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!(
                "SELECT s.id, s.name, s.sort_order, {ENTITY_TYPE_ID} FROM attribute_sets s \
                 WHERE s.tenant_id = $1 AND s.entity_type = $2 AND s.id = $3"
            ),
            tenant.0,
            PRODUCT_ENTITY,
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(set_from_row).transpose().storage()
}

/// One page of the product attribute sets matching `criteria`, and the number of matches.
pub async fn search_sets(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &crate::search::SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<AttributeSet>, i64), ApiError> {
    let none = |_: &str| None;
    let c = crate::search::compile(criteria, &SET_SEARCH_FIELDS, &none, 3, max_page_size, ex.backend())?;
    let total: i64 = ex
        .fetch_scalar(c.bind(sql!(
            format!(
                "SELECT COUNT(*) FROM attribute_sets s WHERE s.tenant_id = $1 AND s.entity_type = $2 AND ({})",
                c.condition
            ),
            tenant.0,
            PRODUCT_ENTITY
        )))
        .await
        .storage()?;
    let rows = ex
        .fetch_all(c.bind_page(sql!(
            format!(
                "SELECT s.id, s.name, s.sort_order, {ENTITY_TYPE_ID} FROM attribute_sets s \
                 WHERE s.tenant_id = $1 AND s.entity_type = $2 AND ({}) {}",
                c.condition,
                c.page_clause()
            ),
            tenant.0,
            PRODUCT_ENTITY
        )))
        .await
        .storage()?;
    let sets = rows.iter().map(set_from_row).collect::<Result<Vec<_>, _>>().storage()?;
    Ok((sets, total))
}

/// The attributes of a product attribute set, in the set's order.
pub async fn set_attributes(ex: &mut impl Exec, tenant: TenantId, set_id: i64) -> Result<Vec<Attribute>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT {ATTRIBUTE_COLUMNS} FROM attribute_set_attributes m \
                 JOIN attributes a ON a.tenant_id = m.tenant_id AND a.id = m.attribute_id \
                 WHERE m.tenant_id = $1 AND m.attribute_set_id = $2 ORDER BY m.sort_order, a.id"
            ),
            tenant.0,
            set_id
        ))
        .await
        .storage()?;
    let mut attrs = rows.iter().map(attribute_from_row).collect::<Result<Vec<_>, _>>().storage()?;
    load_options(ex, tenant, &mut attrs).await?;
    Ok(attrs)
}
