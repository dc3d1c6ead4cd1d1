//! The category tree. Each category stores its id path from the root (`1/2/5`) and its
//! level, as Magento does, so subtrees are one prefix query.

use crate::{StorageResult, clock, ids};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

/// The default category under the root, where store groups hang their trees.
pub const DEFAULT_CATEGORY: i64 = 2;

#[derive(Debug, Clone)]
pub struct NewCategory<'a> {
    pub parent_id: i64,
    pub name: &'a str,
    pub url_key: Option<String>,
    pub is_active: bool,
    pub include_in_menu: bool,
    pub is_anchor: bool,
    pub position: Option<i64>,
    pub display_mode: Option<&'a str>,
    pub description: Option<&'a str>,
}

impl<'a> NewCategory<'a> {
    pub fn new(parent_id: i64, name: &'a str) -> Self {
        NewCategory {
            parent_id,
            name,
            url_key: None,
            is_active: true,
            include_in_menu: true,
            is_anchor: true,
            position: None,
            display_mode: None,
            description: None,
        }
    }
}

/// Creates a category under `parent_id`; answers its id.
pub async fn create(ex: &mut impl Exec, tenant: TenantId, new: &NewCategory<'_>) -> Result<i64, ApiError> {
    let parent = ex
        .fetch_optional(sql!(
            "SELECT path, level, url_path FROM categories WHERE tenant_id = $1 AND id = $2",
            tenant.0,
            new.parent_id
        ))
        .await
        .storage()?
        .ok_or_else(|| ApiError::no_such_entity("id", new.parent_id))?;
    let parent_path: String = parent.get("path").storage()?;
    let level: i64 = parent.get::<i64>("level").storage()? + 1;
    let parent_url_path: Option<String> = parent.get("url_path").storage()?;
    let position = match new.position {
        Some(p) => p,
        None => ex
            .fetch_scalar(sql!(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM categories WHERE tenant_id = $1 AND parent_id = $2",
                tenant.0,
                new.parent_id
            ))
            .await
            .storage()?,
    };
    let url_key = new.url_key.clone().unwrap_or_else(|| slug(new.name));
    // Children of the default category start their URL path afresh, as in Magento.
    let url_path = match parent_url_path {
        Some(p) if level > 2 => format!("{p}/{url_key}"),
        _ => url_key.clone(),
    };
    let id = ids::next(ex, tenant, "category").await.storage()?;
    let now = clock::now_text();
    ex.execute(sql!(
        "INSERT INTO categories (tenant_id, id, parent_id, path, level, position, name, is_active, include_in_menu, \
         is_anchor, url_key, url_path, display_mode, description, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
        tenant.0,
        id,
        new.parent_id,
        format!("{parent_path}/{id}"),
        level,
        position,
        new.name.to_owned(),
        new.is_active,
        new.include_in_menu,
        new.is_anchor,
        url_key,
        url_path,
        new.display_mode.map(str::to_owned),
        new.description.map(str::to_owned),
        now
    ))
    .await
    .storage()?;
    Ok(id)
}

pub async fn child_by_name(
    ex: &mut impl Exec,
    tenant: TenantId,
    parent_id: i64,
    name: &str,
) -> Result<Option<i64>, ApiError> {
    ex.fetch_optional_scalar(sql!(
        "SELECT id FROM categories WHERE tenant_id = $1 AND parent_id = $2 AND name = $3 ORDER BY id LIMIT 1",
        tenant.0,
        parent_id,
        name.to_owned()
    ))
    .await
    .storage()
}

/// Walks `names` down from `root`, creating missing categories; answers every node's id.
pub async fn ensure_path(
    ex: &mut impl Exec,
    tenant: TenantId,
    root: i64,
    names: &[&str],
) -> Result<Vec<i64>, ApiError> {
    let mut parent = root;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let id = match child_by_name(ex, tenant, parent, name).await? {
            Some(id) => id,
            None => create(ex, tenant, &NewCategory::new(parent, name)).await?,
        };
        out.push(id);
        parent = id;
    }
    Ok(out)
}

pub async fn count(ex: &mut impl Exec, tenant: TenantId) -> Result<i64, ApiError> {
    ex.fetch_scalar(sql!("SELECT COUNT(*) FROM categories WHERE tenant_id = $1", tenant.0)).await.storage()
}

/// Magento's URL key rule: lower case, letters and digits, words joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_like_magento() {
        assert_eq!(super::slug("Hoodies & Sweatshirts"), "hoodies-sweatshirts");
        assert_eq!(super::slug("Sprite Stasis Ball 55 cm gray"), "sprite-stasis-ball-55-cm-gray");
        assert_eq!(super::slug("  What's New  "), "what-s-new");
    }
}
