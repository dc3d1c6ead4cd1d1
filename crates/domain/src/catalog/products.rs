//! Products: the static columns in `products`, everything else as attribute rows, plus
//! website assignments, category links, the legacy stock item and configurable options.

use crate::{StorageResult, clock, ids};
use rust_decimal::Decimal;
use std::collections::HashMap;
use storegate_db::{DbError, Exec, Row, Tx, Value, insert_rows, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// The product types Magento ships.
pub const TYPES: &[(&str, &str)] = &[
    ("simple", "Simple Product"),
    ("virtual", "Virtual Product"),
    ("configurable", "Configurable Product"),
    ("downloadable", "Downloadable Product"),
    ("bundle", "Bundle Product"),
    ("grouped", "Grouped Product"),
];

pub const STATUS_ENABLED: i64 = 1;
pub const VISIBILITY_BOTH: i64 = 4;
pub const VISIBILITY_NOT_VISIBLE: i64 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    pub qty: Decimal,
    pub is_in_stock: bool,
    pub manage_stock: bool,
}

/// A product to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub sku: String,
    pub type_id: String,
    pub attribute_set_id: i64,
    pub name: String,
    pub price: Option<Decimal>,
    pub status: i64,
    pub visibility: i64,
    pub weight: Option<Decimal>,
    /// Custom attribute code → stored value (option ids for select attributes).
    pub attributes: Vec<(String, String)>,
    pub website_ids: Vec<i64>,
    /// (category id, position).
    pub categories: Vec<(i64, i64)>,
    pub stock: Option<Stock>,
    /// For configurable products: (attribute id, label) in position order.
    pub super_attributes: Vec<(i64, String)>,
    /// For configurable products: child SKUs, created earlier or in the same batch.
    pub children: Vec<String>,
}

impl NewProduct {
    pub fn simple(sku: impl Into<String>, name: impl Into<String>, price: Decimal) -> NewProduct {
        NewProduct {
            sku: sku.into(),
            type_id: "simple".into(),
            attribute_set_id: super::DEFAULT_PRODUCT_SET,
            name: name.into(),
            price: Some(price),
            status: STATUS_ENABLED,
            visibility: VISIBILITY_BOTH,
            weight: None,
            attributes: Vec::new(),
            website_ids: vec![1],
            categories: Vec::new(),
            stock: None,
            super_attributes: Vec::new(),
            children: Vec::new(),
        }
    }
}

/// A product as read back, in the default scope overlaid with one store view's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub type_id: String,
    pub attribute_set_id: i64,
    pub price: Option<Decimal>,
    pub status: i64,
    pub visibility: i64,
    pub weight: Option<Decimal>,
    pub created_at: String,
    pub updated_at: String,
    pub attributes: Vec<(String, String)>,
    pub website_ids: Vec<i64>,
    pub categories: Vec<(i64, i64)>,
    pub stock: Option<Stock>,
    pub configurable_options: Vec<ConfigurableOption>,
    pub children: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurableOption {
    pub attribute_id: i64,
    pub attribute_code: String,
    pub label: String,
    pub position: i64,
    /// Option ids the children actually use.
    pub values: Vec<i64>,
}

