//! The checks that need the catalog, run inside the import's transaction before anything
//! is written: SKUs already taken, children that exist nowhere, unknown root categories and
//! values an attribute cannot take. They also settle how every attribute will be stored.

use super::RowError;
use super::draft::{self, Draft, LinkKind, ValueKind};
use crate::StorageResult;
use crate::catalog::PRODUCT_ENTITY;
use crate::catalog::categories;
use std::collections::{BTreeMap, HashMap, HashSet};
use storegate_db::{Exec, sql};
use storegate_types::{ApiError, TenantId};

/// The tree root ("Root Catalog"); root categories such as "Default Category" hang below it.
const TREE_ROOT: i64 = 1;

/// SKUs per `IN (…)` lookup, well under both databases' parameter limits.
const SKU_CHUNK: usize = 500;

/// How the import will store what it found.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// By attribute code, for every non-verbatim code that has something to store.
    pub attributes: HashMap<String, AttrPlan>,
    /// Root category name → id, for native paths.
    pub roots: HashMap<String, i64>,
    /// SKUs the file references (or repeats) that are already in the catalog.
    pub existing: HashSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttrPlan {
    /// `None` when the import creates it.
    pub id: Option<i64>,
    /// The input values are stored by (`multiselect` after a promotion).
    pub input: String,
    pub label: String,
    /// A single-select attribute the file gives several values: it becomes multiselect.
    pub promote: bool,
}

/// What the catalog already says about an attribute.
struct Known {
    id: i64,
    input: String,
    label: String,
    user_defined: bool,
}

pub(crate) async fn against_catalog(
    ex: &mut impl Exec,
    tenant: TenantId,
    drafts: &[Draft],
    errors: &mut Vec<RowError>,
) -> Result<Plan, ApiError> {
    duplicates(drafts, errors);
    let mut wanted: Vec<&str> = drafts.iter().map(|d| d.sku.as_str()).filter(|s| !s.is_empty()).collect();
    wanted.extend(drafts.iter().flat_map(|d| d.children.iter().map(String::as_str)));
    let existing = existing_skus(ex, tenant, wanted).await?;
    taken(drafts, &existing, errors);
    references(drafts, &existing, errors);
    let roots = roots(ex, tenant, drafts, errors).await?;
    let attributes = attributes(ex, tenant, drafts, errors).await?;
    Ok(Plan { attributes, roots, existing })
}

/// A SKU twice in the file: the later rows are the errors, the first one stands.
fn duplicates(drafts: &[Draft], errors: &mut Vec<RowError>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for d in drafts.iter().filter(|d| !d.sku.is_empty()) {
        if let Some(row) = first.get(d.sku.as_str()) {
            let what = if d.generated { "variation SKU" } else { "SKU" };
            errors.push(RowError::new(d.row, "sku", format!("duplicate {what} \"{}\": row {row} has it too", d.sku)));
        } else {
            first.insert(&d.sku, d.row);
        }
    }
}

fn taken(drafts: &[Draft], existing: &HashSet<String>, errors: &mut Vec<RowError>) {
    for d in drafts.iter().filter(|d| existing.contains(&d.sku)) {
        let what = if d.generated { "variation SKU" } else { "SKU" };
        errors.push(RowError::new(d.row, "sku", format!("{what} \"{}\" already exists", d.sku)));
    }
}

/// Configurable children must be in the file (as simple or virtual products) or in the
/// catalog; grouped members are linked only when they exist, so they are not checked.
/// A child whose own row is invalid is not blamed on the parent: that row has its error,
/// and under `skip_errors` the link is dropped with it.
fn references(drafts: &[Draft], existing: &HashSet<String>, errors: &mut Vec<RowError>) {
    let bad: HashSet<usize> = errors.iter().map(|e| e.row).collect();
    let mut in_file: HashMap<&str, &Draft> = HashMap::new();
    for d in drafts {
        in_file.entry(d.sku.as_str()).or_insert(d);
    }
    for parent in drafts.iter().filter(|d| d.link == LinkKind::Configurable) {
        for child in &parent.children {
            let reason = match in_file.get(child.as_str()) {
                Some(c) if bad.contains(&c.row) => continue,
                Some(c) if !matches!(c.type_id.as_str(), "simple" | "virtual") => {
                    format!("variation \"{child}\" is a {} product; variations must be simple or virtual", c.type_id)
                }
                Some(_) => continue,
                None if existing.contains(child) => continue,
                None => {
                    format!("variation SKU \"{child}\" is neither in the file nor in the catalog")
                }
            };
            errors.push(RowError::new(parent.row, "configurable_variations", reason));
        }
    }
}

