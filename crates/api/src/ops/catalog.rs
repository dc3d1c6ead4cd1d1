//! `/V1/products…`: products and what hangs off them (tier prices, links, media gallery,
//! websites), and the media files themselves under `/media/catalog/product/…`.

use super::NoInput;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation, Reply};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::product::{
    MediaEntryIn, MediaEntryOut, ProductIn, ProductLinkIn, ProductLinkOut, ProductOut, TierPriceOut,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storegate_db::Exec;
use storegate_domain::StorageResult;
use storegate_domain::catalog::save::{self, Scope, Target};
use storegate_domain::catalog::tier_prices::ALL_GROUPS;
use storegate_domain::catalog::{links, media, products, tier_prices};
use storegate_domain::search::SearchCriteria;
use storegate_domain::store;
use storegate_types::acl::AclResource;
use storegate_types::{ApiError, ErrorCode};

const PRODUCTS: Acl = Acl::Resources(&[AclResource::CatalogProducts]);
const CATALOG: Acl = Acl::Resources(&[AclResource::CatalogCatalog]);
const ATTRIBUTES: Acl = Acl::Resources(&[AclResource::CatalogAttributes]);

const fn product_op(id: &'static str, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl: PRODUCTS,
        group: CapabilityGroup::Products,
        limits: &[],
        cache: crate::spec::Cache::Never,
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
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
}

/// The input of every searchCriteria list operation.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Search {
    /// `searchCriteria[filter_groups][0][filters][0][field]=sku&…`; both spellings of every
    /// key are accepted. Optional: without it every match is returned, up to the maximum
    /// page size.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::search_criteria")]
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
        cache: crate::spec::Cache::Shared,
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
        cache: crate::spec::Cache::Shared,
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

/// Where a save writes: `/rest/<store_code>/V1` writes custom attribute values for that
/// store view; `/rest/V1` (which runs in the default store view) and `/rest/all/V1` write
/// the default scope. A new product joins the request's website (every website under `all`).
async fn scope<'a>(cx: &'a Ctx, ex: &mut impl Exec) -> Result<Scope<'a>, ApiError> {
    let media_dir = cx.settings.media_dir.as_path();
    if cx.store.id == 0 {
        let websites = store::websites(ex, cx.tenant).await?.into_iter().map(|w| w.id).filter(|id| *id != 0).collect();
        return Ok(Scope { store_id: 0, default_website_ids: websites, media_dir });
    }
    let default = store::default_view(ex, cx.tenant).await?;
    let store_id = if default.id == cx.store.id { 0 } else { cx.store.id };
    Ok(Scope { store_id, default_website_ids: vec![cx.store.website_id], media_dir })
}

/// Saves in one transaction, reads the result back in it, commits, then removes media
/// files the save stopped using.
async fn save_product(cx: &Ctx, target: Target, input: ProductIn, sku: String) -> Result<ProductOut, ApiError> {
    let input = input.input(sku)?;
    let mut tx = cx.db.begin().await.storage()?;
    let scope = scope(cx, &mut tx).await?;
    let saved = save::save(&mut tx, cx.tenant, &scope, target, input).await?;
    let product = products::get_by_id(&mut tx, cx.tenant, saved.id, cx.store.id)
        .await?
        .ok_or_else(|| ApiError::internal("a saved product cannot be read back"))?;
    tx.commit().await.storage()?;
    cleanup(cx, &saved.unused_files).await;
    Ok(ProductOut::from(product))
}

