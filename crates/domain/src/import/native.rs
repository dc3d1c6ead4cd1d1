//! Magento's native `catalog_product` import format, as exported by the admin and used by
//! `ConfigurableSampleData/fixtures/products.csv`.

use super::RowError;
use super::draft::{self, AttrValue, CategorySpec, Draft, LinkKind, Parsed, RowCheck, ValueKind};
use super::table::{Record, Table};
use crate::catalog::products::STATUS_ENABLED;
use rust_decimal::Decimal;

/// Columns copied to a system attribute as they are (dates, media paths, text).
const TEXT_COLUMNS: &[(&str, &str)] = &[
    ("description", "description"),
    ("short_description", "short_description"),
    ("meta_title", "meta_title"),
    ("meta_keywords", "meta_keyword"),
    ("meta_description", "meta_description"),
    ("special_price_from_date", "special_from_date"),
    ("special_price_to_date", "special_to_date"),
    ("new_from_date", "news_from_date"),
    ("new_to_date", "news_to_date"),
    ("base_image", "image"),
    ("small_image", "small_image"),
    ("thumbnail_image", "thumbnail"),
    ("country_of_manufacture", "country_of_manufacture"),
];

/// Columns holding amounts stored as price attributes.
const AMOUNT_COLUMNS: &[(&str, &str)] = &[("special_price", "special_price"), ("msrp_price", "msrp")];

/// Magento's default tax classes by name (`tax_class_name`).
const TAX_CLASSES: &[(&str, &str)] = &[("None", "0"), ("Taxable Goods", "2")];

pub(crate) fn parse(table: &Table) -> Parsed {
    let mut parsed = Parsed { errors: table.errors.clone(), ..Parsed::default() };
    if !table.has("sku") {
        parsed.fatal = Some(vec![RowError::new(1, "sku", "the header has no sku column")]);
        return parsed;
    }
    for record in &table.records {
        if let Some(draft) = parse_row(table, record, &mut parsed.errors) {
            parsed.drafts.push(draft);
        }
    }
    parsed
}

/// One row into a draft, with the row's problems recorded. A draft is made even for an
/// invalid row (its bad fields defaulted) so that the catalog checks can report the row's
/// other problems too; rows with errors are left out before anything is written. Only
/// store-view rows, which are not products of their own, make none.
fn parse_row(table: &Table, record: &Record, errors: &mut Vec<RowError>) -> Option<Draft> {
    let get = |column: &str| table.get(record, column);
    let mut check = RowCheck::new(record.row, errors);
    if !get("store_view_code").trim().is_empty() {
        check.fail("store_view_code", "store view rows are not supported: import the default scope only");
        return None;
    }
    let sku = check.take("sku", draft::sku(get("sku")));
    let name = check.take("name", draft::name(get("name")));
    let type_id = check.take("product_type", draft::product_type(get("product_type")));
    let price = check.take("price", draft::amount(get("price")));
    let weight = check.take("weight", draft::amount(get("weight")));
    let qty = check.take("qty", draft::amount(get("qty"))).unwrap_or(Decimal::ZERO);
    let visibility = check.take("visibility", draft::visibility(get("visibility")));
    let status = check.take("product_online", status(get("product_online")));
    let is_in_stock = check.take("is_in_stock", draft::flag_or(get("is_in_stock"), true));
    let manage_stock = check.take("manage_stock", draft::flag_or(get("manage_stock"), true));
    let categories = check.take("categories", category_paths(get("categories")));
    let mut values = fixed_values(table, record, &name, &mut check);
    values.extend(check.take("additional_attributes", additional_attributes(get("additional_attributes"))));
    let (super_codes, children) = check.take("configurable_variations", variations(get("configurable_variations")));
    if !children.is_empty() && type_id != "configurable" && !type_id.is_empty() {
        check.fail("configurable_variations", "only configurable products have variations");
    }
    let link = if type_id == "configurable" { LinkKind::Configurable } else { LinkKind::None };
    let attribute_set = Some(get("attribute_set_code").trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    Some(Draft {
        row: record.row,
        generated: false,
        sku,
        name,
        type_id,
        attribute_set,
        price,
        weight,
        status,
        visibility,
        categories,
        values,
        qty,
        is_in_stock,
        manage_stock,
        super_codes,
        children,
        link,
    })
}

/// `product_online`: 1 enabled, 0 (or Magento's 2) disabled, empty enabled.
fn status(raw: &str) -> Result<i64, String> {
    match raw.trim() {
        "" | "1" => Ok(STATUS_ENABLED),
        "0" | "2" => Ok(draft::STATUS_DISABLED),
        other => Err(format!("\"{other}\" is not a status: use 1 (enabled) or 0 (disabled)")),
    }
}

/// The columns that map onto system attributes, normalised so they can be stored as they are.
fn fixed_values(table: &Table, record: &Record, name: &str, check: &mut RowCheck<'_>) -> Vec<AttrValue> {
    let get = |column: &str| table.get(record, column);
    let mut values = vec![AttrValue::verbatim("url_key", "url_key", draft::url_key(get("url_key"), name))];
    for (column, code) in TEXT_COLUMNS {
        let raw = get(column);
        if !raw.trim().is_empty() {
            values.push(AttrValue::verbatim(code, column, raw.to_owned()));
        }
    }
    for (column, code) in AMOUNT_COLUMNS {
        if let Some(amount) = check.take(column, draft::amount(get(column))) {
            values.push(AttrValue::verbatim(code, column, amount.to_string()));
        }
    }
    if let Some((_, id)) = TAX_CLASSES.iter().find(|(n, _)| *n == get("tax_class_name").trim()) {
        values.push(AttrValue::verbatim("tax_class_id", "tax_class_name", (*id).to_owned()));
    }
    let gift = get("gift_message_available");
    if !gift.trim().is_empty() {
        let on = check.take("gift_message_available", draft::flag_or(gift, false));
        values.push(AttrValue::verbatim("gift_message_available", "gift_message_available", u8::from(on).to_string()));
    }
    values
}

/// `Default Category/Men/Tops,Default Category`: comma-separated full name paths, each
/// starting at a root category.
fn category_paths(raw: &str) -> Result<CategorySpec, String> {
    let mut paths = Vec::new();
    for path in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let names: Vec<String> = path.split('/').map(|n| n.trim().to_owned()).collect();
        if names.iter().any(String::is_empty) {
            return Err(format!("category path \"{path}\" has an empty name"));
        }
        if !paths.contains(&names) {
            paths.push(names);
        }
    }
    Ok(if paths.is_empty() { CategorySpec::None } else { CategorySpec::Paths(paths) })
}

