//! Stocks (Magento's `StockRepositoryInterface`) and their sales channels (websites).

use super::sources::validation_failed;
use super::{DEFAULT_STOCK, stock_not_found};
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use crate::{StorageResult, ids};
use serde_json::json;
use storegate_db::{DbError, Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// The id sequence of stocks.
pub const ID_ENTITY: &str = "inventory_stock";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesChannel {
    pub kind: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stock {
    pub stock_id: i64,
    pub name: String,
    pub sales_channels: Vec<SalesChannel>,
}

/// What a save carries: no id creates a stock; `sales_channels` `None` keeps the stored ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StockInput {
    pub stock_id: Option<i64>,
    pub name: String,
    pub sales_channels: Option<Vec<SalesChannel>>,
}

async fn channels(ex: &mut impl Exec, tenant: TenantId, stock_id: i64) -> Result<Vec<SalesChannel>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT type, code FROM inventory_stock_sales_channels WHERE tenant_id = $1 AND stock_id = $2 ORDER BY type, code",
            tenant.0,
            stock_id
        ))
        .await
        .storage()?;
    rows.iter().map(|r| Ok(SalesChannel { kind: r.at(0)?, code: r.at(1)? })).collect::<Result<_, DbError>>().storage()
}

pub async fn get(ex: &mut impl Exec, tenant: TenantId, stock_id: i64) -> Result<Option<Stock>, ApiError> {
    let name: Option<String> = ex
        .fetch_optional_scalar(sql!(
            "SELECT name FROM inventory_stocks WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            stock_id
        ))
        .await
        .storage()?;
    match name {
        Some(name) => Ok(Some(Stock { stock_id, name, sales_channels: channels(ex, tenant, stock_id).await? })),
        None => Ok(None),
    }
}

async fn validate(ex: &mut impl Exec, tenant: TenantId, s: &StockInput) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if s.name.trim().is_empty() {
        errors.push(ApiError::named(ErrorCode::InventoryFieldEmpty, [("field", json!("name"))]));
    }
    for c in s.sales_channels.iter().flatten() {
        if c.kind != "website" {
            errors.push(ApiError::invalid_value("type", c.kind.clone()));
            continue;
        }
        if c.code.trim().is_empty() {
            errors.push(ApiError::named(ErrorCode::InventoryFieldEmpty, [("field", json!("code"))]));
            continue;
        }
        let n: i64 = ex
            .fetch_scalar(sql!(
                "SELECT COUNT(*) FROM websites WHERE tenant_id = $1 AND code = $2 AND id <> 0",
                tenant.0,
                c.code.clone()
            ))
            .await
            .storage()?;
        if n == 0 {
            errors.push(ApiError::invalid_value("code", c.code.clone()));
        }
    }
    validation_failed(errors)
}

/// Creates or updates a stock and answers its id. A website assigned here leaves the stock
/// that served it before (one stock per website).
pub async fn save(ex: &mut impl Exec, tenant: TenantId, s: &StockInput) -> Result<i64, ApiError> {
    validate(ex, tenant, s).await?;
    // A client-chosen id must leave room for the ids handed out after it.
    if s.stock_id == Some(i64::MAX) {
        return Err(ApiError::invalid_value("stock_id", i64::MAX));
    }
    let id = match s.stock_id {
        Some(id) if id > 0 => {
            let updated = ex
                .execute(sql!(
                    "UPDATE inventory_stocks SET name = $3 WHERE tenant_id = $1 AND id = $2",
                    tenant.0,
                    id,
                    s.name.clone()
                ))
                .await
                .storage()?;
            if updated == 0 {
                ex.execute(sql!(
                    "INSERT INTO inventory_stocks (tenant_id, id, name) VALUES ($1, $2, $3)",
                    tenant.0,
                    id,
                    s.name.clone()
                ))
                .await
                .storage()?;
                ids::ensure_above(ex, tenant, ID_ENTITY, id).await.storage()?;
            }
            id
        }
        Some(id) => return Err(ApiError::invalid_value("stock_id", id)),
        None => {
            let id = ids::next(ex, tenant, ID_ENTITY).await.storage()?;
            ex.execute(sql!(
                "INSERT INTO inventory_stocks (tenant_id, id, name) VALUES ($1, $2, $3)",
                tenant.0,
                id,
                s.name.clone()
            ))
            .await
            .storage()?;
            id
        }
    };
    if let Some(list) = &s.sales_channels {
        ex.execute(sql!(
            "DELETE FROM inventory_stock_sales_channels WHERE tenant_id = $1 AND stock_id = $2",
            tenant.0,
            id
        ))
        .await
        .storage()?;
        for c in list {
            ex.execute(sql!(
                "INSERT INTO inventory_stock_sales_channels (tenant_id, type, code, stock_id) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant_id, type, code) DO UPDATE SET stock_id = excluded.stock_id",
                tenant.0,
                c.kind.clone(),
                c.code.clone(),
                id
            ))
            .await
            .storage()?;
        }
    }
    Ok(id)
}

/// Deletes a stock: the default stock and stocks serving a sales channel are refused, as
/// Magento does; an unknown id is 404.
pub async fn delete(ex: &mut impl Exec, tenant: TenantId, stock_id: i64) -> Result<(), ApiError> {
    if stock_id == DEFAULT_STOCK {
        return Err(ApiError::new(ErrorCode::DefaultStockNotDeletable));
    }
    let Some(stock) = get(ex, tenant, stock_id).await? else { return Err(stock_not_found(stock_id)) };
    if !stock.sales_channels.is_empty() {
        return Err(ApiError::new(ErrorCode::StockHasSalesChannels));
    }
    ex.execute(sql!("DELETE FROM inventory_stocks WHERE tenant_id = $1 AND id = $2", tenant.0, stock_id))
        .await
        .storage()?;
    Ok(())
}

const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "stock_id", sql: "e.id", kind: FieldKind::Int },
        Field { name: "name", sql: "e.name", kind: FieldKind::Text },
    ],
    eav: None,
    tiebreak: "e.id",
};

pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Stock>, i64), ApiError> {
    let compiled = search::compile(criteria, &SEARCH_FIELDS, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("FROM inventory_stocks e WHERE e.tenant_id = $1 AND ({})", compiled.condition);
    let (rows, total) = search::fetch_page(ex, tenant, &compiled, "e.id, e.name", &from).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let stock_id: i64 = r.at(0).storage()?;
        let name: String = r.at(1).storage()?;
        items.push(Stock { stock_id, name, sales_channels: channels(ex, tenant, stock_id).await? });
    }
    Ok((items, total))
}

/// The stock serving a sales channel (Magento's `StockResolver`), `None` when none does.
pub async fn resolve(ex: &mut impl Exec, tenant: TenantId, kind: &str, code: &str) -> Result<Option<Stock>, ApiError> {
    let id: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT stock_id FROM inventory_stock_sales_channels WHERE tenant_id = $1 AND type = $2 AND code = $3",
            tenant.0,
            kind.to_owned(),
            code.to_owned()
        ))
        .await
        .storage()?;
    match id {
        Some(id) => get(ex, tenant, id).await,
        None => Ok(None),
    }
}
