//! Multi-source inventory (Magento MSI): sources, stocks, stock–source links, source items,
//! reservations, salable quantity and source selection.
//!
//! One source of truth per quantity: the `default` source's items *are* the legacy
//! `stock_items` rows (qty, is_in_stock) of products whose type counts quantity, so the
//! legacy stock routes, product saves, the import and the demo generator can never disagree
//! with MSI. Every other source's items live in `inventory_source_items`. Reads see both
//! through [`SOURCE_ITEMS`].
//!
//! Salable quantity follows Magento: the sum of the quantities of in-stock items of the
//! stock's enabled sources, minus the product's `min_qty`, plus the reservations of that
//! stock (negative for orders, positive for compensations); 0 when no item is in stock.

pub mod links;
pub mod selection;
pub mod source_items;
pub mod sources;
pub mod stocks;

use crate::catalog::stock::{self as legacy, StockPatch, counts_qty};
use crate::{StorageResult, ids};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use storegate_db::{Backend, Exec, Tx, decimal_to_micros, micros_to_decimal, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

pub const DEFAULT_SOURCE: &str = "default";
pub const DEFAULT_STOCK: i64 = 1;

/// Every source item of every source, as one relation with the columns `tenant_id`,
/// `source_code`, `sku`, `quantity` (micros) and `status` (1 in stock, 0 out). The default
/// source's items come from the legacy stock items of quantity-counting products.
pub const SOURCE_ITEMS: &str = "(SELECT p.tenant_id AS tenant_id, 'default' AS source_code, p.sku AS sku, \
     s.qty AS quantity, CASE WHEN s.is_in_stock THEN 1 ELSE 0 END AS status \
     FROM stock_items s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id \
     WHERE p.type_id IN ('simple', 'virtual', 'downloadable', 'giftcard') \
     UNION ALL SELECT tenant_id, source_code, sku, quantity, status FROM inventory_source_items)";

/// What a reservation is about (Magento's metadata: event type, object type/id/increment id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationObject {
    pub event_type: String,
    pub object_type: String,
    pub object_id: String,
    pub object_increment_id: String,
}

impl ReservationObject {
    /// The metadata JSON as Magento writes it, keys in Magento's order.
    pub fn metadata(&self) -> String {
        let s = |v: &str| serde_json::to_string(v).unwrap_or_else(|_| "\"\"".to_owned());
        format!(
            "{{\"event_type\":{},\"object_type\":{},\"object_id\":{},\"object_increment_id\":{}}}",
            s(&self.event_type),
            s(&self.object_type),
            s(&self.object_id),
            s(&self.object_increment_id)
        )
    }
}

/// One SKU and quantity of an order, shipment or credit memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub sku: String,
    pub qty: Decimal,
}

/// Creates Magento's defaults for a new tenant: source `default` ("Default Source"), stock 1
/// ("Default Stock") linked to it with priority 1 and serving the `base` website.
pub async fn seed_defaults(tx: &mut Tx, tenant: TenantId) -> Result<(), ApiError> {
    let t = tenant.0;
    let statements = [
        sql!(
            "INSERT INTO inventory_sources (tenant_id, source_code, name, enabled) VALUES ($1, 'default', 'Default Source', $2)",
            t,
            true
        ),
        sql!("INSERT INTO inventory_stocks (tenant_id, id, name) VALUES ($1, 1, 'Default Stock')", t),
        sql!(
            "INSERT INTO inventory_source_stock_links (tenant_id, stock_id, source_code, priority) VALUES ($1, 1, 'default', 1)",
            t
        ),
        sql!(
            "INSERT INTO inventory_stock_sales_channels (tenant_id, type, code, stock_id) \
             SELECT tenant_id, 'website', code, 1 FROM websites WHERE tenant_id = $1 AND code = 'base'",
            t
        ),
    ];
    for q in statements {
        tx.execute(q).await.storage()?;
    }
    ids::ensure_above(tx, tenant, stocks::ID_ENTITY, DEFAULT_STOCK).await.storage()?;
    Ok(())
}

/// The stock serving a website (by its sales channel; the default stock otherwise).
pub async fn stock_for_website(ex: &mut impl Exec, tenant: TenantId, website_id: i64) -> Result<i64, ApiError> {
    let stock: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT c.stock_id FROM inventory_stock_sales_channels c \
             JOIN websites w ON w.tenant_id = c.tenant_id AND w.code = c.code \
             WHERE c.tenant_id = $1 AND c.type = 'website' AND w.id = $2",
            tenant.0,
            website_id
        ))
        .await
        .storage()?;
    Ok(stock.unwrap_or(DEFAULT_STOCK))
}