/// A table, its columns and the rows to insert into it.
type TableRows = (&'static str, &'static [&'static str], Vec<Vec<Value>>);

/// Inserts a batch of products in the caller's transaction with one multi-row statement per
/// table. SKUs must be new; configurable children must exist or come earlier in `batch`.
///
/// Existing SKUs are not looked up beforehand: the unique index finds them during the
/// insert, inside a savepoint, and only then is the offending SKU looked up to name it. A
/// pre-check with `sku IN (…)` cost more than the inserts on PostgreSQL, whose planner
/// scans rather than probes a table that grew from empty during the load.
pub async fn insert_batch(tx: &mut Tx, tenant: TenantId, batch: Vec<NewProduct>) -> Result<Vec<i64>, ApiError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let skus: Vec<String> = batch.iter().map(|p| p.sku.clone()).collect();
    tx.execute(sql!("SAVEPOINT insert_products")).await.storage()?;
    match write_batch(tx, tenant, batch).await {
        Ok(ids) => {
            tx.execute(sql!("RELEASE SAVEPOINT insert_products")).await.storage()?;
            Ok(ids)
        }
        Err(BatchError::Api(e)) => Err(e),
        Err(BatchError::Duplicate(detail)) => {
            tx.execute(sql!("ROLLBACK TO SAVEPOINT insert_products")).await.storage()?;
            let taken = first_existing_sku(tx, tenant, &skus).await?.unwrap_or_default();
            Err(ApiError::positional(ErrorCode::AlreadyExists, [format!("A product with SKU \"{taken}\"")])
                .with_internal(detail))
        }
    }
}

enum BatchError {
    Api(ApiError),
    /// A unique index refused a row: the SKU exists already.
    Duplicate(String),
}

impl From<ApiError> for BatchError {
    fn from(e: ApiError) -> Self {
        BatchError::Api(e)
    }
}

async fn write_batch(ex: &mut Tx, tenant: TenantId, batch: Vec<NewProduct>) -> Result<Vec<i64>, BatchError> {
    let first = ids::reserve(ex, tenant, "product", batch.len() as i64).await.storage()?;
    let mut ids_by_sku: HashMap<String, i64> = HashMap::with_capacity(batch.len());
    let now = clock::now_text();
    let t = tenant.0;
    let mut products = Vec::with_capacity(batch.len());
    let mut values = Vec::new();
    let mut websites = Vec::new();
    let mut categories = Vec::new();
    let mut stock = Vec::new();
    let mut supers = Vec::new();
    let mut relations = Vec::new();
    let mut unresolved: Vec<(i64, String)> = Vec::new();
    for (i, p) in batch.into_iter().enumerate() {
        let id = first + i as i64;
        if ids_by_sku.insert(p.sku.clone(), id).is_some() {
            return Err(
                ApiError::positional(ErrorCode::AlreadyExists, [format!("A product with SKU \"{}\"", p.sku)]).into()
            );
        }
        products.push(vec![
            t.into(),
            id.into(),
            p.sku.into(),
            p.type_id.into(),
            p.attribute_set_id.into(),
            p.name.into(),
            p.price.map(micros).transpose()?.into(),
            p.status.into(),
            p.visibility.into(),
            p.weight.map(micros).transpose()?.into(),
            now.clone().into(),
            now.clone().into(),
        ]);
        for (code, value) in p.attributes {
            values.push(vec![t.into(), id.into(), code.into(), 0.into(), value.into()]);
        }
        for w in p.website_ids {
            websites.push(vec![t.into(), id.into(), w.into()]);
        }
        for (c, pos) in p.categories {
            categories.push(vec![t.into(), c.into(), id.into(), pos.into()]);
        }
        if let Some(s) = p.stock {
            stock.push(vec![
                t.into(),
                id.into(),
                micros(s.qty)?.into(),
                s.is_in_stock.into(),
                s.manage_stock.into(),
                now.clone().into(),
            ]);
        }
        for (position, (attribute_id, label)) in p.super_attributes.into_iter().enumerate() {
            supers.push(vec![t.into(), id.into(), attribute_id.into(), (position as i64).into(), label.into()]);
        }
        for child in p.children {
            match ids_by_sku.get(&child) {
                Some(c) => relations.push(vec![t.into(), id.into(), (*c).into()]),
                None => unresolved.push((id, child)),
            }
        }
    }
    for (parent, child) in unresolved {
        let child_id = id_by_sku(ex, tenant, &child).await?.ok_or_else(|| {
            ApiError::invalid_value("configurable_product_links", child.clone())
                .with_internal("child SKU does not exist")
        })?;
        relations.push(vec![t.into(), parent.into(), child_id.into()]);
    }
    let ids: Vec<i64> = (first..first + products.len() as i64).collect();
    let tables: [TableRows; 7] = [
        (
            "products",
            &[
                "tenant_id",
                "id",
                "sku",
                "type_id",
                "attribute_set_id",
                "name",
                "price",
                "status",
                "visibility",
                "weight",
                "created_at",
                "updated_at",
            ],
            products,
        ),
        ("product_attribute_values", &["tenant_id", "product_id", "attribute_code", "store_id", "value"], values),
        ("product_websites", &["tenant_id", "product_id", "website_id"], websites),
        ("category_products", &["tenant_id", "category_id", "product_id", "position"], categories),
        ("stock_items", &["tenant_id", "product_id", "qty", "is_in_stock", "manage_stock", "updated_at"], stock),
        ("product_super_attributes", &["tenant_id", "product_id", "attribute_id", "position", "label"], supers),
        ("product_relations", &["tenant_id", "parent_id", "child_id"], relations),
    ];
    for (table, columns, rows) in tables {
        insert_rows(ex, table, columns, rows).await.map_err(|e| match e {
            DbError::UniqueViolation(m) if table == "products" => BatchError::Duplicate(m),
            DbError::ForeignKeyViolation(m) => {
                BatchError::Api(ApiError::invalid_value(table, "reference").with_internal(m))
            }
            other => BatchError::Api(crate::storage(other)),
        })?;
    }
    Ok(ids)
}

fn micros(d: Decimal) -> Result<i64, ApiError> {
    storegate_db::decimal_to_micros(d).map_err(|_| ApiError::invalid_value("price", d.to_string()))
}

/// The first of `skus` already in the catalog (the error path of [`insert_batch`]).
async fn first_existing_sku(ex: &mut impl Exec, tenant: TenantId, skus: &[String]) -> Result<Option<String>, ApiError> {
    for sku in skus {
        if id_by_sku(ex, tenant, sku).await?.is_some() {
            return Ok(Some(sku.clone()));
        }
    }
    Ok(None)
}

pub async fn id_by_sku(ex: &mut impl Exec, tenant: TenantId, sku: &str) -> Result<Option<i64>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT id FROM products WHERE tenant_id = $1 AND sku = $2",
        tenant.0,
        sku.to_owned()
    ))
    .await
    .storage()
}

