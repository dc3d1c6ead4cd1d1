//! The Magento product shape (`ProductInterface`), field order as Magento emits it, and the
//! product as a save sends it.

use super::stock::{StockItemIn, StockItemOut};
use super::{number, serialize_opt_decimal};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storegate_domain::catalog::links::{LinkInput, ProductLink};
use storegate_domain::catalog::media::{ImageContent, MediaEntry, MediaInput};
use storegate_domain::catalog::products::Product;
use storegate_domain::catalog::save::{AttrValue, ConfigurableOptionInput, ProductInput};
use storegate_domain::catalog::tier_prices::{TierPrice, TierPriceInput};
use storegate_types::{ApiError, ErrorCode};

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductOut {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub attribute_set_id: i64,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub price: Option<Decimal>,
    pub status: i64,
    pub visibility: i64,
    pub type_id: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    pub extension_attributes: ProductExtension,
    pub product_links: Vec<ProductLinkOut>,
    pub options: Vec<Value>,
    pub media_gallery_entries: Vec<MediaEntryOut>,
    pub tier_prices: Vec<TierPriceOut>,
    pub custom_attributes: Vec<CustomAttribute>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductExtension {
    pub website_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category_links: Vec<CategoryLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stock_item: Option<StockItemOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configurable_product_options: Vec<ConfigurableOptionOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configurable_product_links: Vec<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CategoryLink {
    pub position: i64,
    pub category_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CustomAttribute {
    pub attribute_code: String,
    pub value: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ConfigurableOptionOut {
    pub id: i64,
    pub attribute_id: String,
    pub label: String,
    pub position: i64,
    pub values: Vec<OptionValue>,
    pub product_id: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OptionValue {
    pub value_index: i64,
}

/// `{sku, link_type, linked_product_sku, linked_product_type, position, extension_attributes}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProductLinkOut {
    pub sku: String,
    pub link_type: String,
    pub linked_product_sku: String,
    pub linked_product_type: String,
    pub position: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<LinkExtension>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LinkExtension {
    #[schemars(with = "f64")]
    pub qty: Value,
}

impl ProductLinkOut {
    pub fn new(sku: &str, l: &ProductLink) -> ProductLinkOut {
        ProductLinkOut {
            sku: sku.to_owned(),
            link_type: l.link_type.clone(),
            linked_product_sku: l.linked_product_sku.clone(),
            linked_product_type: l.linked_product_type.clone(),
            position: l.position,
            extension_attributes: l.qty.map(|q| LinkExtension { qty: number(&q) }),
        }
    }
}

/// A media gallery entry (`ProductAttributeMediaGalleryEntryInterface`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct MediaEntryOut {
    pub id: i64,
    pub media_type: String,
    pub label: Option<String>,
    pub position: i64,
    pub disabled: bool,
    pub types: Vec<String>,
    pub file: String,
}

impl From<&MediaEntry> for MediaEntryOut {
    fn from(m: &MediaEntry) -> Self {
        MediaEntryOut {
            id: m.id,
            media_type: m.media_type.clone(),
            label: m.label.clone(),
            position: m.position,
            disabled: m.disabled,
            types: m.types.clone(),
            file: m.file.clone(),
        }
    }
}

/// A tier price (`ProductTierPriceInterface`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct TierPriceOut {
    pub customer_group_id: i64,
    #[schemars(with = "f64")]
    pub qty: Value,
    #[schemars(with = "f64")]
    pub value: Value,
    pub extension_attributes: TierPriceExtension,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TierPriceExtension {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<f64>")]
    pub percentage_value: Option<Value>,
    pub website_id: i64,
}

impl From<&TierPrice> for TierPriceOut {
    fn from(t: &TierPrice) -> Self {
        TierPriceOut {
            customer_group_id: t.customer_group_id,
            qty: number(&t.qty),
            value: number(&t.value),
            extension_attributes: TierPriceExtension {
                percentage_value: t.percentage_value.as_ref().map(number),
                website_id: t.website_id,
            },
        }
    }
}

impl From<Product> for ProductOut {
    fn from(p: Product) -> Self {
        let category_links: Vec<CategoryLink> =
            p.categories.iter().map(|(id, pos)| CategoryLink { position: *pos, category_id: id.to_string() }).collect();
        let mut custom_attributes: Vec<CustomAttribute> = p
            .attributes
            .iter()
            .map(|(code, value)| CustomAttribute { attribute_code: code.clone(), value: Value::String(value.clone()) })
            .collect();
        if !p.categories.is_empty() {
            let ids = p.categories.iter().map(|(id, _)| Value::String(id.to_string())).collect();
            custom_attributes.push(CustomAttribute { attribute_code: "category_ids".into(), value: Value::Array(ids) });
        }
        let stock_item = p.stock.as_ref().map(|s| StockItemOut::new(p.id, s));
        let configurable_product_options = p
            .configurable_options
            .iter()
            .enumerate()
            .map(|(i, o)| ConfigurableOptionOut {
                id: i as i64 + 1,
                attribute_id: o.attribute_id.to_string(),
                label: o.label.clone(),
                position: o.position,
                values: o.values.iter().map(|v| OptionValue { value_index: *v }).collect(),
                product_id: p.id,
            })
            .collect();
        ProductOut {
            id: p.id,
            product_links: p.links.iter().map(|l| ProductLinkOut::new(&p.sku, l)).collect(),
            media_gallery_entries: p.media.iter().map(MediaEntryOut::from).collect(),
            tier_prices: p.tier_prices.iter().map(TierPriceOut::from).collect(),
            sku: p.sku,
            name: p.name,
            attribute_set_id: p.attribute_set_id,
            price: p.price,
            status: p.status,
            visibility: p.visibility,
            type_id: p.type_id,
            created_at: p.created_at,
            updated_at: p.updated_at,
            weight: p.weight,
            extension_attributes: ProductExtension {
                website_ids: p.website_ids,
                category_links,
                stock_item,
                configurable_product_options,
                configurable_product_links: p.children,
            },
            options: Vec::new(),
            custom_attributes,
        }
    }
}

/// Deserialisers that accept what PHP would: numbers as text, flags as 0/1 or text, and
/// `null` as absent.
pub mod lenient {
    use rust_decimal::Decimal;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;
    use std::str::FromStr;

    fn decimal_of(v: &Value) -> Option<Decimal> {
        let text = match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().to_owned(),
            _ => return None,
        };
        Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text)).ok()
    }

    fn int_of(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    fn bool_of(v: &Value) -> Option<bool> {
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

    fn optional<'de, D: Deserializer<'de>, T>(
        d: D,
        f: fn(&Value) -> Option<T>,
        what: &str,
    ) -> Result<Option<T>, D::Error> {
        let v = Value::deserialize(d)?;
        if v.is_null() {
            return Ok(None);
        }
        f(&v).map(Some).ok_or_else(|| D::Error::custom(format!("{v} is not {what}")))
    }

    pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        optional(d, decimal_of, "a number")
    }

    pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        opt_decimal(d)?.ok_or_else(|| D::Error::custom("a number is required"))
    }

    pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        optional(d, int_of, "an integer")
    }

    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        optional(d, bool_of, "a boolean")
    }

    pub fn opt_int_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
        let v = Value::deserialize(d)?;
        match v {
            Value::Null => Ok(None),
            Value::Array(items) => items
                .iter()
                .map(|i| int_of(i).ok_or_else(|| D::Error::custom(format!("{i} is not an integer"))))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            other => Err(D::Error::custom(format!("{other} is not a list"))),
        }
    }
}

