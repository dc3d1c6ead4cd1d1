//! The format-neutral product a CSV row becomes, and the field rules both formats share.

use super::RowError;
use crate::catalog::categories;
use crate::catalog::products::{TYPES, VISIBILITY_BOTH};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Magento's SKU column is `varchar(64)`.
pub const MAX_SKU_LENGTH: usize = 64;
/// Magento's disabled status (enabled is 1).
pub const STATUS_DISABLED: i64 = 2;

/// One product to create, before anything is looked up in the catalog.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// The row it came from; generated configurable children share their parent's.
    pub row: usize,
    /// A configurable child made from its parent's row rather than read from its own.
    pub generated: bool,
    pub sku: String,
    pub name: String,
    pub type_id: String,
    /// Attribute set name; `None` is the default set.
    pub attribute_set: Option<String>,
    pub price: Option<Decimal>,
    pub weight: Option<Decimal>,
    pub status: i64,
    pub visibility: i64,
    pub categories: CategorySpec,
    pub values: Vec<AttrValue>,
    pub qty: Decimal,
    pub is_in_stock: bool,
    pub manage_stock: bool,
    /// Configurable axes (attribute codes), in position order.
    pub super_codes: Vec<String>,
    /// Linked children: configurable variations (must exist) or grouped members.
    pub children: Vec<String>,
    pub link: LinkKind,
}

/// How a product's children are referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkKind {
    None,
    /// Every child must be in the file or the catalog (`configurable_variations`).
    Configurable,
    /// Members are linked when they exist and ignored otherwise (`associated_sku`).
    Grouped,
}

/// Where a product goes in the category tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum CategorySpec {
    #[default]
    None,
    /// Native: full name paths from a root category; the product goes to each leaf.
    Paths(Vec<Vec<String>>),
    /// Legacy: the installer's name walk below "Default Category"; every node counts.
    Walk(Vec<String>),
}

/// How an attribute value is to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// Already in its stored form (a system attribute the parser normalised).
    Verbatim,
    /// Stored by the attribute's input; created with this input when missing.
    Declared(&'static str),
    /// Stored by the attribute's input; when missing, the input is inferred from the file.
    Inferred,
}

/// One attribute value as the file has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrValue {
    pub code: String,
    /// The column to blame in errors (`additional_attributes` for native EAV pairs).
    pub column: String,
    pub raw: String,
    /// The labels of a (multi-)select value; several when the file lists several.
    pub parts: Vec<String>,
    pub kind: ValueKind,
}

impl AttrValue {
    pub fn verbatim(code: &str, column: &str, value: String) -> AttrValue {
        AttrValue {
            code: code.into(),
            column: column.into(),
            parts: vec![value.clone()],
            raw: value,
            kind: ValueKind::Verbatim,
        }
    }
}

/// What parsing a file produced.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub drafts: Vec<Draft>,
    pub errors: Vec<RowError>,
    /// Header problems: nothing in the file can be interpreted.
    pub fatal: Option<Vec<RowError>>,
}

/// Collects one row's errors under its row number.
pub(crate) struct RowCheck<'e> {
    pub row: usize,
    errors: &'e mut Vec<RowError>,
}

impl<'e> RowCheck<'e> {
    pub fn new(row: usize, errors: &'e mut Vec<RowError>) -> Self {
        RowCheck { row, errors }
    }

    pub fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.errors.push(RowError::new(self.row, column, reason));
    }

    /// `Ok` values pass through; an `Err` reason is recorded against `column`.
    pub fn take<T: Default>(&mut self, column: &str, result: Result<T, String>) -> T {
        result.unwrap_or_else(|reason| {
            self.fail(column, reason);
            T::default()
        })
    }
}

/// Magento trims SKUs; they are required and fit its 64-character column.
pub(crate) fn sku(raw: &str) -> Result<String, String> {
    let sku = raw.trim();
    if sku.is_empty() {
        return Err("SKU is required".into());
    }
    if sku.chars().count() > MAX_SKU_LENGTH {
        return Err(format!("SKU \"{sku}\" is longer than {MAX_SKU_LENGTH} characters"));
    }
    Ok(sku.to_owned())
}

pub(crate) fn name(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() { Err("name is required".into()) } else { Ok(raw.to_owned()) }
}

/// A non-negative amount, or `None` for an empty field. Amounts are stored in millionths,
/// so anything that does not fit an `i64` of those is rejected here rather than at insert.
pub(crate) fn amount(raw: &str) -> Result<Option<Decimal>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let value = Decimal::from_str(raw).map_err(|_| format!("\"{raw}\" is not a number"))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("{raw} is negative"));
    }
    storegate_db::decimal_to_micros(value).map_err(|_| format!("{raw} is too large"))?;
    Ok(Some(value.normalize()))
}

