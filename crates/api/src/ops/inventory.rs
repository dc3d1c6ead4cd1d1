//! Multi-source inventory (`/V1/inventory/…`): sources, stocks, stock–source links, source
//! items, salable quantity and source selection (Magento's InventoryApi,
//! InventorySalesApi and InventorySourceSelectionApi).

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::inventory::{
    AlgorithmOut, InventoryRequestIn, LinkIn, LinkOut, ProductSalableForQtyOut, ProductSalableOut, SalabilityErrorOut,
    SalableForQtyOut, SelectionResultOut, SourceIn, SourceItemIn, SourceItemOut, SourceOut, StockIn, StockOut, Void,
    list_of,
};
use crate::wire::number;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use std::str::FromStr;
use storegate_domain::StorageResult;
use storegate_domain::inventory::{self, links, selection, source_items, sources, stocks};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const SOURCE: Acl = Acl::Resources(&[AclResource::InventoryApiSource]);
const SOURCE_EDIT: Acl = Acl::Resources(&[AclResource::InventoryApiSourceEdit]);
const STOCK: Acl = Acl::Resources(&[AclResource::InventoryApiStock]);
const STOCK_EDIT: Acl = Acl::Resources(&[AclResource::InventoryApiStockEdit]);
const STOCK_DELETE: Acl = Acl::Resources(&[AclResource::InventoryApiStockDelete]);
const LINKS: Acl = Acl::Resources(&[AclResource::InventoryApiStockSourceLink]);
const ITEMS_ASSIGN: Acl = Acl::Resources(&[AclResource::InventoryApiSourceItemAssign]);
const SALES_STOCK: Acl = Acl::Resources(&[AclResource::InventorySalesApiStock]);

const fn msi_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
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

/// Integer path parameters arrive as text.
fn int_param(field: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse().map_err(|_| ApiError::invalid_value(field, raw.to_owned()))
}

fn void() -> Void {
    Vec::new()
}

// Sources ---------------------------------------------------------------------------------

pub struct ListSources;

