//! Magento's store structure inside one tenant: websites, store groups and store views
//! (with the `admin` view, id 0), and scoped configuration values.

use crate::StorageResult;
use storegate_db::{DbError, Exec, Row, sql};
use storegate_types::{ApiError, TenantId};

#[derive(Debug, Clone, PartialEq)]
pub struct StoreView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub website_id: i64,
    pub group_id: i64,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Website {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub default_group_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreGroup {
    pub id: i64,
    pub website_id: i64,
    pub code: String,
    pub name: String,
    pub root_category_id: i64,
    pub default_store_id: i64,
}

/// The admin store view's code; `/rest/all/V1` runs there.
pub const ADMIN_CODE: &str = "admin";

fn view(r: &Row) -> Result<StoreView, DbError> {
    Ok(StoreView {
        id: r.get("id")?,
        code: r.get("code")?,
        name: r.get("name")?,
        website_id: r.get("website_id")?,
        group_id: r.get("group_id")?,
        is_active: r.get("is_active")?,
    })
}

const VIEW_SELECT: &str = "SELECT id, code, name, website_id, group_id, is_active FROM store_views";

pub async fn views(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<StoreView>, ApiError> {
    let rows =
        ex.fetch_all(sql!(format!("{VIEW_SELECT} WHERE tenant_id = $1 ORDER BY id"), tenant.0)).await.storage()?;
    rows.iter().map(view).collect::<Result<_, _>>().storage()
}

pub async fn view_by_code(ex: &mut impl Exec, tenant: TenantId, code: &str) -> Result<Option<StoreView>, ApiError> {
    let row = ex
        .fetch_optional(sql!(format!("{VIEW_SELECT} WHERE tenant_id = $1 AND code = $2"), tenant.0, code.to_owned()))
        .await
        .storage()?;
    row.as_ref().map(view).transpose().storage()
}

/// The default store view: the default store of the default website's default group.
pub async fn default_view(ex: &mut impl Exec, tenant: TenantId) -> Result<StoreView, ApiError> {
    let row = ex
        .fetch_optional(sql!(
            "SELECT v.id, v.code, v.name, v.website_id, v.group_id, v.is_active FROM websites w \
             JOIN store_groups g ON g.tenant_id = w.tenant_id AND g.id = w.default_group_id \
             JOIN store_views v ON v.tenant_id = g.tenant_id AND v.id = g.default_store_id \
             WHERE w.tenant_id = $1 AND w.is_default = $2",
            tenant.0,
            true
        ))
        .await
        .storage()?;
    row.as_ref()
        .map(view)
        .transpose()
        .storage()?
        .ok_or_else(|| ApiError::internal("the tenant has no default store view"))
}

pub async fn websites(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<Website>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, code, name, default_group_id FROM websites WHERE tenant_id = $1 ORDER BY id",
            tenant.0
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            Ok(Website {
                id: r.get("id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                default_group_id: r.get("default_group_id")?,
            })
        })
        .collect::<Result<_, DbError>>()
        .storage()
}

pub async fn groups(ex: &mut impl Exec, tenant: TenantId) -> Result<Vec<StoreGroup>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, website_id, code, name, root_category_id, default_store_id FROM store_groups \
             WHERE tenant_id = $1 ORDER BY id",
            tenant.0
        ))
        .await
        .storage()?;
    rows.iter()
        .map(|r| {
            Ok(StoreGroup {
                id: r.get("id")?,
                website_id: r.get("website_id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                root_category_id: r.get("root_category_id")?,
                default_store_id: r.get("default_store_id")?,
            })
        })
        .collect::<Result<_, DbError>>()
        .storage()
}

/// A configuration value for a store view, falling back to its website, then to default.
pub async fn config_value(
    ex: &mut impl Exec,
    tenant: TenantId,
    view: &StoreView,
    path: &str,
) -> Result<Option<String>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT scope, value FROM config WHERE tenant_id = $1 AND path = $2 AND \
             ((scope = 'stores' AND scope_id = $3) OR (scope = 'websites' AND scope_id = $4) OR (scope = 'default' AND scope_id = 0))",
            tenant.0,
            path.to_owned(),
            view.id,
            view.website_id
        ))
        .await
        .storage()?;
    let mut best: Option<(u8, Option<String>)> = None;
    for r in rows {
        let scope: String = r.get("scope").storage()?;
        let rank = match scope.as_str() {
            "stores" => 3,
            "websites" => 2,
            _ => 1,
        };
        if best.as_ref().is_none_or(|(b, _)| rank > *b) {
            best = Some((rank, r.get("value").storage()?));
        }
    }
    Ok(best.and_then(|(_, v)| v))
}

pub async fn set_config(
    ex: &mut impl Exec,
    tenant: TenantId,
    scope: &str,
    scope_id: i64,
    path: &str,
    value: &str,
) -> Result<(), ApiError> {
    ex.execute(sql!(
        "INSERT INTO config (tenant_id, scope, scope_id, path, value) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, scope, scope_id, path) DO UPDATE SET value = excluded.value",
        tenant.0,
        scope.to_owned(),
        scope_id,
        path.to_owned(),
        value.to_owned()
    ))
    .await
    .storage()
    .map(|_| ())
}

/// The root category of a store view's group: where its catalog tree starts. The admin
/// view's group has none (0), so it answers the tree root, 1.
pub async fn root_category_id(ex: &mut impl Exec, tenant: TenantId, view: &StoreView) -> Result<i64, ApiError> {
    let root: Option<i64> = ex
        .fetch_optional_scalar(sql!(
            "SELECT root_category_id FROM store_groups WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            view.group_id
        ))
        .await
        .storage()?;
    Ok(root.filter(|r| *r > 0).unwrap_or(1))
}

/// Whether a store view id exists (the admin view, 0, included).
pub async fn view_exists(ex: &mut impl Exec, tenant: TenantId, id: i64) -> Result<bool, ApiError> {
    let found: Option<i64> = ex
        .fetch_optional_scalar(sql!("SELECT id FROM store_views WHERE tenant_id = $1 AND id = $2", tenant.0, id))
        .await
        .storage()?;
    Ok(found.is_some())
}