/// Magento's visibility labels or their numbers; empty is "Catalog, Search".
pub(crate) fn visibility(raw: &str) -> Result<i64, String> {
    match raw.trim() {
        "" => Ok(VISIBILITY_BOTH),
        "1" | "Not Visible Individually" => Ok(1),
        "2" | "Catalog" => Ok(2),
        "3" | "Search" => Ok(3),
        "4" | "Catalog, Search" => Ok(4),
        other => Err(format!(
            "\"{other}\" is not a visibility: use Not Visible Individually, Catalog, Search, Catalog, Search or 1-4"
        )),
    }
}

pub(crate) fn product_type(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if TYPES.iter().any(|(code, _)| *code == raw) {
        return Ok(raw.to_owned());
    }
    let known: Vec<&str> = TYPES.iter().map(|(code, _)| *code).collect();
    Err(format!("\"{raw}\" is not a product type: use one of {}", known.join(", ")))
}

/// Yes/No (native), 1/0 or 1/empty (legacy), case-insensitive.
pub(crate) fn flag(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" => Some(true),
        "0" | "no" | "false" | "" => Some(false),
        _ => None,
    }
}

/// A boolean column with a default for an empty field.
pub(crate) fn flag_or(raw: &str, default: bool) -> Result<bool, String> {
    if raw.trim().is_empty() {
        return Ok(default);
    }
    flag(raw).ok_or_else(|| format!("\"{}\" is not a yes/no value", raw.trim()))
}

/// Magento's attribute code rule: a letter, then letters, digits or underscores, at most
/// 60 characters (lower case, as codes are compared exactly).
pub(crate) fn is_attribute_code(code: &str) -> bool {
    let mut chars = code.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && code.len() <= 60
}

/// Product fields that live in the products table: an EAV value with one of these codes
/// would shadow the real field.
pub(crate) fn is_static_field(code: &str) -> bool {
    matches!(
        code,
        "sku"
            | "name"
            | "price"
            | "status"
            | "visibility"
            | "weight"
            | "type_id"
            | "attribute_set_id"
            | "category_ids"
            | "quantity_and_stock_status"
            | "entity_id"
            | "created_at"
            | "updated_at"
    )
}

/// The URL key as Magento saves it: given keys with spaces are slugified (the gear files
/// hold text like `Sprite Stasis Ball 55 cm gray`), and an empty key comes from the name.
pub(crate) fn url_key(raw: &str, name: &str) -> String {
    let raw = raw.trim();
    if raw.is_empty() {
        categories::slug(name)
    } else if raw.chars().any(char::is_whitespace) {
        categories::slug(raw)
    } else {
        raw.to_owned()
    }
}

/// Splits a multi-value field on `sep`, dropping the empty entries that stray separators
/// leave (the gear files have leading and trailing newlines) and duplicates.
pub(crate) fn list(raw: &str, sep: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(sep).map(|p| p.trim_matches(['\r', '\n', ' ', '\t'])) {
        if !part.is_empty() && !out.iter().any(|o| o == part) {
            out.push(part.to_owned());
        }
    }
    out
}

/// `style_bags` → `Style Bags`: the label of an attribute the file introduces.
pub(crate) fn label_of(code: &str) -> String {
    code.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(amount(" 52.00 "), Ok(Some(Decimal::from(52))));
        assert_eq!(amount(""), Ok(None));
        assert!(amount("-1").unwrap_err().contains("negative"));
        assert!(amount("abc").unwrap_err().contains("not a number"));
        assert!(amount("1e30").is_err());
    }

    #[test]
    fn fields() {
        assert_eq!(visibility("Catalog, Search"), Ok(4));
        assert_eq!(visibility(""), Ok(4));
        assert!(visibility("5").is_err());
        assert!(sku(&"x".repeat(65)).is_err());
        assert_eq!(sku(" MH01 ").unwrap(), "MH01");
        assert_eq!(list("\nA\nB\n\nA\n", '\n'), ["A", "B"]);
        assert_eq!(url_key("", "Chaz Kangeroo Hoodie"), "chaz-kangeroo-hoodie");
        assert_eq!(url_key("Sprite Stasis Ball 55 cm gray", "x"), "sprite-stasis-ball-55-cm-gray");
        assert_eq!(url_key("mh01-xs-black", "x"), "mh01-xs-black");
        assert_eq!(label_of("style_bags"), "Style Bags");
        assert!(is_attribute_code("size_2") && !is_attribute_code("Size") && !is_attribute_code("2x"));
    }
}
