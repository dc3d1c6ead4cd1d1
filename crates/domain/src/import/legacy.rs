//! The sample-data installer format (`Magento\CatalogSampleData\Model\Product` and its
//! converters): gear, downloadable, bundle and grouped files, and the one-row-per-parent
//! configurable files of `dev-tests/`.

use super::RowError;
use super::draft::{self, AttrValue, CategorySpec, Draft, LinkKind, Parsed, RowCheck, ValueKind};
use super::table::{Record, Table};
use crate::catalog::products::{STATUS_ENABLED, VISIBILITY_NOT_VISIBLE};
use rust_decimal::Decimal;

/// Columns the installer reads as product fields rather than as EAV attributes.
const STRUCTURAL: &[&str] = &[
    "category",
    "name",
    "sku",
    "price",
    "qty",
    "attribute_set",
    "visibility",
    "weight",
    "bundle_options",
    "associated_sku",
];

/// Columns that are system attributes, stored as the file has them.
const TEXT_COLUMNS: &[(&str, &str)] = &[
    ("description", "description"),
    ("short_description", "short_description"),
    ("meta_title", "meta_title"),
    ("meta_keyword", "meta_keyword"),
    ("meta_keywords", "meta_keyword"),
    ("meta_description", "meta_description"),
];

/// The downloadable settings, which are product attributes in Magento; declared here
/// because no attributes file defines them.
const DOWNLOADABLE_COLUMNS: &[(&str, &str)] =
    &[("links_title", "text"), ("samples_title", "text"), ("links_purchased_separately", "boolean")];

/// The configurable axes of the dev-tests files, in SKU order (`MH01-XS-Black`).
const AXES: [&str; 2] = ["size", "color"];

/// Generated children: Magento's converter gives them weight 1; the brief stocks 100.
const CHILD_QTY: i64 = 100;

/// What the whole file holds; the installer chose the type per module, so per file.
struct Layout {
    type_id: &'static str,
    /// The columns that become EAV attributes (everything not otherwise understood).
    attributes: Vec<String>,
}

pub(crate) fn parse(table: &Table) -> Parsed {
    let mut parsed = Parsed { errors: table.errors.clone(), ..Parsed::default() };
    let layout = match layout(table) {
        Ok(layout) => layout,
        Err(errors) => {
            parsed.fatal = Some(errors);
            return parsed;
        }
    };
    for record in &table.records {
        let mut check = RowCheck::new(record.row, &mut parsed.errors);
        let mut draft = parse_row(table, &layout, record, &mut check);
        if layout.type_id == "configurable" && !draft.sku.is_empty() {
            let children = variations(table, record, &draft, &mut check);
            draft.children = children.iter().map(|c| c.sku.clone()).collect();
            parsed.drafts.extend(children);
        }
        parsed.drafts.push(draft);
    }
    parsed
}

/// The product type and attribute columns, or why the header cannot be read as this format.
fn layout(table: &Table) -> Result<Layout, Vec<RowError>> {
    let type_id = file_type(table);
    let mut errors = Vec::new();
    let mut attributes = Vec::new();
    for column in &table.header {
        let known = STRUCTURAL.contains(&column.as_str())
            || column == "url_key"
            || column == "special_price"
            || TEXT_COLUMNS.iter().any(|(c, _)| c == column)
            || DOWNLOADABLE_COLUMNS.iter().any(|(c, _)| c == column)
            || (type_id == "configurable" && AXES.contains(&column.as_str()));
        if known {
            continue;
        }
        if !draft::is_attribute_code(column) || draft::is_static_field(column) {
            errors.push(RowError::new(1, column.as_str(), "neither a known column nor an attribute code"));
        } else {
            attributes.push(column.clone());
        }
    }
    if errors.is_empty() { Ok(Layout { type_id, attributes }) } else { Err(errors) }
}

