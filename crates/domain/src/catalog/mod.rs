//! The catalog: attribute sets and EAV attributes, categories, and products with their
//! custom attributes, websites, category links, stock, configurable options, tier prices,
//! product links and media gallery. `save` is the product repository's save.

pub mod attributes;
pub mod categories;
pub mod links;
pub mod media;
pub mod products;
pub mod save;
pub mod stock;
pub mod tier_prices;

use crate::StorageResult;
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

/// The position after the last one of its siblings. Positions are client-supplied `i64`s, so
/// the last may be `i64::MAX`; the next then shares it (siblings order by position, then id)
/// rather than overflowing (into a float in SQLite, an error in PostgreSQL).
pub(crate) fn next_position(last: i64) -> i64 {
    last.saturating_add(1)
}

/// Magento's entity type codes and their default attribute set ids.
pub const PRODUCT_ENTITY: &str = "catalog_product";
pub const DEFAULT_PRODUCT_SET: i64 = 4;

/// What a fresh tenant's catalog starts with: Magento's four default attribute sets and the
/// system product attributes.
pub async fn seed_defaults(ex: &mut impl Exec, tenant: TenantId) -> Result<(), ApiError> {
    let sets = [(1, "customer"), (2, "customer_address"), (3, "catalog_category"), (4, PRODUCT_ENTITY)];
    for (id, entity) in sets {
        ex.execute(sql!(
            "INSERT INTO attribute_sets (tenant_id, id, entity_type, name, sort_order) VALUES ($1, $2, $3, 'Default', 0)",
            tenant.0,
            id,
            entity
        ))
        .await
        .storage()?;
    }
    crate::ids::ensure_above(ex, tenant, "attribute_set", 4).await.storage()?;
    for def in attributes::SYSTEM_PRODUCT_ATTRIBUTES {
        let id = attributes::ensure(ex, tenant, def).await?;
        attributes::assign_to_set(ex, tenant, DEFAULT_PRODUCT_SET, id).await?;
    }
    Ok(())
}
