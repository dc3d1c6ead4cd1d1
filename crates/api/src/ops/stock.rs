//! Legacy single-source stock (`/V1/stockItems…`, `/V1/stockStatuses…`).

use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::product::lenient;
use crate::wire::stock::{StockItemIn, StockItemOut, StockStatusOut, low_stock_criteria};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_db::Exec;
use storegate_domain::StorageResult;
use storegate_domain::catalog::save;
use storegate_domain::catalog::stock::{self, StockItem};
use storegate_types::acl::AclResource;
use storegate_types::{ApiError, ErrorCode, TenantId};

const INVENTORY: Acl = Acl::Resources(&[AclResource::CatalogInventoryConfig]);

const fn stock_op(id: &'static str, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl: INVENTORY,
        group: CapabilityGroup::Inventory,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

/// The product behind a SKU and its stock item (Magento's defaults when it has none).
async fn item_by_sku(ex: &mut impl Exec, tenant: TenantId, sku: &str) -> Result<(i64, StockItem), ApiError> {
    let (id, _) =
        stock::product_by_sku(ex, tenant, sku).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
    Ok((id, stock::get(ex, tenant, id).await?.unwrap_or_default()))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByProductSku {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub product_sku: String,
    /// Accepted for compatibility; there is one stock.
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub scope_id: Option<Value>,
}

pub struct GetStockItem;

impl Operation for GetStockItem {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a product's stock item by SKU.",
        audit: "{principal} read the stock item of {product_sku}",
        target: Some("product_sku"),
        ..stock_op("inventory.stock_item.get", Method::Get, "/V1/stockItems/{productSku}", Effect::Read)
    };
    type Input = ByProductSku;
    type Output = StockItemOut;

    async fn call(cx: &Ctx, input: ByProductSku) -> Result<StockItemOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let (id, item) = item_by_sku(&mut r, cx.tenant, &input.product_sku).await?;
        Ok(StockItemOut::new(id, &item))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProductStockItemRef {
    /// The product's SKU (Magento names it `productSku`; the path shares `{sku}` with the
    /// other product routes).
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    /// Carried but not used: the item is found by SKU, as in Magento.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub item_id: String,
}

pub struct GetProductStockItem;

impl Operation for GetProductStockItem {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a product's stock item (the read integration guides use; same answer as /V1/stockItems/{productSku}).",
        audit: "{principal} read the stock item of {sku}",
        target: Some("sku"),
        ..stock_op(
            "inventory.product_stock_item.get",
            Method::Get,
            "/V1/products/{sku}/stockItems/{itemId}",
            Effect::Read,
        )
    };
    type Input = ProductStockItemRef;
    type Output = StockItemOut;

    async fn call(cx: &Ctx, input: ProductStockItemRef) -> Result<StockItemOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let (id, item) = item_by_sku(&mut r, cx.tenant, &input.sku).await?;
        Ok(StockItemOut::new(id, &item))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateStockItemInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub item_id: String,
    /// The fields to change: `qty`, `is_in_stock`, `manage_stock`, `min_sale_qty`, …
    pub stock_item: StockItemIn,
}

pub struct UpdateStockItem;

impl Operation for UpdateStockItem {
    const SPEC: OpSpec = OpSpec {
        summary: "Change a product's stock item by SKU; answers the item id.",
        audit: "{principal} updated the stock of {sku} in {store}",
        target: Some("sku"),
        ..stock_op("inventory.stock_item.update", Method::Put, "/V1/products/{sku}/stockItems/{itemId}", Effect::Write)
    };
    type Input = UpdateStockItemInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: UpdateStockItemInput) -> Result<i64, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let (id, type_id) = stock::product_by_sku(&mut tx, cx.tenant, &input.sku)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
        stock::save(&mut tx, cx.tenant, id, &type_id, &input.stock_item.patch()).await?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LowStockInput {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub scope_id: Option<i64>,
    /// Items with at most this quantity.
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub qty: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub current_page: Option<i64>,
    /// 0 or absent: every match, up to the maximum page size.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub page_size: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LowStockResult {
    pub items: Vec<StockItemOut>,
    /// Magento's stock item criteria, not a searchCriteria.
    pub search_criteria: Value,
    pub total_count: i64,
}

pub struct LowStock;

impl Operation for LowStock {
    const SPEC: OpSpec = OpSpec {
        summary: "List stock items whose quantity is at most `qty` (plain query parameters scopeId, qty, currentPage, pageSize).",
        audit: "{principal} listed low stock items",
        ..stock_op("inventory.stock_item.low_stock", Method::Get, "/V1/stockItems/lowStock", Effect::Read)
    };
    type Input = LowStockInput;
    type Output = LowStockResult;

    async fn call(cx: &Ctx, input: LowStockInput) -> Result<LowStockResult, ApiError> {
        if input.scope_id.is_none() {
            return Err(ApiError::required("scopeId"));
        }
        let qty = input.qty.ok_or_else(|| ApiError::required("qty"))?;
        let current_page = input.current_page.unwrap_or(1).max(1);
        let page_size = input.page_size.unwrap_or(0).max(0);
        if page_size > cx.settings.max_page_size {
            return Err(ApiError::positional(ErrorCode::PageSizeTooLarge, [cx.settings.max_page_size]));
        }
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) =
            stock::low_stock(&mut r, cx.tenant, qty, current_page, page_size, cx.settings.max_page_size).await?;
        Ok(LowStockResult {
            items: items.iter().map(|(id, item)| StockItemOut::new(*id, item)).collect(),
            search_criteria: low_stock_criteria(current_page, page_size),
            total_count: total,
        })
    }
}

pub struct GetStockStatus;

impl Operation for GetStockStatus {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a product's stock status by SKU.",
        audit: "{principal} read the stock status of {product_sku}",
        target: Some("product_sku"),
        ..stock_op("inventory.stock_status.get", Method::Get, "/V1/stockStatuses/{productSku}", Effect::Read)
    };
    type Input = ByProductSku;
    type Output = StockStatusOut;

    async fn call(cx: &Ctx, input: ByProductSku) -> Result<StockStatusOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let (id, item) = item_by_sku(&mut r, cx.tenant, &input.product_sku).await?;
        Ok(StockStatusOut::new(id, &item))
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] =
    crate::register![GetStockItem, GetProductStockItem, UpdateStockItem, LowStock, GetStockStatus];
