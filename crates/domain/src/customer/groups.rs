//! Customer groups (Magento's `GroupRepositoryInterface`, read side).

use crate::search::{Field, FieldKind, FieldMap, SearchCriteria};
use crate::store::{self, StoreView};
use crate::{StorageResult, ids};
use storegate_db::{Exec, Row, sql};
use storegate_types::{ApiError, TenantId};

/// Magento's default group for new accounts (`customer/create_account/default_group`).
pub const DEFAULT_GROUP_ID: i64 = 1;

/// The configuration path naming the group new accounts join.
pub const DEFAULT_GROUP_PATH: &str = "customer/create_account/default_group";

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: i64,
    pub code: String,
    pub tax_class_id: i64,
}

impl Group {
    /// The tax class's name, for Magento's default tax classes.
    pub fn tax_class_name(&self) -> Option<&'static str> {
        tax_class_name(self.tax_class_id)
    }
}

pub fn tax_class_name(id: i64) -> Option<&'static str> {
    match id {
        2 => Some("Taxable Goods"),
        3 => Some("Retail Customer"),
        _ => None,
    }
}

/// Magento's default customer groups: 0 NOT LOGGED IN, 1 General, 2 Wholesale, 3 Retailer,
/// all with the "Retail Customer" tax class (3).
pub async fn seed_groups(ex: &mut impl Exec, tenant: TenantId) -> Result<(), ApiError> {
    for (id, code) in [(0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer")] {
        ex.execute(sql!(
            "INSERT INTO customer_groups (tenant_id, id, code, tax_class_id) VALUES ($1, $2, $3, 3)",
            tenant.0,
            id,
            code
        ))
        .await
        .storage()?;
    }
    ids::ensure_above(ex, tenant, "customer_group", 3).await.storage()
}

fn group(r: &Row) -> Result<Group, ApiError> {
    Ok(Group {
        id: r.get("id").storage()?,
        code: r.get("code").storage()?,
        tax_class_id: r.get("tax_class_id").storage()?,
    })
}

pub async fn get(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Option<Group>, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT id, code, tax_class_id FROM customer_groups WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            id
        ))
        .await
        .storage()?;
    row.as_ref().map(group).transpose()
}

/// Like [`get`], but an unknown id is Magento's 404 (`No such entity with id = …`).
pub async fn require(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<Group, ApiError> {
    get(ex, tenant, id).await?.ok_or_else(|| ApiError::no_such_entity("id", id))
}

/// The group new accounts of `view` join: the configured default, else General (1).
pub async fn default_for(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<Group, ApiError> {
    let configured = store::config_value(ex, tenant, view, DEFAULT_GROUP_PATH).await?;
    let id = configured.and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(DEFAULT_GROUP_ID);
    match get(ex, tenant, id).await? {
        Some(g) => Ok(g),
        None => require(ex, tenant, DEFAULT_GROUP_ID).await,
    }
}

/// Group search fields, with Magento's aliases (`customer_group_id`, `customer_group_code`,
/// `tax_class_name`).
pub const SEARCH_FIELDS: FieldMap = FieldMap {
    fields: &[
        Field { name: "id", sql: "g.id", kind: FieldKind::Int },
        Field { name: "customer_group_id", sql: "g.id", kind: FieldKind::Int },
        Field { name: "code", sql: "g.code", kind: FieldKind::Text },
        Field { name: "customer_group_code", sql: "g.code", kind: FieldKind::Text },
        Field { name: "tax_class_id", sql: "g.tax_class_id", kind: FieldKind::Int },
        Field {
            name: "tax_class_name",
            sql: "(CASE g.tax_class_id WHEN 2 THEN 'Taxable Goods' WHEN 3 THEN 'Retail Customer' END)",
            kind: FieldKind::Text,
        },
    ],
    eav: None,
    tiebreak: "g.id",
};

pub async fn search(
    ex: &mut impl Exec,
    tenant: TenantId,
    criteria: &SearchCriteria,
    max_page_size: i64,
) -> Result<(Vec<Group>, i64), ApiError> {
    let none = |_: &str| None;
    let compiled = crate::search::compile(criteria, &SEARCH_FIELDS, &none, 2, max_page_size, ex.backend())?;
    let total: i64 = ex
        .fetch_scalar(compiled.bind(sql!(
            format!("SELECT COUNT(*) FROM customer_groups g WHERE g.tenant_id = $1 AND ({})", compiled.condition),
            tenant.0
        )))
        .await
        .storage()?;
    let rows = ex
        .fetch_all(compiled.bind_page(sql!(
            format!(
                "SELECT g.id, g.code, g.tax_class_id FROM customer_groups g WHERE g.tenant_id = $1 AND ({}) \
                 {}",
                compiled.condition,
                compiled.page_clause()
            ),
            tenant.0
        )))
        .await
        .storage()?;
    Ok((rows.iter().map(group).collect::<Result<_, _>>()?, total))
}
