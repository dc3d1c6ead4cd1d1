use schemars::JsonSchema;
use serde::Serialize;
use storegate_domain::store::{StoreGroup, StoreView, Website};

#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreViewOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub website_id: i64,
    pub store_group_id: i64,
    pub is_active: i64,
}

impl From<StoreView> for StoreViewOut {
    fn from(v: StoreView) -> Self {
        StoreViewOut {
            id: v.id,
            code: v.code,
            name: v.name,
            website_id: v.website_id,
            store_group_id: v.group_id,
            is_active: v.is_active as i64,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WebsiteOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub default_group_id: i64,
}

impl From<Website> for WebsiteOut {
    fn from(w: Website) -> Self {
        WebsiteOut { id: w.id, code: w.code, name: w.name, default_group_id: w.default_group_id }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreGroupOut {
    pub id: i64,
    pub website_id: i64,
    pub root_category_id: i64,
    pub default_store_id: i64,
    pub name: String,
    pub code: String,
}

impl From<StoreGroup> for StoreGroupOut {
    fn from(g: StoreGroup) -> Self {
        StoreGroupOut {
            id: g.id,
            website_id: g.website_id,
            root_category_id: g.root_category_id,
            default_store_id: g.default_store_id,
            name: g.name,
            code: g.code,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct StoreConfigOut {
    pub id: i64,
    pub code: String,
    pub website_id: i64,
    pub locale: String,
    pub base_currency_code: String,
    pub default_display_currency_code: String,
    pub timezone: String,
    pub weight_unit: String,
    pub base_url: String,
    pub base_link_url: String,
    pub base_static_url: String,
    pub base_media_url: String,
    pub secure_base_url: String,
    pub secure_base_link_url: String,
    pub secure_base_static_url: String,
    pub secure_base_media_url: String,
}
