//! Product attribute and attribute set shapes (`ProductAttributeInterface`,
//! `AttributeOptionInterface`, `AttributeSetInterface`), field order as Magento 2.4 emits them.

use super::product::lenient;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use storegate_domain::catalog::attributes::{Attribute, AttributeSet, OptionInput};

/// `{label, value}`; `value` is the option id as text.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttributeOptionOut {
    pub label: String,
    pub value: String,
}

impl AttributeOptionOut {
    /// The leading blank option Magento's table source puts before a select's options.
    pub fn blank() -> Self {
        AttributeOptionOut { label: " ".into(), value: String::new() }
    }
}

/// The options a select attribute answers with: Magento's blank one first.
pub fn options_of(a: &Attribute) -> Vec<AttributeOptionOut> {
    let mut out = Vec::with_capacity(a.options.len() + 1);
    if a.frontend_input == "select" {
        out.push(AttributeOptionOut::blank());
    }
    out.extend(a.options.iter().map(|o| AttributeOptionOut { label: o.label.clone(), value: o.id.to_string() }));
    out
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FrontendLabel {
    pub store_id: i64,
    pub label: String,
}

/// A product attribute. The flags Magento types as strings (`is_searchable`,
/// `is_comparable`, …) are `"0"`/`"1"` as it sends them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttributeOut {
    pub is_wysiwyg_enabled: bool,
    pub is_html_allowed_on_front: bool,
    pub used_for_sort_by: bool,
    pub is_filterable: bool,
    pub is_filterable_in_search: bool,
    pub is_used_in_grid: bool,
    pub is_visible_in_grid: bool,
    pub is_filterable_in_grid: bool,
    pub position: i64,
    pub apply_to: Vec<String>,
    pub is_searchable: String,
    pub is_visible_in_advanced_search: String,
    pub is_comparable: String,
    pub is_used_for_promo_rules: String,
    pub is_visible_on_front: String,
    pub used_in_product_listing: String,
    pub is_visible: bool,
    pub scope: String,
    pub attribute_id: i64,
    pub attribute_code: String,
    pub frontend_input: String,
    pub entity_type_id: String,
    pub is_required: bool,
    pub options: Vec<AttributeOptionOut>,
    pub is_user_defined: bool,
    pub default_frontend_label: String,
    pub frontend_labels: Vec<FrontendLabel>,
    pub backend_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    pub is_unique: String,
    pub validation_rules: Vec<serde_json::Value>,
}

fn flag(b: bool) -> String {
    if b { "1".into() } else { "0".into() }
}

impl From<&Attribute> for AttributeOut {
    fn from(a: &Attribute) -> Self {
        let source_model = match a.frontend_input.as_str() {
            "select" | "multiselect" => Some("Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table".to_owned()),
            "boolean" => Some("Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Boolean".to_owned()),
            _ => None,
        };
        AttributeOut {
            is_wysiwyg_enabled: false,
            is_html_allowed_on_front: a.frontend_input == "textarea",
            used_for_sort_by: false,
            is_filterable: a.is_filterable,
            is_filterable_in_search: a.is_filterable,
            is_used_in_grid: a.is_user_defined,
            is_visible_in_grid: false,
            is_filterable_in_grid: a.is_user_defined,
            position: a.position,
            apply_to: Vec::new(),
            is_searchable: flag(a.is_searchable),
            is_visible_in_advanced_search: flag(a.is_searchable),
            is_comparable: flag(a.is_comparable),
            is_used_for_promo_rules: "0".into(),
            is_visible_on_front: flag(a.is_visible_on_front),
            used_in_product_listing: flag(a.used_in_product_listing),
            is_visible: true,
            scope: a.scope.clone(),
            attribute_id: a.id,
            attribute_code: a.code.clone(),
            frontend_input: a.frontend_input.clone(),
            entity_type_id: "4".into(),
            is_required: a.is_required,
            options: options_of(a),
            is_user_defined: a.is_user_defined,
            default_frontend_label: a.frontend_label.clone().unwrap_or_else(|| a.code.clone()),
            frontend_labels: Vec::new(),
            backend_type: a.backend_type.clone(),
            source_model,
            default_value: a.default_value.clone(),
            is_unique: flag(a.is_unique),
            validation_rules: Vec::new(),
        }
    }
}

/// `{attribute_set_id, attribute_set_name, sort_order, entity_type_id}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttributeSetOut {
    pub attribute_set_id: i64,
    pub attribute_set_name: String,
    pub sort_order: i64,
    pub entity_type_id: i64,
}

impl From<&AttributeSet> for AttributeSetOut {
    fn from(s: &AttributeSet) -> Self {
        AttributeSetOut {
            attribute_set_id: s.id,
            attribute_set_name: s.name.clone(),
            sort_order: s.sort_order,
            entity_type_id: s.entity_type_id,
        }
    }
}

/// An option as `POST`/`PUT …/options` send it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct OptionIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub label: Option<String>,
    /// Accepted for compatibility; storegate keeps the option id.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_json")]
    pub value: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub sort_order: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_default: Option<bool>,
    /// Per-store labels: storegate keeps the admin label only.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_list")]
    pub store_labels: Option<serde_json::Value>,
}

impl OptionIn {
    pub fn input(&self) -> OptionInput {
        let label = self.label.clone().or_else(|| {
            // Magento falls back to the admin store label (store 0).
            self.store_labels.as_ref().and_then(|labels| {
                labels.as_array()?.iter().find_map(|l| {
                    let store = l.get("store_id").and_then(|s| s.as_i64().or_else(|| s.as_str()?.parse().ok()));
                    (store.unwrap_or(0) == 0).then(|| l.get("label")?.as_str().map(str::to_owned)).flatten()
                })
            })
        });
        OptionInput { label, sort_order: self.sort_order, is_default: self.is_default.unwrap_or(false) }
    }
}