/// Removes media files nothing refers to any more. Failures are logged, not answered: the
/// write they follow has committed.
async fn cleanup(cx: &Ctx, files: &[String]) {
    if files.is_empty() {
        return;
    }
    let result = async {
        let mut r = cx.db.reader().await.storage()?;
        media::remove_unused_files(&mut r, cx.tenant, &cx.settings.media_dir, files).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(request_id = %cx.request_id, error = %e, "unused media files were not removed");
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SaveProductInput {
    pub product: ProductIn,
    /// Magento's flag for saving custom options; accepted and ignored.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub save_options: Option<serde_json::Value>,
}

pub struct CreateProduct;

impl Operation for CreateProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a product, or update it when the SKU (or the given id) exists, as Magento's repository does.",
        audit: "{principal} saved product {product.sku} in {store}",
        target: Some("product.sku"),
        ..product_op("catalog.product.create", Method::Post, "/V1/products", Effect::Write)
    };
    type Input = SaveProductInput;
    type Output = ProductOut;

    async fn call(cx: &Ctx, input: SaveProductInput) -> Result<ProductOut, ApiError> {
        let sku = input.product.sku.clone().ok_or_else(|| ApiError::required("sku"))?;
        save_product(cx, Target::Upsert, input.product, sku).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateProductInput {
    /// The product to change; it wins over the body's `sku`, as in Magento.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    pub product: ProductIn,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub save_options: Option<serde_json::Value>,
}

pub struct UpdateProduct;

impl Operation for UpdateProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Change a product: only the fields sent change (custom attributes merge by code).",
        audit: "{principal} updated product {sku} in {store}",
        target: Some("sku"),
        ..product_op("catalog.product.update", Method::Put, "/V1/products/{sku}", Effect::Write)
    };
    type Input = UpdateProductInput;
    type Output = ProductOut;

    async fn call(cx: &Ctx, input: UpdateProductInput) -> Result<ProductOut, ApiError> {
        let mut product = input.product;
        product.id = None;
        save_product(cx, Target::Existing(input.sku.clone()), product, input.sku).await
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
        let id = products::id_by_sku(&mut tx, cx.tenant, &input.sku)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))?;
        let files = media::files_of(&mut tx, cx.tenant, id).await?;
        if !products::delete_by_sku(&mut tx, cx.tenant, &input.sku).await? {
            return Err(ApiError::new(ErrorCode::ProductNotFound));
        }
        tx.commit().await.storage()?;
        cleanup(cx, &files).await;
        Ok(true)
    }
}

async fn product_id(ex: &mut impl Exec, cx: &Ctx, sku: &str) -> Result<i64, ApiError> {
    products::id_by_sku(ex, cx.tenant, sku).await?.ok_or_else(|| ApiError::new(ErrorCode::ProductNotFound))
}

// Tier prices ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TiersInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    /// A customer group id, or `all` (32000) for the prices that apply to every group.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub customer_group_id: String,
}

pub struct ListTierPrices;

impl Operation for ListTierPrices {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "List a product's tier prices for one customer group (or `all`).",
        audit: "{principal} read the tier prices of {sku} for group {customer_group_id}",
        target: Some("sku"),
        ..product_op(
            "catalog.product.tier_prices.list",
            Method::Get,
            "/V1/products/{sku}/group-prices/{customerGroupId}/tiers",
            Effect::Read,
        )
    };
    type Input = TiersInput;
    type Output = Vec<TierPriceOut>;

    async fn call(cx: &Ctx, input: TiersInput) -> Result<Vec<TierPriceOut>, ApiError> {
        let group = match input.customer_group_id.trim() {
            "all" => ALL_GROUPS,
            other => other.parse::<i64>().map_err(|_| ApiError::invalid_value("customerGroupId", other.to_owned()))?,
        };
        let mut r = cx.db.reader().await.storage()?;
        let id = product_id(&mut r, cx, &input.sku).await?;
        if group != ALL_GROUPS && !tier_prices::group_exists(&mut r, cx.tenant, group).await? {
            return Err(ApiError::no_such_entity("customerGroupId", group));
        }
        let tiers = tier_prices::for_group(&mut r, cx.tenant, id, group).await?;
        Ok(tiers.iter().map(TierPriceOut::from).collect())
    }
}

// Product links -------------------------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct LinkType {
    pub code: i64,
    pub name: &'static str,
}

pub struct ListLinkTypes;

