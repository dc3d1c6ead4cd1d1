//! Products: the static columns in `products`, everything else as attribute rows, plus
//! website assignments, category links, the legacy stock item, configurable options, tier
//! prices, product links and media entries.
//!
//! Reads cost a fixed number of statements, not a few per product: a product (or a page of
//! them, by `IN` lists of ids) is read with its attribute values in one statement and
//! everything else hanging off it in a second (one `UNION ALL`). Saving lives in `save`.

use super::links::ProductLink;
use super::media::MediaEntry;
use super::stock::StockItem;
use super::tier_prices::TierPrice;
use crate::{StorageResult, clock, ids};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::OnceLock;
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
    /// Custom attribute code → value, by code.
    pub attributes: Vec<(String, String)>,
    pub website_ids: Vec<i64>,
    /// (category id, position), by category id.
    pub categories: Vec<(i64, i64)>,
    pub stock: Option<StockItem>,
    pub configurable_options: Vec<ConfigurableOption>,
    pub children: Vec<i64>,
    pub tier_prices: Vec<TierPrice>,
    pub links: Vec<ProductLink>,
    pub media: Vec<MediaEntry>,
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
    insert(tx, tenant, batch, IdAllocation::InTransaction).await
}

/// One product created through the API: as [`insert_batch`], its id taken in a statement
/// that commits at once (`ids::reserve_detached`), so that creates running side by side on
/// PostgreSQL (bulk workers, several nodes) do not queue on the counter row until each one
/// commits.
pub async fn insert_one(tx: &mut Tx, tenant: TenantId, product: NewProduct) -> Result<i64, ApiError> {
    Ok(insert(tx, tenant, vec![product], IdAllocation::Detached).await?[0])
}

async fn insert(
    tx: &mut Tx,
    tenant: TenantId,
    batch: Vec<NewProduct>,
    ids: IdAllocation,
) -> Result<Vec<i64>, ApiError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let skus: Vec<String> = batch.iter().map(|p| p.sku.clone()).collect();
    tx.execute(sql!("SAVEPOINT insert_products")).await.storage()?;
    match write_batch(tx, tenant, batch, ids).await {
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

/// How a batch of new products takes its ids: in the caller's transaction, or detached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdAllocation {
    InTransaction,
    Detached,
}

async fn write_batch(
    ex: &mut Tx,
    tenant: TenantId,
    batch: Vec<NewProduct>,
    allocation: IdAllocation,
) -> Result<Vec<i64>, BatchError> {
    let count = batch.len() as i64;
    let first = match allocation {
        IdAllocation::InTransaction => ids::reserve(ex, tenant, "product", count).await,
        IdAllocation::Detached => ids::reserve_detached(ex, tenant, "product", count).await,
    }
    .storage()?;
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

/// The static product columns, in the order [`product_from_row`] reads them (a macro, so
/// that the hot statements are literals built at compile time).
macro_rules! product_columns {
    () => {
        "p.id, p.sku, p.name, p.type_id, p.attribute_set_id, p.price, p.status, p.visibility, p.weight, \
         p.created_at, p.updated_at"
    };
}

/// Reads one product by SKU, with store view `store_id`'s values over the defaults.
///
/// Two statements: the product row joined with its attribute values, then everything else
/// hanging off it in one `UNION ALL` (see [`load_satellites`]). This is the hot path of the
/// API, so it stays at two round trips whatever the product carries.
pub async fn get_by_sku(
    ex: &mut impl Exec,
    tenant: TenantId,
    sku: &str,
    store_id: i64,
) -> Result<Option<Product>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            concat!(
                "SELECT ",
                product_columns!(),
                ", v.attribute_code, v.store_id, v.value FROM products p \
                 LEFT JOIN product_attribute_values v ON v.tenant_id = p.tenant_id AND v.product_id = p.id \
                 AND (v.store_id = 0 OR v.store_id = $3) \
                 WHERE p.tenant_id = $1 AND p.sku = $2 ORDER BY v.attribute_code, v.store_id"
            ),
            tenant.0,
            sku.to_owned(),
            store_id
        ))
        .await
        .storage()?;
    let mut products = products_with_values(&rows).storage()?;
    load_satellites(ex, tenant, &mut products).await?;
    Ok(products.pop())
}

/// Reads one product by id, with store view `store_id`'s values over the defaults.
pub async fn get_by_id(
    ex: &mut impl Exec,
    tenant: TenantId,
    id: i64,
    store_id: i64,
) -> Result<Option<Product>, ApiError> {
    let mut products = get_many(ex, tenant, &[id], store_id).await?;
    Ok(products.pop())
}

