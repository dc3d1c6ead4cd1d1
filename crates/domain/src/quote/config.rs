//! The configuration values of one store view under a path prefix, read with one statement
//! (store view over website over default, as `store::config_value` resolves one path).

use crate::StorageResult;
use crate::store::StoreView;
use std::collections::HashMap;
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    values: HashMap<String, (u8, Option<String>)>,
}

impl Snapshot {
    /// Every value under `prefix` (e.g. `carriers/`) for the view.
    pub async fn load(
        ex: &mut impl Exec,
        tenant: TenantId,
        view: &StoreView,
        prefix: &str,
    ) -> Result<Snapshot, ApiError> {
        let rows = ex
            .fetch_all(sql!(
                "SELECT scope, path, value FROM config WHERE tenant_id = $1 AND path LIKE $2 AND \
                 ((scope = 'stores' AND scope_id = $3) OR (scope = 'websites' AND scope_id = $4) OR (scope = 'default' AND scope_id = 0))",
                tenant.0,
                format!("{prefix}%"),
                view.id,
                view.website_id
            ))
            .await
            .storage()?;
        let mut values: HashMap<String, (u8, Option<String>)> = HashMap::new();
        for r in rows {
            let scope: String = r.get("scope").storage()?;
            let rank = match scope.as_str() {
                "stores" => 3,
                "websites" => 2,
                _ => 1,
            };
            let path: String = r.get("path").storage()?;
            let value: Option<String> = r.get("value").storage()?;
            if values.get(&path).is_none_or(|(best, _)| rank > *best) {
                values.insert(path, (rank, value));
            }
        }
        Ok(Snapshot { values })
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.values.get(path).and_then(|(_, v)| v.as_deref())
    }

    pub fn get_or(&self, path: &str, default: &str) -> String {
        self.get(path).unwrap_or(default).to_owned()
    }

    /// A `0`/`1` flag.
    pub fn flag(&self, path: &str, default: bool) -> bool {
        match self.get(path) {
            Some(v) => v.trim() == "1" || v.trim().eq_ignore_ascii_case("true"),
            None => default,
        }
    }
}
