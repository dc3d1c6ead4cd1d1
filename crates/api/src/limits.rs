//! Input limits: every string and array of every operation's input declares its bound in
//! the input type's JSON schema (`#[schemars(length(max = limits::…))]`), the OpenAPI
//! document shows it (`maxLength`, `maxItems`), and [`check`] enforces it on the merged
//! input `Value` before serde builds the input, for requests, queued `/rest/async`
//! operations and bulk workers alike (all of them go through `ErasedOp`).
//!
//! The schema is the one source of the limits: enforcement walks the value against the
//! operation's generated schema (generated once per operation, then cached), so what the
//! document promises is what is enforced, and a field cannot have a limit in one place and
//! not the other. `registry_declares_every_limit` (below) fails for any string, array or
//! free-form value of any operation's input that has no bound.
//!
//! Numbers are characters (Unicode scalar values, as JSON Schema counts them) or items.

use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};
use storegate_types::ApiError;
use storegate_types::error::ErrorCode;

// Strings -----------------------------------------------------------------------------------

/// Magento's `catalog_product_entity.sku` is varchar(64) (the domain answers Magento's own
/// "SKU length should be 64 characters maximum." for it).
pub const SKU: u32 = storegate_domain::catalog::save::SKU_MAX_LENGTH as u32;
/// Magento's varchar(255) columns: names, emails, cities, companies, telephones, postcodes,
/// regions, codes, labels, titles, URL keys, identifiers, tokens, method codes.
pub const VARCHAR: u32 = 255;
/// A URL (browsers and proxies commonly cap them at 2,048 characters).
pub const URL: u32 = 2_048;
/// MySQL `text` (64 KiB): attribute values in the `*_text` tables, short descriptions, meta
/// keywords, comments, serialized conditions.
pub const TEXT: u32 = 65_535;
/// Magento's `mediumtext` columns (product descriptions, CMS content) are bounded in
/// practice by the request body limit (2 MiB by default); the CMS domain further refuses
/// content over 1 MiB bytes with Magento's own message.
pub const LONG_TEXT: u32 = 2 * 1024 * 1024;
/// A base64 image (media gallery entry content): the largest image the domain accepts
/// (8 MiB) as base64; the body limit of the route still applies first.
pub const BASE64_IMAGE: u32 = (storegate_domain::catalog::media::MAX_IMAGE_BYTES as u32).div_ceil(3) * 4;
/// The domain's password bound (Magento refuses longer passwords with its own message).
pub const PASSWORD: u32 = storegate_domain::customer::account::MAX_PASSWORD_LENGTH as u32;
/// One street line: a varchar(255)-sized line (Magento stores the lines joined in `text`).
pub const STREET_LINE: u32 = VARCHAR;
/// `street` given as one string of lines separated by new lines.
pub const STREET_TEXT: u32 = STREET_LINES * (STREET_LINE + 1);
/// An ISO date or date-time as text (`2026-12-07 22:40:33`, with room for a zone).
pub const DATE: u32 = 64;
/// A number sent as text (`"qty": "2.5"`): far more digits than any decimal column holds.
pub const NUMBER_TEXT: u32 = 64;

// Arrays ------------------------------------------------------------------------------------

/// Magento's `customer/address/street_lines` setting accepts 1 to 20.
pub const STREET_LINES: u32 = 20;
/// Addresses in one customer save (Magento sets none; a person has a handful).
pub const ADDRESSES: u32 = 100;
/// Items in one cart, order, invoice, shipment or credit memo request.
pub const LINE_ITEMS: u32 = 1_000;
/// Tier prices of one product (customer groups × websites × quantity breaks).
pub const TIER_PRICES: u32 = 1_000;
/// Media gallery entries of one product.
pub const MEDIA_ENTRIES: u32 = 100;
/// Product links (related, up-sell, cross-sell, bundle/grouped children) of one product.
pub const PRODUCT_LINKS: u32 = 1_000;
/// Custom options of one product, and values of one option.
pub const OPTIONS: u32 = 100;
pub const OPTION_VALUES: u32 = 1_000;
/// Custom attributes on one entity (Magento's largest attribute sets have a few hundred).
pub const CUSTOM_ATTRIBUTES: u32 = 500;
/// Category links, website ids, store ids and per-store labels of one entity.
pub const ASSIGNMENTS: u32 = 1_000;
/// Comments, tracks and other small lists in one sales document request.
pub const COMMENTS: u32 = 100;
/// Rows in one batch write (source items, prices, stock, link batches, id lists): a 2 MiB
/// body holds roughly 25,000 of the smallest rows; 10,000 keeps one batch's transaction short.
pub const BATCH: u32 = 10_000;
/// searchCriteria, equal to `storegate_domain::search`'s bounds (the domain checks again).
pub const FILTER_GROUPS: u32 = 50;
pub const FILTERS: u32 = 200;
pub const SORT_ORDERS: u32 = 10;
pub const FILTER_VALUE: u32 = 1_024;