/// Reads products by id, in the order given (ids that do not exist are skipped), with a
/// fixed number of statements per chunk of ids rather than per product.
pub async fn get_many(
    ex: &mut impl Exec,
    tenant: TenantId,
    ids: &[i64],
    store_id: i64,
) -> Result<Vec<Product>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let (list, binds) = id_list(chunk, 3);
        let mut q = sql!(
            format!(
                "SELECT {}, v.attribute_code, v.store_id, v.value FROM products p \
                 LEFT JOIN product_attribute_values v ON v.tenant_id = p.tenant_id AND v.product_id = p.id \
                 AND (v.store_id = 0 OR v.store_id = $2) \
                 WHERE p.tenant_id = $1 AND p.id IN ({list}) ORDER BY p.id, v.attribute_code, v.store_id",
                product_columns!()
            ),
            tenant.0,
            store_id
        );
        for id in binds {
            q = q.bind(id);
        }
        let rows = ex.fetch_all(q).await.storage()?;
        let mut products = products_with_values(&rows).storage()?;
        load_satellites(ex, tenant, &mut products).await?;
        let mut by_id: HashMap<i64, Product> = products.into_iter().map(|p| (p.id, p)).collect();
        out.extend(chunk.iter().filter_map(|id| by_id.remove(id)));
    }
    Ok(out)
}

/// Ids per statement when reading many products.
const CHUNK: usize = 512;

/// `$first, $first+1, …` for `ids`, padded to a power of two by repeating the last id, so
/// that pages of any size share a few statement texts (and prepared statements).
fn id_list(ids: &[i64], first: usize) -> (String, Vec<i64>) {
    let padded = ids.len().max(1).next_power_of_two();
    let last = ids.last().copied().unwrap_or(0);
    let binds: Vec<i64> = ids.iter().copied().chain(std::iter::repeat_n(last, padded - ids.len())).collect();
    let list = (0..padded).map(|i| format!("${}", first + i)).collect::<Vec<_>>().join(", ");
    (list, binds)
}

/// Products from rows of product columns followed by (code, store id, value), grouped by
/// product in row order. Rows come default scope first, so a store view's value replaces
/// the default.
fn products_with_values(rows: &[Row]) -> Result<Vec<Product>, DbError> {
    let mut out: Vec<Product> = Vec::new();
    for r in rows {
        let id: i64 = r.at(0)?;
        if out.last().is_none_or(|p| p.id != id) {
            out.push(product_from_row(r)?);
        }
        let p = out.last_mut().expect("pushed above");
        let code: Option<String> = r.at(11)?;
        let value: Option<String> = r.at(13)?;
        let (Some(code), Some(value)) = (code, value) else { continue };
        match p.attributes.last_mut() {
            Some((last, v)) if *last == code => *v = value,
            _ => p.attributes.push((code, value)),
        }
    }
    Ok(out)
}

fn product_from_row(r: &Row) -> Result<Product, DbError> {
    Ok(Product {
        id: r.at(0)?,
        sku: r.at(1)?,
        name: r.at(2)?,
        type_id: r.at(3)?,
        attribute_set_id: r.at(4)?,
        price: r.at(5)?,
        status: r.at(6)?,
        visibility: r.at(7)?,
        weight: r.at(8)?,
        created_at: r.at(9)?,
        updated_at: r.at(10)?,
        attributes: Vec::new(),
        website_ids: Vec::new(),
        categories: Vec::new(),
        stock: None,
        configurable_options: Vec::new(),
        children: Vec::new(),
        tier_prices: Vec::new(),
        links: Vec::new(),
        media: Vec::new(),
    })
}

/// How many numeric and text columns the satellite query has.
const SAT_NUMBERS: usize = 10;
const SAT_TEXTS: usize = 4;

/// One branch of the satellite query: a kind letter, the product id expression, numeric
/// and text expressions (padded with typed NULLs: PostgreSQL resolves a `UNION`'s column
/// types pairwise, so an untyped NULL would become text), and the FROM/WHERE part.
fn branch(kind: char, pid: &str, numbers: &[&str], texts: &[&str], rest: &str) -> String {
    let mut cols = vec![format!("'{kind}'"), pid.to_owned()];
    cols.extend(
        (0..SAT_NUMBERS).map(|i| numbers.get(i).map_or("CAST(NULL AS BIGINT)".to_owned(), |e| (*e).to_owned())),
    );
    cols.extend((0..SAT_TEXTS).map(|i| texts.get(i).map_or("CAST(NULL AS TEXT)".to_owned(), |e| (*e).to_owned())));
    format!("SELECT {} {rest}", cols.join(", "))
}

