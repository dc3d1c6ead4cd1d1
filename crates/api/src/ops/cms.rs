//! CMS pages (`/V1/cmsPage…`) and blocks (`/V1/cmsBlock…`).

use super::catalog::Search;
use crate::ctx::Ctx;
use crate::operation::{ErasedOp, Operation};
use crate::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use crate::wire::SearchResult;
use crate::wire::cms::{BlockIn, BlockOut, PageIn, PageOut, parse_id};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_domain::StorageResult;
use storegate_domain::cms::{self, Changes, Entry, Kind};
use storegate_types::ApiError;
use storegate_types::acl::AclResource;

const PAGES: Acl = Acl::Resources(&[AclResource::CmsPage]);
const BLOCKS: Acl = Acl::Resources(&[AclResource::CmsBlock]);

const fn cms_op(id: &'static str, acl: Acl, method: Method, path: &'static str, effect: Effect) -> OpSpec {
    OpSpec {
        id,
        surface: Surface::Magento,
        method,
        path,
        acl,
        group: CapabilityGroup::Cms,
        limits: &[],
        cache: crate::spec::Cache::Never,
        effect,
        forced: &[],
        summary: "",
        audit: "",
        target: None,
    }
}

async fn read(cx: &Ctx, kind: Kind, raw_id: &str) -> Result<Entry, ApiError> {
    let id = parse_id(kind, raw_id)?;
    let mut r = cx.db.reader().await.storage()?;
    cms::require(&mut r, cx.tenant, kind, id).await
}

async fn search(cx: &Ctx, kind: Kind, input: Search) -> Result<(Vec<Entry>, i64, serde_json::Value), ApiError> {
    let criteria = input.criteria()?;
    let mut r = cx.db.reader().await.storage()?;
    let (items, total) = cms::search(&mut r, cx.tenant, kind, &criteria, cx.settings.max_page_size).await?;
    Ok((items, total, criteria.echo()))
}

async fn save(cx: &Ctx, kind: Kind, id: Option<i64>, changes: Changes) -> Result<Entry, ApiError> {
    let mut tx = cx.db.begin().await.storage()?;
    let id = cms::save(&mut tx, cx.tenant, kind, id, &changes, cx.store.id).await?;
    let entry = cms::require(&mut tx, cx.tenant, kind, id).await?;
    tx.commit().await.storage()?;
    Ok(entry)
}

async fn delete(cx: &Ctx, kind: Kind, raw_id: &str) -> Result<bool, ApiError> {
    let id = parse_id(kind, raw_id)?;
    let mut tx = cx.db.begin().await.storage()?;
    if !cms::delete(&mut tx, cx.tenant, kind, id).await? {
        return Err(kind.not_found(raw_id));
    }
    tx.commit().await.storage()?;
    Ok(true)
}

// Pages -----------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByPageId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub page_id: String,
}

pub struct GetPage;

impl Operation for GetPage {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a CMS page by id.",
        audit: "{principal} read CMS page {page_id}",
        target: Some("page_id"),
        ..cms_op("cms.pages.get", PAGES, Method::Get, "/V1/cmsPage/{pageId}", Effect::Read)
    };
    type Input = ByPageId;
    type Output = PageOut;

    async fn call(cx: &Ctx, input: ByPageId) -> Result<PageOut, ApiError> {
        read(cx, Kind::Page, &input.page_id).await.map(Into::into)
    }
}

pub struct SearchPages;

impl Operation for SearchPages {
    const SPEC: OpSpec = OpSpec {
        summary: "Search CMS pages with searchCriteria (store_id filters by store view).",
        audit: "{principal} searched CMS pages in {store}",
        ..cms_op("cms.pages.search", PAGES, Method::Get, "/V1/cmsPage/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<PageOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let (items, total_count, search_criteria) = search(cx, Kind::Page, input).await?;
        Ok(SearchResult { items: items.into_iter().map(Into::into).collect(), search_criteria, total_count })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreatePageInput {
    pub page: PageIn,
}

pub struct CreatePage;

impl Operation for CreatePage {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a CMS page; its identifier must be unique in its store views.",
        audit: "{principal} created CMS page {id} ({identifier}) in {store}",
        target: Some("id"),
        ..cms_op("cms.pages.create", PAGES, Method::Post, "/V1/cmsPage", Effect::Write)
    };
    type Input = CreatePageInput;
    type Output = PageOut;

    async fn call(cx: &Ctx, input: CreatePageInput) -> Result<PageOut, ApiError> {
        save(cx, Kind::Page, None, input.page.changes()?).await.map(Into::into)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdatePageInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
    pub page: PageIn,
}

pub struct UpdatePage;

impl Operation for UpdatePage {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a CMS page: only the fields sent change.",
        audit: "{principal} updated CMS page {id} ({identifier}) in {store}",
        target: Some("id"),
        ..cms_op("cms.pages.update", PAGES, Method::Put, "/V1/cmsPage/{id}", Effect::Write)
    };
    type Input = UpdatePageInput;
    type Output = PageOut;

    async fn call(cx: &Ctx, input: UpdatePageInput) -> Result<PageOut, ApiError> {
        let id = parse_id(Kind::Page, &input.id)?;
        save(cx, Kind::Page, Some(id), input.page.changes()?).await.map(Into::into)
    }
}

pub struct DeletePage;

impl Operation for DeletePage {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a CMS page.",
        audit: "{principal} deleted CMS page {page_id} from {store}",
        target: Some("page_id"),
        ..cms_op("cms.pages.delete", PAGES, Method::Delete, "/V1/cmsPage/{pageId}", Effect::Destructive)
    };
    type Input = ByPageId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByPageId) -> Result<bool, ApiError> {
        delete(cx, Kind::Page, &input.page_id).await
    }
}