/// How a product's stock is configured (from its legacy stock item; Magento's defaults when
/// it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct StockConfig {
    pub product_id: i64,
    pub type_id: String,
    pub manage_stock: bool,
    pub backorders: i64,
    pub min_qty: Decimal,
}

impl StockConfig {
    /// Whether orders skip the quantity check (stock not managed, or backorders allowed).
    pub fn unchecked(&self) -> bool {
        !self.manage_stock || self.backorders > 0
    }
}

/// The stock configuration of a SKU, `None` when there is no such product.
pub async fn stock_config(ex: &mut impl Exec, tenant: TenantId, sku: &str) -> Result<Option<StockConfig>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT p.id, p.type_id, s.manage_stock, s.backorders, s.min_qty FROM products p \
             LEFT JOIN stock_items s ON s.tenant_id = p.tenant_id AND s.product_id = p.id \
             WHERE p.tenant_id = $1 AND p.sku = $2",
            tenant.0,
            sku.to_owned()
        ))
        .await
        .storage()?;
    let Some(r) = row else { return Ok(None) };
    let read = || -> Result<StockConfig, storegate_db::DbError> {
        Ok(StockConfig {
            product_id: r.at(0)?,
            type_id: r.at(1)?,
            manage_stock: r.at::<Option<bool>>(2)?.unwrap_or(true),
            backorders: r.at::<Option<i64>>(3)?.unwrap_or(legacy::DEFAULT_BACKORDERS),
            min_qty: r.at::<Option<Decimal>>(4)?.unwrap_or(legacy::DEFAULT_MIN_QTY),
        })
    };
    read().map(Some).storage()
}

/// Whether a stock exists.
pub async fn stock_exists(ex: &mut impl Exec, tenant: TenantId, stock_id: i64) -> Result<bool, ApiError> {
    let n: i64 = ex
        .fetch_scalar(sql!(
            "SELECT COUNT(*) FROM inventory_stocks WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            stock_id
        ))
        .await
        .storage()?;
    Ok(n > 0)
}

/// The stock's quantity of a SKU and whether any item counts: the sum over in-stock items of
/// the stock's enabled sources (Magento's stock index), in micros.
async fn indexed_qty(ex: &mut impl Exec, tenant: TenantId, stock_id: i64, sku: &str) -> Result<(i64, bool), ApiError> {
    let row = ex
        .fetch_one(sql!(
            format!(
                "SELECT CAST(COALESCE(SUM(si.quantity), 0) AS BIGINT), COUNT(*) FROM {SOURCE_ITEMS} si \
                 JOIN inventory_source_stock_links l ON l.tenant_id = si.tenant_id AND l.source_code = si.source_code \
                 JOIN inventory_sources src ON src.tenant_id = si.tenant_id AND src.source_code = si.source_code \
                 WHERE si.tenant_id = $1 AND si.sku = $2 AND l.stock_id = $3 AND src.enabled = $4 AND si.status = 1"
            ),
            tenant.0,
            sku.to_owned(),
            stock_id,
            true
        ))
        .await
        .storage()?;
    let qty: i64 = row.at(0).storage()?;
    let count: i64 = row.at(1).storage()?;
    Ok((qty, count > 0))
}

/// The sum of a SKU's reservations on a stock, in micros, as the reservation log's trigger
/// keeps it (migration 9).
async fn reserved(ex: &mut impl Exec, tenant: TenantId, stock_id: i64, sku: &str) -> Result<i64, ApiError> {
    let total: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT quantity FROM inventory_reservation_totals WHERE tenant_id = $1 AND stock_id = $2 AND sku = $3",
            tenant.0,
            stock_id,
            sku.to_owned()
        ))
        .await
        .storage()?;
    Ok(total.unwrap_or(0))
}

/// Salable quantity of a SKU on a stock, with the product's configuration already known.
async fn salable_with(
    ex: &mut impl Exec,
    tenant: TenantId,
    stock_id: i64,
    sku: &str,
    config: &StockConfig,
) -> Result<Decimal, ApiError> {
    let (qty, any_in_stock) = indexed_qty(ex, tenant, stock_id, sku).await?;
    if !any_in_stock {
        return Ok(Decimal::ZERO);
    }
    let reservations = reserved(ex, tenant, stock_id, sku).await?;
    Ok(micros_to_decimal(qty) + micros_to_decimal(reservations) - config.min_qty)
}