pub async fn count(ex: &mut impl Exec, tenant: TenantId) -> Result<i64, ApiError> {
    ex.fetch_scalar(sql!("SELECT COUNT(*) FROM products WHERE tenant_id = $1", tenant.0)).await.storage()
}

pub async fn count_by_type(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<(String, i64)>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT type_id, COUNT(*) FROM products WHERE tenant_id = $1 GROUP BY type_id ORDER BY type_id",
            tenant.0
        ))
        .await
        .storage()?;
    rows.iter().map(|r| Ok((r.at(0)?, r.at(1)?))).collect::<Result<_, DbError>>().storage()
}

/// Reads one product by SKU, with store view `store_id`'s values over the defaults.
pub async fn get_by_sku(
    ex: &mut impl Exec,
    tenant: TenantId,
    sku: &str,
    store_id: i64,
) -> Result<Option<Product>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, sku, name, type_id, attribute_set_id, price, status, visibility, weight, created_at, updated_at \
             FROM products WHERE tenant_id = $1 AND sku = $2",
            tenant.0,
            sku.to_owned()
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let mut product = product_from_row(&row).storage()?;
    load_details(ex, tenant, &mut product, store_id).await?;
    Ok(Some(product))
}

fn product_from_row(r: &Row) -> Result<Product, DbError> {
    Ok(Product {
        id: r.get("id")?,
        sku: r.get("sku")?,
        name: r.get("name")?,
        type_id: r.get("type_id")?,
        attribute_set_id: r.get("attribute_set_id")?,
        price: r.get("price")?,
        status: r.get("status")?,
        visibility: r.get("visibility")?,
        weight: r.get("weight")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        attributes: Vec::new(),
        website_ids: Vec::new(),
        categories: Vec::new(),
        stock: None,
        configurable_options: Vec::new(),
        children: Vec::new(),
    })
}

