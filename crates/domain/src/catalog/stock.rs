//! Legacy single-source stock (CatalogInventory): one stock item per product on the default
//! stock (id 1). Saves merge into the stored item and then apply Magento's rules: a
//! product type that counts quantity goes out of stock at or below `min_qty` unless
//! backorders are allowed, and the low-stock date is set while the quantity is under the
//! notification threshold.

use crate::{StorageResult, clock};
use rust_decimal::Decimal;
use storegate_db::{DbError, Exec, Row, sql};
use storegate_types::{ApiError, TenantId};

/// Magento's configuration defaults, which `use_config_*` flags stand for.
pub const DEFAULT_MIN_QTY: Decimal = Decimal::ZERO;
pub const DEFAULT_MIN_SALE_QTY: Decimal = Decimal::ONE;
pub const DEFAULT_MAX_SALE_QTY: Decimal = Decimal::from_parts(10000, 0, 0, false, 0);
pub const DEFAULT_NOTIFY_STOCK_QTY: Decimal = Decimal::ONE;
pub const DEFAULT_BACKORDERS: i64 = 0;

/// Product types whose stock is counted (the others derive availability from children).
pub fn counts_qty(type_id: &str) -> bool {
    matches!(type_id, "simple" | "virtual" | "downloadable" | "giftcard")
}

/// A stored stock item.
#[derive(Debug, Clone, PartialEq)]
pub struct StockItem {
    pub qty: Decimal,
    pub is_in_stock: bool,
    pub manage_stock: bool,
    pub use_config_manage_stock: bool,
    pub is_qty_decimal: bool,
    pub min_qty: Decimal,
    pub min_sale_qty: Decimal,
    pub max_sale_qty: Decimal,
    pub backorders: i64,
    pub notify_stock_qty: Decimal,
    pub low_stock_date: Option<String>,
}

impl Default for StockItem {
    /// What Magento gives a product that was never stocked: nothing, out of stock.
    fn default() -> Self {
        StockItem {
            qty: Decimal::ZERO,
            is_in_stock: false,
            manage_stock: true,
            use_config_manage_stock: true,
            is_qty_decimal: false,
            min_qty: DEFAULT_MIN_QTY,
            min_sale_qty: DEFAULT_MIN_SALE_QTY,
            max_sale_qty: DEFAULT_MAX_SALE_QTY,
            backorders: DEFAULT_BACKORDERS,
            notify_stock_qty: DEFAULT_NOTIFY_STOCK_QTY,
            low_stock_date: None,
        }
    }
}

/// The fields of a stock item a save may carry; absent fields keep their stored value.
/// A `use_config_*` flag set to true resets its value to the configuration default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StockPatch {
    pub qty: Option<Decimal>,
    pub is_in_stock: Option<bool>,
    pub manage_stock: Option<bool>,
    pub use_config_manage_stock: Option<bool>,
    pub is_qty_decimal: Option<bool>,
    pub min_qty: Option<Decimal>,
    pub use_config_min_qty: Option<bool>,
    pub min_sale_qty: Option<Decimal>,
    pub use_config_min_sale_qty: Option<bool>,
    pub max_sale_qty: Option<Decimal>,
    pub use_config_max_sale_qty: Option<bool>,
    pub backorders: Option<i64>,
    pub use_config_backorders: Option<bool>,
    pub notify_stock_qty: Option<Decimal>,
    pub use_config_notify_stock_qty: Option<bool>,
}

impl StockPatch {
    /// Checks ranges before anything is written.
    pub fn validate(&self) -> Result<(), ApiError> {
        let non_negative = [
            ("min_sale_qty", self.min_sale_qty),
            ("max_sale_qty", self.max_sale_qty),
            ("notify_stock_qty", self.notify_stock_qty),
        ];
        for (field, value) in non_negative {
            if let Some(v) = value
                && v < Decimal::ZERO
            {
                return Err(ApiError::invalid_value(field, v.to_string()));
            }
        }
        for (field, value) in [("qty", self.qty), ("min_qty", self.min_qty)] {
            if let Some(v) = value
                && storegate_db::decimal_to_micros(v).is_err()
            {
                return Err(ApiError::invalid_value(field, v.to_string()));
            }
        }
        if let Some(b) = self.backorders
            && !(0..=2).contains(&b)
        {
            return Err(ApiError::invalid_value("backorders", b));
        }
        Ok(())
    }