/// Bundle, grouped and downloadable files are told by their own columns; a file whose
/// `size`/`color` fields hold lists is a configurable file (each row a parent whose
/// children are the size × color matrix). Single values (the ball file) are attributes.
fn file_type(table: &Table) -> &'static str {
    if table.has("bundle_options") {
        "bundle"
    } else if table.has("associated_sku") {
        "grouped"
    } else if table.has("links_title") || table.has("samples_title") {
        "downloadable"
    } else if AXES.iter().all(|a| table.has(a))
        && table.records.iter().any(|r| AXES.iter().any(|a| draft::list(table.get(r, a), '\n').len() > 1))
    {
        "configurable"
    } else {
        "simple"
    }
}

/// One row into a draft, with the row's problems recorded; as in the native format, a
/// draft is made even for an invalid row so that the catalog checks see all of it.
fn parse_row(table: &Table, layout: &Layout, record: &Record, check: &mut RowCheck<'_>) -> Draft {
    let get = |column: &str| table.get(record, column);
    let sku = check.take("sku", draft::sku(get("sku")));
    let name = check.take("name", draft::name(get("name")));
    let price = check.take("price", draft::amount(get("price")));
    let weight = check.take("weight", draft::amount(get("weight")));
    let qty = check.take("qty", draft::amount(get("qty"))).unwrap_or(Decimal::ZERO);
    let visibility = check.take("visibility", draft::visibility(get("visibility")));
    let mut values = fixed_values(table, record, &name, check);
    for column in &layout.attributes {
        let raw = get(column);
        let parts = draft::list(raw, '\n');
        values.push(AttrValue {
            code: column.clone(),
            column: column.clone(),
            raw: raw.to_owned(),
            parts,
            kind: ValueKind::Inferred,
        });
    }
    let (link, children) = match layout.type_id {
        "grouped" => (LinkKind::Grouped, draft::list(get("associated_sku"), ',')),
        "configurable" => (LinkKind::Configurable, Vec::new()),
        _ => (LinkKind::None, Vec::new()),
    };
    let super_codes = if link == LinkKind::Configurable { AXES.map(str::to_owned).to_vec() } else { Vec::new() };
    Draft {
        row: record.row,
        generated: false,
        sku,
        name,
        type_id: layout.type_id.to_owned(),
        attribute_set: Some(get("attribute_set").trim()).filter(|s| !s.is_empty()).map(str::to_owned),
        price,
        weight,
        status: STATUS_ENABLED,
        visibility,
        categories: walk(get("category")),
        values,
        qty,
        // The installer forces these for every product it creates.
        is_in_stock: true,
        manage_stock: false,
        super_codes,
        children,
        link,
    }
}

/// The category names in file order; the walk itself needs the tree (see `write`).
fn walk(raw: &str) -> CategorySpec {
    let names: Vec<String> = raw
        .split('\n')
        .map(|n| n.trim_matches(['\r', ' ', '\t']))
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() { CategorySpec::None } else { CategorySpec::Walk(names) }
}

fn fixed_values(table: &Table, record: &Record, name: &str, check: &mut RowCheck<'_>) -> Vec<AttrValue> {
    let get = |column: &str| table.get(record, column);
    let mut values = vec![AttrValue::verbatim("url_key", "url_key", draft::url_key(get("url_key"), name))];
    for (column, code) in TEXT_COLUMNS {
        if !get(column).trim().is_empty() {
            values.push(AttrValue::verbatim(code, column, get(column).to_owned()));
        }
    }
    if let Some(amount) = check.take("special_price", draft::amount(get("special_price"))) {
        values.push(AttrValue::verbatim("special_price", "special_price", amount.to_string()));
    }
    for (column, input) in DOWNLOADABLE_COLUMNS {
        if table.has(column) {
            let raw = get(column);
            let parts = vec![raw.trim().to_owned()];
            values.push(AttrValue {
                code: (*column).into(),
                column: (*column).into(),
                raw: raw.into(),
                parts,
                kind: ValueKind::Declared(input),
            });
        }
    }
    values
}

