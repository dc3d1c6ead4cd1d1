//! Product links: related, up-sell and cross-sell products, and the products a grouped
//! product is made of (`associated`, with a default quantity).

use crate::StorageResult;
use rust_decimal::Decimal;
use storegate_db::{DbError, Exec, sql};
use storegate_types::{ApiError, ErrorCode, TenantId};

/// Magento's link types and their codes, in the order Magento lists them.
pub const LINK_TYPES: &[(&str, i64)] = &[("related", 1), ("crosssell", 5), ("upsell", 4), ("associated", 3)];

pub fn is_type(name: &str) -> bool {
    LINK_TYPES.iter().any(|(n, _)| *n == name)
}

/// One stored link, with the linked product's SKU and type.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductLink {
    pub link_type: String,
    pub linked_product_id: i64,
    pub linked_product_sku: String,
    pub linked_product_type: String,
    pub position: i64,
    pub qty: Option<Decimal>,
}

/// A link to write: the linked product is named by SKU.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkInput {
    pub link_type: String,
    pub linked_product_sku: String,
    pub position: Option<i64>,
    pub qty: Option<Decimal>,
}

/// Orders links as Magento lists them: by type, then position.
pub fn sort(links: &mut [ProductLink]) {
    let rank = |t: &str| LINK_TYPES.iter().position(|(n, _)| *n == t).unwrap_or(usize::MAX);
    links.sort_by(|a, b| {
        (rank(&a.link_type), a.position, a.linked_product_id).cmp(&(
            rank(&b.link_type),
            b.position,
            b.linked_product_id,
        ))
    });
}

/// The linked product ids of `inputs`, checking types and SKUs. A missing product is
/// `err_missing(sku)`.
async fn resolve(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    inputs: &[LinkInput],
    unknown_type: ErrorCode,
    err_missing: impl Fn(&str) -> ApiError,
) -> Result<Vec<i64>, ApiError> {
    let mut out = Vec::with_capacity(inputs.len());
    for l in inputs {
        if !is_type(&l.link_type) {
            return Err(ApiError::positional(unknown_type, [l.link_type.clone()]));
        }
        let id: Option<i64> = ex
            .fetch_optional_scalar(sql!(
                "SELECT id FROM products WHERE tenant_id = $1 AND sku = $2",
                tenant.0,
                l.linked_product_sku.clone()
            ))
            .await
            .storage()?;
        match id {
            Some(id) if id != product_id => out.push(id),
            _ => return Err(err_missing(&l.linked_product_sku)),
        }
        if let Some(q) = l.qty
            && (q < Decimal::ZERO || storegate_db::decimal_to_micros(q).is_err())
        {
            return Err(ApiError::invalid_value("qty", q.to_string()));
        }
    }
    Ok(out)
}

async fn upsert(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    link: &LinkInput,
    linked_id: i64,
) -> Result<(), ApiError> {
    let position = match link.position {
        Some(p) => p,
        None => super::next_position(ex
            .fetch_scalar(sql!(
                "SELECT COALESCE(MAX(position), 0) FROM product_links WHERE tenant_id = $1 AND product_id = $2 AND link_type = $3",
                tenant.0,
                product_id,
                link.link_type.clone()
            ))
            .await
            .storage()?),
    };
    let qty = link.qty.map(storegate_db::decimal_to_micros).transpose().storage()?;
    ex.execute(sql!(
        "INSERT INTO product_links (tenant_id, product_id, link_type, linked_product_id, position, qty) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, product_id, link_type, linked_product_id) \
         DO UPDATE SET position = excluded.position, qty = excluded.qty",
        tenant.0,
        product_id,
        link.link_type.clone(),
        linked_id,
        position,
        qty
    ))
    .await
    .storage()?;
    Ok(())
}

/// Replaces every link of a product (a product save carrying `product_links`).
pub async fn replace_all(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    inputs: &[LinkInput],
) -> Result<(), ApiError> {
    let ids = resolve(ex, tenant, product_id, inputs, ErrorCode::LinkTypeNotFound, |_| {
        ApiError::new(ErrorCode::LinkedProductsInvalid)
    })
    .await?;
    ex.execute(sql!("DELETE FROM product_links WHERE tenant_id = $1 AND product_id = $2", tenant.0, product_id))
        .await
        .storage()?;
    for (l, id) in inputs.iter().zip(ids) {
        upsert(ex, tenant, product_id, l, id).await?;
    }
    Ok(())
}

/// Adds links or updates existing ones of the same type and product (`setProductLinks`).
pub async fn merge(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    inputs: &[LinkInput],
) -> Result<(), ApiError> {
    let ids = resolve(ex, tenant, product_id, inputs, ErrorCode::LinkTypeNotFound, |_| {
        ApiError::new(ErrorCode::LinkedProductsInvalid)
    })
    .await?;
    for (l, id) in inputs.iter().zip(ids) {
        upsert(ex, tenant, product_id, l, id).await?;
    }
    Ok(())
}

/// Saves one link (`ProductLinkRepository::save`): the linked product must exist.
pub async fn save_one(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    input: &LinkInput,
) -> Result<(), ApiError> {
    let ids = resolve(ex, tenant, product_id, std::slice::from_ref(input), ErrorCode::LinkTypeNotFound, |_| {
        ApiError::new(ErrorCode::ProductNotFound)
    })
    .await?;
    upsert(ex, tenant, product_id, input, ids[0]).await
}

/// A product's links of one type.
pub async fn list(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    link_type: &str,
) -> Result<Vec<ProductLink>, ApiError> {
    if !is_type(link_type) {
        return Err(ApiError::positional(ErrorCode::LinkTypeUnknown, [link_type]));
    }
    let rows = ex
        .fetch_all(sql!(
            "SELECT l.link_type, l.linked_product_id, p.sku, p.type_id, l.position, l.qty FROM product_links l \
             JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.linked_product_id \
             WHERE l.tenant_id = $1 AND l.product_id = $2 AND l.link_type = $3 ORDER BY l.position, l.linked_product_id",
            tenant.0,
            product_id,
            link_type.to_owned()
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            Ok(ProductLink {
                link_type: r.at(0)?,
                linked_product_id: r.at(1)?,
                linked_product_sku: r.at(2)?,
                linked_product_type: r.at(3)?,
                position: r.at(4)?,
                qty: r.at(5)?,
            })
        })
        .collect::<Result<_, DbError>>()
        .storage()
}

/// Removes one link; `false` when there was none.
pub async fn delete(
    ex: &mut impl Exec,
    tenant: TenantId,
    product_id: i64,
    link_type: &str,
    linked_sku: &str,
) -> Result<bool, ApiError> {
    let n = ex
        .execute(sql!(
            "DELETE FROM product_links WHERE tenant_id = $1 AND product_id = $2 AND link_type = $3 AND linked_product_id = \
             (SELECT id FROM products WHERE tenant_id = $1 AND sku = $4)",
            tenant.0,
            product_id,
            link_type.to_owned(),
            linked_sku.to_owned()
        ))
        .await
        .storage()?;
    Ok(n > 0)
}