/// `code=value` pairs joined by `,`; several values of one attribute joined by `|`.
fn additional_attributes(raw: &str) -> Result<Vec<AttrValue>, String> {
    let mut values: Vec<AttrValue> = Vec::new();
    for pair in raw.split(',').filter(|p| !p.trim().is_empty()) {
        let (code, value) = pair.split_once('=').ok_or_else(|| format!("\"{pair}\" is not a code=value pair"))?;
        let code = code.trim();
        if !draft::is_attribute_code(code) {
            return Err(format!("\"{code}\" is not an attribute code"));
        }
        if draft::is_static_field(code) {
            return Err(format!("\"{code}\" is a product field with its own column, not an additional attribute"));
        }
        if values.iter().any(|v| v.code == code) {
            return Err(format!("attribute \"{code}\" is given twice"));
        }
        values.push(AttrValue {
            code: code.to_owned(),
            column: "additional_attributes".into(),
            raw: value.to_owned(),
            parts: draft::list(value, '|'),
            kind: ValueKind::Inferred,
        });
    }
    Ok(values)
}

/// `sku=MH01-XS-Black,size=XS,color=Black|sku=…`: the children's SKUs and the attributes
/// they vary by (the configurable axes), in the order the file first names them.
fn variations(raw: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut codes: Vec<String> = Vec::new();
    let mut skus: Vec<String> = Vec::new();
    for variant in raw.split('|').filter(|v| !v.trim().is_empty()) {
        let mut sku = None;
        for pair in variant.split(',') {
            let (key, value) = pair.split_once('=').ok_or_else(|| format!("\"{pair}\" is not a key=value pair"))?;
            let key = key.trim();
            if key == "sku" {
                sku = Some(draft::sku(value)?);
            } else if !draft::is_attribute_code(key) {
                return Err(format!("\"{key}\" is not an attribute code"));
            } else if !codes.iter().any(|c| c == key) {
                codes.push(key.to_owned());
            }
        }
        let sku = sku.ok_or_else(|| format!("variation \"{variant}\" has no sku"))?;
        if skus.contains(&sku) {
            return Err(format!("variation SKU \"{sku}\" is listed twice"));
        }
        skus.push(sku);
    }
    if !skus.is_empty() && codes.is_empty() {
        return Err("variations name no attribute to vary by (e.g. size=XS)".into());
    }
    Ok((codes, skus))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variations_give_children_and_axes() {
        let (codes, skus) =
            variations("sku=MH01-XS-Black,size=XS,color=Black|sku=MH01-S-Black,size=S,color=Black").unwrap();
        assert_eq!(codes, ["size", "color"]);
        assert_eq!(skus, ["MH01-XS-Black", "MH01-S-Black"]);
        assert!(variations("size=XS").is_err());
        assert_eq!(variations("").unwrap(), (vec![], vec![]));
    }

    #[test]
    fn additional_attributes_split_multi_values() {
        let v = additional_attributes("has_options=1,climate=All-weather|Cool,eco_collection=Yes").unwrap();
        assert_eq!(v[1].parts, ["All-weather", "Cool"]);
        assert_eq!(v[2].raw, "Yes");
        assert!(additional_attributes("price=3").is_err());
        assert!(additional_attributes("oops").is_err());
    }

    #[test]
    fn category_paths_keep_the_root() {
        let spec = category_paths("Default Category/Men/Tops,Default Category").unwrap();
        assert_eq!(
            spec,
            CategorySpec::Paths(vec![
                vec!["Default Category".into(), "Men".into(), "Tops".into()],
                vec!["Default Category".into()]
            ])
        );
        assert!(category_paths("Default Category//Men").is_err());
    }
}
