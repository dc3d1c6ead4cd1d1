//! The catalog skeleton: demo attributes with every option, the attribute sets and the
//! category tree, created once (idempotently) so that product generation afterwards only
//! looks ids up in memory and never queries per product.

use super::families::{ATTRIBUTE_SETS, CATEGORY_PATHS, COLLECTION_PATHS, ECO_COLLECTION, FAMILIES, Family};
use super::words;
use crate::StorageResult;
use crate::catalog::attributes::{self, AttributeDef};
use crate::catalog::categories;
use std::collections::{BTreeSet, HashMap};
use storegate_db::{Db, Exec};
use storegate_types::{ApiError, TenantId};

/// Option choices of one attribute: (label, option id as stored text).
pub(super) type Choices = Vec<(&'static str, String)>;

/// A family with everything it needs resolved to ids.
pub(super) struct FamilyPlan {
    pub family: &'static Family,
    pub set_id: i64,
    /// The leaf category first, then its ancestors up to (excluding) "Default Category".
    pub categories: Vec<i64>,
    pub sizes: Choices,
    pub materials: Choices,
}

/// A merchandising category a product may also be linked to.
pub(super) struct Collection {
    pub id: i64,
    pub eco: bool,
}

/// Everything product generation needs, resolved to ids.
pub(super) struct Plan {
    pub color_attribute: i64,
    pub size_attribute: i64,
    pub colors: Choices,
    pub activities: Choices,
    pub patterns: Choices,
    pub climates: Choices,
    pub manufacturers: Choices,
    pub families: Vec<FamilyPlan>,
    pub collections: Vec<Collection>,
    /// Categories in the demo tree (below "Default Category").
    pub categories: usize,
}

/// The demo's product attributes. `color` and `manufacturer` come with every tenant;
/// ensuring them too makes the generator independent of that detail.
const ATTRIBUTES: &[AttributeDef<'static>] = &[
    AttributeDef { filterable: true, ..AttributeDef::user("color", "Color", "select") },
    AttributeDef { filterable: true, ..AttributeDef::user("manufacturer", "Manufacturer", "select") },
    AttributeDef { filterable: true, ..AttributeDef::user("size", "Size", "select") },
    AttributeDef { filterable: true, ..AttributeDef::user("material", "Material", "multiselect") },
    AttributeDef { filterable: true, ..AttributeDef::user("activity", "Activity", "multiselect") },
    AttributeDef { filterable: true, ..AttributeDef::user("pattern", "Pattern", "select") },
    AttributeDef { filterable: true, ..AttributeDef::user("climate", "Climate", "multiselect") },
    AttributeDef { filterable: true, ..AttributeDef::user("eco_collection", "Eco Collection", "boolean") },
];

/// Option labels per select attribute, in display order.
const OPTIONS: &[(&str, &[&str])] = &[
    ("color", words::COLORS),
    ("size", words::SIZES),
    ("material", words::MATERIALS),
    ("activity", words::ACTIVITIES),
    ("pattern", words::PATTERNS),
    ("climate", words::CLIMATES),
    ("manufacturer", words::MANUFACTURERS),
];

/// Creates the skeleton in one transaction and answers the plan.
pub(super) async fn prepare(db: &Db, tenant: TenantId) -> Result<Plan, ApiError> {
    let mut tx = db.begin().await.storage()?;
    let attribute_ids = create_attributes(&mut tx, tenant).await?;
    let set_ids = create_sets(&mut tx, tenant, &attribute_ids).await?;
    let mut options = create_options(&mut tx, tenant, &attribute_ids).await?;
    let (paths, categories) = create_categories(&mut tx, tenant).await?;
    tx.commit().await.storage()?;

    let families =
        FAMILIES.iter().map(|family| plan_family(family, &set_ids, &paths, &options)).collect::<Result<Vec<_>, _>>()?;
    let collections = COLLECTION_PATHS
        .iter()
        .map(|p| Ok(Collection { id: leaf(&paths, p)?, eco: *p == ECO_COLLECTION }))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut take = |code: &str| options.remove(code).ok_or_else(|| missing("options", code));
    Ok(Plan {
        color_attribute: lookup(&attribute_ids, "color")?,
        size_attribute: lookup(&attribute_ids, "size")?,
        colors: take("color")?,
        activities: take("activity")?,
        patterns: take("pattern")?,
        climates: take("climate")?,
        manufacturers: take("manufacturer")?,
        families,
        collections,
        categories,
    })
}

async fn create_attributes(ex: &mut impl Exec, tenant: TenantId) -> Result<HashMap<&'static str, i64>, ApiError> {
    let mut ids = HashMap::new();
    for def in ATTRIBUTES {
        ids.insert(def.code, attributes::ensure(ex, tenant, def).await?);
    }
    Ok(ids)
}