fn flag(column: &str) -> String {
    format!("CASE WHEN {column} THEN 1 ELSE 0 END")
}

/// The satellite query for `list` (placeholders of product ids): websites, category links,
/// the stock item, tier prices, product links, media and, when `configurable`, children,
/// super attributes and the option values the children use.
fn satellite_sql(list: &str, configurable: bool) -> String {
    let (in_stock, manage, use_config, qty_decimal) =
        (flag("is_in_stock"), flag("manage_stock"), flag("use_config_manage_stock"), flag("is_qty_decimal"));
    let (all_groups, disabled) = (flag("all_groups"), flag("disabled"));
    let mut branches = vec![
        branch(
            'w',
            "product_id",
            &["website_id"],
            &[],
            &format!("FROM product_websites WHERE tenant_id = $1 AND product_id IN ({list})"),
        ),
        branch(
            'c',
            "product_id",
            &["category_id", "position"],
            &[],
            &format!("FROM category_products WHERE tenant_id = $1 AND product_id IN ({list})"),
        ),
        branch(
            's',
            "product_id",
            &[
                "qty",
                &in_stock,
                &manage,
                &use_config,
                &qty_decimal,
                "min_qty",
                "min_sale_qty",
                "max_sale_qty",
                "backorders",
                "notify_stock_qty",
            ],
            &["low_stock_date"],
            &format!("FROM stock_items WHERE tenant_id = $1 AND product_id IN ({list})"),
        ),
        branch(
            't',
            "product_id",
            &["id", &all_groups, "customer_group_id", "qty", "value", "percentage_value", "website_id"],
            &[],
            &format!("FROM product_tier_prices WHERE tenant_id = $1 AND product_id IN ({list})"),
        ),
        branch(
            'l',
            "l.product_id",
            &["l.linked_product_id", "l.position", "l.qty"],
            &["l.link_type", "lp.sku", "lp.type_id"],
            &format!(
                "FROM product_links l JOIN products lp ON lp.tenant_id = l.tenant_id AND lp.id = l.linked_product_id \
                 WHERE l.tenant_id = $1 AND l.product_id IN ({list})"
            ),
        ),
        branch(
            'm',
            "product_id",
            &["id", "position", &disabled],
            &["media_type", "file", "label", "types"],
            &format!("FROM product_media WHERE tenant_id = $1 AND product_id IN ({list})"),
        ),
    ];
    if configurable {
        branches.push(branch(
            'r',
            "parent_id",
            &["child_id"],
            &[],
            &format!("FROM product_relations WHERE tenant_id = $1 AND parent_id IN ({list})"),
        ));
        branches.push(branch(
            'a',
            "s.product_id",
            &["s.attribute_id", "s.position"],
            &["a.code", "COALESCE(s.label, a.frontend_label, a.code)"],
            &format!(
                "FROM product_super_attributes s JOIN attributes a ON a.tenant_id = s.tenant_id AND a.id = s.attribute_id \
                 WHERE s.tenant_id = $1 AND s.product_id IN ({list})"
            ),
        ));
    }
    branches.join(" UNION ALL ")
}

/// The satellite statement for `padded` ids (a power of two up to [`CHUNK`]), built once
/// per size and kind.
fn cached_satellite_sql(padded: usize, list: &str, configurable: bool) -> &'static str {
    const SIZES: usize = CHUNK.trailing_zeros() as usize + 1;
    static CACHE: [OnceLock<String>; 2 * SIZES] = [const { OnceLock::new() }; 2 * SIZES];
    let slot = 2 * (padded.trailing_zeros() as usize).min(SIZES - 1) + usize::from(configurable);
    CACHE[slot].get_or_init(|| satellite_sql(list, configurable))
}

