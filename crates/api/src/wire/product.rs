//! The Magento product shape (`ProductInterface`), field order as Magento emits it.

use super::{number, serialize_opt_decimal};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use storegate_domain::catalog::products::Product;

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductOut {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub attribute_set_id: i64,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub price: Option<Decimal>,
    pub status: i64,
    pub visibility: i64,
    pub type_id: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    pub extension_attributes: ProductExtension,
    pub product_links: Vec<Value>,
    pub options: Vec<Value>,
    pub media_gallery_entries: Vec<Value>,
    pub tier_prices: Vec<Value>,
    pub custom_attributes: Vec<CustomAttribute>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductExtension {
    pub website_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category_links: Vec<CategoryLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_item: Option<StockItemOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configurable_product_options: Vec<ConfigurableOptionOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configurable_product_links: Vec<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryLink {
    pub position: i64,
    pub category_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomAttribute {
    pub attribute_code: String,
    pub value: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ConfigurableOptionOut {
    pub id: i64,
    pub attribute_id: String,
    pub label: String,
    pub position: i64,
    pub values: Vec<OptionValue>,
    pub product_id: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OptionValue {
    pub value_index: i64,
}

/// Magento's stock item (`StockItemInterface`). Fields storegate does not configure yet
/// carry Magento's defaults.
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
    pub min_qty: i64,
    pub use_config_min_sale_qty: i64,
    pub min_sale_qty: i64,
    pub use_config_max_sale_qty: bool,
    pub max_sale_qty: i64,
    pub use_config_backorders: bool,
    pub backorders: i64,
    pub use_config_notify_stock_qty: bool,
    pub notify_stock_qty: i64,
    pub use_config_qty_increments: bool,
    pub qty_increments: i64,
    pub use_config_enable_qty_inc: bool,
    pub enable_qty_increments: bool,
    pub use_config_manage_stock: bool,
    pub manage_stock: bool,
    pub low_stock_date: Option<String>,
    pub is_decimal_divided: bool,
    pub stock_status_changed_auto: i64,
}

impl From<Product> for ProductOut {
    fn from(p: Product) -> Self {
        let category_links: Vec<CategoryLink> =
            p.categories.iter().map(|(id, pos)| CategoryLink { position: *pos, category_id: id.to_string() }).collect();
        let mut custom_attributes: Vec<CustomAttribute> = p
            .attributes
            .iter()
            .map(|(code, value)| CustomAttribute { attribute_code: code.clone(), value: Value::String(value.clone()) })
            .collect();
        if !p.categories.is_empty() {
            let ids = p.categories.iter().map(|(id, _)| Value::String(id.to_string())).collect();
            custom_attributes.push(CustomAttribute { attribute_code: "category_ids".into(), value: Value::Array(ids) });
        }
        let stock_item = p.stock.as_ref().map(|s| StockItemOut {
            item_id: p.id,
            product_id: p.id,
            stock_id: 1,
            qty: number(&s.qty),
            is_in_stock: s.is_in_stock,
            is_qty_decimal: false,
            show_default_notification_message: false,
            use_config_min_qty: true,
            min_qty: 0,
            use_config_min_sale_qty: 1,
            min_sale_qty: 1,
            use_config_max_sale_qty: true,
            max_sale_qty: 10000,
            use_config_backorders: true,
            backorders: 0,
            use_config_notify_stock_qty: true,
            notify_stock_qty: 1,
            use_config_qty_increments: true,
            qty_increments: 0,
            use_config_enable_qty_inc: true,
            enable_qty_increments: false,
            use_config_manage_stock: true,
            manage_stock: s.manage_stock,
            low_stock_date: None,
            is_decimal_divided: false,
            stock_status_changed_auto: 0,
        });
        let configurable_product_options = p
            .configurable_options
            .iter()
            .enumerate()
            .map(|(i, o)| ConfigurableOptionOut {
                id: i as i64 + 1,
                attribute_id: o.attribute_id.to_string(),
                label: o.label.clone(),
                position: o.position,
                values: o.values.iter().map(|v| OptionValue { value_index: *v }).collect(),
                product_id: p.id,
            })
            .collect();
        ProductOut {
            id: p.id,
            sku: p.sku,
            name: p.name,
            attribute_set_id: p.attribute_set_id,
            price: p.price,
            status: p.status,
            visibility: p.visibility,
            type_id: p.type_id,
            created_at: p.created_at,
            updated_at: p.updated_at,
            weight: p.weight,
            extension_attributes: ProductExtension {
                website_ids: p.website_ids,
                category_links,
                stock_item,
                configurable_product_options,
                configurable_product_links: p.children,
            },
            product_links: Vec::new(),
            options: Vec::new(),
            media_gallery_entries: Vec::new(),
            tier_prices: Vec::new(),
            custom_attributes,
        }
    }
}
