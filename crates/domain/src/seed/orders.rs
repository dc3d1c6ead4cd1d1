//! Demo orders: [`ORDERS`] orders placed through the same services the REST routes use
//! (cart → place order → invoice, shipment, credit memo, cancel, hold), so every order has
//! the totals, reservations, documents and history a real checkout would give it.
//!
//! Most are placed by the demo's customers (shipping to their default addresses), some by
//! guests with a generated address. Every order buys one to three simple, in-stock products
//! and is then driven into one of the states below; the first orders take each state in
//! turn so that even a small demo has them all. Products are reused when the catalog has
//! fewer than [`ORDERS`] of them, and one that can no longer be sold is skipped for the next.

use super::customers::new_customer;
use super::random::{Stream, chance, rng};
use crate::StorageResult;
use crate::crypto::Crypto;
use crate::customer::NewAddress;
use crate::progress::Progress;
use crate::quote::{self, Address, CartRef, ItemInput};
use crate::sales::creditmemo::{self, RefundRequest};
use crate::sales::lifecycle::{self, DocRequest, Track};
use crate::sales::shipment::{self, ShipRequest};
use crate::sales::{self, PlaceInput, invoice};
use rand::Rng;
use rust_decimal::Decimal;
use storegate_db::{Db, Tx, sql};
use storegate_types::{ApiError, TenantId};

/// Orders the demo places whenever it has a product to sell.
pub const ORDERS: usize = 500;

/// Percent of the orders placed by a guest (when there are customers at all).
const GUEST_PERCENT: u32 = 20;

/// The store view the demo sells in.
const STORE_ID: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Placed only: `new` / `pending`.
    Pending,
    /// Invoiced, not shipped.
    Processing,
    /// Invoiced and shipped with a track.
    Complete,
    /// Invoiced and refunded in full.
    Closed,
    Canceled,
    Holded,
}

/// Each state once, in this order, then drawn by weight.
const TARGETS: &[(Target, u32)] = &[
    (Target::Pending, 20),
    (Target::Processing, 20),
    (Target::Complete, 35),
    (Target::Closed, 10),
    (Target::Canceled, 10),
    (Target::Holded, 5),
];

fn target(rng: &mut impl Rng, n: usize) -> Target {
    if let Some((t, _)) = TARGETS.get(n) {
        return *t;
    }
    let total: u32 = TARGETS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (t, w) in TARGETS {
        if roll < *w {
            return *t;
        }
        roll -= w;
    }
    Target::Complete
}

const CARRIERS: &[(&str, &str)] = &[
    ("ups", "United Parcel Service"),
    ("usps", "United States Postal Service"),
    ("fedex", "Federal Express"),
    ("dhl", "DHL"),
];