/// The size × color children of a dev-tests parent row, as
/// `ConfigurableSampleData\Model\Product\Converter` builds them: SKU and name suffixed with
/// `-<size>-<color>`, not visible individually, the parent's price and attribute set.
fn variations(table: &Table, record: &Record, parent: &Draft, check: &mut RowCheck<'_>) -> Vec<Draft> {
    let [sizes, colors] = AXES.map(|a| draft::list(table.get(record, a), '\n'));
    for (axis, labels) in AXES.iter().zip([&sizes, &colors]) {
        if labels.is_empty() {
            check.fail(axis, format!("a configurable row needs at least one {axis}"));
        }
    }
    let mut children = Vec::with_capacity(sizes.len() * colors.len());
    for size in &sizes {
        for color in &colors {
            let sku = format!("{}-{size}-{color}", parent.sku);
            if sku.chars().count() > draft::MAX_SKU_LENGTH {
                check.fail(
                    "sku",
                    format!("variation SKU \"{sku}\" is longer than {} characters", draft::MAX_SKU_LENGTH),
                );
                continue;
            }
            children.push(child(parent, sku, [size, color]));
        }
    }
    children
}

fn child(parent: &Draft, sku: String, labels: [&String; 2]) -> Draft {
    let name = format!("{}-{}-{}", parent.name, labels[0], labels[1]);
    let mut values = vec![AttrValue::verbatim("url_key", "url_key", draft::url_key("", &name))];
    for (axis, label) in AXES.iter().zip(labels) {
        values.push(AttrValue {
            code: (*axis).into(),
            column: (*axis).into(),
            raw: label.clone(),
            parts: vec![label.clone()],
            kind: ValueKind::Declared("select"),
        });
    }
    Draft {
        row: parent.row,
        generated: true,
        sku,
        name,
        type_id: "simple".into(),
        attribute_set: parent.attribute_set.clone(),
        price: parent.price,
        weight: Some(Decimal::ONE),
        status: STATUS_ENABLED,
        visibility: VISIBILITY_NOT_VISIBLE,
        categories: CategorySpec::None,
        values,
        qty: Decimal::from(CHILD_QTY),
        is_in_stock: true,
        manage_stock: false,
        super_codes: Vec::new(),
        children: Vec::new(),
        link: LinkKind::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_tests_rows_make_the_size_color_matrix() {
        let csv = "category,name,sku,size,price,color,material,attribute_set\n\
                   \"Men\nTops\",Chaz,MH01,\"XS\nS\n\",52,\"Gray\nBlack\",Wool,Top\n";
        let table = Table::parse(csv.as_bytes()).unwrap();
        let parsed = parse(&table);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let skus: Vec<&str> = parsed.drafts.iter().map(|d| d.sku.as_str()).collect();
        assert_eq!(skus, ["MH01-XS-Gray", "MH01-XS-Black", "MH01-S-Gray", "MH01-S-Black", "MH01"]);
        let parent = parsed.drafts.last().unwrap();
        assert_eq!(parent.type_id, "configurable");
        assert_eq!(parent.children, &skus[..4]);
        assert_eq!(parent.super_codes, ["size", "color"]);
        assert_eq!(parsed.drafts[0].name, "Chaz-XS-Gray");
        assert_eq!(parsed.drafts[0].price, Some(Decimal::from(52)));
    }

    #[test]
    fn single_size_and_color_are_attributes() {
        let csv = "category,name,sku,price,qty,size,color,visibility\n\"Gear\",Ball,B1,23,100,55 cm,Gray,1\n";
        let parsed = parse(&Table::parse(csv.as_bytes()).unwrap());
        assert_eq!(parsed.drafts.len(), 1);
        assert_eq!(parsed.drafts[0].type_id, "simple");
        assert_eq!(parsed.drafts[0].visibility, 1);
        assert!(parsed.drafts[0].values.iter().any(|v| v.code == "size" && v.parts == ["55 cm"]));
    }
}