/// The SKUs among `skus` that the catalog has.
async fn existing_skus(ex: &mut impl Exec, tenant: TenantId, mut skus: Vec<&str>) -> Result<HashSet<String>, ApiError> {
    skus.sort_unstable();
    skus.dedup();
    let mut found = HashSet::new();
    for chunk in skus.chunks(SKU_CHUNK) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let text = format!("SELECT sku FROM products WHERE tenant_id = $1 AND sku IN ({})", placeholders.join(", "));
        let q = chunk.iter().fold(sql!(text, tenant.0), |q, s| q.bind(*s));
        for row in ex.fetch_all(q).await.storage()? {
            found.insert(row.at::<String>(0).storage()?);
        }
    }
    Ok(found)
}

/// Native paths start with a root category's name ("Default Category").
async fn roots(
    ex: &mut impl Exec,
    tenant: TenantId,
    drafts: &[Draft],
    errors: &mut Vec<RowError>,
) -> Result<HashMap<String, i64>, ApiError> {
    let mut roots: HashMap<String, Option<i64>> = HashMap::new();
    for d in drafts {
        let draft::CategorySpec::Paths(paths) = &d.categories else {
            continue;
        };
        for root in paths.iter().map(|p| &p[0]) {
            if !roots.contains_key(root) {
                let id = categories::child_by_name(ex, tenant, TREE_ROOT, root).await?;
                roots.insert(root.clone(), id);
            }
            if roots[root].is_none() {
                let reason =
                    format!("\"{root}\" is not a root category; paths start at one, e.g. \"Default Category/Men\"");
                errors.push(RowError::new(d.row, "categories", reason));
            }
        }
    }
    Ok(roots.into_iter().filter_map(|(name, id)| Some((name, id?))).collect())
}

/// Settles each attribute's input (existing, declared, or inferred from the file's values)
/// and checks every value against it.
async fn attributes(
    ex: &mut impl Exec,
    tenant: TenantId,
    drafts: &[Draft],
    errors: &mut Vec<RowError>,
) -> Result<HashMap<String, AttrPlan>, ApiError> {
    let known = load_attributes(ex, tenant).await?;
    let mut uses: BTreeMap<&str, Uses<'_>> = BTreeMap::new();
    for d in drafts {
        for v in d.values.iter().filter(|v| v.kind != ValueKind::Verbatim) {
            uses.entry(v.code.as_str()).or_default().values.push((d.row, v));
        }
        for code in &d.super_codes {
            uses.entry(code.as_str()).or_default().parents.push(d.row);
        }
    }
    let mut plans = HashMap::new();
    for (code, uses) in uses {
        if let Some(plan) = plan_attribute(code, known.get(code), &uses, errors) {
            check_values(code, &plan, &uses, errors);
            plans.insert(code.to_owned(), plan);
        }
    }
    Ok(plans)
}

/// Where one attribute code occurs in the file.
#[derive(Default)]
struct Uses<'d> {
    values: Vec<(usize, &'d draft::AttrValue)>,
    /// Rows of configurable parents that vary by it.
    parents: Vec<usize>,
}

impl Uses<'_> {
    /// Whether some row gives several values (a multiselect's list).
    fn has_lists(&self) -> bool {
        self.values.iter().any(|(_, v)| v.parts.len() > 1)
    }
}

/// `None` when the attribute does not exist and the file gives it no value at all.
fn plan_attribute(code: &str, known: Option<&Known>, uses: &Uses<'_>, errors: &mut Vec<RowError>) -> Option<AttrPlan> {
    let is_axis = !uses.parents.is_empty();
    let plan = match known {
        Some(k) => {
            let promotable = k.user_defined && !is_axis;
            let promote = k.input == "select" && promotable && uses.has_lists();
            let input = if promote { "multiselect".to_owned() } else { k.input.clone() };
            AttrPlan { id: Some(k.id), input, label: k.label.clone(), promote }
        }
        None => {
            let declared = uses.values.iter().find_map(|(_, v)| match v.kind {
                ValueKind::Declared(input) => Some(input),
                _ => None,
            });
            let input = if is_axis { Some("select") } else { declared.or_else(|| infer(uses)) }?;
            AttrPlan { id: None, input: input.to_owned(), label: draft::label_of(code), promote: false }
        }
    };
    if is_axis && plan.input != "select" {
        let reason =
            format!("attribute \"{code}\" cannot configure variations: its input is {}, not select", plan.input);
        errors.extend(uses.parents.iter().map(|&row| RowError::new(row, "configurable_variations", reason.clone())));
    }
    Some(plan)
}

