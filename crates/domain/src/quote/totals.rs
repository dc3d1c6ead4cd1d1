//! A cart's totals: the items priced by `pricing::calculate` (discounts from cart price
//! rules and coupons, tax by destination), the chosen shipping method priced by its carrier
//! for the package after discount, then the whole again with the shipping amount.

use super::shipping::{self, Package, Rate};
use super::{Address, Quote};
use crate::pricing::{self, Context, Destination, Line, Totals};
use crate::store::StoreView;
use rust_decimal::Decimal;
use storegate_db::Exec;
use storegate_types::{ApiError, TenantId};

/// Totals of a cart and the shipping rate they include.
#[derive(Debug, Clone)]
pub struct CartTotals {
    pub totals: Totals,
    /// The selected shipping method, when it is still available.
    pub shipping: Option<Rate>,
    pub package: Package,
}

/// Pricing lines for the cart's items.
pub fn lines(quote: &Quote) -> Vec<Line> {
    quote
        .items
        .iter()
        .map(|i| Line {
            item_id: i.id,
            sku: i.sku.clone(),
            product_id: i.product_id,
            qty: i.qty,
            price: i.price,
            tax_class_id: i.tax_class_id,
        })
        .collect()
}

/// Where the cart goes: its shipping address, or its billing address for a virtual cart.
pub fn destination_address(quote: &Quote) -> Option<&Address> {
    if quote.is_virtual() { quote.billing.as_ref() } else { quote.shipping.as_ref().or(quote.billing.as_ref()) }
}

pub fn context(quote: &Quote, view: &StoreView, dest: Option<&Address>, shipping_amount: Decimal) -> Context {
    Context {
        website_id: view.website_id,
        store_id: quote.store_id,
        customer_group_id: quote.customer_group_id,
        customer_id: quote.customer_id,
        coupon_code: quote.coupon_code.clone(),
        destination: dest.and_then(|a| {
            a.country_id.clone().map(|country_id| Destination {
                country_id,
                region_id: a.region_id,
                postcode: a.postcode.clone(),
            })
        }),
        shipping_amount,
    }
}

fn package(quote: &Quote, totals: &Totals) -> Package {
    let physical = |t: &str| !matches!(t, "virtual" | "downloadable");
    Package {
        value: totals.subtotal - totals.discount_amount.abs(),
        weight: quote
            .items
            .iter()
            .filter(|i| physical(&i.product_type))
            .map(|i| i.weight.unwrap_or_default() * i.qty)
            .sum(),
        qty: quote.items_qty(),
        physical_qty: quote.items.iter().filter(|i| physical(&i.product_type)).map(|i| i.qty).sum(),
        free_shipping: totals.free_shipping,
    }
}

/// The shipping methods available for the cart sent to `dest`.
pub async fn estimate(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    quote: &Quote,
    dest: &Address,
) -> Result<Vec<Rate>, ApiError> {
    if quote.items.is_empty() || quote.is_virtual() {
        return Ok(Vec::new());
    }
    let base = pricing::calculate(ex, tenant, &context(quote, view, Some(dest), Decimal::ZERO), &lines(quote)).await?;
    shipping::rates(ex, tenant, view, dest, &package(quote, &base)).await
}

/// The cart's totals with its selected shipping method (none when unset or unavailable).
pub async fn collect(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    quote: &Quote,
) -> Result<CartTotals, ApiError> {
    let dest = destination_address(quote);
    let lines = lines(quote);
    let base = pricing::calculate(ex, tenant, &context(quote, view, dest, Decimal::ZERO), &lines).await?;
    let package = package(quote, &base);
    let selected = match (&quote.shipping, &quote.shipping_carrier_code, &quote.shipping_method_code) {
        (Some(address), Some(carrier), Some(method)) if !quote.is_virtual() && !quote.items.is_empty() => {
            shipping::rates(ex, tenant, view, address, &package)
                .await?
                .into_iter()
                .find(|r| &r.carrier_code == carrier && &r.method_code == method)
        }
        _ => None,
    };
    let totals = match &selected {
        Some(rate) if !rate.amount.is_zero() => {
            pricing::calculate(ex, tenant, &context(quote, view, dest, rate.amount), &lines).await?
        }
        _ => base,
    };
    Ok(CartTotals { totals, shipping: selected, package })
}