// Free-form JSON ----------------------------------------------------------------------------

/// A free-form value (extension attributes, serialized conditions, lenient scalars): at most
/// this deep, with strings, arrays and objects bounded as below.
pub const FREE_DEPTH: u32 = 16;
pub const FREE_ITEMS: u32 = 1_000;
pub const FREE_PROPERTIES: u32 = 500;

/// The schema extension that bounds the nesting of a free-form value (JSON Schema has no
/// depth keyword).
pub const MAX_DEPTH_KEY: &str = "x-storegate-maxDepth";

/// Schema of a free-form JSON value: anything, but bounded in depth and size. Use as
/// `#[schemars(schema_with = "crate::limits::free_json")]`.
pub fn free_json(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Free-form JSON, bounded: strings, arrays, objects and depth are limited.",
        "maxLength": TEXT,
        "maxItems": FREE_ITEMS,
        "maxProperties": FREE_PROPERTIES,
        MAX_DEPTH_KEY: FREE_DEPTH,
    })
}

/// Schema of a product attribute's value: free-form, but text may be as long as a
/// description (`description` is commonly sent as a custom attribute; Magento keeps it in
/// `mediumtext`).
pub fn attribute_value(generator: &mut SchemaGenerator) -> Schema {
    let mut schema = free_json(generator);
    schema.insert("maxLength".into(), LONG_TEXT.into());
    schema
}

/// Schema of a list of free-form values (`[{…}, …]` read leniently by the handler).
pub fn free_list(generator: &mut SchemaGenerator) -> Schema {
    let mut schema = free_json(generator);
    schema.insert("type".into(), serde_json::json!(["array", "null"]));
    schema.insert("maxItems".into(), BATCH.into());
    schema
}

/// Schema of a lenient scalar (a number, or a number as text, or a flag): Magento clients
/// send `"qty": "2"` as often as `"qty": 2`.
pub fn scalar(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["number", "string", "boolean", "null"],
        "maxLength": NUMBER_TEXT,
    })
}

/// Schema of `street`: a list of lines, or one string of lines (split on new lines; the
/// deserializer refuses more than [`STREET_LINES`] lines either way).
pub fn street(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            {"type": "array", "maxItems": STREET_LINES, "items": {"type": ["string", "number"], "maxLength": STREET_LINE}},
            {"type": "string", "maxLength": STREET_TEXT},
            {"type": "null"}
        ]
    })
}

/// Schema of `searchCriteria`: filter groups, filters and sort orders as arrays or as
/// PHP-style indexed maps (`filter_groups[0][filters][0][field]=…`).
pub fn search_criteria(_: &mut SchemaGenerator) -> Schema {
    let text = |max: u32| serde_json::json!({"type": ["string", "number", "boolean", "null"], "maxLength": max});
    let list = |max: u32, item: Value| {
        serde_json::json!({
            "type": ["array", "object"], "maxItems": max, "maxProperties": max,
            "items": item, "additionalProperties": item
        })
    };
    let filter = serde_json::json!({
        "type": "object",
        "properties": {"field": text(VARCHAR), "value": text(FILTER_VALUE), "condition_type": text(VARCHAR)},
        "maxProperties": FREE_PROPERTIES, "additionalProperties": text(VARCHAR)
    });
    let group = serde_json::json!({
        "type": "object", "properties": {"filters": list(FILTERS, filter)},
        "maxProperties": FREE_PROPERTIES, "additionalProperties": text(VARCHAR)
    });
    let sort = serde_json::json!({
        "type": "object", "properties": {"field": text(VARCHAR), "direction": text(VARCHAR)},
        "maxProperties": FREE_PROPERTIES, "additionalProperties": text(VARCHAR)
    });
    json_schema!({
        "type": ["object", "null"],
        "description": "Magento's searchCriteria: filter_groups[].filters[] {field, value, condition_type}, sort_orders[] {field, direction}, page_size, current_page.",
        "properties": {
            "filter_groups": list(FILTER_GROUPS, group),
            "sort_orders": list(SORT_ORDERS, sort),
            "page_size": text(NUMBER_TEXT),
            "current_page": text(NUMBER_TEXT),
        },
        "maxProperties": FREE_PROPERTIES,
        "additionalProperties": text(VARCHAR),
    })
}