impl Operation for ListSources {
    const SPEC: OpSpec = OpSpec {
        summary: "Search sources with searchCriteria.",
        audit: "{principal} searched inventory sources",
        ..msi_op("inventory.sources.list", SOURCE, Method::Get, "/V1/inventory/sources", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<SourceOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = sources::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BySourceCode {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub source_code: String,
}

pub struct GetSource;

impl Operation for GetSource {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a source by code.",
        audit: "{principal} read inventory source {source_code}",
        target: Some("source_code"),
        ..msi_op("inventory.sources.get", SOURCE, Method::Get, "/V1/inventory/sources/{sourceCode}", Effect::Read)
    };
    type Input = BySourceCode;
    type Output = SourceOut;

    async fn call(cx: &Ctx, input: BySourceCode) -> Result<SourceOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        sources::get(&mut r, cx.tenant, &input.source_code)
            .await?
            .map(Into::into)
            .ok_or_else(|| sources::not_found(&input.source_code))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateSourceInput {
    pub source: SourceIn,
}

pub struct CreateSource;

impl Operation for CreateSource {
    const SPEC: OpSpec = OpSpec {
        summary: "Save a source (an existing code is replaced, as Magento's repository does). Answers nothing.",
        audit: "{principal} saved inventory source {source.source_code}",
        target: Some("source.source_code"),
        ..msi_op("inventory.sources.create", SOURCE_EDIT, Method::Post, "/V1/inventory/sources", Effect::Write)
    };
    type Input = CreateSourceInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: CreateSourceInput) -> Result<Void, ApiError> {
        let code = input.source.source_code.clone().unwrap_or_default();
        let source = input.source.apply(None, code);
        let mut tx = cx.db.begin().await.storage()?;
        sources::save(&mut tx, cx.tenant, &source).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateSourceInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub source_code: String,
    pub source: SourceIn,
}

pub struct UpdateSource;

impl Operation for UpdateSource {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a source: the fields sent change (an unknown code is created). Answers nothing.",
        audit: "{principal} updated inventory source {source_code}",
        target: Some("source_code"),
        ..msi_op(
            "inventory.sources.update",
            SOURCE_EDIT,
            Method::Put,
            "/V1/inventory/sources/{sourceCode}",
            Effect::Write,
        )
    };
    type Input = UpdateSourceInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: UpdateSourceInput) -> Result<Void, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let stored = sources::get(&mut tx, cx.tenant, &input.source_code).await?;
        let source = input.source.apply(stored, input.source_code);
        sources::save(&mut tx, cx.tenant, &source).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

// Stocks ----------------------------------------------------------------------------------

pub struct ListStocks;

impl Operation for ListStocks {
    const SPEC: OpSpec = OpSpec {
        summary: "Search stocks with searchCriteria.",
        audit: "{principal} searched inventory stocks",
        ..msi_op("inventory.stocks.list", STOCK, Method::Get, "/V1/inventory/stocks", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<StockOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = stocks::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByStockId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub stock_id: String,
}

pub struct GetStock;

impl Operation for GetStock {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a stock by id, with its sales channels.",
        audit: "{principal} read inventory stock {stock_id}",
        target: Some("stock_id"),
        ..msi_op("inventory.stocks.get", STOCK, Method::Get, "/V1/inventory/stocks/{stockId}", Effect::Read)
    };
    type Input = ByStockId;
    type Output = StockOut;

    async fn call(cx: &Ctx, input: ByStockId) -> Result<StockOut, ApiError> {
        let id = int_param("stockId", &input.stock_id)?;
        let mut r = cx.db.reader().await.storage()?;
        stocks::get(&mut r, cx.tenant, id).await?.map(Into::into).ok_or_else(|| inventory::stock_not_found(id))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateStockInput {
    pub stock: StockIn,
}

pub struct CreateStock;

impl Operation for CreateStock {
    const SPEC: OpSpec = OpSpec {
        summary: "Save a stock (with `extension_attributes.sales_channels`); answers its id.",
        audit: "{principal} saved inventory stock {stock.name}",
        target: Some("stock.name"),
        ..msi_op("inventory.stocks.create", STOCK_EDIT, Method::Post, "/V1/inventory/stocks", Effect::Write)
    };
    type Input = CreateStockInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: CreateStockInput) -> Result<i64, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let stored = match input.stock.stock_id {
            Some(id) => stocks::get(&mut tx, cx.tenant, id).await?,
            None => None,
        };
        let id = stocks::save(&mut tx, cx.tenant, &input.stock.input(None, stored.as_ref())).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateStockInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub stock_id: String,
    pub stock: StockIn,
}

pub struct UpdateStock;

impl Operation for UpdateStock {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a stock: name and, when sent, its sales channels; answers its id.",
        audit: "{principal} updated inventory stock {stock_id}",
        target: Some("stock_id"),
        ..msi_op("inventory.stocks.update", STOCK_EDIT, Method::Put, "/V1/inventory/stocks/{stockId}", Effect::Write)
    };
    type Input = UpdateStockInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: UpdateStockInput) -> Result<i64, ApiError> {
        let id = int_param("stockId", &input.stock_id)?;
        let mut tx = cx.db.begin().await.storage()?;
        let stored = stocks::get(&mut tx, cx.tenant, id).await?;
        let id = stocks::save(&mut tx, cx.tenant, &input.stock.input(Some(id), stored.as_ref())).await?;
        tx.commit().await.storage()?;
        Ok(id)
    }
}

pub struct DeleteStock;

impl Operation for DeleteStock {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a stock (not the default stock, nor one serving a sales channel). Answers nothing.",
        audit: "{principal} deleted inventory stock {stock_id}",
        target: Some("stock_id"),
        ..msi_op(
            "inventory.stocks.delete",
            STOCK_DELETE,
            Method::Delete,
            "/V1/inventory/stocks/{stockId}",
            Effect::Destructive,
        )
    };
    type Input = ByStockId;
    type Output = Void;

    async fn call(cx: &Ctx, input: ByStockId) -> Result<Void, ApiError> {
        let id = int_param("stockId", &input.stock_id)?;
        let mut tx = cx.db.begin().await.storage()?;
        stocks::delete(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StockResolverInput {
    #[serde(rename = "type")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub kind: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub code: String,
}

pub struct ResolveStock;

impl Operation for ResolveStock {
    const SPEC: OpSpec = OpSpec {
        summary: "The stock serving a sales channel (type `website`, code).",
        audit: "{principal} resolved the stock of {type} {code}",
        target: Some("code"),
        ..msi_op(
            "inventory.stocks.resolve",
            SALES_STOCK,
            Method::Get,
            "/V1/inventory/stock-resolver/{type}/{code}",
            Effect::Read,
        )
    };
    type Input = StockResolverInput;
    type Output = StockOut;

    async fn call(cx: &Ctx, input: StockResolverInput) -> Result<StockOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        stocks::resolve(&mut r, cx.tenant, &input.kind, &input.code).await?.map(Into::into).ok_or_else(|| {
            ApiError::named(
                storegate_types::ErrorCode::NoSuchEntity,
                [("fieldName", Value::from("code")), ("fieldValue", Value::from(input.code.clone()))],
            )
        })
    }
}

// Stock–source links ----------------------------------------------------------------------

pub struct ListLinks;

impl Operation for ListLinks {
    const SPEC: OpSpec = OpSpec {
        summary: "Search stock–source links with searchCriteria.",
        audit: "{principal} searched stock-source links",
        ..msi_op("inventory.links.list", LINKS, Method::Get, "/V1/inventory/stock-source-links", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<LinkOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) = links::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LinksInput {
    #[schemars(length(max = crate::limits::PRODUCT_LINKS))]
    pub links: Vec<LinkIn>,
}

pub struct SaveLinks;

impl Operation for SaveLinks {
    const SPEC: OpSpec = OpSpec {
        summary: "Link sources to stocks with a priority (existing links get the new priority). Answers nothing.",
        audit: "{principal} saved stock-source links",
        ..msi_op("inventory.links.save", LINKS, Method::Post, "/V1/inventory/stock-source-links", Effect::Write)
    };
    type Input = LinksInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: LinksInput) -> Result<Void, ApiError> {
        let list = input.links.into_iter().map(LinkIn::link).collect::<Result<Vec<_>, _>>()?;
        let mut tx = cx.db.begin().await.storage()?;
        links::save(&mut tx, cx.tenant, &list).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

pub struct DeleteLinks;

impl Operation for DeleteLinks {
    const SPEC: OpSpec = OpSpec {
        summary: "Unlink sources from stocks (not the default source from the default stock). Answers nothing.",
        audit: "{principal} deleted stock-source links",
        ..msi_op(
            "inventory.links.delete",
            LINKS,
            Method::Post,
            "/V1/inventory/stock-source-links-delete",
            Effect::Destructive,
        )
    };
    type Input = LinksInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: LinksInput) -> Result<Void, ApiError> {
        let list = input
            .links
            .into_iter()
            .map(|l| l.link().map(|l| (l.stock_id, l.source_code)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut tx = cx.db.begin().await.storage()?;
        links::delete(&mut tx, cx.tenant, &list).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

pub struct SourcesByPriority;

impl Operation for SourcesByPriority {
    const SPEC: OpSpec = OpSpec {
        summary: "The sources linked to a stock, by link priority.",
        audit: "{principal} listed the sources of stock {stock_id}",
        target: Some("stock_id"),
        ..msi_op(
            "inventory.links.sources_by_priority",
            SOURCE,
            Method::Get,
            "/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/{stockId}",
            Effect::Read,
        )
    };
    type Input = ByStockId;
    type Output = Vec<SourceOut>;

    async fn call(cx: &Ctx, input: ByStockId) -> Result<Vec<SourceOut>, ApiError> {
        let id = int_param("stockId", &input.stock_id)?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(sources::assigned_to_stock(&mut r, cx.tenant, id).await?.into_iter().map(Into::into).collect())
    }
}

// Source items ----------------------------------------------------------------------------

pub struct ListSourceItems;

impl Operation for ListSourceItems {
    const SPEC: OpSpec = OpSpec {
        summary: "Search source items with searchCriteria (sku, source_code, quantity, status).",
        audit: "{principal} searched source items",
        ..msi_op("inventory.source_items.list", SOURCE, Method::Get, "/V1/inventory/source-items", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<SourceItemOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total_count) =
            source_items::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size).await?;
        Ok(SearchResult {
            items: items.into_iter().map(Into::into).collect(),
            search_criteria: criteria.echo(),
            total_count,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SourceItemsInput {
    #[schemars(length(max = crate::limits::BATCH))]
    pub source_items: Vec<SourceItemIn>,
}

pub struct SaveSourceItems;

impl Operation for SaveSourceItems {
    const SPEC: OpSpec = OpSpec {
        summary: "Save source items (all or none); the default source's items are the legacy stock items. Answers nothing.",
        audit: "{principal} saved source items",
        ..msi_op("inventory.source_items.save", ITEMS_ASSIGN, Method::Post, "/V1/inventory/source-items", Effect::Write)
    };
    type Input = SourceItemsInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: SourceItemsInput) -> Result<Void, ApiError> {
        let items = input.source_items.into_iter().map(SourceItemIn::item).collect::<Result<Vec<_>, _>>()?;
        let mut tx = cx.db.begin().await.storage()?;
        source_items::save(&mut tx, cx.tenant, &items).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

pub struct DeleteSourceItems;

impl Operation for DeleteSourceItems {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete source items by sku and source code. Answers nothing.",
        audit: "{principal} deleted source items",
        ..msi_op(
            "inventory.source_items.delete",
            ITEMS_ASSIGN,
            Method::Post,
            "/V1/inventory/source-items-delete",
            Effect::Destructive,
        )
    };
    type Input = SourceItemsInput;
    type Output = Void;

    async fn call(cx: &Ctx, input: SourceItemsInput) -> Result<Void, ApiError> {
        let keys = input.source_items.into_iter().map(SourceItemIn::key).collect::<Result<Vec<_>, _>>()?;
        let mut tx = cx.db.begin().await.storage()?;
        source_items::delete(&mut tx, cx.tenant, &keys).await?;
        tx.commit().await.storage()?;
        Ok(void())
    }
}

// Salability ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SkuStock {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub stock_id: String,
}

pub struct SalableQty;

impl Operation for SalableQty {
    const SPEC: OpSpec = OpSpec {
        summary: "A product's salable quantity on a stock: in-stock quantity of its enabled sources − min_qty + reservations.",
        audit: "{principal} read the salable quantity of {sku} on stock {stock_id}",
        target: Some("sku"),
        ..msi_op(
            "inventory.salable_qty",
            SALES_STOCK,
            Method::Get,
            "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}",
            Effect::Read,
        )
    };
    type Input = SkuStock;
    type Output = Value;

    async fn call(cx: &Ctx, input: SkuStock) -> Result<Value, ApiError> {
        let stock = int_param("stockId", &input.stock_id)?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(number(&inventory::salable_qty(&mut r, cx.tenant, stock, &input.sku).await?))
    }
}

pub struct IsSalable;

impl Operation for IsSalable {
    const SPEC: OpSpec = OpSpec {
        summary: "Whether a product is salable on a stock.",
        audit: "{principal} asked whether {sku} is salable on stock {stock_id}",
        target: Some("sku"),
        ..msi_op(
            "inventory.is_salable",
            SALES_STOCK,
            Method::Get,
            "/V1/inventory/is-product-salable/{sku}/{stockId}",
            Effect::Read,
        )
    };
    type Input = SkuStock;
    type Output = bool;

    async fn call(cx: &Ctx, input: SkuStock) -> Result<bool, ApiError> {
        let stock = int_param("stockId", &input.stock_id)?;
        let mut r = cx.db.reader().await.storage()?;
        inventory::is_salable(&mut r, cx.tenant, stock, &input.sku).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SkuStockQty {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub stock_id: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub requested_qty: String,
}

pub struct IsSalableForQty;

impl Operation for IsSalableForQty {
    const SPEC: OpSpec = OpSpec {
        summary: "Whether a quantity of a product is salable on a stock, with the reasons when not.",
        audit: "{principal} asked whether {requested_qty} of {sku} is salable on stock {stock_id}",
        target: Some("sku"),
        ..msi_op(
            "inventory.is_salable_for_qty",
            SALES_STOCK,
            Method::Get,
            "/V1/inventory/is-product-salable-for-requested-qty/{sku}/{stockId}/{requestedQty}",
            Effect::Read,
        )
    };
    type Input = SkuStockQty;
    type Output = SalableForQtyOut;

    async fn call(cx: &Ctx, input: SkuStockQty) -> Result<SalableForQtyOut, ApiError> {
        let stock = int_param("stockId", &input.stock_id)?;
        let qty = Decimal::from_str(input.requested_qty.trim())
            .ok()
            .filter(|q| *q > Decimal::ZERO)
            .ok_or_else(|| ApiError::invalid_value("requestedQty", input.requested_qty.clone()))?;
        let mut r = cx.db.reader().await.storage()?;
        let errors = inventory::salability_errors(&mut r, cx.tenant, stock, &input.sku, qty).await?;
        Ok(SalableForQtyOut {
            salable: errors.is_empty(),
            errors: errors
                .into_iter()
                .map(|e| SalabilityErrorOut { code: e.code.to_owned(), message: e.message.to_owned() })
                .collect(),
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AreSalableInput {
    /// `skus[]=…` (or `skus[0]=…`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    #[schemars(length(max = crate::limits::BATCH), inner(length(max = crate::limits::VARCHAR)))]
    pub skus: Option<Value>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub stock_id: Option<Value>,
}

fn stock_param(v: Option<&Value>) -> Result<i64, ApiError> {
    match v {
        None | Some(Value::Null) => Err(ApiError::required("stockId")),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| ApiError::invalid_value("stockId", n.to_string())),
        Some(Value::String(s)) => int_param("stockId", s),
        Some(other) => Err(ApiError::invalid_value("stockId", other.to_string())),
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub struct AreSalable;

impl Operation for AreSalable {
    const SPEC: OpSpec = OpSpec {
        summary: "Whether each of several products is salable on a stock (`skus[]=…&stockId=…`).",
        audit: "{principal} asked whether products are salable",
        ..msi_op("inventory.are_salable", SALES_STOCK, Method::Get, "/V1/inventory/are-products-salable", Effect::Read)
    };
    type Input = AreSalableInput;
    type Output = Vec<ProductSalableOut>;

    async fn call(cx: &Ctx, input: AreSalableInput) -> Result<Vec<ProductSalableOut>, ApiError> {
        let stock = stock_param(input.stock_id.as_ref())?;
        let mut r = cx.db.reader().await.storage()?;
        let mut out = Vec::new();
        for v in list_of(input.skus.as_ref()) {
            let sku = text_of(&v).ok_or_else(|| ApiError::invalid_value("skus", v.to_string()))?;
            let salable = inventory::is_salable(&mut r, cx.tenant, stock, &sku).await?;
            out.push(ProductSalableOut { sku, stock_id: stock, salable });
        }
        Ok(out)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AreSalableForQtyInput {
    /// `skuRequests[0][sku]=…&skuRequests[0][qty]=…`.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_list")]
    pub sku_requests: Option<Value>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub stock_id: Option<Value>,
}

pub struct AreSalableForQty;

impl Operation for AreSalableForQty {
    const SPEC: OpSpec = OpSpec {
        summary: "Whether each requested quantity is salable on a stock, with the reasons when not.",
        audit: "{principal} asked whether requested quantities are salable",
        ..msi_op(
            "inventory.are_salable_for_qty",
            SALES_STOCK,
            Method::Get,
            "/V1/inventory/are-product-salable-for-requested-qty",
            Effect::Read,
        )
    };
    type Input = AreSalableForQtyInput;
    type Output = Vec<ProductSalableForQtyOut>;

    async fn call(cx: &Ctx, input: AreSalableForQtyInput) -> Result<Vec<ProductSalableForQtyOut>, ApiError> {
        let stock = stock_param(input.stock_id.as_ref())?;
        let mut r = cx.db.reader().await.storage()?;
        let mut out = Vec::new();
        for request in list_of(input.sku_requests.as_ref()) {
            let sku = request.get("sku").and_then(text_of).ok_or_else(|| ApiError::required("sku"))?;
            let raw = request.get("qty").and_then(text_of).ok_or_else(|| ApiError::required("qty"))?;
            let qty = Decimal::from_str(raw.trim())
                .ok()
                .filter(|q| *q > Decimal::ZERO)
                .ok_or_else(|| ApiError::invalid_value("qty", raw.clone()))?;
            let errors = inventory::salability_errors(&mut r, cx.tenant, stock, &sku, qty).await?;
            out.push(ProductSalableForQtyOut {
                sku,
                stock_id: stock,
                salable: errors.is_empty(),
                errors: errors
                    .into_iter()
                    .map(|e| SalabilityErrorOut { code: e.code.to_owned(), message: e.message.to_owned() })
                    .collect(),
            });
        }
        Ok(out)
    }
}

// Source selection ------------------------------------------------------------------------

pub struct AlgorithmList;

impl Operation for AlgorithmList {
    const SPEC: OpSpec = OpSpec {
        summary: "The source selection algorithms on offer (`priority`).",
        audit: "{principal} listed source selection algorithms",
        ..msi_op(
            "inventory.source_selection.algorithms",
            SOURCE,
            Method::Get,
            "/V1/inventory/source-selection-algorithm-list",
            Effect::Read,
        )
    };
    type Input = super::NoInput;
    type Output = Vec<AlgorithmOut>;

    async fn call(_cx: &Ctx, _input: super::NoInput) -> Result<Vec<AlgorithmOut>, ApiError> {
        Ok(selection::ALGORITHMS
            .iter()
            .map(|(code, title, description)| AlgorithmOut {
                code: (*code).to_owned(),
                title: (*title).to_owned(),
                description: (*description).to_owned(),
            })
            .collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SelectionInput {
    pub inventory_request: InventoryRequestIn,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub algorithm_code: Option<String>,
}

pub struct SelectSources;

impl Operation for SelectSources {
    const SPEC: OpSpec = OpSpec {
        summary: "Which sources to ship a request's items from (`priority`: the stock's enabled sources by link priority).",
        audit: "{principal} ran source selection on stock {inventory_request.stock_id}",
        ..msi_op(
            "inventory.source_selection.run",
            SOURCE,
            Method::Post,
            "/V1/inventory/source-selection-algorithm-result",
            Effect::Read,
        )
    };
    type Input = SelectionInput;
    type Output = SelectionResultOut;

    async fn call(cx: &Ctx, input: SelectionInput) -> Result<SelectionResultOut, ApiError> {
        let algorithm = input.algorithm_code.ok_or_else(|| ApiError::required("algorithmCode"))?;
        let (stock, items) = input.inventory_request.items()?;
        let mut r = cx.db.reader().await.storage()?;
        Ok(selection::select(&mut r, cx.tenant, stock, &items, &algorithm).await?.into())
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    ListSources,
    GetSource,
    CreateSource,
    UpdateSource,
    ListStocks,
    GetStock,
    CreateStock,
    UpdateStock,
    DeleteStock,
    ResolveStock,
    ListLinks,
    SaveLinks,
    DeleteLinks,
    SourcesByPriority,
    ListSourceItems,
    SaveSourceItems,
    DeleteSourceItems,
    SalableQty,
    IsSalable,
    IsSalableForQty,
    AreSalable,
    AreSalableForQty,
    AlgorithmList,
    SelectSources,
];