async fn load_details(ex: &mut impl Exec, tenant: TenantId, p: &mut Product, store_id: i64) -> Result<(), ApiError> {
    let t = tenant.0;
    let attrs = ex
        .fetch_all(sql!(
            "SELECT attribute_code, store_id, value FROM product_attribute_values \
             WHERE tenant_id = $1 AND product_id = $2 AND (store_id = 0 OR store_id = $3) ORDER BY attribute_code, store_id",
            t,
            p.id,
            store_id
        ))
        .await
        .storage()?;
    for r in attrs {
        let code: String = r.at(0).storage()?;
        let value: Option<String> = r.at(2).storage()?;
        let Some(value) = value else { continue };
        // Rows come default scope first, so a store view's value replaces the default.
        match p.attributes.last_mut() {
            Some((last, v)) if *last == code => *v = value,
            _ => p.attributes.push((code, value)),
        }
    }
    p.website_ids = ex
        .fetch_column(sql!(
            "SELECT website_id FROM product_websites WHERE tenant_id = $1 AND product_id = $2 ORDER BY website_id",
            t,
            p.id
        ))
        .await
        .storage()?;
    p.categories = ex
        .fetch_all(sql!(
            "SELECT category_id, position FROM category_products WHERE tenant_id = $1 AND product_id = $2 ORDER BY category_id",
            t,
            p.id
        ))
        .await
        .storage()?
        .iter()
        .map(|r| Ok((r.at(0)?, r.at(1)?)))
        .collect::<Result<_, DbError>>()
        .storage()?;
    p.stock = ex
        .fetch_optional(sql!(
            "SELECT qty, is_in_stock, manage_stock FROM stock_items WHERE tenant_id = $1 AND product_id = $2",
            t,
            p.id
        ))
        .await
        .storage()?
        .map(|r| Ok(Stock { qty: r.at(0)?, is_in_stock: r.at(1)?, manage_stock: r.at(2)? }))
        .transpose()
        .storage()?;
    if p.type_id == "configurable" {
        load_configurable(ex, tenant, p).await?;
    }
    Ok(())
}

async fn load_configurable(ex: &mut impl Exec, tenant: TenantId, p: &mut Product) -> Result<(), ApiError> {
    let t = tenant.0;
    p.children = ex
        .fetch_column(sql!(
            "SELECT child_id FROM product_relations WHERE tenant_id = $1 AND parent_id = $2 ORDER BY child_id",
            t,
            p.id
        ))
        .await
        .storage()?;
    let supers = ex
        .fetch_all(sql!(
            "SELECT s.attribute_id, a.code, COALESCE(s.label, a.frontend_label, a.code), s.position \
             FROM product_super_attributes s JOIN attributes a ON a.tenant_id = s.tenant_id AND a.id = s.attribute_id \
             WHERE s.tenant_id = $1 AND s.product_id = $2 ORDER BY s.position",
            t,
            p.id
        ))
        .await
        .storage()?;
    for r in supers {
        let attribute_code: String = r.at(1).storage()?;
        let used = ex
            .fetch_all(sql!(
                "SELECT DISTINCT v.value FROM product_relations rel JOIN product_attribute_values v \
                 ON v.tenant_id = rel.tenant_id AND v.product_id = rel.child_id AND v.attribute_code = $3 AND v.store_id = 0 \
                 WHERE rel.tenant_id = $1 AND rel.parent_id = $2",
                t,
                p.id,
                attribute_code.clone()
            ))
            .await
            .storage()?;
        let mut values: Vec<i64> = used
            .iter()
            .filter_map(|u| u.at::<Option<String>>(0).ok().flatten())
            .filter_map(|v| v.parse().ok())
            .collect();
        values.sort_unstable();
        p.configurable_options.push(ConfigurableOption {
            attribute_id: r.at(0).storage()?,
            attribute_code,
            label: r.at(2).storage()?,
            position: r.at(3).storage()?,
            values,
        });
    }
    Ok(())
}

/// Deletes a product and everything hanging off it; `false` when there was none.
pub async fn delete_by_sku(ex: &mut impl Exec, tenant: TenantId, sku: &str) -> Result<bool, ApiError> {
    let deleted = ex
        .execute(sql!("DELETE FROM products WHERE tenant_id = $1 AND sku = $2", tenant.0, sku.to_owned()))
        .await
        .storage()?;
    Ok(deleted > 0)
}

