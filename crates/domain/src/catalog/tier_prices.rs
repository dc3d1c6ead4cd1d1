//! Tier prices: a price (or a percentage off) from a quantity on, for one customer group or
//! for all of them (Magento's customer group id 32000).

use crate::{StorageResult, ids};
use rust_decimal::Decimal;
use storegate_db::{DbError, Exec, Value, insert_rows, sql};
use storegate_types::{ApiError, TenantId};

/// The customer group id that stands for every group.
pub const ALL_GROUPS: i64 = 32000;

#[derive(Debug, Clone, PartialEq)]
pub struct TierPrice {
    pub id: i64,
    /// [`ALL_GROUPS`] when the price applies to every group.
    pub customer_group_id: i64,
    pub qty: Decimal,
    pub value: Decimal,
    pub percentage_value: Option<Decimal>,
    pub website_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierPriceInput {
    pub customer_group_id: i64,
    pub qty: Decimal,
    /// The price; derived from the product price when only a percentage is given.
    pub value: Option<Decimal>,
    pub percentage_value: Option<Decimal>,
    pub website_id: i64,
}

/// Builds a tier price from the numeric columns of the product loader's combined query:
/// id, all_groups, customer_group_id, qty, value, percentage_value, website_id.
pub(crate) fn from_numbers(n: &[Option<i64>]) -> TierPrice {
    let dec = |v: Option<i64>| storegate_db::micros_to_decimal(v.unwrap_or(0));
    let all = n[1].unwrap_or(0) != 0;
    TierPrice {
        id: n[0].unwrap_or(0),
        customer_group_id: if all { ALL_GROUPS } else { n[2].unwrap_or(0) },
        qty: dec(n[3]),
        value: dec(n[4]),
        percentage_value: n[5].map(storegate_db::micros_to_decimal),
        website_id: n[6].unwrap_or(0),
    }
}

/// Checks tier prices against the tenant's customer groups and websites.
pub async fn validate(ex: &mut impl Exec, tenant: TenantId, items: &[TierPriceInput]) -> Result<(), ApiError> {
    for t in items {
        if t.qty <= Decimal::ZERO || storegate_db::decimal_to_micros(t.qty).is_err() {
            return Err(ApiError::invalid_value("qty", t.qty.to_string()));
        }
        if let Some(v) = t.value
            && (v < Decimal::ZERO || storegate_db::decimal_to_micros(v).is_err())
        {
            return Err(ApiError::invalid_value("value", v.to_string()));
        }
        if let Some(p) = t.percentage_value
            && (p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED)
        {
            return Err(ApiError::invalid_value("percentage_value", p.to_string()));
        }
        if t.value.is_none() && t.percentage_value.is_none() {
            return Err(ApiError::required("value"));
        }
        if t.customer_group_id != ALL_GROUPS && !group_exists(ex, tenant, t.customer_group_id).await? {
            return Err(ApiError::no_such_entity("customerGroupId", t.customer_group_id));
        }
        let website: Option<i64> = ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM websites WHERE tenant_id = $1 AND id = $2",
                tenant.0,
                t.website_id
            ))
            .await
            .storage()?;
        if website.is_none() {
            return Err(ApiError::invalid_value("website_id", t.website_id));
        }
    }
    Ok(())
}

pub async fn group_exists(ex: &mut impl Exec, tenant: TenantId, group_id: i64) -> Result<bool, ApiError> {
    let found: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT id FROM customer_groups WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            group_id
        ))
        .await
        .storage()?;
    Ok(found.is_some())
}

/// Replaces a product's tier prices. `price` is the product's price, for percentage tiers.
pub async fn replace(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    price: Option<Decimal>,
    items: &[TierPriceInput],
) -> Result<(), ApiError> {
    validate(ex, tenant, items).await?;
    ex.execute(sql!("DELETE FROM product_tier_prices WHERE tenant_id = $1 AND product_id = $2", tenant.0, product_id))
        .await
        .storage()?;
    if items.is_empty() {
        return Ok(());
    }
    let first = ids::reserve(ex, tenant, "tier_price", items.len() as i64).await.storage()?;
    let micros =
        |d: Decimal| storegate_db::decimal_to_micros(d).map_err(|_| ApiError::invalid_value("value", d.to_string()));
    let mut rows = Vec::with_capacity(items.len());
    for (i, t) in items.iter().enumerate() {
        let value = match (t.value, t.percentage_value) {
            (_, Some(p)) => price.unwrap_or_default() * (Decimal::ONE_HUNDRED - p) / Decimal::ONE_HUNDRED,
            (Some(v), None) => v,
            (None, None) => Decimal::ZERO,
        };
        let all = t.customer_group_id == ALL_GROUPS;
        rows.push(vec![
            Value::from(tenant.0),
            Value::from(first + i as i64),
            Value::from(product_id),
            Value::from(all),
            Value::from(if all { 0 } else { t.customer_group_id }),
            Value::from(micros(t.qty)?),
            Value::from(micros(value)?),
            t.percentage_value.map(micros).transpose()?.into(),
            Value::from(t.website_id),
        ]);
    }
    insert_rows(
        ex,
        "product_tier_prices",
        &[
            "tenant_id",
            "id",
            "product_id",
            "all_groups",
            "customer_group_id",
            "qty",
            "value",
            "percentage_value",
            "website_id",
        ],
        rows,
    )
    .await
    .storage()?;
    Ok(())
}

/// A product's tier prices for one customer group (`ALL_GROUPS`: those for every group),
/// by quantity.
pub async fn for_group(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    customer_group_id: i64,
) -> Result<Vec<TierPrice>, ApiError> {
    let all = customer_group_id == ALL_GROUPS;
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, all_groups, customer_group_id, qty, value, percentage_value, website_id FROM product_tier_prices \
             WHERE tenant_id = $1 AND product_id = $2 AND all_groups = $3 AND ($3 OR customer_group_id = $4) \
             ORDER BY qty, id",
            tenant.0,
            product_id,
            all,
            customer_group_id
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            let n: Vec<Option<i64>> = (0..7).map(|i| r.at::<Option<i64>>(i)).collect::<Result<_, DbError>>()?;
            Ok(from_numbers(&n))
        })
        .collect::<Result<_, DbError>>()
        .storage()
}