/// Sets start as copies of the default set (which holds `color` and `manufacturer`);
/// the demo attributes are added on top.
async fn create_sets(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_ids: &HashMap<&'static str, i64>,
) -> Result<HashMap<&'static str, i64>, ApiError> {
    let mut ids = HashMap::new();
    for (name, codes) in ATTRIBUTE_SETS {
        let set_id = attributes::ensure_product_set(ex, tenant, name).await?;
        for code in *codes {
            attributes::assign_to_set(ex, tenant, set_id, lookup(attribute_ids, code)?).await?;
        }
        ids.insert(*name, set_id);
    }
    Ok(ids)
}

async fn create_options(
    ex: &mut impl Exec,
    tenant: TenantId,
    attribute_ids: &HashMap<&'static str, i64>,
) -> Result<HashMap<&'static str, Choices>, ApiError> {
    let mut all = HashMap::new();
    for (code, labels) in OPTIONS {
        let attribute_id = lookup(attribute_ids, code)?;
        let mut choices = Vec::with_capacity(labels.len());
        for label in *labels {
            let id = attributes::ensure_option(ex, tenant, attribute_id, label).await?;
            choices.push((*label, id.to_string()));
        }
        all.insert(*code, choices);
    }
    Ok(all)
}

type CategoryIds = HashMap<&'static [&'static str], Vec<i64>>;

/// Answers each path's node ids (top first) and how many categories the tree has.
async fn create_categories(ex: &mut impl Exec, tenant: TenantId) -> Result<(CategoryIds, usize), ApiError> {
    let mut paths = HashMap::new();
    let mut all = BTreeSet::new();
    for path in CATEGORY_PATHS {
        let ids = categories::ensure_path(ex, tenant, categories::DEFAULT_CATEGORY, path).await?;
        all.extend(ids.iter().copied());
        paths.insert(*path, ids);
    }
    Ok((paths, all.len()))
}

fn plan_family(
    family: &'static Family,
    set_ids: &HashMap<&'static str, i64>,
    paths: &CategoryIds,
    options: &HashMap<&'static str, Choices>,
) -> Result<FamilyPlan, ApiError> {
    let mut categories = paths.get(family.path).cloned().ok_or_else(|| missing("category", family.path.join("/")))?;
    categories.reverse();
    Ok(FamilyPlan {
        family,
        set_id: lookup(set_ids, family.set)?,
        categories,
        sizes: subset(options, "size", family.sizes)?,
        materials: subset(options, "material", family.materials)?,
    })
}

/// The choices of attribute `code` whose labels are in `labels`, in `labels` order.
fn subset(options: &HashMap<&'static str, Choices>, code: &str, labels: &[&str]) -> Result<Choices, ApiError> {
    let all = options.get(code).ok_or_else(|| missing("options", code))?;
    labels
        .iter()
        .map(|label| all.iter().find(|(l, _)| l == label).cloned().ok_or_else(|| missing(code, *label)))
        .collect()
}

fn leaf(paths: &CategoryIds, path: &[&str]) -> Result<i64, ApiError> {
    paths.get(path).and_then(|ids| ids.last().copied()).ok_or_else(|| missing("category", path.join("/")))
}

fn lookup(ids: &HashMap<&'static str, i64>, key: &str) -> Result<i64, ApiError> {
    ids.get(key).copied().ok_or_else(|| missing("id", key))
}

/// The static tables above disagree with each other: a bug in this module, not bad input.
fn missing(what: &str, key: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("demo generator: no {what} for {key}"))
}
