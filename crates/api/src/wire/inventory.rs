//! MSI shapes (InventoryApi, InventorySalesApi, InventorySourceSelectionApi): source, stock,
//! stock–source link, source item, source selection.

use super::number;
use super::product::lenient;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_domain::inventory::links::Link;
use storegate_domain::inventory::selection::{SelectionItem, SelectionResult};
use storegate_domain::inventory::source_items::SourceItem;
use storegate_domain::inventory::sources::{CarrierLink, Source};
use storegate_domain::inventory::stocks::{SalesChannel, Stock, StockInput};
use storegate_types::ApiError;

/// The body of a void MSI method: Magento answers an empty JSON array.
pub type Void = Vec<Value>;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct CarrierLinkIo {
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub carrier_code: String,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SourceExtensionIn {
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_pickup_location_active: Option<bool>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub frontend_name: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::TEXT))]
    pub frontend_description: Option<String>,
}

/// A source as clients send it; absent fields keep their stored value on update.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SourceIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub source_code: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub email: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub contact_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub latitude: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub longitude: Option<Decimal>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub country_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub region_id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub region: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub city: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub street: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub postcode: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub phone: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub fax: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub use_default_carrier_config: Option<bool>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub carrier_links: Option<Vec<CarrierLinkIo>>,
    #[serde(default)]
    pub extension_attributes: Option<SourceExtensionIn>,
}

