//! Source items (Magento's `SourceItemsSave`, `SourceItemsDelete`, `SourceItemRepository`).
//! Items of the `default` source are the legacy stock items: saving one goes through the
//! legacy stock rules (`catalog::stock::save`), deleting one removes the legacy item (the
//! product then reads as qty 0, out of stock, as Magento sets it).

use super::sources::validation_failed;
use super::{DEFAULT_SOURCE, SOURCE_ITEMS, sources, stock_config};
use crate::StorageResult;
use crate::catalog::stock::{self as legacy, StockPatch, counts_qty};
use crate::search::{self, Field, FieldKind, FieldMap, SearchCriteria};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashSet;
use storegate_db::{DbError, Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceItem {
    pub sku: String,
    pub source_code: String,
    pub quantity: Decimal,
    /// 1 in stock, 0 out of stock.
    pub status: i64,
}

fn empty(field: &str) -> ApiError {
    ApiError::named(ErrorCode::InventoryFieldEmpty, [("field", json!(field))])
}

/// Saves items (all or none): each needs a SKU of a product whose type counts quantity, a
/// known source and a status of 0 or 1.
pub async fn save(ex: &mut impl Exec, tenant: TenantId, items: &[SourceItem]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut configs = Vec::with_capacity(items.len());
    for item in items {
        configs.push(None);
        if item.sku.trim().is_empty() {
            errors.push(empty("sku"));
            continue;
        }
        if item.source_code.trim().is_empty() {
            errors.push(empty("source_code"));
            continue;
        }
        if !seen.insert((item.sku.clone(), item.source_code.clone())) {
            errors.push(ApiError::named(
                ErrorCode::DuplicateInRequest,
                [("field", json!("source item")), ("value", json!(format!("{}/{}", item.source_code, item.sku)))],
            ));
            continue;
        }
        if !(0..=1).contains(&item.status) {
            errors.push(ApiError::invalid_value("status", item.status));
        }
        if storegate_db::decimal_to_micros(item.quantity).is_err() {
            errors.push(ApiError::invalid_value("quantity", item.quantity.to_string()));
        }
        if sources::get(ex, tenant, &item.source_code).await?.is_none() {
            errors.push(sources::not_found(&item.source_code));
        }
        match stock_config(ex, tenant, &item.sku).await? {
            None => errors.push(ApiError::new(ErrorCode::ProductNotFound).with_internal(item.sku.clone())),
            Some(c) if !counts_qty(&c.type_id) => errors.push(ApiError::invalid_value("sku", item.sku.clone())),
            Some(c) => *configs.last_mut().expect("pushed above") = Some(c),
        }
    }
    validation_failed(errors)?;
    // Clients that sync by `updated_at` see stock changes, as through the legacy route. In
    // SKU order, the order `reserve` locks products in, so the two never deadlock.
    let mut touched: Vec<(&str, i64)> =
        items.iter().zip(&configs).filter_map(|(i, c)| c.as_ref().map(|c| (i.sku.as_str(), c.product_id))).collect();
    touched.sort();
    touched.dedup();
    for (_, product_id) in touched {
        crate::catalog::save::touch(ex, tenant, product_id).await?;
    }
    for (item, config) in items.iter().zip(configs) {
        let config = config.expect("validated");
        if item.source_code == DEFAULT_SOURCE {
            let patch =
                StockPatch { qty: Some(item.quantity), is_in_stock: Some(item.status == 1), ..StockPatch::default() };
            legacy::save(ex, tenant, config.product_id, &config.type_id, &patch).await?;
        } else {
            ex.execute(sql!(
                "INSERT INTO inventory_source_items (tenant_id, source_code, sku, quantity, status) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (tenant_id, source_code, sku) DO UPDATE SET quantity = excluded.quantity, status = excluded.status",
                tenant.0,
                item.source_code.clone(),
                item.sku.clone(),
                item.quantity,
                item.status
            ))
            .await
            .storage()?;
        }
    }
    Ok(())
}

/// Deletes items by (sku, source code); items that do not exist are ignored.
pub async fn delete(ex: &mut impl Exec, tenant: TenantId, items: &[(String, String)]) -> Result<(), ApiError> {
    for (sku, source) in items {
        if source == DEFAULT_SOURCE {
            ex.execute(sql!(
                "DELETE FROM stock_items WHERE tenant_id = $1 AND product_id IN \
                 (SELECT id FROM products WHERE tenant_id = $1 AND sku = $2 \
                  AND type_id IN ('simple', 'virtual', 'downloadable', 'giftcard'))",
                tenant.0,
                sku.clone()
            ))
            .await
            .storage()?;
        } else {
            ex.execute(sql!(
                "DELETE FROM inventory_source_items WHERE tenant_id = $1 AND source_code = $2 AND sku = $3",
                tenant.0,
                source.clone(),
                sku.clone()
            ))
            .await
            .storage()?;
        }
    }
    Ok(())
}

const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "sku", sql: "e.sku", kind: FieldKind::Text },
        Field { name: "source_code", sql: "e.source_code", kind: FieldKind::Text },
        Field { name: "quantity", sql: "e.quantity", kind: FieldKind::Decimal },
        Field { name: "status", sql: "e.status", kind: FieldKind::Int },
    ],
    eav: None,
    tiebreak: "e.sku, e.source_code",
};

pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<SourceItem>, i64), ApiError> {
    let compiled = search::compile(criteria, &SEARCH_FIELDS, &|_| None, 2, max_page_size, ex.backend())?;
    let from = format!("FROM {SOURCE_ITEMS} e WHERE e.tenant_id = $1 AND ({})", compiled.condition);
    let (rows, total) =
        search::fetch_page(ex, tenant, &compiled, "e.sku, e.source_code, e.quantity, e.status", &from).await?;
    let items = rows
        .iter()
        .map(|r| Ok(SourceItem { sku: r.at(0)?, source_code: r.at(1)?, quantity: r.at(2)?, status: r.at(3)? }))
        .collect::<Result<_, DbError>>()
        .storage()?;
    Ok((items, total))
}

/// The in-stock items of a SKU at the stock's enabled sources, by link priority:
/// (source code, quantity).
pub async fn in_stock_by_priority(
    ex: &mut impl Exec,
    tenant: TenantId,
    stock_id: i64,
    sku: &str,
) -> Result<Vec<(String, Decimal)>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            format!(
                "SELECT si.source_code, si.quantity FROM {SOURCE_ITEMS} si \
                 JOIN inventory_source_stock_links l ON l.tenant_id = si.tenant_id AND l.source_code = si.source_code \
                 JOIN inventory_sources src ON src.tenant_id = si.tenant_id AND src.source_code = si.source_code \
                 WHERE si.tenant_id = $1 AND si.sku = $2 AND l.stock_id = $3 AND src.enabled = $4 AND si.status = 1 \
                 ORDER BY l.priority, si.source_code"
            ),
            tenant.0,
            sku.to_owned(),
            stock_id,
            true
        ))
        .await
        .storage()?;
    rows.iter().map(|r| Ok((r.at(0)?, r.at(1)?))).collect::<Result<_, DbError>>().storage()
}
