//! `/V1/products…`: the catalog operations.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::product::ProductOut;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storegate_domain::StorageResult;
use storegate_domain::catalog::products;
use storegate_domain::search::SearchCriteria;
use storegate_types::acl::AclResource;
use storegate_types::{ApiError, ErrorCode};

const PRODUCTS: Acl = Acl::Resources(&[AclResource::CatalogProducts]);

const fn product_op(id: &'static str, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl: PRODUCTS,
        group: CapabilityGroup::Products,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductType {
    pub name: &'static str,
    pub label: &'static str,
}

pub struct ListProductTypes;

impl Operation for ListProductTypes {
    const SPEC: OpSpec = OpSpec {
        summary: "List the product types.",
        audit: "{principal} listed product types",
        ..product_op("catalog.product_types.list", Method::Get, "/V1/products/types", Effect::Read)
    };
    type Input = NoInput;
    type Output = Vec<ProductType>;

    async fn call(_: &Ctx, _: NoInput) -> Result<Self::Output, ApiError> {
        Ok(products::TYPES.iter().map(|(name, label)| ProductType { name, label }).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BySku {
    /// The SKU, URL-encoded in the path (spaces, `/` as `%2F`, any Unicode).
    pub sku: String,
}

/// The input of every searchCriteria list operation.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Search {
    /// `searchCriteria[filter_groups][0][filters][0][field]=sku&…`; both spellings of every
    /// key are accepted. Optional: without it every match is returned, up to the maximum
    /// page size.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub search_criteria: Option<serde_json::Value>,
}

impl Search {
    pub fn criteria(&self) -> Result<SearchCriteria, ApiError> {
        SearchCriteria::from_input(self.search_criteria.as_ref())
    }
}

pub struct ListProducts;

impl Operation for ListProducts {
    const SPEC: OpSpec = OpSpec {
        summary: "Search products with searchCriteria.",
        audit: "{principal} searched products in {store}",
        ..product_op("catalog.product.list", Method::Get, "/V1/products", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<ProductOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) =
            products::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size, cx.store.id).await?;
        Ok(SearchResult {
            items: items.into_iter().map(ProductOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

pub struct GetProduct;

impl Operation for GetProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a product by SKU, with this store view's values.",
        audit: "{principal} read product {sku} in {store}",
        target: Some("sku"),
        ..product_op("catalog.product.get", Method::Get, "/V1/products/{sku}", Effect::Read)
    };
    type Input = BySku;
    type Output = ProductOut;

    async fn call(cx: &Ctx, input: BySku) -> Result<ProductOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        products::get_by_sku(&mut r, cx.tenant, &input.sku, cx.store.id)
            .await?
            .map(ProductOut::from)
            .ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))
    }
}

pub struct DeleteProduct;

impl Operation for DeleteProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a product by SKU.",
        audit: "{principal} deleted product {sku} from {store}",
        target: Some("sku"),
        ..product_op("catalog.product.delete", Method::Delete, "/V1/products/{sku}", Effect::Destructive)
    };
    type Input = BySku;
    type Output = bool;

    async fn call(cx: &Ctx, input: BySku) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        if !products::delete_by_sku(&mut tx, cx.tenant, &input.sku).await? {
            return Err(ApiError::new(ErrorCode::ProductNotFound));
        }
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![ListProductTypes, ListProducts, GetProduct, DeleteProduct];