// Enforcement -------------------------------------------------------------------------------

/// An operation's input schema, self-contained (its definitions inline under `$defs`).
struct InputSchema {
    root: Value,
    defs: Map<String, Value>,
}

fn schema_of<T: schemars::JsonSchema>() -> InputSchema {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.meta_schema = None;
    let mut root = settings.into_generator().into_root_schema_for::<T>().to_value();
    let defs = root.as_object_mut().and_then(|o| o.remove("$defs")).and_then(|d| match d {
        Value::Object(m) => Some(m),
        _ => None,
    });
    InputSchema { root, defs: defs.unwrap_or_default() }
}

/// Generating a schema costs far more than checking a value, so each operation's is made
/// once, on its first input. Keyed by operation id (unique in the registry).
static SCHEMAS: LazyLock<RwLock<HashMap<&'static str, Arc<InputSchema>>>> = LazyLock::new(Default::default);

fn cached<T: schemars::JsonSchema>(op_id: &'static str) -> Arc<InputSchema> {
    if let Some(found) = SCHEMAS.read().unwrap_or_else(|e| e.into_inner()).get(op_id) {
        return found.clone();
    }
    let made = Arc::new(schema_of::<T>());
    SCHEMAS.write().unwrap_or_else(|e| e.into_inner()).entry(op_id).or_insert(made).clone()
}

/// Checks an operation's merged input against the limits its input type declares.
pub fn check<T: schemars::JsonSchema>(op_id: &'static str, input: &Value) -> Result<(), ApiError> {
    let schema = cached::<T>(op_id);
    Walker { defs: &schema.defs }.walk(input, &schema.root, &mut Path::default(), None)
}

/// The field path of a value, as the error names it: `customer.addresses[3].street`.
#[derive(Default)]
struct Path(Vec<Segment>);

enum Segment {
    Key(String),
    Index(usize),
}

impl Path {
    fn render(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Key(k) if out.is_empty() => out.push_str(&bounded_key(k)),
                Segment::Key(k) => {
                    out.push('.');
                    out.push_str(&bounded_key(k));
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if out.is_empty() { "input".into() } else { out }
    }

    fn leaf(&self) -> &str {
        self.0
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) => None,
            })
            .unwrap_or("")
    }
}

/// Keys of free-form maps come from the client: an error names at most a short prefix.
fn bounded_key(key: &str) -> String {
    if key.chars().count() <= 64 { key.to_owned() } else { format!("{}…", key.chars().take(64).collect::<String>()) }
}

struct Walker<'a> {
    defs: &'a Map<String, Value>,
}