/// The body of `POST /V1/products` and `PUT /V1/products/{sku}`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProductIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub attribute_set_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub status: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub visibility: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub type_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Decimal>,
    #[serde(default)]
    pub extension_attributes: Option<ProductExtensionIn>,
    /// Replaces every product link when present.
    #[serde(default)]
    #[schemars(length(max = crate::limits::PRODUCT_LINKS))]
    pub product_links: Option<Vec<ProductLinkIn>>,
    /// Replaces the gallery when present: entries with an `id` are kept (and updated),
    /// entries with `content` are uploaded, the others removed.
    #[serde(default)]
    #[schemars(length(max = crate::limits::MEDIA_ENTRIES))]
    pub media_gallery_entries: Option<Vec<MediaEntryIn>>,
    /// Replaces the tier prices when present.
    #[serde(default)]
    #[schemars(length(max = crate::limits::TIER_PRICES))]
    pub tier_prices: Option<Vec<TierPriceIn>>,
    /// `[{attribute_code, value}]` or `{code: value}`. Select values may be option ids or
    /// labels; unknown codes are ignored.
    #[serde(default)]
    #[schemars(schema_with = "custom_attributes_schema")]
    pub custom_attributes: Option<Value>,
}

/// Both accepted shapes of `custom_attributes`, each bounded.
fn custom_attributes_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let item = generator.subschema_for::<CustomAttributeIn>();
    let value = crate::limits::attribute_value(generator);
    schemars::json_schema!({
        "anyOf": [
            {"type": "array", "maxItems": crate::limits::CUSTOM_ATTRIBUTES, "items": item},
            {"type": "object", "maxProperties": crate::limits::CUSTOM_ATTRIBUTES, "additionalProperties": value},
            {"type": "null"}
        ]
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CustomAttributeIn {
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub attribute_code: String,
    #[schemars(schema_with = "crate::limits::attribute_value")]
    pub value: Value,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ProductExtensionIn {
    #[serde(default, deserialize_with = "lenient::opt_int_list")]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub website_ids: Option<Vec<i64>>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::ASSIGNMENTS))]
    pub category_links: Option<Vec<CategoryLinkIn>>,
    #[serde(default)]
    pub stock_item: Option<StockItemIn>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::OPTIONS))]
    pub configurable_product_options: Option<Vec<ConfigurableOptionIn>>,
    #[serde(default, deserialize_with = "lenient::opt_int_list")]
    #[schemars(length(max = crate::limits::PRODUCT_LINKS))]
    pub configurable_product_links: Option<Vec<i64>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CategoryLinkIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    #[serde(deserialize_with = "super::lenient_int::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::NUMBER_TEXT))]
    pub category_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConfigurableOptionIn {
    #[serde(deserialize_with = "super::lenient_int::deserialize")]
    #[schemars(with = "String")]
    #[schemars(length(max = crate::limits::NUMBER_TEXT))]
    pub attribute_id: i64,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    /// Informational: the values come from the linked children.
    #[serde(default)]
    #[schemars(schema_with = "crate::limits::free_list")]
    pub values: Option<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ProductLinkIn {
    #[serde(default)]
    #[schemars(length(max = crate::limits::SKU))]
    pub sku: Option<String>,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub link_type: String,
    #[schemars(length(max = crate::limits::SKU))]
    pub linked_product_sku: String,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub linked_product_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    #[serde(default)]
    pub extension_attributes: Option<LinkExtensionIn>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct LinkExtensionIn {
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub qty: Option<Decimal>,
}

impl ProductLinkIn {
    pub fn input(&self) -> LinkInput {
        LinkInput {
            link_type: self.link_type.clone(),
            linked_product_sku: self.linked_product_sku.clone(),
            position: self.position,
            qty: self.extension_attributes.as_ref().and_then(|e| e.qty),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MediaEntryIn {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub media_type: Option<String>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub position: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub disabled: Option<bool>,
    #[serde(default)]
    #[schemars(length(max = crate::limits::ASSIGNMENTS), inner(length(max = crate::limits::VARCHAR)))]
    pub types: Option<Vec<String>>,
    /// Output only; ignored on input.
    #[serde(default)]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub file: Option<String>,
    #[serde(default)]
    pub content: Option<ImageContentIn>,
}

/// `{base64_encoded_data, type, name}`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ImageContentIn {
    #[schemars(length(max = crate::limits::BASE64_IMAGE))]
    pub base64_encoded_data: String,
    #[serde(rename = "type")]
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub mime_type: String,
    #[schemars(length(max = crate::limits::VARCHAR))]
    pub name: String,
}

impl MediaEntryIn {
    pub fn input(&self) -> MediaInput {
        MediaInput {
            id: self.id,
            media_type: self.media_type.clone(),
            label: self.label.clone(),
            position: self.position,
            disabled: self.disabled,
            types: self.types.clone(),
            content: self.content.as_ref().map(|c| ImageContent {
                base64_encoded_data: c.base64_encoded_data.clone(),
                mime_type: c.mime_type.clone(),
                name: c.name.clone(),
            }),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TierPriceIn {
    #[serde(deserialize_with = "super::lenient_int::deserialize")]
    #[schemars(with = "i64")]
    pub customer_group_id: i64,
    #[serde(deserialize_with = "lenient::decimal")]
    #[schemars(with = "f64")]
    pub qty: Decimal,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub value: Option<Decimal>,
    #[serde(default)]
    pub extension_attributes: Option<TierPriceExtensionIn>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TierPriceExtensionIn {
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    #[schemars(with = "Option<f64>")]
    pub percentage_value: Option<Decimal>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub website_id: Option<i64>,
}

impl TierPriceIn {
    fn input(&self) -> TierPriceInput {
        let ext = self.extension_attributes.as_ref();
        TierPriceInput {
            customer_group_id: self.customer_group_id,
            qty: self.qty,
            value: self.value,
            percentage_value: ext.and_then(|e| e.percentage_value),
            website_id: ext.and_then(|e| e.website_id).unwrap_or(0),
        }
    }
}

/// Reads `custom_attributes` in either of Magento's forms, with its errors for malformed
/// entries.
pub fn custom_attributes(value: &Value) -> Result<Vec<(String, AttrValue)>, ApiError> {
    fn attr_value(v: &Value) -> Result<AttrValue, ApiError> {
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
            _ => None,
        };
        match v {
            Value::Null => Ok(AttrValue::Null),
            Value::Array(items) => items
                .iter()
                .map(|i| scalar(i).ok_or_else(|| ApiError::invalid_value("custom_attributes", i.to_string())))
                .collect::<Result<Vec<_>, _>>()
                .map(AttrValue::List),
            other => scalar(other)
                .map(AttrValue::Text)
                .ok_or_else(|| ApiError::invalid_value("custom_attributes", other.to_string())),
        }
    }
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(entries) => entries
            .iter()
            .map(|e| {
                let Some(obj) = e.as_object() else {
                    return Err(ApiError::new(ErrorCode::CustomAttributeEmpty));
                };
                if obj.is_empty() {
                    return Err(ApiError::new(ErrorCode::CustomAttributeEmpty));
                }
                let code = match obj.get("attribute_code") {
                    Some(Value::String(c)) if !c.trim().is_empty() => c.trim().to_owned(),
                    _ => return Err(ApiError::new(ErrorCode::CustomAttributeNoCode)),
                };
                let Some(v) = obj.get("value") else {
                    return Err(ApiError::positional(ErrorCode::CustomAttributeNoValue, [code]));
                };
                Ok((code, attr_value(v)?))
            })
            .collect(),
        Value::Object(map) => map.iter().map(|(code, v)| Ok((code.clone(), attr_value(v)?))).collect(),
        other => Err(ApiError::invalid_value("custom_attributes", other.to_string())),
    }
}

impl ProductIn {
    /// The domain's save input; `sku` is the SKU the save is for (the path's, on PUT).
    pub fn input(self, sku: String) -> Result<ProductInput, ApiError> {
        let custom_attributes = match &self.custom_attributes {
            Some(v) => custom_attributes(v)?,
            None => Vec::new(),
        };
        let ext = self.extension_attributes.unwrap_or_default();
        Ok(ProductInput {
            id: self.id,
            sku,
            name: self.name,
            attribute_set_id: self.attribute_set_id,
            price: self.price,
            status: self.status,
            visibility: self.visibility,
            type_id: self.type_id,
            weight: self.weight,
            custom_attributes,
            website_ids: ext.website_ids,
            category_links: ext
                .category_links
                .map(|links| links.iter().map(|l| (l.category_id, l.position.unwrap_or(0))).collect()),
            stock: ext.stock_item.as_ref().map(StockItemIn::patch),
            configurable_options: ext.configurable_product_options.map(|options| {
                options
                    .iter()
                    .map(|o| ConfigurableOptionInput {
                        attribute_id: o.attribute_id,
                        label: o.label.clone(),
                        position: o.position,
                    })
                    .collect()
            }),
            configurable_links: ext.configurable_product_links,
            tier_prices: self.tier_prices.map(|t| t.iter().map(TierPriceIn::input).collect()),
            links: self.product_links.map(|l| l.iter().map(ProductLinkIn::input).collect()),
            media: self.media_gallery_entries.map(|m| m.iter().map(MediaEntryIn::input).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_attributes_come_as_a_list_or_a_map() {
        let list = custom_attributes(&json!([
            {"attribute_code": "color", "value": "Blue"},
            {"attribute_code": "activity", "value": ["1", 2]},
            {"attribute_code": "eco", "value": true}
        ]))
        .unwrap();
        assert_eq!(list[0], ("color".into(), AttrValue::Text("Blue".into())));
        assert_eq!(list[1], ("activity".into(), AttrValue::List(vec!["1".into(), "2".into()])));
        assert_eq!(list[2], ("eco".into(), AttrValue::Text("1".into())));
        let map = custom_attributes(&json!({"color": "Red", "size": null})).unwrap();
        assert_eq!(map, vec![("color".into(), AttrValue::Text("Red".into())), ("size".into(), AttrValue::Null)]);
    }

    #[test]
    fn malformed_custom_attributes_get_magentos_errors() {
        let code = |v: Value| custom_attributes(&v).unwrap_err().code;
        assert_eq!(code(json!([{}])), ErrorCode::CustomAttributeEmpty);
        assert_eq!(code(json!([{"value": "x"}])), ErrorCode::CustomAttributeNoCode);
        assert_eq!(code(json!([{"attribute_code": "color"}])), ErrorCode::CustomAttributeNoValue);
    }

    #[test]
    fn numbers_and_flags_are_read_leniently() {
        let p: ProductIn = serde_json::from_value(json!({
            "sku": "A", "price": "29.99", "status": "1", "weight": 1,
            "extension_attributes": {"stock_item": {"qty": "5", "is_in_stock": 1}, "website_ids": ["1"]}
        }))
        .unwrap();
        assert_eq!(p.price, Some(Decimal::new(2999, 2)));
        assert_eq!(p.status, Some(1));
        let ext = p.extension_attributes.unwrap();
        assert_eq!(ext.stock_item.unwrap().is_in_stock, Some(true));
        assert_eq!(ext.website_ids, Some(vec![1]));
    }
}