/// Checks the stock and product of a salable-quantity question: unknown stock 404, unknown
/// product 404, a product type without source items 400.
async fn checked_config(
    ex: &mut impl Exec,
    tenant: TenantId,
    stock_id: i64,
    sku: &str,
) -> Result<StockConfig, ApiError> {
    if !stock_exists(ex, tenant, stock_id).await? {
        return Err(stock_not_found(stock_id));
    }
    let config = stock_config(ex, tenant, sku).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
    if !counts_qty(&config.type_id) {
        return Err(ApiError::new(ErrorCode::ProductWithoutSourceItems));
    }
    Ok(config)
}

pub fn stock_not_found(stock_id: i64) -> ApiError {
    ApiError::named(ErrorCode::StockNotFound, [("value", serde_json::json!(stock_id))])
}

/// Magento's `GetProductSalableQty`: in-stock quantity of the stock's enabled sources −
/// `min_qty` + reservations; 0 when no item is in stock. Unknown stock or product: 404;
/// a composite product: 400.
pub async fn salable_qty(ex: &mut impl Exec, tenant: TenantId, stock_id: i64, sku: &str) -> Result<Decimal, ApiError> {
    let config = checked_config(ex, tenant, stock_id, sku).await?;
    salable_with(ex, tenant, stock_id, sku, &config).await
}

/// Magento's `IsProductSalable`: unmanaged stock is always salable; otherwise some item is
/// in stock and, without backorders, the salable quantity is positive.
pub async fn is_salable(ex: &mut impl Exec, tenant: TenantId, stock_id: i64, sku: &str) -> Result<bool, ApiError> {
    if !stock_exists(ex, tenant, stock_id).await? {
        return Err(stock_not_found(stock_id));
    }
    let Some(config) = stock_config(ex, tenant, sku).await? else { return Ok(false) };
    if !counts_qty(&config.type_id) {
        // Composite products are salable through their children; their own stock item says so.
        return legacy::get(ex, tenant, config.product_id).await.map(|s| s.is_some_and(|s| s.is_in_stock));
    }
    if !config.manage_stock {
        return Ok(true);
    }
    let (_, any_in_stock) = indexed_qty(ex, tenant, stock_id, sku).await?;
    if !any_in_stock {
        return Ok(false);
    }
    if config.backorders > 0 {
        return Ok(true);
    }
    Ok(salable_with(ex, tenant, stock_id, sku, &config).await? > Decimal::ZERO)
}

/// One reason a product is not salable for a quantity (Magento's `ProductSalabilityError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalabilityError {
    pub code: &'static str,
    pub message: &'static str,
}

/// Magento's `IsProductSalableForRequestedQty`: the reasons the quantity cannot be sold
/// (empty when it can).
pub async fn salability_errors(
    ex: &mut impl Exec,
    tenant: TenantId,
    stock_id: i64,
    sku: &str,
    qty: Decimal,
) -> Result<Vec<SalabilityError>, ApiError> {
    let config = checked_config(ex, tenant, stock_id, sku).await?;
    if !config.manage_stock {
        return Ok(Vec::new());
    }
    let (_, any_in_stock) = indexed_qty(ex, tenant, stock_id, sku).await?;
    if !any_in_stock {
        return Ok(vec![SalabilityError {
            code: "is_any_source_item_in_stock-no_source_items_in_stock",
            message: "There are no source items with the in stock status",
        }]);
    }
    if config.backorders > 0 {
        return Ok(Vec::new());
    }
    if salable_with(ex, tenant, stock_id, sku, &config).await? < qty {
        return Ok(vec![SalabilityError {
            code: "is_salable_with_reservations-not_enough_qty",
            message: "The requested qty is not available",
        }]);
    }
    Ok(Vec::new())
}

/// Sums the lines per SKU, in SKU order (the lock order).
fn merged(lines: &[Line]) -> BTreeMap<&str, Decimal> {
    let mut out: BTreeMap<&str, Decimal> = BTreeMap::new();
    for l in lines {
        *out.entry(l.sku.as_str()).or_default() += l.qty;
    }
    out
}