    fn apply(&self, item: &mut StockItem) {
        fn pick<T: Copy>(value: Option<T>, use_config: Option<bool>, default: T, current: T) -> T {
            match (use_config, value) {
                (Some(true), _) => default,
                (_, Some(v)) => v,
                _ => current,
            }
        }
        if let Some(q) = self.qty {
            item.qty = q;
        }
        if let Some(b) = self.is_in_stock {
            item.is_in_stock = b;
        }
        match (self.use_config_manage_stock, self.manage_stock) {
            (Some(true), _) => {
                item.use_config_manage_stock = true;
                item.manage_stock = true;
            }
            (_, Some(m)) => {
                item.use_config_manage_stock = false;
                item.manage_stock = m;
            }
            (Some(false), None) => item.use_config_manage_stock = false,
            (None, None) => {}
        }
        if let Some(d) = self.is_qty_decimal {
            item.is_qty_decimal = d;
        }
        item.min_qty = pick(self.min_qty, self.use_config_min_qty, DEFAULT_MIN_QTY, item.min_qty);
        item.min_sale_qty =
            pick(self.min_sale_qty, self.use_config_min_sale_qty, DEFAULT_MIN_SALE_QTY, item.min_sale_qty);
        item.max_sale_qty =
            pick(self.max_sale_qty, self.use_config_max_sale_qty, DEFAULT_MAX_SALE_QTY, item.max_sale_qty);
        item.backorders = pick(self.backorders, self.use_config_backorders, DEFAULT_BACKORDERS, item.backorders);
        item.notify_stock_qty = pick(
            self.notify_stock_qty,
            self.use_config_notify_stock_qty,
            DEFAULT_NOTIFY_STOCK_QTY,
            item.notify_stock_qty,
        );
    }
}

/// The stock columns in the order [`from_row`] reads them.
const COLUMNS: &str = "qty, is_in_stock, manage_stock, use_config_manage_stock, is_qty_decimal, min_qty, min_sale_qty, \
                       max_sale_qty, backorders, notify_stock_qty, low_stock_date";

fn from_row(r: &Row, first: usize) -> Result<StockItem, DbError> {
    Ok(StockItem {
        qty: r.at(first)?,
        is_in_stock: r.at(first + 1)?,
        manage_stock: r.at(first + 2)?,
        use_config_manage_stock: r.at(first + 3)?,
        is_qty_decimal: r.at(first + 4)?,
        min_qty: r.at(first + 5)?,
        min_sale_qty: r.at(first + 6)?,
        max_sale_qty: r.at(first + 7)?,
        backorders: r.at(first + 8)?,
        notify_stock_qty: r.at(first + 9)?,
        low_stock_date: r.at(first + 10)?,
    })
}

/// Builds an item from the numeric columns of the product loader's combined query.
pub(crate) fn from_numbers(n: &[Option<i64>], low_stock_date: Option<String>) -> StockItem {
    let dec = |i: usize| storegate_db::micros_to_decimal(n[i].unwrap_or(0));
    StockItem {
        qty: dec(0),
        is_in_stock: n[1].unwrap_or(0) != 0,
        manage_stock: n[2].unwrap_or(1) != 0,
        use_config_manage_stock: n[3].unwrap_or(1) != 0,
        is_qty_decimal: n[4].unwrap_or(0) != 0,
        min_qty: dec(5),
        min_sale_qty: dec(6),
        max_sale_qty: dec(7),
        backorders: n[8].unwrap_or(0),
        notify_stock_qty: dec(9),
        low_stock_date,
    }
}

/// The stored item of a product, if it has one.
pub async fn get(ex: &mut impl Exec, tenant: TenantId, product_id: i64) -> Result<Option<StockItem>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            format!("SELECT {COLUMNS} FROM stock_items WHERE tenant_id = $1 AND product_id = $2"),
            tenant.0,
            product_id
        ))
        .await
        .storage()?;
    row.map(|r| from_row(&r, 0)).transpose().storage()
}

/// The product (id, type) behind a SKU, for the stock routes.
pub async fn product_by_sku(
    ex: &mut impl Exec,
    tenant: TenantId,
    sku: &str,
) -> Result<Option<(i64, String)>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, type_id FROM products WHERE tenant_id = $1 AND sku = $2",
            tenant.0,
            sku.to_owned()
        ))
        .await
        .storage()?;
    row.map(|r| Ok((r.at(0)?, r.at(1)?))).transpose().storage()
}

/// Merges `patch` into the product's item (a default item when it has none), applies the
/// stock rules and stores the result.
pub async fn save(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    type_id: &str,
    patch: &StockPatch,
) -> Result<StockItem, ApiError> {
    patch.validate()?;
    let existing = get(ex, tenant, product_id).await?;
    let fresh = existing.is_none();
    let mut item = existing.unwrap_or_default();
    if fresh && patch.is_in_stock.is_none() && !counts_qty(type_id) {
        // Composite products are available through their children.
        item.is_in_stock = true;
    }
    patch.apply(&mut item);
    if counts_qty(type_id) && item.manage_stock && item.backorders == 0 && item.qty <= item.min_qty {
        item.is_in_stock = false;
    }
    item.low_stock_date = if counts_qty(type_id) && item.manage_stock && item.qty < item.notify_stock_qty {
        Some(clock::now_text())
    } else {
        None
    };
    write(ex, tenant, product_id, &item).await?;
    Ok(item)
}

