//! Shipments (`POST /V1/order/{orderId}/ship`) with tracks. Shipping deducts the source
//! quantity (the source given in `arguments.extension_attributes.source_code`, otherwise
//! the sources chosen by the priority source-selection algorithm) and compensates the
//! order's reservation, so the salable quantity stays and the physical quantity drops.

use super::lifecycle::{
    DocItem, DocRequest, DocType, Document, LineError, Track, add, after_create, can_ship_items, insert_document,
    insert_track, qty_to_ship, requested, require_doc, reservation, resolve_state, save, stock_of,
};
use super::{not_found, require};
use crate::StorageResult;
use crate::crypto::Crypto;
use crate::inventory::{self, DEFAULT_SOURCE, Line};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use storegate_db::{Exec, Tx, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

#[derive(Debug, Clone, Default)]
pub struct ShipRequest {
    pub doc: DocRequest,
    pub tracks: Vec<Track>,
    pub source_code: Option<String>,
}

fn check_track(t: &mut Track) -> Result<(), ApiError> {
    if t.track_number.trim().is_empty() {
        return Err(ApiError::new(ErrorCode::ShipmentTrackInvalid));
    }
    if t.carrier_code.trim().is_empty() {
        t.carrier_code = "custom".into();
    }
    if t.title.as_deref().is_none_or(|s| s.trim().is_empty()) {
        t.title = Some(t.carrier_code.clone());
    }
    Ok(())
}

/// Creates a shipment for the order; answers its id.
pub async fn create(
    tx: &mut Tx,
    tenant: TenantId,
    crypto: &Crypto,
    order_id: i64,
    req: &ShipRequest,
) -> Result<i64, ApiError> {
    let mut o = require(tx, tenant, crypto, order_id).await?;
    if o.is_virtual || matches!(o.state.as_str(), "payment_review" | "holded" | "canceled") {
        return Err(ApiError::positional(ErrorCode::ShipmentOrderState, [o.status.clone()]));
    }
    if !can_ship_items(&o) {
        return Err(ApiError::new(ErrorCode::ShipmentNotAllowed));
    }
    let lines: Vec<(i64, Decimal)> = requested(&o, &req.doc, qty_to_ship, |i| !i.is_virtual)
        .map_err(|e| match e {
            LineError::TooMuch(i) => ApiError::positional(ErrorCode::ShipmentQtyTooLarge, [i.sku.clone()]),
            LineError::NotInOrder(id) => ApiError::positional(ErrorCode::ShipmentItemNotInOrder, [id.to_string()]),
        })?
        .into_iter()
        .filter(|(i, _)| !i.is_virtual)
        .map(|(i, q)| (i.id, q))
        .collect();
    let total_qty: Decimal = lines.iter().map(|(_, q)| *q).sum();
    if total_qty <= Decimal::ZERO {
        return Err(ApiError::new(ErrorCode::ShipmentWithoutProducts));
    }
    let mut tracks = req.tracks.clone();
    for t in tracks.iter_mut() {
        check_track(t)?;
    }
    let mut doc = Document::new(DocType::Shipment, &o);
    let mut stock_lines = Vec::new();
    for (item_id, qty) in &lines {
        let Some(i) = o.lines_mut().find(|i| i.id == *item_id) else { continue };
        add(&mut i.amounts, "qty_shipped", *qty);
        let weight = i.amount("weight");
        doc.total_weight += weight * *qty;
        stock_lines.push(Line { sku: i.sku.clone(), qty: *qty });
        doc.items.push(DocItem {
            order_item_id: i.id,
            product_id: i.product_id,
            sku: i.sku.clone(),
            name: i.name.clone(),
            qty: *qty,
            price: i.amount("price"),
            row_total: (i.amount("price") * *qty).round_dp(2),
            weight,
            ..DocItem::default()
        });
    }
    doc.total_qty = total_qty;
    doc.tracks = tracks;
    doc.comments = super::lifecycle::request_comment(&req.doc);

    // Inventory: deduct from the chosen sources.
    let stock = stock_of(tx, tenant, o.store_id).await?;
    let object = reservation("shipment_created", &o);
    let per_source: Vec<(String, Vec<Line>)> = match req.source_code.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => vec![(code.to_owned(), stock_lines.clone())],
        None => select_sources(tx, tenant, stock, &stock_lines).await?,
    };
    doc.source_code = per_source.first().map(|(code, _)| code.clone());
    for (code, lines) in &per_source {
        inventory::deduct_for_shipment(tx, tenant, stock, code, lines, &object).await?;
    }
    if !o.stock_reserved {
        // No reservation to compensate: take back the compensation just written.
        let negated: Vec<Line> = stock_lines.iter().map(|l| Line { sku: l.sku.clone(), qty: -l.qty }).collect();
        let counted = counted_lines(tx, tenant, &negated).await?;
        inventory::compensate(tx, tenant, stock, &counted, &object).await?;
    }

    if o.state == "new" {
        o.state = "processing".into();
        o.status = "processing".into();
    }
    resolve_state(&mut o);
    save(tx, tenant, &o).await?;
    let id = insert_document(tx, tenant, &mut doc).await?;
    after_create(tx, tenant, crypto, DocType::Shipment, id, &req.doc).await?;
    Ok(id)
}