/// Locks the products of `skus` (sorted) until the transaction ends, so that concurrent
/// reservations of the same SKU run one after the other. SQLite's single writer already
/// serialises every transaction.
async fn lock_skus(tx: &mut Tx, tenant: TenantId, skus: &[&str]) -> Result<(), ApiError> {
    if tx.backend() != Backend::Postgres || skus.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = (0..skus.len()).map(|i| format!("${}", i + 2)).collect();
    let mut q = sql!(
        format!(
            "SELECT id FROM products WHERE tenant_id = $1 AND sku IN ({}) ORDER BY sku FOR NO KEY UPDATE",
            list.join(", ")
        ),
        tenant.0
    );
    for s in skus {
        q = q.bind(s.to_string());
    }
    tx.fetch_all(q).await.storage()?;
    Ok(())
}

fn micros(qty: Decimal, field: &str) -> Result<i64, ApiError> {
    decimal_to_micros(qty).map_err(|_| ApiError::invalid_value(field, qty.to_string()))
}

async fn insert_reservations(
    tx: &mut Tx,
    tenant: TenantId,
    stock_id: i64,
    entries: &[(&str, i64)],
    object: &ReservationObject,
) -> Result<(), ApiError> {
    if entries.is_empty() {
        return Ok(());
    }
    let first = ids::reserve_detached(tx, tenant, "inventory_reservation", entries.len() as i64).await.storage()?;
    let metadata = object.metadata();
    let rows = entries
        .iter()
        .enumerate()
        .map(|(i, (sku, qty))| {
            vec![
                tenant.0.into(),
                (first + i as i64).into(),
                stock_id.into(),
                (*sku).into(),
                (*qty).into(),
                metadata.clone().into(),
            ]
        })
        .collect();
    storegate_db::insert_rows(
        tx,
        "inventory_reservations",
        &["tenant_id", "id", "stock_id", "sku", "quantity", "metadata"],
        rows,
    )
    .await
    .storage()?;
    Ok(())
}

/// Places order reservations (−qty per line) after checking, inside `tx`, that each SKU is
/// salable for the qty (managed stock only; backorders allowed skip the check). Never
/// oversells under concurrency: on PostgreSQL the SKUs' product rows are locked in sorted
/// order before salable quantity is read; SQLite's single writer serialises already.
/// Products whose type does not count quantity (configurable, bundle, grouped) get no
/// reservation: their children's lines carry it. Fails with `The requested qty is not
/// available` (unknown SKUs too).
pub async fn reserve(
    tx: &mut Tx,
    tenant: TenantId,
    stock_id: i64,
    lines: &[Line],
    object: &ReservationObject,
) -> Result<(), ApiError> {
    let lines = merged(lines);
    let skus: Vec<&str> = lines.keys().copied().collect();
    lock_skus(tx, tenant, &skus).await?;
    let mut entries = Vec::with_capacity(lines.len());
    for (sku, qty) in &lines {
        if *qty <= Decimal::ZERO {
            return Err(ApiError::invalid_value("qty", qty.to_string()));
        }
        let config = stock_config(tx, tenant, sku).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::RequestedQtyNotAvailable).with_internal(format!("no product {sku}"))
        })?;
        if !counts_qty(&config.type_id) {
            continue;
        }
        if !config.unchecked() && salable_with(tx, tenant, stock_id, sku, &config).await? < *qty {
            return Err(ApiError::new(ErrorCode::RequestedQtyNotAvailable).with_internal(format!("sku {sku}")));
        }
        entries.push((*sku, -micros(*qty, "qty")?));
    }
    insert_reservations(tx, tenant, stock_id, &entries, object).await
}

/// Compensating (+qty) reservations, e.g. on order cancel (event_type "order_canceled").
pub async fn compensate(
    tx: &mut Tx,
    tenant: TenantId,
    stock_id: i64,
    lines: &[Line],
    object: &ReservationObject,
) -> Result<(), ApiError> {
    let lines = merged(lines);
    let mut entries = Vec::with_capacity(lines.len());
    for (sku, qty) in &lines {
        if qty.is_zero() {
            continue;
        }
        entries.push((*sku, micros(*qty, "qty")?));
    }
    insert_reservations(tx, tenant, stock_id, &entries, object).await
}