/// The fields product searches may filter and sort by, besides custom attributes.
pub const SEARCH_FIELDS: crate::search::FieldMap = crate::search::FieldMap {
    fields: &[
        crate::search::Field { name: "entity_id", sql: "p.id", kind: crate::search::FieldKind::Int },
        crate::search::Field { name: "id", sql: "p.id", kind: crate::search::FieldKind::Int },
        crate::search::Field { name: "sku", sql: "p.sku", kind: crate::search::FieldKind::Text },
        crate::search::Field { name: "name", sql: "p.name", kind: crate::search::FieldKind::Text },
        crate::search::Field { name: "type_id", sql: "p.type_id", kind: crate::search::FieldKind::Text },
        crate::search::Field {
            name: "attribute_set_id",
            sql: "p.attribute_set_id",
            kind: crate::search::FieldKind::Int,
        },
        crate::search::Field { name: "price", sql: "p.price", kind: crate::search::FieldKind::Decimal },
        crate::search::Field { name: "status", sql: "p.status", kind: crate::search::FieldKind::Int },
        crate::search::Field { name: "visibility", sql: "p.visibility", kind: crate::search::FieldKind::Int },
        crate::search::Field { name: "weight", sql: "p.weight", kind: crate::search::FieldKind::Decimal },
        crate::search::Field { name: "created_at", sql: "p.created_at", kind: crate::search::FieldKind::DateTime },
        crate::search::Field { name: "updated_at", sql: "p.updated_at", kind: crate::search::FieldKind::DateTime },
        crate::search::Field {
            name: "category_id",
            sql: "(SELECT MIN(cp.category_id) FROM category_products cp WHERE cp.tenant_id = p.tenant_id AND cp.product_id = p.id)",
            kind: crate::search::FieldKind::Int,
        },
    ],
    eav: Some(crate::search::Eav {
        table: "product_attribute_values",
        entity_column: "product_id",
        entity_id: "p.id",
        tenant: "p.tenant_id",
    }),
    tiebreak: "p.id",
};

/// The kinds of the tenant's product attributes, for searching by custom attribute.
pub async fn attribute_kinds(
    ex: &mut impl Exec,
    tenant: TenantId,
) -> Result<HashMap<String, crate::search::FieldKind>, ApiError> {
    use crate::search::FieldKind;
    let rows = ex
        .fetch_all(sql!(
            "SELECT code, backend_type FROM attributes WHERE tenant_id = $1 AND entity_type = $2",
            tenant.0,
            super::PRODUCT_ENTITY
        ))
        .await
        .storage()?;
    let mut kinds = HashMap::with_capacity(rows.len());
    for r in rows {
        let code: String = r.at(0).storage()?;
        let backend: String = r.at(1).storage()?;
        let kind = match backend.as_str() {
            "int" => FieldKind::Int,
            "decimal" => FieldKind::Decimal,
            "datetime" => FieldKind::DateTime,
            _ => FieldKind::Text,
        };
        kinds.insert(code, kind);
    }
    Ok(kinds)
}

/// One page of a product search, and the number of matches ignoring paging.
pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &crate::search::SearchCriteria,
    max_page_size: i64,
    store_id: i64,
) -> Result<(Vec<Product>, i64), ApiError> {
    let kinds = attribute_kinds(ex, tenant).await?;
    let lookup = |code: &str| kinds.get(code).copied();
    let compiled = crate::search::compile(criteria, &SEARCH_FIELDS, &lookup, 2, max_page_size, ex.backend())?;
    let total: i64 = ex
        .fetch_scalar(compiled.bind(sql!(
            format!("SELECT COUNT(*) FROM products p WHERE p.tenant_id = $1 AND ({})", compiled.condition),
            tenant.0
        )))
        .await
        .storage()?;
    let ids: Vec<i64> = ex
        .fetch_column(compiled.bind(sql!(
            format!(
                "SELECT p.id FROM products p WHERE p.tenant_id = $1 AND ({}) ORDER BY {} LIMIT {} OFFSET {}",
                compiled.condition, compiled.order_by, compiled.limit, compiled.offset
            ),
            tenant.0
        )))
        .await
        .storage()?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = get_by_id(ex, tenant, id, store_id).await? {
            items.push(p);
        }
    }
    Ok((items, total))
}

/// Reads one product by id, with store view `store_id`'s values over the defaults.
pub async fn get_by_id(
    ex: &mut impl Exec,
    tenant: TenantId,
    id: i64,
    store_id: i64,
) -> Result<Option<Product>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, sku, name, type_id, attribute_set_id, price, status, visibility, weight, created_at, updated_at \
             FROM products WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    let Some(row) = row else { return Ok(None) };
    let mut product = product_from_row(&row).storage()?;
    load_details(ex, tenant, &mut product, store_id).await?;
    Ok(Some(product))
}