impl Operation for ListLinkTypes {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "List the product link types.",
        audit: "{principal} listed product link types",
        ..product_op("catalog.product_link_types.list", Method::Get, "/V1/products/links/types", Effect::Read)
    };
    type Input = NoInput;
    type Output = Vec<LinkType>;

    async fn call(_: &Ctx, _: NoInput) -> Result<Vec<LinkType>, ApiError> {
        Ok(links::LINK_TYPES.iter().map(|(name, code)| LinkType { code: *code, name }).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LinksByType {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    /// `related`, `upsell`, `crosssell` or `associated`.
    #[serde(rename = "type")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub link_type: String,
}

pub struct GetLinks;

impl Operation for GetLinks {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "List a product's links of one type.",
        audit: "{principal} read the {type} links of {sku}",
        target: Some("sku"),
        ..product_op("catalog.product.links.list", Method::Get, "/V1/products/{sku}/links/{type}", Effect::Read)
    };
    type Input = LinksByType;
    type Output = Vec<ProductLinkOut>;

    async fn call(cx: &Ctx, input: LinksByType) -> Result<Vec<ProductLinkOut>, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let id = product_id(&mut r, cx, &input.sku).await?;
        let found = links::list(&mut r, cx.tenant, id, &input.link_type).await?;
        Ok(found.iter().map(|l| ProductLinkOut::new(&input.sku, l)).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetLinksInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[schemars(length(max = crate::limits::PRODUCT_LINKS))]
    pub items: Vec<ProductLinkIn>,
}

pub struct SetLinks;

impl Operation for SetLinks {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Add links to a product (links of the same type and product are updated).",
        audit: "{principal} linked products to {sku} in {store}",
        target: Some("sku"),
        ..product_op("catalog.product.links.set", Method::Post, "/V1/products/{sku}/links", Effect::Write)
    };
    type Input = SetLinksInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: SetLinksInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        let items: Vec<_> = input.items.iter().map(ProductLinkIn::input).collect();
        links::merge(&mut tx, cx.tenant, id, &items).await?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SaveLinkInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    pub entity: ProductLinkIn,
}

pub struct SaveLink;

impl Operation for SaveLink {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Save one product link.",
        audit: "{principal} saved the {entity.link_type} link from {sku} to {entity.linked_product_sku}",
        target: Some("sku"),
        ..product_op("catalog.product.links.save", Method::Put, "/V1/products/{sku}/links", Effect::Write)
    };
    type Input = SaveLinkInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: SaveLinkInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        links::save_one(&mut tx, cx.tenant, id, &input.entity.input()).await?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeleteLinkInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[serde(rename = "type")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub link_type: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub linked_product_sku: String,
}

pub struct DeleteLink;

impl Operation for DeleteLink {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Remove one product link.",
        audit: "{principal} removed the {type} link from {sku} to {linked_product_sku}",
        target: Some("sku"),
        ..product_op(
            "catalog.product.links.delete",
            Method::Delete,
            "/V1/products/{sku}/links/{type}/{linkedProductSku}",
            Effect::Destructive,
        )
    };
    type Input = DeleteLinkInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: DeleteLinkInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        if !links::delete(&mut tx, cx.tenant, id, &input.link_type, &input.linked_product_sku).await? {
            return Err(ApiError::positional(
                ErrorCode::LinkNotFound,
                [input.sku.clone(), input.linked_product_sku.clone(), input.link_type.clone()],
            ));
        }
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

// Media gallery -------------------------------------------------------------------------

pub struct ListMedia;

impl Operation for ListMedia {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "List a product's media gallery entries.",
        audit: "{principal} read the media gallery of {sku}",
        target: Some("sku"),
        ..product_op("catalog.product.media.list", Method::Get, "/V1/products/{sku}/media", Effect::Read)
    };
    type Input = BySku;
    type Output = Vec<MediaEntryOut>;

    async fn call(cx: &Ctx, input: BySku) -> Result<Vec<MediaEntryOut>, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let id = product_id(&mut r, cx, &input.sku).await?;
        Ok(media::list(&mut r, cx.tenant, id).await?.iter().map(MediaEntryOut::from).collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MediaEntryRef {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub entry_id: i64,
}

pub struct GetMedia;

impl Operation for GetMedia {
    const SPEC: OpSpec = OpSpec {
        acl: ATTRIBUTES,
        summary: "Get one media gallery entry of a product.",
        audit: "{principal} read media entry {entry_id} of {sku}",
        target: Some("sku"),
        ..product_op("catalog.product.media.get", Method::Get, "/V1/products/{sku}/media/{entryId}", Effect::Read)
    };
    type Input = MediaEntryRef;
    type Output = MediaEntryOut;

    async fn call(cx: &Ctx, input: MediaEntryRef) -> Result<MediaEntryOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let id = product_id(&mut r, cx, &input.sku).await?;
        media::get(&mut r, cx.tenant, id, input.entry_id)
            .await?
            .map(|e| MediaEntryOut::from(&e))
            .ok_or_else(|| ApiError::new(ErrorCode::MediaEntryNotFound))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateMediaInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    /// `{media_type: "image", label, position, disabled, types, content: {base64_encoded_data,
    /// type, name}}`.
    pub entry: MediaEntryIn,
}

pub struct CreateMedia;

impl Operation for CreateMedia {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Upload an image to a product's gallery; answers the new entry id.",
        audit: "{principal} added an image to product {sku} in {store}",
        target: Some("sku"),
        ..product_op("catalog.product.media.create", Method::Post, "/V1/products/{sku}/media", Effect::Write)
    };
    type Input = CreateMediaInput;
    type Output = i64;

    async fn call(cx: &Ctx, input: CreateMediaInput) -> Result<i64, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        let entry = media::create(&mut tx, cx.tenant, &cx.settings.media_dir, id, &input.entry.input()).await?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        Ok(entry)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateMediaInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub entry_id: i64,
    pub entry: MediaEntryIn,
}

pub struct UpdateMedia;

impl Operation for UpdateMedia {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Change a media gallery entry (new content replaces the file).",
        audit: "{principal} updated media entry {entry_id} of {sku}",
        target: Some("sku"),
        ..product_op("catalog.product.media.update", Method::Put, "/V1/products/{sku}/media/{entryId}", Effect::Write)
    };
    type Input = UpdateMediaInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: UpdateMediaInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        let unused =
            media::update(&mut tx, cx.tenant, &cx.settings.media_dir, id, input.entry_id, &input.entry.input())
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::MediaEntryIdNotFound))?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        cleanup(cx, &unused).await;
        Ok(true)
    }
}

