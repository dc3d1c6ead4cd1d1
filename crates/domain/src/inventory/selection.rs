//! Source selection (Magento's `SourceSelectionService`) with the `priority` algorithm: the
//! stock's enabled sources in link priority order, each in-stock item giving what it has
//! until the requested quantity is met.

use super::{source_items, stock_exists, stock_not_found};
use rust_decimal::Decimal;
use storegate_db::Exec;
use storegate_types::{ApiError, ErrorCode, TenantId};

/// (code, title, description) of the algorithms on offer.
pub const ALGORITHMS: &[(&str, &str, &str)] = &[(
    "priority",
    "Source Priority Algorithm",
    "Algorithm which provides Source Selections based on predefined priority of Source",
)];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionItem {
    pub source_code: String,
    pub sku: String,
    pub qty_to_deduct: Decimal,
    pub qty_available: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionResult {
    pub items: Vec<SelectionItem>,
    pub shippable: bool,
}

/// Runs `algorithm` for the (sku, qty) items of a request on a stock.
pub async fn select(
    ex: &mut impl Exec,
    tenant: TenantId,
    stock_id: i64,
    items: &[(String, Decimal)],
    algorithm: &str,
) -> Result<SelectionResult, ApiError> {
    if !ALGORITHMS.iter().any(|(code, _, _)| *code == algorithm) {
        return Err(ApiError::positional(ErrorCode::SourceSelectionAlgorithmUnknown, [algorithm]));
    }
    if !stock_exists(ex, tenant, stock_id).await? {
        return Err(stock_not_found(stock_id));
    }
    let mut out = Vec::new();
    let mut shippable = true;
    for (sku, qty) in items {
        let mut left = *qty;
        for (source_code, available) in source_items::in_stock_by_priority(ex, tenant, stock_id, sku).await? {
            let take = available.max(Decimal::ZERO).min(left);
            out.push(SelectionItem { source_code, sku: sku.clone(), qty_to_deduct: take, qty_available: available });
            left -= take;
        }
        shippable &= left.is_zero();
    }
    Ok(SelectionResult { items: out, shippable })
}