impl Walker<'_> {
    /// `depth_left` is set where a free-form value starts (its schema's [`MAX_DEPTH_KEY`]).
    fn walk(&self, value: &Value, schema: &Value, path: &mut Path, depth_left: Option<u32>) -> Result<(), ApiError> {
        let Some(node) = schema.as_object() else { return Ok(()) };
        let depth_left = match (depth_left, node.get(MAX_DEPTH_KEY).and_then(Value::as_u64)) {
            (None, Some(max)) => Some(max as u32),
            (depth, _) => depth,
        };
        if !self.accepts(schema, value) {
            // A shape the schema does not describe, which a lenient deserializer may still
            // take (a number as text, a `{code: value}` map where a list is documented):
            // bounded as free-form JSON, so no shape escapes a bound.
            return self.walk(value, &FALLBACK, path, None);
        }
        if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(|r| self.definition(r)) {
            self.walk(value, target, path, depth_left)?;
        }
        // The branches that describe this value's type (an `Option<T>`'s `T`, a
        // string-or-list's string): limits are type-specific, so the others bind nothing.
        for key in ["anyOf", "oneOf", "allOf"] {
            for branch in node.get(key).and_then(Value::as_array).into_iter().flatten() {
                if self.accepts(branch, value) {
                    self.walk(value, branch, path, depth_left)?;
                }
            }
        }
        match value {
            Value::String(s) => self.string(s, node, path),
            Value::Array(items) => self.array(items, schema, path, depth_left),
            Value::Object(map) => self.object(map, schema, path, depth_left),
            Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
        }
    }

    /// Whether `schema` describes values of `value`'s JSON type (shallowly: through `$ref`
    /// and composition, not into properties). An untyped schema describes every type.
    fn accepts(&self, schema: &Value, value: &Value) -> bool {
        let Some(node) = schema.as_object() else { return true };
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            return self.definition(reference).is_none_or(|target| self.accepts(target, value));
        }
        let branches: Vec<&Value> =
            ["anyOf", "oneOf"].iter().filter_map(|k| node.get(*k)).filter_map(Value::as_array).flatten().collect();
        if !branches.is_empty() {
            return branches.iter().any(|b| self.accepts(b, value));
        }
        let type_of = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let declared = |t: &str| t == type_of || (t == "integer" && type_of == "number");
        match node.get("type") {
            None => true,
            Some(Value::String(t)) => declared(t),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(declared),
            Some(_) => true,
        }
    }

    fn definition(&self, reference: &str) -> Option<&Value> {
        reference.strip_prefix("#/$defs/").and_then(|name| self.defs.get(name))
    }

    fn string(&self, s: &str, node: &Map<String, Value>, path: &Path) -> Result<(), ApiError> {
        let Some(max) = node.get("maxLength").and_then(Value::as_u64) else { return Ok(()) };
        // Bytes bound characters from above: only long strings are counted.
        if s.len() as u64 > max && s.chars().count() as u64 > max {
            return Err(too_long(path, max));
        }
        Ok(())
    }

    fn array(&self, items: &[Value], schema: &Value, path: &mut Path, depth: Option<u32>) -> Result<(), ApiError> {
        let Some(node) = schema.as_object() else { return Ok(()) };
        if let Some(max) = node.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            return Err(too_many(path, max));
        }
        let depth = deeper(depth, path)?;
        if let Some(item_schema) = node.get("items").or_else(|| free_form(node).then_some(schema)) {
            for (i, item) in items.iter().enumerate() {
                path.0.push(Segment::Index(i));
                let checked = self.walk(item, item_schema, path, depth);
                path.0.pop();
                checked?;
            }
        }
        Ok(())
    }

    fn object(
        &self,
        map: &Map<String, Value>,
        schema: &Value,
        path: &mut Path,
        depth: Option<u32>,
    ) -> Result<(), ApiError> {
        let Some(node) = schema.as_object() else { return Ok(()) };
        if let Some(max) = node.get("maxProperties").and_then(Value::as_u64)
            && map.len() as u64 > max
        {
            return Err(too_many(path, max));
        }
        let depth = deeper(depth, path)?;
        let properties = node.get("properties").and_then(Value::as_object);
        let additional = node.get("additionalProperties").or_else(|| free_form(node).then_some(schema));
        for (key, item) in map {
            // Unknown keys of a typed object are ignored by serde, as Magento ignores them.
            let Some(item_schema) = properties.and_then(|p| p.get(key)).or(additional) else { continue };
            path.0.push(Segment::Key(key.clone()));
            let checked = self.walk(item, item_schema, path, depth);
            path.0.pop();
            checked?;
        }
        Ok(())
    }
}

/// A free-form schema bounds its members as itself (JSON Schema would need a recursive
/// `$ref`; one extension key says it).
fn free_form(node: &Map<String, Value>) -> bool {
    node.contains_key(MAX_DEPTH_KEY)
}

/// The bounds of a value in a shape its schema does not describe: [`free_json`]'s.
static FALLBACK: LazyLock<Value> = LazyLock::new(|| free_json(&mut SchemaGenerator::default()).to_value());