async fn write(ex: &mut impl Exec, tenant: TenantId, product_id: i64, s: &StockItem) -> Result<(), ApiError> {
    let micros = |d: Decimal, field: &str| {
        storegate_db::decimal_to_micros(d).map_err(|_| ApiError::invalid_value(field, d.to_string()))
    };
    ex.execute(sql!(
        "INSERT INTO stock_items (tenant_id, product_id, qty, is_in_stock, manage_stock, use_config_manage_stock, \
         is_qty_decimal, min_qty, min_sale_qty, max_sale_qty, backorders, notify_stock_qty, low_stock_date, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (tenant_id, product_id) DO UPDATE SET qty = excluded.qty, is_in_stock = excluded.is_in_stock, \
         manage_stock = excluded.manage_stock, use_config_manage_stock = excluded.use_config_manage_stock, \
         is_qty_decimal = excluded.is_qty_decimal, min_qty = excluded.min_qty, min_sale_qty = excluded.min_sale_qty, \
         max_sale_qty = excluded.max_sale_qty, backorders = excluded.backorders, \
         notify_stock_qty = excluded.notify_stock_qty, low_stock_date = excluded.low_stock_date, \
         updated_at = excluded.updated_at",
        tenant.0,
        product_id,
        micros(s.qty, "qty")?,
        s.is_in_stock,
        s.manage_stock,
        s.use_config_manage_stock,
        s.is_qty_decimal,
        micros(s.min_qty, "min_qty")?,
        micros(s.min_sale_qty, "min_sale_qty")?,
        micros(s.max_sale_qty, "max_sale_qty")?,
        s.backorders,
        micros(s.notify_stock_qty, "notify_stock_qty")?,
        s.low_stock_date.clone(),
        clock::now_text()
    ))
    .await
    .storage()?;
    Ok(())
}

/// One page of the items whose quantity is at most `qty` (Magento's `getLowStockItems`),
/// by product id, and the number of such items. `page_size` 0 means every item up to
/// `max_page_size`.
pub async fn low_stock(
    ex: &mut impl Exec,
    tenant: TenantId,
    qty: Decimal,
    current_page: i64,
    page_size: i64,
    max_page_size: i64,
) -> Result<(Vec<(i64, StockItem)>, i64), ApiError> {
    let limit = if page_size > 0 { page_size.min(max_page_size) } else { max_page_size };
    let offset = (current_page.max(1) - 1).saturating_mul(limit);
    let bound = storegate_db::decimal_to_micros(qty).map_err(|_| ApiError::invalid_value("qty", qty.to_string()))?;
    let total: i64 = ex
        .fetch_scalar(sql!("SELECT COUNT(*) FROM stock_items WHERE tenant_id = $1 AND qty <= $2", tenant.0, bound))
        .await
        .storage()?;
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT product_id, {COLUMNS} FROM stock_items WHERE tenant_id = $1 AND qty <= $2 \
                 ORDER BY product_id LIMIT {limit} OFFSET {offset}"
            ),
            tenant.0,
            bound
        ))
        .await
        .storage()?;
    let items = rows.iter().map(|r| Ok((r.at(0)?, from_row(r, 1)?))).collect::<Result<_, DbError>>().storage()?;
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_config_flags_reset_values() {
        let mut item = StockItem { min_sale_qty: Decimal::from(5), ..StockItem::default() };
        StockPatch { use_config_min_sale_qty: Some(true), ..Default::default() }.apply(&mut item);
        assert_eq!(item.min_sale_qty, DEFAULT_MIN_SALE_QTY);
        StockPatch { max_sale_qty: Some(Decimal::from(3)), manage_stock: Some(false), ..Default::default() }
            .apply(&mut item);
        assert_eq!(item.max_sale_qty, Decimal::from(3));
        assert!(!item.manage_stock && !item.use_config_manage_stock);
    }

    #[test]
    fn ranges_are_checked() {
        assert!(StockPatch { backorders: Some(3), ..Default::default() }.validate().is_err());
        assert!(StockPatch { min_sale_qty: Some(Decimal::NEGATIVE_ONE), ..Default::default() }.validate().is_err());
        assert!(StockPatch { qty: Some(Decimal::from(-4)), ..Default::default() }.validate().is_ok());
    }
}