impl SourceIn {
    /// Overlays the fields sent on `base` (a stored source, or a new one with Magento's
    /// defaults: enabled, default carrier configuration).
    pub fn apply(self, base: Option<Source>, code: String) -> Source {
        let mut s = base.unwrap_or(Source { enabled: true, use_default_carrier_config: true, ..Source::default() });
        s.source_code = code;
        macro_rules! set {
            ($($f:ident),*) => { $( if self.$f.is_some() { s.$f = self.$f; } )* };
        }
        set!(
            email,
            contact_name,
            description,
            latitude,
            longitude,
            country_id,
            region_id,
            region,
            city,
            street,
            postcode,
            phone,
            fax
        );
        if let Some(n) = self.name {
            s.name = n;
        }
        if let Some(e) = self.enabled {
            s.enabled = e;
        }
        if let Some(u) = self.use_default_carrier_config {
            s.use_default_carrier_config = u;
        }
        if let Some(links) = self.carrier_links {
            s.carrier_links =
                links.into_iter().map(|l| CarrierLink { carrier_code: l.carrier_code, position: l.position }).collect();
        }
        if let Some(ext) = self.extension_attributes {
            if ext.is_pickup_location_active.is_some() {
                s.is_pickup_location_active = ext.is_pickup_location_active;
            }
            if ext.frontend_name.is_some() {
                s.frontend_name = ext.frontend_name;
            }
            if ext.frontend_description.is_some() {
                s.frontend_description = ext.frontend_description;
            }
        }
        s
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CarrierLinkOut {
    pub carrier_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SourceExtensionOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_pickup_location_active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontend_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontend_description: Option<String>,
}

/// Magento's source, field order as Magento emits it; null fields omitted.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SourceOut {
    pub source_code: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<f64>")]
    pub latitude: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<f64>")]
    pub longitude: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    pub use_default_carrier_config: bool,
    pub carrier_links: Vec<CarrierLinkOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<SourceExtensionOut>,
}

impl From<Source> for SourceOut {
    fn from(s: Source) -> SourceOut {
        let ext =
            (s.is_pickup_location_active.is_some() || s.frontend_name.is_some() || s.frontend_description.is_some())
                .then(|| SourceExtensionOut {
                    is_pickup_location_active: s.is_pickup_location_active,
                    frontend_name: s.frontend_name.clone(),
                    frontend_description: s.frontend_description.clone(),
                });
        SourceOut {
            source_code: s.source_code,
            name: s.name,
            email: s.email,
            contact_name: s.contact_name,
            enabled: s.enabled,
            description: s.description,
            latitude: s.latitude.as_ref().map(number),
            longitude: s.longitude.as_ref().map(number),
            country_id: s.country_id,
            region_id: s.region_id,
            region: s.region,
            city: s.city,
            street: s.street,
            postcode: s.postcode,
            phone: s.phone,
            fax: s.fax,
            use_default_carrier_config: s.use_default_carrier_config,
            carrier_links: s
                .carrier_links
                .into_iter()
                .map(|l| CarrierLinkOut { carrier_code: l.carrier_code, position: l.position })
                .collect(),
            extension_attributes: ext,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SalesChannelIo {
    #[serde(rename = "type", default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub kind: String,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub code: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct StockExtensionIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub sales_channels: Option<Vec<SalesChannelIo>>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct StockIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub stock_id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: Option<String>,
    #[serde(default)]
    pub extension_attributes: Option<StockExtensionIn>,
}

impl StockIn {
    /// The save; a missing name keeps the stored one (`stored`).
    pub fn input(self, stock_id: Option<i64>, stored: Option<&Stock>) -> StockInput {
        StockInput {
            stock_id: stock_id.or(self.stock_id),
            name: self.name.or_else(|| stored.map(|s| s.name.clone())).unwrap_or_default(),
            sales_channels: self
                .extension_attributes
                .and_then(|e| e.sales_channels)
                .map(|list| list.into_iter().map(|c| SalesChannel { kind: c.kind, code: c.code }).collect()),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StockExtensionOut {
    pub sales_channels: Vec<SalesChannelIo>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StockOut {
    pub stock_id: i64,
    pub name: String,
    pub extension_attributes: StockExtensionOut,
}

impl From<Stock> for StockOut {
    fn from(s: Stock) -> StockOut {
        StockOut {
            stock_id: s.stock_id,
            name: s.name,
            extension_attributes: StockExtensionOut {
                sales_channels: s
                    .sales_channels
                    .into_iter()
                    .map(|c| SalesChannelIo { kind: c.kind, code: c.code })
                    .collect(),
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct LinkIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub stock_id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub source_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub priority: Option<i64>,
}

impl LinkIn {
    pub fn link(self) -> Result<Link, ApiError> {
        Ok(Link {
            stock_id: self.stock_id.ok_or_else(|| ApiError::required("stock_id"))?,
            source_code: self.source_code.ok_or_else(|| ApiError::required("source_code"))?,
            priority: self.priority.unwrap_or(0),
        })
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LinkOut {
    pub stock_id: i64,
    pub source_code: String,
    pub priority: i64,
}

impl From<Link> for LinkOut {
    fn from(l: Link) -> LinkOut {
        LinkOut { stock_id: l.stock_id, source_code: l.source_code, priority: l.priority }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SourceItemIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub source_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub quantity: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub status: Option<i64>,
}

impl SourceItemIn {
    pub fn item(self) -> Result<SourceItem, ApiError> {
        Ok(SourceItem {
            sku: self.sku.ok_or_else(|| ApiError::required("sku"))?,
            source_code: self.source_code.ok_or_else(|| ApiError::required("source_code"))?,
            quantity: self.quantity.unwrap_or_default(),
            status: self.status.unwrap_or(0),
        })
    }

    pub fn key(self) -> Result<(String, String), ApiError> {
        Ok((
            self.sku.ok_or_else(|| ApiError::required("sku"))?,
            self.source_code.ok_or_else(|| ApiError::required("source_code"))?,
        ))
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SourceItemOut {
    pub sku: String,
    pub source_code: String,
    #[schemars(with = "f64")]
    pub quantity: Value,
    pub status: i64,
}

impl From<SourceItem> for SourceItemOut {
    fn from(i: SourceItem) -> SourceItemOut {
        SourceItemOut { sku: i.sku, source_code: i.source_code, quantity: number(&i.quantity), status: i.status }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SalabilityErrorOut {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SalableForQtyOut {
    pub salable: bool,
    pub errors: Vec<SalabilityErrorOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductSalableOut {
    pub sku: String,
    pub stock_id: i64,
    pub salable: bool,
}

/// The same with the reasons (`are-product-salable-for-requested-qty`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductSalableForQtyOut {
    pub sku: String,
    pub stock_id: i64,
    pub salable: bool,
    pub errors: Vec<SalabilityErrorOut>,
}

/// A list sent PHP-style (`skus[]=a&skus[]=b`, `skus[0]=a`) or as JSON.
pub fn list_of(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => map.values().cloned().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RequestItemIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub qty: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct InventoryRequestIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub stock_id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::LINE_ITEMS))]
    pub items: Vec<RequestItemIn>,
}

impl InventoryRequestIn {
    pub fn items(self) -> Result<(i64, Vec<(String, Decimal)>), ApiError> {
        let stock = self.stock_id.ok_or_else(|| ApiError::required("stock_id"))?;
        let mut items = Vec::with_capacity(self.items.len());
        for i in self.items {
            let sku = i.sku.ok_or_else(|| ApiError::required("sku"))?;
            let qty = i.qty.ok_or_else(|| ApiError::required("qty"))?;
            if qty <= Decimal::ZERO {
                return Err(ApiError::invalid_value("qty", qty.to_string()));
            }
            items.push((sku, qty));
        }
        Ok((stock, items))
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SelectionItemOut {
    pub source_code: String,
    pub sku: String,
    #[schemars(with = "f64")]
    pub qty_to_deduct: Value,
    #[schemars(with = "f64")]
    pub qty_available: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SelectionResultOut {
    pub source_selection_items: Vec<SelectionItemOut>,
    pub shippable: bool,
}

impl From<SelectionResult> for SelectionResultOut {
    fn from(r: SelectionResult) -> SelectionResultOut {
        SelectionResultOut {
            source_selection_items: r
                .items
                .into_iter()
                .map(|i: SelectionItem| SelectionItemOut {
                    source_code: i.source_code,
                    sku: i.sku,
                    qty_to_deduct: number(&i.qty_to_deduct),
                    qty_available: number(&i.qty_available),
                })
                .collect(),
            shippable: r.shippable,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AlgorithmOut {
    pub code: String,
    pub title: String,
    pub description: String,
}