/// One level further into a free-form value, refused past its declared depth.
fn deeper(depth: Option<u32>, path: &Path) -> Result<Option<u32>, ApiError> {
    match depth {
        None => Ok(None),
        Some(0) => Err(ApiError::named(
            ErrorCode::NestedTooDeep,
            [("fieldName", Value::from(path.render())), ("max", Value::from(FREE_DEPTH))],
        )),
        Some(left) => Ok(Some(left - 1)),
    }
}

/// A string over its bound. Where Magento has its own message for the field (SKU,
/// password), that one is answered, so clients matching on it keep working. The value is
/// never echoed.
fn too_long(path: &Path, max: u64) -> ApiError {
    let leaf = path.leaf();
    if leaf == "sku" && max == SKU as u64 {
        return ApiError::positional(ErrorCode::SkuTooLong, [max]);
    }
    if leaf.contains("password") && max == PASSWORD as u64 {
        return ApiError::positional(ErrorCode::PasswordTooLong, [max]);
    }
    ApiError::named(ErrorCode::ValueTooLong, [("fieldName", Value::from(path.render())), ("max", Value::from(max))])
}

fn too_many(path: &Path, max: u64) -> ApiError {
    ApiError::named(ErrorCode::TooManyItems, [("fieldName", Value::from(path.render())), ("max", Value::from(max))])
}

/// The error a custom deserializer raises when it builds a list over its bound (`street`
/// given as one string of lines): serde carries only text, so [`from_serde`] recognises it.
pub fn too_many_items_message(max: u32) -> String {
    format!("{TOO_MANY_MARK}{max}")
}

const TOO_MANY_MARK: &str = "storegate-limit: too many items, at most ";

