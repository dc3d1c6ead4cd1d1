//! EAV attribute definitions, their options (for select and multiselect inputs) and the
//! attribute sets that group them.

use super::PRODUCT_ENTITY;
use crate::{StorageResult, ids};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

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
