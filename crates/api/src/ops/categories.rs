//! Categories (`/V1/categories…`): the tree, search, reads and saves, moves, deletes and
//! the product assignments.
//!
//! Scope of saves: through the admin view (`/rest/all/V1`) or the default store view
//! (`/rest/V1`, `/rest/default/V1`) values go to the default scope; through any other store
//! view's code, name, description and the other custom attributes are written for that
//! view, while the structure (active, menu, anchor, position, URL key) stays global.

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::category::{CategoryIn, CategoryOut, CategoryProductLinkIn, CategoryProductLinkOut, CategoryTreeOut};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::catalog::categories;
use storegate_domain::{StorageResult, store};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const CATEGORIES: Acl = Acl::Resources(&[AclResource::CatalogCategories]);

const fn category_op(id: &'static str, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl: CATEGORIES,
        group: CapabilityGroup::Categories,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

/// The store scope a save writes to (see the module documentation).
async fn write_scope(cx: &Ctx, ex: &mut impl storegate_db::Exec) -> Result<i64, ApiError> {
    if cx.store.id == 0 {
        return Ok(0);
    }
    let default = store::default_view(ex, cx.tenant).await?;
    Ok(if default.id == cx.store.id { 0 } else { cx.store.id })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TreeInput {
    /// The category the tree starts at; the store's root category when absent.
    #[serde(default, deserialize_with = "crate::wire::category::lenient::opt_int")]
    pub root_category_id: Option<i64>,
    /// Levels below the root to include; all when absent.
    #[serde(default, deserialize_with = "crate::wire::category::lenient::opt_int")]
    pub depth: Option<i64>,
}

pub struct GetTree;

impl Operation for GetTree {
    const SPEC: OpSpec = OpSpec {
        summary: "The category tree under a root, with product counts.",
        audit: "{principal} read the category tree of {store}",
        cache: crate::spec::Cache::Shared,
        ..category_op("catalog.categories.tree", Method::Get, "/V1/categories", Effect::Read)
    };
    type Input = TreeInput;
    type Output = CategoryTreeOut;

    async fn call(cx: &Ctx, input: TreeInput) -> Result<CategoryTreeOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let root = match input.root_category_id {
            Some(id) => id,
            None => store::root_category_id(&mut r, cx.tenant, &cx.store).await?,
        };
        Ok(categories::tree(&mut r, cx.tenant, root, input.depth, cx.store.id).await?.into())
    }
}

pub struct ListCategories;

impl Operation for ListCategories {
    const SPEC: OpSpec = OpSpec {
        summary: "Search categories with searchCriteria.",
        audit: "{principal} searched categories in {store}",
        ..category_op("catalog.categories.list", Method::Get, "/V1/categories/list", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<CategoryOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let criteria = input.criteria()?;
        let mut r = cx.db.reader().await.storage()?;
        let (items, total) =
            categories::search(&mut r, cx.tenant, &criteria, cx.settings.max_page_size, cx.store.id).await?;
        Ok(SearchResult {
            items: items.into_iter().map(CategoryOut::from).collect(),
            search_criteria: criteria.echo(),
            total_count: total,
        })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByCategoryId {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub category_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetInput {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub category_id: i64,
    /// Read this store view's values instead of the request's.
    #[serde(default, deserialize_with = "crate::wire::category::lenient::opt_int")]
    pub store_id: Option<i64>,
}

pub struct GetCategory;

impl Operation for GetCategory {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a category by id, with this store view's values.",
        audit: "{principal} read category {category_id} in {store}",
        target: Some("category_id"),
        ..category_op("catalog.categories.get", Method::Get, "/V1/categories/{categoryId}", Effect::Read)
    };
    type Input = GetInput;
    type Output = CategoryOut;

    async fn call(cx: &Ctx, input: GetInput) -> Result<CategoryOut, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let store_id = input.store_id.unwrap_or(cx.store.id);
        Ok(categories::require(&mut r, cx.tenant, input.category_id, store_id).await?.into())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateInput {
    pub category: CategoryIn,
}

pub struct CreateCategory;

impl Operation for CreateCategory {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a category (under the store's root category unless parent_id says otherwise).",
        audit: "{principal} created category {id} \"{name}\" under {parent_id} in {store}",
        target: Some("id"),
        ..category_op("catalog.categories.create", Method::Post, "/V1/categories", Effect::Write)
    };
    type Input = CreateInput;
    type Output = CategoryOut;

    async fn call(cx: &Ctx, input: CreateInput) -> Result<CategoryOut, ApiError> {
        let changes = input.category.changes()?;
        let mut tx = cx.db.begin().await.storage()?;
        let parent = match input.category.parent_id.filter(|p| *p > 0) {
            Some(p) => p,
            None => store::root_category_id(&mut tx, cx.tenant, &cx.store).await?,
        };
        let id = categories::save_new(&mut tx, cx.tenant, parent, &changes).await?;
        let out = categories::require(&mut tx, cx.tenant, id, cx.store.id).await?;
        tx.commit().await.storage()?;
        Ok(out.into())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateInput {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub id: i64,
    pub category: CategoryIn,
}

pub struct UpdateCategory;

impl Operation for UpdateCategory {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a category: only the fields sent change (use …/move to change its parent).",
        audit: "{principal} updated category {id} in {store}",
        target: Some("id"),
        ..category_op("catalog.categories.update", Method::Put, "/V1/categories/{id}", Effect::Write)
    };
    type Input = UpdateInput;
    type Output = CategoryOut;

    async fn call(cx: &Ctx, input: UpdateInput) -> Result<CategoryOut, ApiError> {
        let changes = input.category.changes()?;
        let mut tx = cx.db.begin().await.storage()?;
        let scope = write_scope(cx, &mut tx).await?;
        categories::save_existing(&mut tx, cx.tenant, input.id, &changes, scope).await?;
        let out = categories::require(&mut tx, cx.tenant, input.id, cx.store.id).await?;
        tx.commit().await.storage()?;
        Ok(out.into())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MoveInput {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub category_id: i64,
    /// The new parent.
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub parent_id: i64,
    /// The sibling to place it after: 0 for first, absent for last.
    #[serde(default, deserialize_with = "crate::wire::category::lenient::opt_int")]
    pub after_id: Option<i64>,
}

pub struct MoveCategory;

impl Operation for MoveCategory {
    const SPEC: OpSpec = OpSpec {
        summary: "Move a category and its subtree under another parent, after a given sibling.",
        audit: "{principal} moved category {category_id} under {parent_id} in {store}",
        target: Some("category_id"),
        ..category_op("catalog.categories.move", Method::Put, "/V1/categories/{categoryId}/move", Effect::Write)
    };
    type Input = MoveInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: MoveInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        categories::move_to(&mut tx, cx.tenant, input.category_id, input.parent_id, input.after_id).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct DeleteCategory;

impl Operation for DeleteCategory {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a category with all its subcategories (root categories are refused).",
        audit: "{principal} deleted category {category_id} and its subcategories from {store}",
        target: Some("category_id"),
        ..category_op("catalog.categories.delete", Method::Delete, "/V1/categories/{categoryId}", Effect::Destructive)
    };
    type Input = ByCategoryId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByCategoryId) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        if !categories::delete(&mut tx, cx.tenant, input.category_id).await? {
            return Err(ApiError::no_such_entity("id", input.category_id));
        }
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub struct ListCategoryProducts;

impl Operation for ListCategoryProducts {
    const SPEC: OpSpec = OpSpec {
        summary: "The products assigned to a category, with their positions.",
        audit: "{principal} listed the products of category {category_id}",
        target: Some("category_id"),
        ..category_op(
            "catalog.categories.products.list",
            Method::Get,
            "/V1/categories/{categoryId}/products",
            Effect::Read,
        )
    };
    type Input = ByCategoryId;
    type Output = Vec<CategoryProductLinkOut>;

    async fn call(cx: &Ctx, input: ByCategoryId) -> Result<Self::Output, ApiError> {
        let mut r = cx.db.reader().await.storage()?;
        let links = categories::assigned_products(&mut r, cx.tenant, input.category_id).await?;
        let category_id = input.category_id.to_string();
        Ok(links
            .into_iter()
            .map(|(sku, position)| CategoryProductLinkOut { sku, position, category_id: category_id.clone() })
            .collect())
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignInput {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub category_id: i64,
    pub product_link: CategoryProductLinkIn,
}

async fn assign(cx: &Ctx, input: AssignInput) -> Result<bool, ApiError> {
    if let Some(body_id) = input.product_link.category_id
        && body_id != input.category_id
    {
        return Err(ApiError::invalid_value("product_link.category_id", body_id));
    }
    let mut tx = cx.db.begin().await.storage()?;
    let position = input.product_link.position.unwrap_or(0);
    categories::assign_product(&mut tx, cx.tenant, input.category_id, &input.product_link.sku, position).await?;
    tx.commit().await.storage()?;
    Ok(true)
}

pub struct AssignProduct;

impl Operation for AssignProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Assign a product to a category at a position.",
        audit: "{principal} assigned product {product_link.sku} to category {category_id} in {store}",
        target: Some("category_id"),
        ..category_op(
            "catalog.categories.products.assign",
            Method::Post,
            "/V1/categories/{categoryId}/products",
            Effect::Write,
        )
    };
    type Input = AssignInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: AssignInput) -> Result<bool, ApiError> {
        assign(cx, input).await
    }
}

pub struct UpdateProductAssignment;

impl Operation for UpdateProductAssignment {
    const SPEC: OpSpec = OpSpec {
        summary: "Assign a product to a category, or change its position there.",
        audit: "{principal} set product {product_link.sku} in category {category_id} in {store}",
        target: Some("category_id"),
        ..category_op(
            "catalog.categories.products.update",
            Method::Put,
            "/V1/categories/{categoryId}/products",
            Effect::Write,
        )
    };
    type Input = AssignInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: AssignInput) -> Result<bool, ApiError> {
        assign(cx, input).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UnassignInput {
    #[serde(with = "crate::wire::lenient_int")]
    #[schemars(with = "i64")]
    pub category_id: i64,
    /// The SKU, URL-encoded in the path.
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sku: String,
}

pub struct UnassignProduct;

impl Operation for UnassignProduct {
    const SPEC: OpSpec = OpSpec {
        summary: "Remove a product from a category.",
        audit: "{principal} removed product {sku} from category {category_id} in {store}",
        target: Some("category_id"),
        ..category_op(
            "catalog.categories.products.remove",
            Method::Delete,
            "/V1/categories/{categoryId}/products/{sku}",
            Effect::Destructive,
        )
    };
    type Input = UnassignInput;
    type Output = bool;

    async fn call(cx: &Ctx, input: UnassignInput) -> Result<bool, ApiError> {
        let mut tx = cx.db.begin().await.storage()?;
        categories::unassign_product(&mut tx, cx.tenant, input.category_id, &input.sku).await?;
        tx.commit().await.storage()?;
        Ok(true)
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    GetTree,
    ListCategories,
    GetCategory,
    CreateCategory,
    UpdateCategory,
    MoveCategory,
    DeleteCategory,
    ListCategoryProducts,
    AssignProduct,
    UpdateProductAssignment,
    UnassignProduct,
];