/// The input of an attribute the file introduces: several values anywhere make it a
/// multiselect, only yes/no values a boolean, anything else a select (option list).
fn infer(uses: &Uses<'_>) -> Option<&'static str> {
    let mut given = uses.values.iter().map(|(_, v)| v).filter(|v| !v.raw.trim().is_empty()).peekable();
    given.peek()?;
    if uses.has_lists() {
        Some("multiselect")
    } else if given.all(|v| draft::flag(&v.raw).is_some()) {
        Some("boolean")
    } else {
        Some("select")
    }
}

/// Values the settled input cannot hold.
fn check_values(code: &str, plan: &AttrPlan, uses: &Uses<'_>, errors: &mut Vec<RowError>) {
    for &(row, v) in &uses.values {
        let raw = v.raw.trim();
        let reason = match plan.input.as_str() {
            "boolean" if draft::flag(raw).is_none() => {
                format!("\"{raw}\" is not a yes/no value for attribute \"{code}\"")
            }
            "price" | "weight" => match draft::amount(raw) {
                Err(why) => format!("attribute \"{code}\": {why}"),
                Ok(_) => continue,
            },
            "select" if v.parts.len() > 1 => {
                format!("attribute \"{code}\" takes one value, the row gives {}", v.parts.len())
            }
            _ => continue,
        };
        errors.push(RowError::new(row, v.column.as_str(), reason));
    }
}

async fn load_attributes(ex: &mut impl Exec, tenant: TenantId) -> Result<HashMap<String, Known>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT id, code, frontend_input, frontend_label, is_user_defined FROM attributes \
             WHERE tenant_id = $1 AND entity_type = $2",
            tenant.0,
            PRODUCT_ENTITY
        ))
        .await
        .storage()?;
    let mut known = HashMap::with_capacity(rows.len());
    for r in rows {
        let code: String = r.at(1).storage()?;
        let label: Option<String> = r.at(3).storage()?;
        let k = Known {
            id: r.at(0).storage()?,
            input: r.at(2).storage()?,
            label: label.unwrap_or_else(|| draft::label_of(&code)),
            user_defined: r.at(4).storage()?,
        };
        known.insert(code, k);
    }
    Ok(known)
}

/// Leaves out the drafts of rows with errors. Under `skip_errors` the survivors must still
/// make sense: links to skipped children are dropped, a configurable parent left with no
/// variation at all is skipped too, and grouped members are kept only if they exist.
pub(crate) fn drop_invalid(drafts: Vec<Draft>, plan: &Plan, errors: &mut Vec<RowError>) -> Vec<Draft> {
    let bad: HashSet<usize> = errors.iter().map(|e| e.row).collect();
    let (mut kept, dropped): (Vec<Draft>, Vec<Draft>) = drafts.into_iter().partition(|d| !bad.contains(&d.row));
    let present: HashSet<String> = kept.iter().map(|d| d.sku.clone()).collect();
    // A duplicate row's SKU is still present through the row that stands.
    let dropped: HashSet<String> = dropped.into_iter().map(|d| d.sku).filter(|s| !present.contains(s)).collect();
    let mut orphaned = HashSet::new();
    for d in &mut kept {
        let before = d.children.len();
        match d.link {
            LinkKind::Configurable => d.children.retain(|c| !dropped.contains(c)),
            LinkKind::Grouped => d.children.retain(|c| present.contains(c) || plan.existing.contains(c)),
            LinkKind::None => {}
        }
        if d.link == LinkKind::Configurable && before > 0 && d.children.is_empty() {
            errors.push(RowError::new(d.row, "configurable_variations", "every variation of this product was skipped"));
            orphaned.insert(d.row);
        }
    }
    kept.retain(|d| !orphaned.contains(&d.row));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::draft::AttrValue;

    fn value(raw: &str, sep: char) -> AttrValue {
        AttrValue {
            code: "c".into(),
            column: "c".into(),
            raw: raw.into(),
            parts: draft::list(raw, sep),
            kind: ValueKind::Inferred,
        }
    }

    #[test]
    fn inputs_are_inferred_from_the_values() {
        let (a, b, c, d) = (value("Yes", '|'), value("No", '|'), value("Wool|Cotton", '|'), value("", '\n'));
        fn uses<'d>(vs: Vec<&'d AttrValue>) -> Uses<'d> {
            Uses { values: vs.into_iter().map(|v| (2, v)).collect(), parents: vec![] }
        }
        assert_eq!(infer(&uses(vec![&a, &b])), Some("boolean"));
        assert_eq!(infer(&uses(vec![&a, &c])), Some("multiselect"));
        assert_eq!(infer(&uses(vec![&d])), None);
        let e = value("Solid", '\n');
        assert_eq!(infer(&uses(vec![&e, &d])), Some("select"));
    }
}
