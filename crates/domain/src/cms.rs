//! CMS pages and blocks with their store view assignments (store 0: every view).

use crate::{StorageResult, clock, ids};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct NewPage {
    pub identifier: String,
    pub title: String,
    pub content_heading: Option<String>,
    pub content: String,
    pub page_layout: String,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub is_active: bool,
    pub store_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewBlock {
    pub identifier: String,
    pub title: String,
    pub content: String,
    pub is_active: bool,
    pub store_ids: Vec<i64>,
}

pub async fn create_page(ex: &mut impl Exec, tenant: TenantId, page: &NewPage) -> Result<i64, ApiError> {
    let id = ids::next(ex, tenant, "cms_page").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO cms_pages (tenant_id, id, identifier, title, page_layout, meta_title, meta_description, \
         content_heading, content, is_active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        tenant.0,
        id,
        page.identifier.clone(),
        page.title.clone(),
        page.page_layout.clone(),
        page.meta_title.clone(),
        page.meta_description.clone(),
        page.content_heading.clone(),
        page.content.clone(),
        page.is_active,
        now
    ))
    .await
    .storage()?;
    for store in &page.store_ids {
        ex.execute(sql!(
            "INSERT INTO cms_page_stores (tenant_id, page_id, store_id) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            *store
        ))
        .await
        .storage()?;
    }
    Ok(id)
}

pub async fn create_block(ex: &mut impl Exec, tenant: TenantId, block: &NewBlock) -> Result<i64, ApiError> {
    let id = ids::next(ex, tenant, "cms_block").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO cms_blocks (tenant_id, id, identifier, title, content, is_active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        tenant.0,
        id,
        block.identifier.clone(),
        block.title.clone(),
        block.content.clone(),
        block.is_active,
        now
    ))
    .await
    .storage()?;
    for store in &block.store_ids {
        ex.execute(sql!(
            "INSERT INTO cms_block_stores (tenant_id, block_id, store_id) VALUES ($1, $2, $3)",
            tenant.0,
            id,
            *store
        ))
        .await
        .storage()?;
    }
    Ok(id)
}

pub async fn counts(ex: &mut impl Exec, tenant: TenantId) -> Result<(i64, i64), ApiError> {
    let pages =
        ex.fetch_scalar(sql!("SELECT COUNT(*) FROM cms_pages WHERE tenant_id = $1", tenant.0)).await.storage()?;
    let blocks =
        ex.fetch_scalar(sql!("SELECT COUNT(*) FROM cms_blocks WHERE tenant_id = $1", tenant.0)).await.storage()?;
    Ok((pages, blocks))
}
