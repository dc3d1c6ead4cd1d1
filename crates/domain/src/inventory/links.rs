//! Stock–source links with their priority (Magento's `StockSourceLinksSave`,
//! `StockSourceLinksDelete`, `GetStockSourceLinks`).

use super::sources::validation_failed;
use super::{DEFAULT_SOURCE, DEFAULT_STOCK, sources, stock_exists, stock_not_found};
use crate::StorageResult;
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use serde_json::json;
use std::collections::HashSet;
use storegate_db::{DbError, Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub stock_id: i64,
    pub source_code: String,
    pub priority: i64,
}

fn duplicate(link: &Link) -> ApiError {
    ApiError::named(
        ErrorCode::DuplicateInRequest,
        [("field", json!("link")), ("value", json!(format!("{}/{}", link.stock_id, link.source_code)))],
    )
}

/// Saves links (an existing link gets the new priority). Every link is checked first: the
/// stock and the source must exist, and no link may be given twice.
pub async fn save(ex: &mut impl Exec, tenant: TenantId, links: &[Link]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for l in links {
        if l.source_code.trim().is_empty() {
            errors.push(ApiError::named(ErrorCode::InventoryFieldEmpty, [("field", json!("source_code"))]));
            continue;
        }
        if !seen.insert((l.stock_id, l.source_code.clone())) {
            errors.push(duplicate(l));
            continue;
        }
        if !stock_exists(ex, tenant, l.stock_id).await? {
            errors.push(stock_not_found(l.stock_id));
        }
        if sources::get(ex, tenant, &l.source_code).await?.is_none() {
            errors.push(sources::not_found(&l.source_code));
        }
    }
    validation_failed(errors)?;
    for l in links {
        ex.execute(sql!(
            "INSERT INTO inventory_source_stock_links (tenant_id, stock_id, source_code, priority) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, stock_id, source_code) DO UPDATE SET priority = excluded.priority",
            tenant.0,
            l.stock_id,
            l.source_code.clone(),
            l.priority
        ))
        .await
        .storage()?;
    }
    Ok(())
}

/// Deletes links; links that do not exist are ignored. Unassigning the default source from
/// the default stock is refused.
pub async fn delete(ex: &mut impl Exec, tenant: TenantId, links: &[(i64, String)]) -> Result<(), ApiError> {
    if links.iter().any(|(stock, source)| *stock == DEFAULT_STOCK && source == DEFAULT_SOURCE) {
        return Err(ApiError::new(ErrorCode::DefaultSourceUnassign));
    }
    for (stock, source) in links {
        ex.execute(sql!(
            "DELETE FROM inventory_source_stock_links WHERE tenant_id = $1 AND stock_id = $2 AND source_code = $3",
            tenant.0,
            *stock,
            source.clone()
        ))
        .await
        .storage()?;
    }
    Ok(())
}

const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "stock_id", sql: "e.stock_id", kind: FieldKind::Int },
        Field { name: "source_code", sql: "e.source_code", kind: FieldKind::Text },
        Field { name: "priority", sql: "e.priority", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "e.stock_id, e.source_code",
};

pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Link>, i64), ApiError> {
    let compiled = search::compile(criteria, &SEARCH_FIELDS, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("FROM inventory_source_stock_links e WHERE e.tenant_id = $1 AND ({})", compiled.condition);
    let (rows, total) =
        search::fetch_page(ex, tenant, &compiled, "e.stock_id, e.source_code, e.priority", &from).await?;
    let items = rows
        .iter()
        .map(|r| Ok(Link { stock_id: r.at(0)?, source_code: r.at(1)?, priority: r.at(2)? }))
        .collect::<Result<_, DbError>>()
        .storage()?;
    Ok((items, total))
}