/// Turns a deserializer's [`too_many_items_message`] back into the limit error.
pub fn from_serde(field: &str, message: &str) -> Option<ApiError> {
    let max: u64 = message.strip_prefix(TOO_MANY_MARK)?.split(' ').next()?.parse().ok()?;
    Some(ApiError::named(ErrorCode::TooManyItems, [("fieldName", Value::from(field)), ("max", Value::from(max))]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::operations;
    use serde_json::json;
    use std::collections::HashSet;

    /// Where `schema` lets a string, array, map or free-form value through without a bound.
    fn unbounded(
        schema: &Value,
        defs: &Map<String, Value>,
        path: &str,
        seen: &mut HashSet<String>,
        out: &mut Vec<String>,
    ) {
        let node = match schema {
            Value::Bool(true) => return out.push(format!("{path}: free-form value without bounds")),
            Value::Object(node) => node,
            _ => return,
        };
        if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            if seen.insert(name.to_owned())
                && let Some(target) = defs.get(name)
            {
                unbounded(target, defs, path, seen, out);
            }
            return;
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            for branch in node.get(key).and_then(Value::as_array).into_iter().flatten() {
                unbounded(branch, defs, path, seen, out);
            }
        }
        let types: Vec<&str> = match node.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let fixed = node.contains_key("enum") || node.contains_key("const");
        let free = node.contains_key(MAX_DEPTH_KEY);
        let composite = ["anyOf", "oneOf", "allOf"].iter().any(|k| node.contains_key(*k));
        if types.is_empty() && !fixed && !composite {
            let bounded =
                ["maxLength", "maxItems", "maxProperties", MAX_DEPTH_KEY].iter().all(|k| node.contains_key(*k));
            if !bounded {
                out.push(format!(
                    "{path}: free-form value without maxLength, maxItems, maxProperties and {MAX_DEPTH_KEY}"
                ));
            }
        }
        if types.contains(&"string") && !fixed && !node.contains_key("maxLength") {
            out.push(format!("{path}: string without maxLength"));
        }
        if types.contains(&"array") {
            if !node.contains_key("maxItems") {
                out.push(format!("{path}: array without maxItems"));
            }
            match node.get("items") {
                Some(items) => unbounded(items, defs, &format!("{path}[]"), seen, out),
                None if !free => out.push(format!("{path}[]: array items without a schema")),
                None => {}
            }
        }
        if types.contains(&"object") {
            if let Some(properties) = node.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    unbounded(property, defs, &format!("{path}.{name}"), seen, out);
                }
            }
            match node.get("additionalProperties") {
                None | Some(Value::Bool(false)) => {}
                Some(additional) => {
                    if !node.contains_key("maxProperties") {
                        out.push(format!("{path}: map without maxProperties"));
                    }
                    unbounded(additional, defs, &format!("{path}.*"), seen, out);
                }
            }
        }
    }

    fn violations(root: &Value, defs: &Map<String, Value>) -> Vec<String> {
        let mut out = Vec::new();
        unbounded(root, defs, "input", &mut HashSet::new(), &mut out);
        out
    }

    /// Like the audit-template test: every operation's input must bound every string, array,
    /// map and free-form value it accepts, or this names the operation and the field.
    #[test]
    fn registry_declares_every_limit() {
        let mut failures = Vec::new();
        for op in operations() {
            let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
            let root = op.input_schema(&mut generator).to_value();
            let defs = generator.definitions().clone();
            for v in violations(&root, &defs) {
                failures.push(format!("{}: {v}", op.spec().id));
            }
        }
        assert!(failures.is_empty(), "{} unbounded input fields:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn the_registry_check_can_fail() {
        #[derive(schemars::JsonSchema)]
        #[allow(dead_code)]
        struct Loose {
            name: String,
            tags: Vec<String>,
            extra: Value,
        }
        let s = schema_of::<Loose>();
        let found = violations(&s.root, &s.defs);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().any(|v| v.starts_with("input.name: string without")));
        assert!(found.iter().any(|v| v.starts_with("input.tags: array without")));
        assert!(found.iter().any(|v| v.starts_with("input.tags[]: string without")));
        assert!(found.iter().any(|v| v.starts_with("input.extra: free-form")));
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Bounded {
        #[schemars(length(max = 3))]
        name: Option<String>,
        #[schemars(length(max = 2), inner(length(max = 4)))]
        tags: Vec<String>,
        nested: Option<Vec<Inner>>,
        #[schemars(schema_with = "free_json")]
        extra: Option<Value>,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Inner {
        #[schemars(length(max = 5))]
        code: String,
    }

    fn run(v: Value) -> Result<(), ApiError> {
        check::<Bounded>("test.bounded", &v)
    }

    #[test]
    fn values_within_bounds_pass_and_others_name_the_field() {
        assert!(
            run(json!({"name": "abc", "tags": ["abcd", "é€ab"], "nested": [{"code": "12345"}], "extra": {"a": [1]}}))
                .is_ok()
        );
        let e = run(json!({"name": "abcd"})).unwrap_err();
        assert_eq!(
            (e.code, e.params.to_json()),
            (ErrorCode::ValueTooLong, Some(json!({"fieldName": "name", "max": 3})))
        );
        let e = run(json!({"tags": ["a", "b", "c"]})).unwrap_err();
        assert_eq!(e.params.to_json(), Some(json!({"fieldName": "tags", "max": 2})));
        let e = run(json!({"tags": ["abcde"]})).unwrap_err();
        assert_eq!(e.params.to_json(), Some(json!({"fieldName": "tags[0]", "max": 4})));
        let e = run(json!({"nested": [{"code": "x"}, {"code": "123456"}]})).unwrap_err();
        assert_eq!(e.params.to_json(), Some(json!({"fieldName": "nested[1].code", "max": 5})));
        // Characters, not bytes.
        assert!(run(json!({"name": "ééé"})).is_ok());
    }

    #[test]
    fn free_form_values_are_bounded_in_depth_and_size() {
        let mut deep = json!(1);
        for _ in 0..(FREE_DEPTH + 1) {
            deep = json!([deep]);
        }
        assert_eq!(run(json!({"extra": deep})).unwrap_err().code, ErrorCode::NestedTooDeep);
        let e = run(json!({"extra": {"a": "x".repeat(TEXT as usize + 1)}})).unwrap_err();
        assert_eq!(e.params.to_json(), Some(json!({"fieldName": "extra.a", "max": TEXT})));
        let many: Vec<u32> = (0..=FREE_ITEMS).collect();
        assert_eq!(run(json!({"extra": many})).unwrap_err().code, ErrorCode::TooManyItems);
    }
}
