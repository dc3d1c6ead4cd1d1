//! Legacy stock item and stock status shapes (`StockItemInterface`, `StockStatusInterface`).

use super::number;
use super::product::lenient;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_domain::catalog::stock::{
    DEFAULT_BACKORDERS, DEFAULT_MAX_SALE_QTY, DEFAULT_MIN_QTY, DEFAULT_MIN_SALE_QTY, DEFAULT_NOTIFY_STOCK_QTY,
    StockItem, StockPatch,
};

/// Magento's stock item, field order as Magento emits it. Settings storegate does not store
/// (quantity increments, notification message) carry Magento's defaults; a `use_config_*`
/// flag is true while its value is the configuration default.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StockItemOut {
    pub item_id: i64,
    pub product_id: i64,
    pub stock_id: i64,
    #[schemars(with = "f64")]
    pub qty: Value,
    pub is_in_stock: bool,
    pub is_qty_decimal: bool,
    pub show_default_notification_message: bool,
    pub use_config_min_qty: bool,
    #[schemars(with = "f64")]
    pub min_qty: Value,
    pub use_config_min_sale_qty: i64,
    #[schemars(with = "f64")]
    pub min_sale_qty: Value,
    pub use_config_max_sale_qty: bool,
    #[schemars(with = "f64")]
    pub max_sale_qty: Value,
    pub use_config_backorders: bool,
    pub backorders: i64,
    pub use_config_notify_stock_qty: bool,
    #[schemars(with = "f64")]
    pub notify_stock_qty: Value,
    pub use_config_qty_increments: bool,
    pub qty_increments: i64,
    pub use_config_enable_qty_inc: bool,
    pub enable_qty_increments: bool,
    pub use_config_manage_stock: bool,
    pub manage_stock: bool,
    /// Written as `null` when unset: Magento's getter is not nullable.
    pub low_stock_date: Option<String>,
    pub is_decimal_divided: bool,
    pub stock_status_changed_auto: i64,
}

impl StockItemOut {
    pub fn new(product_id: i64, s: &StockItem) -> StockItemOut {
        StockItemOut {
            item_id: product_id,
            product_id,
            stock_id: 1,
            qty: number(&s.qty),
            is_in_stock: s.is_in_stock,
            is_qty_decimal: s.is_qty_decimal,
            show_default_notification_message: false,
            use_config_min_qty: s.min_qty == DEFAULT_MIN_QTY,
            min_qty: number(&s.min_qty),
            use_config_min_sale_qty: i64::from(s.min_sale_qty == DEFAULT_MIN_SALE_QTY),
            min_sale_qty: number(&s.min_sale_qty),
            use_config_max_sale_qty: s.max_sale_qty == DEFAULT_MAX_SALE_QTY,
            max_sale_qty: number(&s.max_sale_qty),
            use_config_backorders: s.backorders == DEFAULT_BACKORDERS,
            backorders: s.backorders,
            use_config_notify_stock_qty: s.notify_stock_qty == DEFAULT_NOTIFY_STOCK_QTY,
            notify_stock_qty: number(&s.notify_stock_qty),
            use_config_qty_increments: true,
            qty_increments: 1,
            use_config_enable_qty_inc: true,
            enable_qty_increments: false,
            use_config_manage_stock: s.use_config_manage_stock,
            manage_stock: s.manage_stock,
            low_stock_date: s.low_stock_date.clone(),
            is_decimal_divided: false,
            stock_status_changed_auto: 0,
        }
    }
}

/// `GET /V1/stockStatuses/{productSku}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StockStatusOut {
    pub product_id: i64,
    pub stock_id: i64,
    #[schemars(with = "f64")]
    pub qty: Value,
    pub stock_status: i64,
    pub stock_item: StockItemOut,
}

impl StockStatusOut {
    pub fn new(product_id: i64, s: &StockItem) -> StockStatusOut {
        StockStatusOut {
            product_id,
            stock_id: 1,
            qty: number(&s.qty),
            stock_status: i64::from(s.is_in_stock),
            stock_item: StockItemOut::new(product_id, s),
        }
    }
}

/// A stock item as a save sends it (`stockItem`, or a product's `extension_attributes.stock_item`).
/// Identifiers (`item_id`, `product_id`, `stock_id`) are ignored: the SKU decides.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StockItemIn {
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_in_stock: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub manage_stock: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_manage_stock: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_qty_decimal: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub min_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_min_qty: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub min_sale_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_min_sale_qty: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub max_sale_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_max_sale_qty: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub backorders: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_backorders: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub notify_stock_qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_config_notify_stock_qty: Option<bool>,
}

impl StockItemIn {
    pub fn patch(&self) -> StockPatch {
        StockPatch {
            qty: self.qty,
            is_in_stock: self.is_in_stock,
            manage_stock: self.manage_stock,
            use_config_manage_stock: self.use_config_manage_stock,
            is_qty_decimal: self.is_qty_decimal,
            min_qty: self.min_qty,
            use_config_min_qty: self.use_config_min_qty,
            min_sale_qty: self.min_sale_qty,
            use_config_min_sale_qty: self.use_config_min_sale_qty,
            max_sale_qty: self.max_sale_qty,
            use_config_max_sale_qty: self.use_config_max_sale_qty,
            backorders: self.backorders,
            use_config_backorders: self.use_config_backorders,
            notify_stock_qty: self.notify_stock_qty,
            use_config_notify_stock_qty: self.use_config_notify_stock_qty,
        }
    }
}

/// The criteria `GET /V1/stockItems/lowStock` echoes: Magento's stock item criteria object,
/// not a searchCriteria.
pub fn low_stock_criteria(current_page: i64, page_size: i64) -> Value {
    serde_json::json!({
        "mapper_interface_name": "Magento\\CatalogInventory\\Model\\ResourceModel\\Stock\\StockItemCriteriaMapper",
        "criteria_list": [],
        "filters": [],
        "orders": [],
        "limit": [current_page, page_size]
    })
}
