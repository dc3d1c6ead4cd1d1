//! Category, category tree node and category product link shapes (contract §5.2), and the
//! lenient readers of loosely typed input values that the category and CMS saves share.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_domain::catalog::categories::{Category, CategoryChanges, TreeNode};
use storegate_types::ApiError;

/// A category as `GET /V1/categories/{categoryId}` and the saves answer it, in Magento's
/// field order. `children` is a comma-separated string of the active direct children.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryOut {
    pub id: i64,
    pub parent_id: i64,
    pub name: String,
    pub is_active: bool,
    pub position: i64,
    pub level: i64,
    pub children: String,
    pub created_at: String,
    pub updated_at: String,
    pub path: String,
    pub available_sort_by: Vec<String>,
    pub include_in_menu: bool,
    pub custom_attributes: Vec<CategoryAttributeOut>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryAttributeOut {
    pub attribute_code: String,
    pub value: String,
}

impl From<Category> for CategoryOut {
    fn from(c: Category) -> Self {
        let mut attrs = Vec::new();
        let mut push = |code: &str, value: String| {
            attrs.push(CategoryAttributeOut { attribute_code: code.to_owned(), value });
        };
        if let Some(d) = c.description {
            push("description", d);
        }
        push("display_mode", c.display_mode.unwrap_or_else(|| "PRODUCTS".to_owned()));
        push("is_anchor", if c.is_anchor { "1" } else { "0" }.to_owned());
        push("path", c.path.clone());
        push("children_count", c.children_count.to_string());
        if let Some(k) = c.url_key {
            push("url_key", k);
        }
        if let Some(p) = c.url_path {
            push("url_path", p);
        }
        for (code, value) in c.attributes {
            push(&code, value);
        }
        CategoryOut {
            id: c.id,
            parent_id: c.parent_id,
            name: c.name,
            is_active: c.is_active,
            position: c.position,
            level: c.level,
            children: c.children.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            created_at: c.created_at,
            updated_at: c.updated_at,
            path: c.path,
            available_sort_by: c.available_sort_by,
            include_in_menu: c.include_in_menu,
            custom_attributes: attrs,
        }
    }
}

/// A node of `GET /V1/categories`; leaves have `children_data: []`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryTreeOut {
    pub id: i64,
    pub parent_id: i64,
    pub name: String,
    pub is_active: bool,
    pub position: i64,
    pub level: i64,
    pub product_count: i64,
    pub children_data: Vec<CategoryTreeOut>,
}

impl From<TreeNode> for CategoryTreeOut {
    fn from(n: TreeNode) -> Self {
        CategoryTreeOut {
            id: n.id,
            parent_id: n.parent_id,
            name: n.name,
            is_active: n.is_active,
            position: n.position,
            level: n.level,
            product_count: n.product_count,
            children_data: n.children.into_iter().map(Into::into).collect(),
        }
    }
}

/// `{sku, position, category_id}` with the category id as a string, as Magento writes it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryProductLinkOut {
    pub sku: String,
    pub position: i64,
    pub category_id: String,
}

/// The `category` object of `POST /V1/categories` and `PUT /V1/categories/{id}`. Read-only
/// fields (`path`, `level`, `children`, times) are accepted and ignored, as Magento does.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CategoryIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    /// Where a new category goes; the store's root category when absent. Ignored on
    /// update (use `PUT /V1/categories/{categoryId}/move`).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub parent_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_text")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub include_in_menu: Option<bool>,
    /// A list of sort fields, or one comma-separated string.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub available_sort_by: Option<Value>,
    /// `[{attribute_code, value}]` or `{code: value}`: url_key, display_mode, is_anchor,
    /// description, meta_title, meta_keywords, meta_description, landing_page, …
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub custom_attributes: Option<Value>,
}

/// Attributes Magento computes itself: accepted in input, never stored.
const READ_ONLY_ATTRIBUTES: &[&str] = &[
    "path",
    "level",
    "children",
    "children_count",
    "all_children",
    "path_in_store",
    "url_path",
    "parent_id",
    "position",
    "created_at",
    "updated_at",
    "entity_id",
    "id",
];

