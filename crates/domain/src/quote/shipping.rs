//! Magento's offline carriers, configured per store view from the `config` table with
//! Magento's keys and defaults:
//!
//! - `flatrate` (method `flatrate`): `carriers/flatrate/active` (1), `price` (5.00), `type`
//!   (`I` per item, `O` per order), `title` (Flat Rate), `name` (Fixed).
//! - `freeshipping` (method `freeshipping`): `carriers/freeshipping/active` (0),
//!   `free_shipping_subtotal` (the subtotal after discount from which it is offered).
//! - `tablerate` (method `bestway`): `carriers/tablerate/active` (0), `condition_name`
//!   (`package_weight`, `package_value_with_discount` or `package_qty`); the rates are rows
//!   of `shipping_tablerates` per website (see [`set_table_rates`]).
//!
//! A cart price rule granting free shipping makes every method free.

use super::Address;
use super::config::Snapshot;
use crate::store::StoreView;
use crate::{StorageResult, ids};
use rust_decimal::Decimal;
use std::str::FromStr;
use storegate_db::{Exec, Value, sql};
use storegate_types::{ApiError, TenantId};

/// One shipping method as estimated for a cart.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub carrier_code: String,
    pub method_code: String,
    pub carrier_title: String,
    pub method_title: String,
    pub amount: Decimal,
}

/// What the carriers price by.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Package {
    /// Subtotal after discount.
    pub value: Decimal,
    pub weight: Decimal,
    pub qty: Decimal,
    /// Items that are not virtual (flat rate per item counts these).
    pub physical_qty: Decimal,
    /// A cart price rule grants free shipping.
    pub free_shipping: bool,
}

fn money(text: &str) -> Decimal {
    Decimal::from_str(text.trim()).unwrap_or_default()
}

/// The methods available for a destination and package, in carrier order.
pub async fn rates(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    dest: &Address,
    package: &Package,
) -> Result<Vec<Rate>, ApiError> {
    let cfg = Snapshot::load(ex, tenant, view, "carriers/").await?;
    let mut out = Vec::new();
    let free = |amount: Decimal| if package.free_shipping { Decimal::ZERO } else { amount };
    if cfg.flag("carriers/flatrate/active", true) {
        let price = money(&cfg.get_or("carriers/flatrate/price", "5.00"));
        let per_order = cfg.get_or("carriers/flatrate/type", "I").trim() == "O";
        let amount = if per_order { price } else { price * package.physical_qty };
        out.push(Rate {
            carrier_code: "flatrate".into(),
            method_code: "flatrate".into(),
            carrier_title: cfg.get_or("carriers/flatrate/title", "Flat Rate"),
            method_title: cfg.get_or("carriers/flatrate/name", "Fixed"),
            amount: free(amount),
        });
    }
    if cfg.flag("carriers/freeshipping/active", false) {
        let threshold = cfg.get("carriers/freeshipping/free_shipping_subtotal");
        let reached = threshold.is_none_or(|t| package.value >= money(t));
        if reached || package.free_shipping {
            out.push(Rate {
                carrier_code: "freeshipping".into(),
                method_code: "freeshipping".into(),
                carrier_title: cfg.get_or("carriers/freeshipping/title", "Free Shipping"),
                method_title: cfg.get_or("carriers/freeshipping/name", "Free"),
                amount: Decimal::ZERO,
            });
        }
    }
    if cfg.flag("carriers/tablerate/active", false) {
        let condition = cfg.get_or("carriers/tablerate/condition_name", "package_weight");
        let measure = match condition.as_str() {
            "package_value_with_discount" | "package_value" => package.value,
            "package_qty" => package.qty,
            _ => package.weight,
        };
        if let Some(price) = table_rate(ex, tenant, view.website_id, &condition, dest, measure).await? {
            out.push(Rate {
                carrier_code: "tablerate".into(),
                method_code: "bestway".into(),
                carrier_title: cfg.get_or("carriers/tablerate/title", "Best Way"),
                method_title: cfg.get_or("carriers/tablerate/name", "Table Rate"),
                amount: free(price),
            });
        }
    }
    Ok(out)
}

/// The most specific row for the destination (country, then region, then postcode over the
/// wildcards) with the greatest condition value not above `measure`.
async fn table_rate(
    ex: &mut impl Exec,
    tenant: TenantId,
    website_id: i64,
    condition: &str,
    dest: &Address,
    measure: Decimal,
) -> Result<Option<Decimal>, ApiError> {
    let country = dest.country_id.clone().unwrap_or_default();
    let region = dest.region_id.unwrap_or(0);
    let zip = dest.postcode.clone().unwrap_or_default();
    let row = ex
        .fetch_optional(sql!(
            "SELECT price FROM shipping_tablerates WHERE tenant_id = $1 AND website_id = $2 AND condition_name = $3 \
             AND (dest_country_id = $4 OR dest_country_id = '0') AND (dest_region_id = $5 OR dest_region_id = 0) \
             AND (dest_zip = $6 OR dest_zip = '*' OR dest_zip = '') AND condition_value <= $7 \
             ORDER BY CASE WHEN dest_country_id = '0' THEN 1 ELSE 0 END, \
             CASE WHEN dest_region_id = 0 THEN 1 ELSE 0 END, \
             CASE WHEN dest_zip = '*' OR dest_zip = '' THEN 1 ELSE 0 END, condition_value DESC LIMIT 1",
            tenant.0,
            website_id,
            condition.to_owned(),
            country,
            region,
            zip,
            measure
        ))
        .await
        .storage()?;
    row.map(|r| r.at::<Decimal>(0)).transpose().storage()
}

/// One row of Magento's table rates.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRate {
    /// ISO-2 country, or `0` for any.
    pub dest_country_id: String,
    /// 0 for any region.
    pub dest_region_id: i64,
    /// `*` for any postcode.
    pub dest_zip: String,
    pub condition_value: Decimal,
    pub price: Decimal,
}

/// Replaces a website's table rates for one condition (what Magento's CSV import does).
pub async fn set_table_rates(
    ex: &mut impl Exec,
    tenant: TenantId,
    website_id: i64,
    condition: &str,
    rows: &[TableRate],
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "DELETE FROM shipping_tablerates WHERE tenant_id = $1 AND website_id = $2 AND condition_name = $3",
        tenant.0,
        website_id,
        condition.to_owned()
    ))
    .await
    .storage()?;
    if rows.is_empty() {
        return Ok(());
    }
    let first = ids::reserve(ex, tenant, "shipping_tablerates", rows.len() as i64).await.storage()?;
    let values: Vec<Vec<Value>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                tenant.0.into(),
                (first + i as i64).into(),
                website_id.into(),
                r.dest_country_id.clone().into(),
                r.dest_region_id.into(),
                r.dest_zip.clone().into(),
                condition.to_owned().into(),
                r.condition_value.into(),
                r.price.into(),
            ]
        })
        .collect();
    storegate_db::insert_rows(
        ex,
        "shipping_tablerates",
        &[
            "tenant_id",
            "id",
            "website_id",
            "dest_country_id",
            "dest_region_id",
            "dest_zip",
            "condition_name",
            "condition_value",
            "price",
        ],
        values,
    )
    .await
    .storage()?;
    Ok(())
}
