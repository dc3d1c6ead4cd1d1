//! Magento's offline payment methods, enabled and titled per store view from the `config`
//! table (`payment/<code>/active`, `payment/<code>/title`) with Magento's defaults: `checkmo`
//! and `free` on, `banktransfer`, `cashondelivery` and `purchaseorder` off. `free` is offered
//! only for a zero grand total, and then alone (Magento's zero-total check hides the others).

use super::config::Snapshot;
use crate::store::StoreView;
use rust_decimal::Decimal;
use storegate_db::Exec;
use storegate_types::{ApiError, ErrorCode, TenantId};

/// (code, default active, default title), in Magento's sort order.
const METHODS: &[(&str, bool, &str)] = &[
    ("checkmo", true, "Check / Money order"),
    ("banktransfer", false, "Bank Transfer Payment"),
    ("cashondelivery", false, "Cash On Delivery"),
    ("purchaseorder", false, "Purchase Order"),
    ("free", true, "No Payment Information Required"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub code: String,
    pub title: String,
}

/// The methods a cart with this grand total may pay with.
pub async fn available(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    grand_total: Decimal,
) -> Result<Vec<Method>, ApiError> {
    let zero = grand_total <= Decimal::ZERO;
    let cfg = Snapshot::load(ex, tenant, view, "payment/").await?;
    let mut out = Vec::new();
    for (code, default_active, default_title) in METHODS {
        if (*code == "free") != zero || !cfg.flag(&format!("payment/{code}/active"), *default_active) {
            continue;
        }
        let title = cfg.get_or(&format!("payment/{code}/title"), default_title);
        out.push(Method { code: (*code).to_owned(), title });
    }
    Ok(out)
}

/// The method's title if it is available, else Magento's error; a purchase order needs its
/// number.
pub async fn check(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    grand_total: Decimal,
    code: &str,
    po_number: Option<&str>,
) -> Result<Method, ApiError> {
    let method = available(ex, tenant, view, grand_total)
        .await?
        .into_iter()
        .find(|m| m.code == code)
        .ok_or_else(|| ApiError::new(ErrorCode::PaymentMethodUnavailable))?;
    if code == "purchaseorder" && po_number.is_none_or(|p| p.trim().is_empty()) {
        return Err(ApiError::new(ErrorCode::PurchaseOrderNumberMissing));
    }
    Ok(method)
}

/// The title of any known method (for orders whose method was checked earlier).
pub fn default_title(code: &str) -> String {
    METHODS.iter().find(|(c, _, _)| *c == code).map(|(_, _, t)| (*t).to_owned()).unwrap_or_else(|| code.to_owned())
}