/// Places the demo orders; answers how many.
pub(super) async fn generate(
    db: &Db,
    tenant: TenantId,
    crypto: &Crypto,
    seed: u64,
    progress: &dyn Progress,
) -> Result<usize, ApiError> {
    let skus: Vec<String> = db
        .fetch_all(sql!(
            "SELECT p.sku FROM products p JOIN stock_items s ON s.tenant_id = p.tenant_id AND s.product_id = p.id \
             WHERE p.tenant_id = $1 AND p.type_id = $2 AND p.status = $3 AND s.is_in_stock = $4 AND s.qty > $5 \
             ORDER BY p.id",
            tenant.0,
            "simple",
            1i64,
            true,
            0i64
        ))
        .await
        .storage()?
        .iter()
        .map(|r| r.at(0))
        .collect::<Result<_, _>>()
        .storage()?;
    if skus.is_empty() {
        return Ok(0);
    }
    let customers: Vec<i64> = db
        .fetch_all(sql!("SELECT id FROM customers WHERE tenant_id = $1 ORDER BY id", tenant.0))
        .await
        .storage()?
        .iter()
        .map(|r| r.at(0))
        .collect::<Result<_, _>>()
        .storage()?;
    let mut rng = rng(seed, Stream::Orders);
    // Spread the orders over the catalog: order n starts at an evenly spaced product.
    let stride = (skus.len() / ORDERS).max(1);
    progress.start("Placing orders", ORDERS as u64);
    let mut placed = 0;
    for n in 0..ORDERS {
        let goal = target(&mut rng, n);
        let customer = if customers.is_empty() || chance(&mut rng, GUEST_PERCENT) {
            None
        } else {
            Some(customers[rng.random_range(0..customers.len())])
        };
        let guest = new_customer(&mut rng, 100_000 + n, "");
        let lines = rng.random_range(1..=3usize);
        let mut wanted = Vec::with_capacity(lines);
        for l in 0..lines {
            let start = (n * stride + l * 7919 + rng.random_range(0..stride)) % skus.len();
            let qty = if chance(&mut rng, 15) { 2 } else { 1 };
            wanted.push((start, qty));
        }
        let carrier = CARRIERS[rng.random_range(0..CARRIERS.len())];
        let track_number = format!("1Z{:016}", rng.random_range(0..10_000_000_000_000_000u64));

        let mut tx = db.begin().await.storage()?;
        let cart = match customer {
            Some(id) => {
                let view = quote::view_of(&mut tx, tenant, STORE_ID).await?;
                CartRef::Id(quote::create_for_customer(&mut tx, tenant, &view, id).await?)
            }
            None => {
                let view = quote::view_of(&mut tx, tenant, STORE_ID).await?;
                CartRef::Masked(quote::create_guest(&mut tx, tenant, &view).await?)
            }
        };
        let mut added = 0;
        for (start, qty) in wanted {
            if add_some(&mut tx, tenant, crypto, &cart, &skus, start, qty).await? {
                added += 1;
            }
        }
        if added == 0 {
            // Nothing left to sell: the demo has what it has.
            break;
        }
        let quote_id = quote::resolve(&mut tx, tenant, &cart).await?;
        let mut input = PlaceInput { payment: Some(("checkmo".into(), None)), ..PlaceInput::default() };
        if customer.is_none() {
            let shipping = address(&guest.addresses[0], "shipping", &guest.email);
            quote::set_address(&mut tx, tenant, crypto, quote_id, &shipping).await?;
            input.billing = Some(address(&guest.addresses[0], "billing", &guest.email));
            input.email = Some(guest.email.clone());
        }
        quote::set_shipping_method(&mut tx, tenant, quote_id, Some("flatrate"), Some("flatrate")).await?;
        let order_id = sales::place(&mut tx, tenant, crypto, &CartRef::Id(quote_id), &input).await?;
        advance(&mut tx, tenant, crypto, order_id, goal, carrier, track_number).await?;
        tx.commit().await.storage()?;
        placed += 1;
        progress.advance(1);
    }
    progress.finish();
    Ok(placed)
}

/// Adds `qty` of the first salable product from `start` on; `false` when none is.
async fn add_some(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    cart: &CartRef,
    skus: &[String],
    start: usize,
    qty: i64,
) -> Result<bool, ApiError> {
    for k in 0..skus.len().min(50) {
        let sku = &skus[(start + k) % skus.len()];
        let input = ItemInput { sku: Some(sku.clone()), qty: Decimal::from(qty), options: Vec::new() };
        if quote::add_item(tx, tenant, crypto, cart, &input).await.is_ok() {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn advance(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    order_id: i64,
    goal: Target,
    carrier: (&str, &str),
    track_number: String,
) -> Result<(), ApiError> {
    let everything = DocRequest::default();
    match goal {
        Target::Pending => {}
        Target::Processing => {
            invoice::create(tx, tenant, crypto, order_id, &everything).await?;
        }
        Target::Complete => {
            invoice::create(tx, tenant, crypto, order_id, &everything).await?;
            let track = Track {
                track_number,
                carrier_code: carrier.0.to_owned(),
                title: Some(carrier.1.to_owned()),
                ..Track::default()
            };
            let req = ShipRequest { tracks: vec![track], ..ShipRequest::default() };
            shipment::create(tx, tenant, crypto, order_id, &req).await?;
        }
        Target::Closed => {
            invoice::create(tx, tenant, crypto, order_id, &everything).await?;
            creditmemo::refund(tx, tenant, crypto, Some(order_id), None, &RefundRequest::default()).await?;
        }
        Target::Canceled => {
            lifecycle::cancel(tx, tenant, crypto, order_id).await?;
        }
        Target::Holded => {
            lifecycle::hold(tx, tenant, crypto, order_id).await?;
        }
    }
    Ok(())
}

fn address(a: &NewAddress, address_type: &str, email: &str) -> Address {
    Address {
        address_type: address_type.to_owned(),
        email: Some(email.to_owned()),
        firstname: Some(a.firstname.clone()),
        lastname: Some(a.lastname.clone()),
        company: a.company.clone(),
        street: a.street.clone(),
        city: Some(a.city.clone()),
        region: a.region.clone(),
        region_id: a.region_id,
        region_code: a.region_code.clone(),
        postcode: a.postcode.clone(),
        country_id: Some(a.country_id.clone()),
        telephone: a.telephone.clone(),
        same_as_billing: 0,
        ..Address::default()
    }
}