/// Adds `delta` (micros, possibly negative) to a source's item of a product, keeping the
/// legacy rules for the default source. Fails with Magento's source deduction error when a
/// deduction would take the item below zero without backorders, or the item is missing.
async fn adjust_source_item(
    tx: &mut Tx,
    tenant: TenantId,
    source_code: &str,
    sku: &str,
    config: &StockConfig,
    delta: Decimal,
) -> Result<(), ApiError> {
    let not_available =
        || ApiError::new(ErrorCode::NotAllProductsAvailable).with_internal(format!("{sku} at source {source_code}"));
    if source_code == DEFAULT_SOURCE {
        let current = legacy::get(tx, tenant, config.product_id).await?;
        if current.is_none() && delta < Decimal::ZERO {
            return Err(not_available());
        }
        let current = current.unwrap_or_default();
        let qty = current.qty + delta;
        if delta < Decimal::ZERO && qty < Decimal::ZERO && config.backorders == 0 {
            return Err(not_available());
        }
        let back_in_stock = delta > Decimal::ZERO && qty > config.min_qty;
        let patch = StockPatch {
            qty: Some(qty),
            is_in_stock: if back_in_stock { Some(true) } else { None },
            ..StockPatch::default()
        };
        legacy::save(tx, tenant, config.product_id, &config.type_id, &patch).await?;
        return Ok(());
    }
    let row = tx
        .fetch_optional(sql!(
            "SELECT quantity, status FROM inventory_source_items WHERE tenant_id = $1 AND source_code = $2 AND sku = $3",
            tenant.0,
            source_code.to_owned(),
            sku.to_owned()
        ))
        .await
        .storage()?;
    let (current, status): (Decimal, i64) = match &row {
        Some(r) => (r.at(0).storage()?, r.at(1).storage()?),
        None if delta < Decimal::ZERO => return Err(not_available()),
        None => (Decimal::ZERO, 0),
    };
    let qty = current + delta;
    if delta < Decimal::ZERO && qty < Decimal::ZERO && config.backorders == 0 {
        return Err(not_available());
    }
    let status = if delta < Decimal::ZERO {
        if qty <= config.min_qty && config.backorders == 0 { 0 } else { status }
    } else if qty > config.min_qty {
        1
    } else {
        status
    };
    tx.execute(sql!(
        "INSERT INTO inventory_source_items (tenant_id, source_code, sku, quantity, status) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, source_code, sku) DO UPDATE SET quantity = excluded.quantity, status = excluded.status",
        tenant.0,
        source_code.to_owned(),
        sku.to_owned(),
        micros(qty, "quantity")?,
        status
    ))
    .await
    .storage()?;
    Ok(())
}

async fn require_source(tx: &mut Tx, tenant: TenantId, source_code: &str) -> Result<(), ApiError> {
    if sources::get(tx, tenant, source_code).await?.is_none() {
        return Err(sources::not_found(source_code));
    }
    Ok(())
}

/// On shipment: deducts qty from the given source's items and writes the compensating
/// (+qty) reservation, so salable qty is unchanged and physical qty drops (Magento's flow).
/// Unmanaged stock and composite products are not deducted (nor compensated).
pub async fn deduct_for_shipment(
    tx: &mut Tx,
    tenant: TenantId,
    stock_id: i64,
    source_code: &str,
    lines: &[Line],
    object: &ReservationObject,
) -> Result<(), ApiError> {
    require_source(tx, tenant, source_code).await?;
    let lines = merged(lines);
    let skus: Vec<&str> = lines.keys().copied().collect();
    lock_skus(tx, tenant, &skus).await?;
    let mut entries = Vec::with_capacity(lines.len());
    for (sku, qty) in &lines {
        if qty.is_zero() {
            continue;
        }
        let Some(config) = stock_config(tx, tenant, sku).await? else {
            return Err(ApiError::new(ErrorCode::NotAllProductsAvailable).with_internal(format!("no product {sku}")));
        };
        if !counts_qty(&config.type_id) {
            continue;
        }
        if config.manage_stock {
            adjust_source_item(tx, tenant, source_code, sku, &config, -*qty).await?;
        }
        entries.push((*sku, micros(*qty, "qty")?));
    }
    insert_reservations(tx, tenant, stock_id, &entries, object).await
}

/// Credit memo "return to stock": adds qty back to a source's items.
pub async fn return_to_source(
    tx: &mut Tx,
    tenant: TenantId,
    source_code: &str,
    lines: &[Line],
) -> Result<(), ApiError> {
    require_source(tx, tenant, source_code).await?;
    let lines = merged(lines);
    for (sku, qty) in &lines {
        if *qty <= Decimal::ZERO {
            continue;
        }
        let Some(config) = stock_config(tx, tenant, sku).await? else { continue };
        if !counts_qty(&config.type_id) || !config.manage_stock {
            continue;
        }
        adjust_source_item(tx, tenant, source_code, sku, &config, *qty).await?;
    }
    Ok(())
}
