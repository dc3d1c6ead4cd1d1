//! CMS page and block shapes (contract §5.9). Store assignment is not part of Magento's
//! data interfaces: it is accepted on input (`store_id`, or `stores`, as `[0]` or `1`) and
//! not written back.

use super::category::lenient;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_domain::cms::{Changes, Entry, Kind};
use storegate_types::ApiError;

/// A page in Magento's field order; unset fields are omitted.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PageOut {
    pub id: i64,
    pub identifier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_layout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_keywords: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_heading: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub creation_time: String,
    pub update_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_update_xml: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_theme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_root_template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_layout_update_xml: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_theme_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_theme_to: Option<String>,
    pub active: bool,
}

impl From<Entry> for PageOut {
    fn from(e: Entry) -> Self {
        let t = |c: &str| e.text(c);
        PageOut {
            id: e.id,
            identifier: e.identifier.clone(),
            title: t("title"),
            page_layout: t("page_layout"),
            meta_title: t("meta_title"),
            meta_keywords: t("meta_keywords"),
            meta_description: t("meta_description"),
            content_heading: t("content_heading"),
            content: t("content"),
            creation_time: e.created_at.clone(),
            update_time: e.updated_at.clone(),
            sort_order: t("sort_order"),
            layout_update_xml: t("layout_update_xml"),
            custom_theme: t("custom_theme"),
            custom_root_template: t("custom_root_template"),
            custom_layout_update_xml: t("custom_layout_update_xml"),
            custom_theme_from: t("custom_theme_from"),
            custom_theme_to: t("custom_theme_to"),
            active: e.is_active,
        }
    }
}

/// A block in Magento's field order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BlockOut {
    pub id: i64,
    pub identifier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub creation_time: String,
    pub update_time: String,
    pub active: bool,
}

impl From<Entry> for BlockOut {
    fn from(e: Entry) -> Self {
        BlockOut {
            id: e.id,
            identifier: e.identifier.clone(),
            title: e.text("title"),
            content: e.text("content"),
            creation_time: e.created_at,
            update_time: e.updated_at,
            active: e.is_active,
        }
    }
}

/// The `page` object of `POST /V1/cmsPage` and `PUT /V1/cmsPage/{id}`; absent fields keep
/// their value on update. Content is HTML, stored exactly as sent.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct PageIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub page_layout: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub meta_title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::TEXT))]
    pub meta_keywords: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::TEXT))]
    pub meta_description: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub content_heading: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub sort_order: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub layout_update_xml: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub custom_theme: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub custom_root_template: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub custom_layout_update_xml: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::DATE))]
    pub custom_theme_from: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::DATE))]
    pub custom_theme_to: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub active: Option<bool>,
    /// The model's spelling of `active`.
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    /// Store view ids, `[0]` for all; a single id is accepted too. A new page without one
    /// is assigned to the store view the request runs in.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub store_id: Option<Value>,
    /// The admin form's spelling of `store_id`.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub stores: Option<Value>,
}

impl PageIn {
    pub fn changes(&self) -> Result<Changes, ApiError> {
        let fields = [
            ("title", &self.title),
            ("page_layout", &self.page_layout),
            ("meta_title", &self.meta_title),
            ("meta_keywords", &self.meta_keywords),
            ("meta_description", &self.meta_description),
            ("content_heading", &self.content_heading),
            ("content", &self.content),
            ("sort_order", &self.sort_order),
            ("layout_update_xml", &self.layout_update_xml),
            ("custom_theme", &self.custom_theme),
            ("custom_root_template", &self.custom_root_template),
            ("custom_layout_update_xml", &self.custom_layout_update_xml),
            ("custom_theme_from", &self.custom_theme_from),
            ("custom_theme_to", &self.custom_theme_to),
        ];
        Ok(Changes {
            identifier: self.identifier.clone(),
            text: fields.into_iter().filter_map(|(c, v)| v.clone().map(|v| (c, v))).collect(),
            is_active: self.active.or(self.is_active),
            store_ids: store_ids(self.store_id.as_ref().or(self.stores.as_ref()))?,
        })
    }
}

/// The `block` object of `POST /V1/cmsBlock` and `PUT /V1/cmsBlock/{id}`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct BlockIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub identifier: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::LONG_TEXT))]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    /// Store view ids, `[0]` for all; a single id is accepted too.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub store_id: Option<Value>,
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub stores: Option<Value>,
}

impl BlockIn {
    pub fn changes(&self) -> Result<Changes, ApiError> {
        let fields = [("title", &self.title), ("content", &self.content)];
        Ok(Changes {
            identifier: self.identifier.clone(),
            text: fields.into_iter().filter_map(|(c, v)| v.clone().map(|v| (c, v))).collect(),
            is_active: self.active.or(self.is_active),
            store_ids: store_ids(self.store_id.as_ref().or(self.stores.as_ref()))?,
        })
    }
}

fn store_ids(v: Option<&Value>) -> Result<Option<Vec<i64>>, ApiError> {
    let bad = |v: &Value| ApiError::invalid_value("store_id", v.clone());
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            items.iter().map(|i| lenient::int(i).ok_or_else(|| bad(i))).collect::<Result<Vec<_>, _>>().map(Some)
        }
        Some(Value::String(s)) if s.contains(',') => s
            .split(',')
            .map(|p| p.trim().parse::<i64>().map_err(|_| bad(&Value::String(s.clone()))))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => lenient::int(other).map(|i| Some(vec![i])).ok_or_else(|| bad(other)),
    }
}

/// Which kind an id parameter belongs to, and the id itself. Path ids arrive as text;
/// one that is not a number names no entry, so it is that kind's not-found error.
pub fn parse_id(kind: Kind, raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| kind.not_found(raw))
}