/// Lines of products whose quantity is counted and managed (those `deduct_for_shipment`
/// writes a reservation for).
async fn counted_lines(ex: &mut impl Exec, tenant: TenantId, lines: &[Line]) -> Result<Vec<Line>, ApiError> {
    let mut out = Vec::new();
    for l in lines {
        if let Some(c) = inventory::stock_config(ex, tenant, &l.sku).await?
            && crate::catalog::stock::counts_qty(&c.type_id)
        {
            out.push(l.clone());
        }
    }
    Ok(out)
}

/// The priority algorithm's split of the lines over the stock's sources; what no source
/// has is asked of the first source (the deduction then fails with Magento's message
/// unless backorders are allowed).
async fn select_sources(
    tx: &mut Tx,
    tenant: TenantId,
    stock: i64,
    lines: &[Line],
) -> Result<Vec<(String, Vec<Line>)>, ApiError> {
    let items: Vec<(String, Decimal)> = lines.iter().map(|l| (l.sku.clone(), l.qty)).collect();
    let selection = inventory::selection::select(tx, tenant, stock, &items, "priority").await?;
    let mut order: Vec<String> = Vec::new();
    let mut by_source: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    let mut covered: BTreeMap<String, Decimal> = BTreeMap::new();
    for s in &selection.items {
        if s.qty_to_deduct <= Decimal::ZERO {
            continue;
        }
        if !order.contains(&s.source_code) {
            order.push(s.source_code.clone());
        }
        by_source.entry(s.source_code.clone()).or_default().push(Line { sku: s.sku.clone(), qty: s.qty_to_deduct });
        *covered.entry(s.sku.clone()).or_default() += s.qty_to_deduct;
    }
    for l in lines {
        let missing = l.qty - covered.get(&l.sku).copied().unwrap_or_default();
        if missing > Decimal::ZERO {
            let first = order.first().cloned().unwrap_or_else(|| DEFAULT_SOURCE.to_owned());
            if !order.contains(&first) {
                order.push(first.clone());
            }
            by_source.entry(first).or_default().push(Line { sku: l.sku.clone(), qty: missing });
        }
    }
    Ok(order
        .into_iter()
        .map(|code| {
            let lines = by_source.remove(&code).unwrap_or_default();
            (code, lines)
        })
        .collect())
}

/// `POST /V1/shipment/track`: adds a track to an existing shipment.
pub async fn add_track(tx: &mut Tx, tenant: TenantId, mut t: Track) -> Result<Track, ApiError> {
    let shipment = require_doc(tx, tenant, DocType::Shipment, t.parent_id).await?;
    check_track(&mut t)?;
    t.order_id = shipment.order_id;
    insert_track(tx, tenant, t).await
}

/// `DELETE /V1/shipment/track/{id}`.
pub async fn delete_track(tx: &mut Tx, tenant: TenantId, id: i64) -> Result<bool, ApiError> {
    let n = tx
        .execute(sql!("DELETE FROM sales_shipment_tracks WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(true)
}

/// `GET /V1/shipment/{id}/label`: the stored label (base64), empty when there is none.
pub async fn label(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<String, ApiError> {
    Ok(require_doc(ex, tenant, DocType::Shipment, id).await?.shipping_label.unwrap_or_default())
}