// Blocks ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ByBlockId {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub block_id: String,
}

pub struct GetBlock;

impl Operation for GetBlock {
    const SPEC: OpSpec = OpSpec {
        summary: "Get a CMS block by id.",
        audit: "{principal} read CMS block {block_id}",
        target: Some("block_id"),
        ..cms_op("cms.blocks.get", BLOCKS, Method::Get, "/V1/cmsBlock/{blockId}", Effect::Read)
    };
    type Input = ByBlockId;
    type Output = BlockOut;

    async fn call(cx: &Ctx, input: ByBlockId) -> Result<BlockOut, ApiError> {
        read(cx, Kind::Block, &input.block_id).await.map(Into::into)
    }
}

pub struct SearchBlocks;

impl Operation for SearchBlocks {
    const SPEC: OpSpec = OpSpec {
        summary: "Search CMS blocks with searchCriteria (store_id filters by store view).",
        audit: "{principal} searched CMS blocks in {store}",
        ..cms_op("cms.blocks.search", BLOCKS, Method::Get, "/V1/cmsBlock/search", Effect::Read)
    };
    type Input = Search;
    type Output = SearchResult<BlockOut>;

    async fn call(cx: &Ctx, input: Search) -> Result<Self::Output, ApiError> {
        let (items, total_count, search_criteria) = search(cx, Kind::Block, input).await?;
        Ok(SearchResult { items: items.into_iter().map(Into::into).collect(), search_criteria, total_count })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateBlockInput {
    pub block: BlockIn,
}

pub struct CreateBlock;

impl Operation for CreateBlock {
    const SPEC: OpSpec = OpSpec {
        summary: "Create a CMS block; its identifier must be unique in its store views.",
        audit: "{principal} created CMS block {id} ({identifier}) in {store}",
        target: Some("id"),
        ..cms_op("cms.blocks.create", BLOCKS, Method::Post, "/V1/cmsBlock", Effect::Write)
    };
    type Input = CreateBlockInput;
    type Output = BlockOut;

    async fn call(cx: &Ctx, input: CreateBlockInput) -> Result<BlockOut, ApiError> {
        save(cx, Kind::Block, None, input.block.changes()?).await.map(Into::into)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateBlockInput {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub id: String,
    pub block: BlockIn,
}

pub struct UpdateBlock;

impl Operation for UpdateBlock {
    const SPEC: OpSpec = OpSpec {
        summary: "Update a CMS block: only the fields sent change.",
        audit: "{principal} updated CMS block {id} ({identifier}) in {store}",
        target: Some("id"),
        ..cms_op("cms.blocks.update", BLOCKS, Method::Put, "/V1/cmsBlock/{id}", Effect::Write)
    };
    type Input = UpdateBlockInput;
    type Output = BlockOut;

    async fn call(cx: &Ctx, input: UpdateBlockInput) -> Result<BlockOut, ApiError> {
        let id = parse_id(Kind::Block, &input.id)?;
        save(cx, Kind::Block, Some(id), input.block.changes()?).await.map(Into::into)
    }
}

pub struct DeleteBlock;

impl Operation for DeleteBlock {
    const SPEC: OpSpec = OpSpec {
        summary: "Delete a CMS block.",
        audit: "{principal} deleted CMS block {block_id} from {store}",
        target: Some("block_id"),
        ..cms_op("cms.blocks.delete", BLOCKS, Method::Delete, "/V1/cmsBlock/{blockId}", Effect::Destructive)
    };
    type Input = ByBlockId;
    type Output = bool;

    async fn call(cx: &Ctx, input: ByBlockId) -> Result<bool, ApiError> {
        delete(cx, Kind::Block, &input.block_id).await
    }
}

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![
    GetPage,
    SearchPages,
    CreatePage,
    UpdatePage,
    DeletePage,
    GetBlock,
    SearchBlocks,
    CreateBlock,
    UpdateBlock,
    DeleteBlock,
];