impl CategoryIn {
    /// The changes this object asks for; custom attributes that map onto a column land
    /// there.
    pub fn changes(&self) -> Result<CategoryChanges, ApiError> {
        let mut changes = CategoryChanges {
            name: self.name.clone(),
            is_active: self.is_active,
            include_in_menu: self.include_in_menu,
            position: self.position,
            available_sort_by: self.available_sort_by.as_ref().map(sort_by_list).transpose()?,
            ..CategoryChanges::default()
        };
        for (code, value) in custom_attributes(self.custom_attributes.as_ref())? {
            let as_bool = |v: &Option<String>| -> Result<Option<bool>, ApiError> {
                match v {
                    None => Ok(None),
                    Some(t) => lenient::bool_of(&Value::String(t.clone()))
                        .map(Some)
                        .ok_or_else(|| ApiError::invalid_value(&code, t.clone())),
                }
            };
            match code.as_str() {
                "url_key" => changes.url_key = value,
                "display_mode" => changes.display_mode = value,
                "description" => changes.description = value,
                "is_anchor" => changes.is_anchor = as_bool(&value)?,
                "include_in_menu" => changes.include_in_menu = changes.include_in_menu.or(as_bool(&value)?),
                "is_active" => changes.is_active = changes.is_active.or(as_bool(&value)?),
                "name" => changes.name = changes.name.clone().or(value),
                "available_sort_by" => {
                    if changes.available_sort_by.is_none() {
                        changes.available_sort_by =
                            Some(value.map(|v| sort_by_list(&Value::String(v))).transpose()?.unwrap_or_default());
                    }
                }
                c if READ_ONLY_ATTRIBUTES.contains(&c) => {}
                _ => changes.attributes.push((code, value)),
            }
        }
        Ok(changes)
    }
}

fn sort_by_list(v: &Value) -> Result<Vec<String>, ApiError> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()),
        Value::Array(items) => items
            .iter()
            .map(|i| lenient::text(i).ok_or_else(|| ApiError::invalid_value("available_sort_by", i.clone())))
            .collect(),
        other => Err(ApiError::invalid_value("available_sort_by", other.clone())),
    }
}

/// Reads Magento's `custom_attributes` in either spelling: a list of `{attribute_code,
/// value}` or a `{code: value}` map. Array values join with commas (multiselects); `null`
/// removes the value.
pub fn custom_attributes(input: Option<&Value>) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let pairs: Vec<(String, Value)> = match input {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                let obj = item.as_object().ok_or_else(|| ApiError::invalid_value("custom_attributes", item.clone()))?;
                let code = obj
                    .get("attribute_code")
                    .and_then(Value::as_str)
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| ApiError::required("custom_attributes.attribute_code"))?;
                Ok((code.to_owned(), obj.get("value").cloned().unwrap_or(Value::Null)))
            })
            .collect::<Result<_, ApiError>>()?,
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(other) => return Err(ApiError::invalid_value("custom_attributes", other.clone())),
    };
    let mut out = Vec::with_capacity(pairs.len());
    for (code, value) in pairs {
        if !valid_attribute_code(&code) {
            return Err(ApiError::invalid_value("attribute_code", code));
        }
        let value = match &value {
            Value::Null => None,
            Value::Array(items) => Some(
                items
                    .iter()
                    .map(|i| lenient::text(i).ok_or_else(|| ApiError::invalid_value(&code, i.clone())))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(","),
            ),
            v => Some(lenient::text(v).ok_or_else(|| ApiError::invalid_value(&code, v.clone()))?),
        };
        out.push((code, value));
    }
    Ok(out)
}

/// Magento's attribute code rule: a letter, then letters, digits and `_`, 60 at most.
fn valid_attribute_code(code: &str) -> bool {
    code.len() <= 60
        && code.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `{sku, position, category_id}` of the category product link saves.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CategoryProductLinkIn {
    #[serde(deserialize_with = "lenient::text_value")]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: String,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    /// Must match the category of the path when given.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub category_id: Option<i64>,
}

/// Readers for values that Magento clients send loosely typed: `"1"`, `1` and `true` alike.
pub mod lenient {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    pub fn int(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn bool_of(v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_i64().map(|i| i != 0),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" => Some(true),
                "0" | "false" | "" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn text(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
            _ => None,
        }
    }

    pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(v) => int(&v).map(Some).ok_or_else(|| D::Error::custom(format!("{v} is not an integer"))),
        }
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => bool_of(&v).map(Some).ok_or_else(|| D::Error::custom(format!("{v} is not a boolean"))),
        }
    }

    pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => text(&v).map(Some).ok_or_else(|| D::Error::custom(format!("{v} is not text"))),
        }
    }

    pub fn text_value<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let v = Value::deserialize(d)?;
        text(&v).ok_or_else(|| D::Error::custom(format!("{v} is not text")))
    }
}