/// Loads websites, category links, stock, tier prices, links, media and configurable
/// options for `products` with one statement per chunk of ids.
async fn load_satellites(ex: &mut impl Exec, tenant: TenantId, products: &mut [Product]) -> Result<(), ApiError> {
    if products.is_empty() {
        return Ok(());
    }
    let index: HashMap<i64, usize> = products.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let configurable_ids: Vec<i64> = products.iter().filter(|p| p.type_id == "configurable").map(|p| p.id).collect();
    for chunk in ids.chunks(CHUNK) {
        let configurable = chunk.iter().any(|id| configurable_ids.contains(id));
        let (list, binds) = id_list(chunk, 2);
        let mut q = sql!(cached_satellite_sql(binds.len(), &list, configurable), tenant.0);
        for id in binds {
            q = q.bind(id);
        }
        for r in ex.fetch_all(q).await.storage()? {
            let kind: String = r.at(0).storage()?;
            let pid: i64 = r.at(1).storage()?;
            let Some(&i) = index.get(&pid) else { continue };
            let n: Vec<Option<i64>> =
                (0..SAT_NUMBERS).map(|c| r.at::<Option<i64>>(2 + c)).collect::<Result<_, DbError>>().storage()?;
            let s: Vec<Option<String>> = (0..SAT_TEXTS)
                .map(|c| r.at::<Option<String>>(2 + SAT_NUMBERS + c))
                .collect::<Result<_, DbError>>()
                .storage()?;
            let p = &mut products[i];
            let num = |c: usize| n[c].unwrap_or(0);
            let text = |c: usize| s[c].clone().unwrap_or_default();
            match kind.as_str() {
                "w" => p.website_ids.push(num(0)),
                "c" => p.categories.push((num(0), num(1))),
                "s" => p.stock = Some(super::stock::from_numbers(&n, s[0].clone())),
                "t" => p.tier_prices.push(super::tier_prices::from_numbers(&n)),
                "l" => p.links.push(ProductLink {
                    link_type: text(0),
                    linked_product_id: num(0),
                    linked_product_sku: text(1),
                    linked_product_type: text(2),
                    position: num(1),
                    qty: n[2].map(storegate_db::micros_to_decimal),
                }),
                "m" => p.media.push(MediaEntry {
                    id: num(0),
                    media_type: text(0),
                    file: text(1),
                    label: s[2].clone(),
                    position: num(1),
                    disabled: num(2) != 0,
                    types: super::media::split_types(&text(3)),
                }),
                "r" if p.type_id == "configurable" => p.children.push(num(0)),
                "a" if p.type_id == "configurable" => p.configurable_options.push(ConfigurableOption {
                    attribute_id: num(0),
                    attribute_code: text(0),
                    label: text(1),
                    position: num(1),
                    values: Vec::new(),
                }),
                _ => {}
            }
        }
    }
    for p in products.iter_mut() {
        p.website_ids.sort_unstable();
        p.categories.sort_unstable();
        p.children.sort_unstable();
        p.tier_prices.sort_by_key(|t| t.id);
        p.media.sort_by_key(|m| (m.position, m.id));
        super::links::sort(&mut p.links);
        p.configurable_options.sort_by_key(|o| (o.position, o.attribute_id));
    }
    load_used_option_values(ex, tenant, products).await
}

/// Fills each configurable option with the option ids its children use. A statement of its
/// own, over the children's attribute values by primary key: folded into the satellite
/// query as a four-way join, SQLite planned it from the attribute-value index and scanned
/// every value in the catalog when given many products.
async fn load_used_option_values(
    ex: &mut impl Exec,
    tenant: TenantId,
    products: &mut [Product],
) -> Result<(), ApiError> {
    let mut children: Vec<i64> = products
        .iter()
        .filter(|p| !p.configurable_options.is_empty())
        .flat_map(|p| p.children.iter().copied())
        .collect();
    if children.is_empty() {
        return Ok(());
    }
    children.sort_unstable();
    children.dedup();
    let mut values: HashMap<(i64, String), i64> = HashMap::new();
    for chunk in children.chunks(CHUNK) {
        let (list, binds) = id_list(chunk, 2);
        let mut q = sql!(
            format!(
                "SELECT product_id, attribute_code, value FROM product_attribute_values \
                 WHERE tenant_id = $1 AND product_id IN ({list}) AND store_id = 0"
            ),
            tenant.0
        );
        for id in binds {
            q = q.bind(id);
        }
        for r in ex.fetch_all(q).await.storage()? {
            let value: Option<String> = r.at(2).storage()?;
            if let Some(v) = value.and_then(|v| v.trim().parse::<i64>().ok()) {
                values.insert((r.at(0).storage()?, r.at(1).storage()?), v);
            }
        }
    }
    for p in products.iter_mut() {
        for o in &mut p.configurable_options {
            let mut used: Vec<i64> = p
                .children
                .iter()
                .filter_map(|child| values.get(&(*child, o.attribute_code.clone())).copied())
                .collect();
            used.sort_unstable();
            used.dedup();
            o.values = used;
        }
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

/// One page of a product search, and the number of matches ignoring paging. A page costs a
/// fixed number of statements (count, page, values, satellites), not a few per product.
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
        .fetch_column(compiled.bind_page(sql!(
            format!(
                "SELECT p.id FROM products p WHERE p.tenant_id = $1 AND ({}) {}",
                compiled.condition,
                compiled.page_clause()
            ),
            tenant.0
        )))
        .await
        .storage()?;
    let items = get_many(ex, tenant, &ids, store_id).await?;
    Ok((items, total))
}