pub struct DeleteMedia;

impl Operation for DeleteMedia {
    const SPEC: OpSpec = OpSpec {
        acl: CATALOG,
        summary: "Remove a media gallery entry (and its file when nothing else uses it).",
        audit: "{principal} removed media entry {entry_id} from {sku}",
        target: Some("sku"),
        ..product_op(
            "catalog.product.media.delete",
            Method::Delete,
            "/V1/products/{sku}/media/{entryId}",
            Effect::Destructive,
        )
    };
    type Input = MediaEntryRef;
    type Output = bool;

    async fn call(cx: &Ctx, input: MediaEntryRef) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        let id = product_id(&mut tx, cx, &input.sku).await?;
        let file = media::remove(&mut tx, cx.tenant, id, input.entry_id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::MediaEntryIdNotFound))?;
        save::touch(&mut tx, cx.tenant, id).await?;
        tx.commit().await.storage()?;
        cleanup(cx, &[file]).await;
        Ok(true)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MediaFile {
    /// The file below `catalog/product`, e.g. `m/b/mb01.jpg`.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub file: String,
}

pub struct ServeMedia;

impl Operation for ServeMedia {
    const SPEC: OpSpec = OpSpec {
        id: "media.product_image.get",
        surface: Surface::System,
        method: Method::Get,
        path: "/media/catalog/product/{*file}",
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary: "Serve a product image from the media directory.",
        audit: "{principal} read a product image",
        target: None,
    };
    type Input = MediaFile;
    type Output = MediaBytes;

    async fn call(cx: &Ctx, input: MediaFile) -> Result<MediaBytes, ApiError> {
        match media::read(&cx.settings.media_dir, &input.file).await? {
            Some((body, content_type)) => Ok(MediaBytes { body, content_type }),
            None => Err(ApiError::new(ErrorCode::MediaFileNotFound)),
        }
    }

    fn reply(output: MediaBytes) -> Result<Reply, ApiError> {
        Ok(Reply::Binary { body: output.body, content_type: output.content_type.to_owned() })
    }
}

/// A served file; it is answered as raw bytes, never as JSON.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MediaBytes {
    #[serde(skip)]
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

// Websites ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct WebsiteLinkIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: Option<String>,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub website_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddWebsiteInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    pub product_website_link: WebsiteLinkIn,
}

pub struct AddWebsite;

impl Operation for AddWebsite {
    const SPEC: OpSpec = OpSpec {
        summary: "Assign a product to a website.",
        audit: "{principal} assigned product {sku} to website {product_website_link.website_id}",
        target: Some("sku"),
        ..product_op("catalog.product.websites.add", Method::Post, "/V1/products/{sku}/websites", Effect::Write)
    };
    type Input = AddWebsiteInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: AddWebsiteInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        save::add_website(&mut tx, cx.tenant, &input.sku, input.product_website_link.website_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemoveWebsiteInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub website_id: i64,
}

pub struct RemoveWebsite;

impl Operation for RemoveWebsite {
    const SPEC: OpSpec = OpSpec {
        summary: "Remove a product from a website.",
        audit: "{principal} removed product {sku} from website {website_id}",
        target: Some("sku"),
        ..product_op(
            "catalog.product.websites.delete",
            Method::Delete,
            "/V1/products/{sku}/websites/{websiteId}",
            Effect::Destructive,
        )
    };
    type Input = RemoveWebsiteInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: RemoveWebsiteInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        save::remove_website(&mut tx, cx.tenant, &input.sku, input.website_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    ListProductTypes,
    ListProducts,
    GetProduct,
    CreateProduct,
    UpdateProduct,
    DeleteProduct,
    ListTierPrices,
    ListLinkTypes,
    GetLinks,
    SetLinks,
    SaveLink,
    DeleteLink,
    ListMedia,
    GetMedia,
    CreateMedia,
    UpdateMedia,
    DeleteMedia,
    ServeMedia,
    AddWebsite,
    RemoveWebsite,
];
