//! Writing checked drafts: attribute sets, attributes, options and categories are looked up
//! or created once each (cached), then products go in with `products::insert_batch`.

use super::check::{AttrPlan, Plan};
use super::draft::{self, AttrValue, CategorySpec, Draft, ValueKind};
use crate::StorageResult;
use crate::catalog::attributes::{self, AttributeDef};
use crate::catalog::categories::{self, DEFAULT_CATEGORY};
use crate::catalog::products::{self, NewProduct, Stock};
use crate::catalog::{DEFAULT_PRODUCT_SET, PRODUCT_ENTITY};
use crate::progress::Progress;
use std::collections::{BTreeMap, HashMap, HashSet};
use storegate_db::{Exec, Tx, sql};
use storegate_types::{ApiError, TenantId};

/// Products per `insert_batch`: few statements per table, modest memory.
const BATCH: usize = 500;

/// Every product goes to the `base` website.
const WEBSITE: i64 = 1;

/// The top-level categories of the Luma tree. The installer loaded its `categories.csv`
/// before the legacy product files, and the legacy name walk ("after a leaf, start again at
/// the root") is only defined against that tree: `Men\nBottoms\nPants\nPromotions\nPants`
/// is two paths because `Promotions` is a top-level category. An import that creates the
/// tree as it goes cannot see that, so these names (with every top-level category already
/// in the catalog, and every name that starts a row's list) restart the walk.
const LUMA_TOP_LEVEL: &[&str] =
    &["What's New", "Women", "Men", "Gear", "Training", "Sale", "Collections", "Promotions"];

pub(crate) struct Written {
    pub products: usize,
    pub by_type: BTreeMap<String, usize>,
    pub categories_created: usize,
}

pub(crate) async fn run(
    ex: &mut Tx,
    tenant: TenantId,
    drafts: Vec<Draft>,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<Written, ApiError> {
    let categories_before = categories::count(ex, tenant).await?;
    let mut resolver = Resolver::new(ex, tenant, plan, &drafts).await?;
    let drafts = children_first(drafts);
    let children: HashSet<String> = drafts.iter().flat_map(|d| d.children.iter().cloned()).collect();
    let mut written = Written { products: drafts.len(), by_type: BTreeMap::new(), categories_created: 0 };
    progress.start("Importing products", drafts.len() as u64);
    let mut batch = Vec::with_capacity(BATCH);
    for d in drafts {
        *written.by_type.entry(d.type_id.clone()).or_default() += 1;
        // Cutting a batch only after a product nobody links to keeps each configurable
        // family in one batch, so insert_batch resolves the links without lookups.
        let closes_family = !children.contains(&d.sku);
        batch.push(resolver.product(ex, d).await?);
        if batch.len() >= BATCH && closes_family {
            flush(ex, tenant, &mut batch, progress).await?;
        }
    }
    flush(ex, tenant, &mut batch, progress).await?;
    progress.finish();
    written.categories_created = usize::try_from(categories::count(ex, tenant).await? - categories_before).unwrap_or(0);
    Ok(written)
}

async fn flush(
    ex: &mut Tx,
    tenant: TenantId,
    batch: &mut Vec<NewProduct>,
    progress: &dyn Progress,
) -> Result<(), ApiError> {
    let n = batch.len() as u64;
    if n > 0 {
        products::insert_batch(ex, tenant, std::mem::take(batch)).await?;
        progress.advance(n);
    }
    Ok(())
}

/// File order, except that a parent moves after the last of its children in the file:
/// `insert_batch` needs children to exist or come earlier.
fn children_first(drafts: Vec<Draft>) -> Vec<Draft> {
    let position: HashMap<&str, usize> = drafts.iter().enumerate().map(|(i, d)| (d.sku.as_str(), i)).collect();
    let mut keys: Vec<(usize, bool, usize)> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let last_child = d.children.iter().filter_map(|c| position.get(c.as_str()).copied()).max();
            (last_child.map_or(i, |c| c.max(i)), !d.children.is_empty(), i)
        })
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<Draft>> = drafts.into_iter().map(Some).collect();
    keys.into_iter().filter_map(|(_, _, i)| slots[i].take()).collect()
}

/// Looks up or creates what products refer to, once per distinct thing.
struct Resolver<'p> {
    tenant: TenantId,
    plan: &'p Plan,
    sets: HashMap<String, i64>,
    attribute_ids: HashMap<String, i64>,
    set_members: HashSet<(i64, i64)>,
    options: HashMap<(i64, String), i64>,
    paths: HashMap<(i64, Vec<String>), Vec<i64>>,
    walks: HashMap<Vec<String>, Vec<i64>>,
    top_level: HashSet<String>,
}

impl<'p> Resolver<'p> {
    async fn new(
        ex: &mut impl Exec,
        tenant: TenantId,
        plan: &'p Plan,
        drafts: &[Draft],
    ) -> Result<Resolver<'p>, ApiError> {
        promote(ex, tenant, plan).await?;
        let mut top_level = top_level_names(ex, tenant).await?;
        top_level.extend(LUMA_TOP_LEVEL.iter().map(|n| (*n).to_owned()));
        for d in drafts {
            if let CategorySpec::Walk(names) = &d.categories {
                top_level.insert(names[0].clone());
            }
        }
        let attribute_ids = plan.attributes.iter().filter_map(|(code, p)| Some((code.clone(), p.id?))).collect();
        Ok(Resolver {
            tenant,
            plan,
            sets: HashMap::new(),
            attribute_ids,
            set_members: HashSet::new(),
            options: HashMap::new(),
            paths: HashMap::new(),
            walks: HashMap::new(),
            top_level,
        })
    }

    async fn product(&mut self, ex: &mut impl Exec, d: Draft) -> Result<NewProduct, ApiError> {
        let attribute_set_id = self.set(ex, d.attribute_set.as_deref()).await?;
        let mut values = Vec::with_capacity(d.values.len());
        for v in &d.values {
            if let Some(stored) = self.value(ex, attribute_set_id, v).await? {
                values.push((v.code.clone(), stored));
            }
        }
        let mut super_attributes = Vec::with_capacity(d.super_codes.len());
        for code in &d.super_codes {
            let id = self.attribute(ex, code, attribute_set_id).await?;
            super_attributes.push((id, self.plan.attributes[code].label.clone()));
        }
        let categories = self.categories(ex, &d.categories).await?.into_iter().map(|id| (id, 0)).collect();
        Ok(NewProduct {
            sku: d.sku,
            type_id: d.type_id,
            attribute_set_id,
            name: d.name,
            price: d.price,
            status: d.status,
            visibility: d.visibility,
            weight: d.weight,
            attributes: values,
            website_ids: vec![WEBSITE],
            categories,
            stock: Some(Stock { qty: d.qty, is_in_stock: d.is_in_stock, manage_stock: d.manage_stock }),
            super_attributes,
            children: d.children,
        })
    }

    async fn set(&mut self, ex: &mut impl Exec, name: Option<&str>) -> Result<i64, ApiError> {
        let Some(name) = name else {
            return Ok(DEFAULT_PRODUCT_SET);
        };
        if let Some(&id) = self.sets.get(name) {
            return Ok(id);
        }
        let id = attributes::ensure_product_set(ex, self.tenant, name).await?;
        self.sets.insert(name.to_owned(), id);
        Ok(id)
    }

    /// The stored form of one value, or `None` when there is nothing to store.
    async fn value(&mut self, ex: &mut impl Exec, set_id: i64, v: &AttrValue) -> Result<Option<String>, ApiError> {
        if v.kind == ValueKind::Verbatim {
            return Ok(Some(v.raw.clone()).filter(|r| !r.is_empty()));
        }
        let Some(plan) = self.plan.attributes.get(&v.code) else {
            return Ok(None);
        };
        let raw = v.raw.trim();
        let stored = match plan.input.as_str() {
            "boolean" => Some(if draft::flag(raw) == Some(true) { "1" } else { "0" }.to_owned()),
            "select" | "multiselect" if v.parts.is_empty() => None,
            "select" | "multiselect" => {
                let attribute_id = self.attribute(ex, &v.code, set_id).await?;
                Some(self.option_ids(ex, attribute_id, &v.parts).await?)
            }
            "price" | "weight" => draft::amount(raw).ok().flatten().map(|a| a.to_string()),
            _ => Some(v.raw.clone()).filter(|_| !raw.is_empty()),
        };
        if stored.is_some() {
            self.attribute(ex, &v.code, set_id).await?;
        }
        Ok(stored)
    }

    /// The attribute's id, created when the file introduces it, and a member of `set_id`.
    async fn attribute(&mut self, ex: &mut impl Exec, code: &str, set_id: i64) -> Result<i64, ApiError> {
        let id = match self.attribute_ids.get(code) {
            Some(&id) => id,
            None => {
                let AttrPlan { input, label, .. } = &self.plan.attributes[code];
                let id = attributes::ensure(ex, self.tenant, &AttributeDef::user(code, label, input)).await?;
                self.attribute_ids.insert(code.to_owned(), id);
                id
            }
        };
        if self.set_members.insert((set_id, id)) {
            attributes::assign_to_set(ex, self.tenant, set_id, id).await?;
        }
        Ok(id)
    }

    /// Option ids for the labels, comma-separated as Magento stores multiselect values.
    async fn option_ids(
        &mut self,
        ex: &mut impl Exec,
        attribute_id: i64,
        labels: &[String],
    ) -> Result<String, ApiError> {
        let mut ids = Vec::with_capacity(labels.len());
        for label in labels {
            let key = (attribute_id, label.clone());
            let id = match self.options.get(&key) {
                Some(&id) => id,
                None => {
                    let id = attributes::ensure_option(ex, self.tenant, attribute_id, label).await?;
                    self.options.insert(key, id);
                    id
                }
            };
            ids.push(id.to_string());
        }
        Ok(ids.join(","))
    }

    /// Native: the leaf of each path (a bare root path is the root itself). Legacy: every
    /// node of every path the walk finds.
    async fn categories(&mut self, ex: &mut impl Exec, spec: &CategorySpec) -> Result<Vec<i64>, ApiError> {
        let mut ids = Vec::new();
        match spec {
            CategorySpec::None => {}
            CategorySpec::Paths(paths) => {
                for path in paths {
                    let root = self.plan.roots[&path[0]];
                    let nodes = self.path(ex, root, &path[1..]).await?;
                    ids.push(nodes.last().copied().unwrap_or(root));
                }
            }
            CategorySpec::Walk(names) => ids = self.walk(ex, names).await?,
        }
        let mut seen = HashSet::new();
        ids.retain(|id| seen.insert(*id));
        Ok(ids)
    }

    async fn path(&mut self, ex: &mut impl Exec, root: i64, names: &[String]) -> Result<Vec<i64>, ApiError> {
        let key = (root, names.to_vec());
        if let Some(ids) = self.paths.get(&key) {
            return Ok(ids.clone());
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let ids = categories::ensure_path(ex, self.tenant, root, &refs).await?;
        if root == DEFAULT_CATEGORY
            && let Some(first) = names.first()
        {
            self.top_level.insert(first.clone());
        }
        self.paths.insert(key, ids.clone());
        Ok(ids)
    }

    /// The installer's walk: descend by name from "Default Category"; a top-level name that
    /// is not a child of the current node starts a new path from the root.
    async fn walk(&mut self, ex: &mut impl Exec, names: &[String]) -> Result<Vec<i64>, ApiError> {
        if let Some(ids) = self.walks.get(names) {
            return Ok(ids.clone());
        }
        let mut ids = Vec::new();
        let mut current: Vec<String> = Vec::new();
        for name in names {
            if !current.is_empty() && self.top_level.contains(name) && !self.has_child(ex, &current, name).await? {
                ids.extend(self.path(ex, DEFAULT_CATEGORY, &current).await?);
                current.clear();
            }
            current.push(name.clone());
        }
        ids.extend(self.path(ex, DEFAULT_CATEGORY, &current).await?);
        self.walks.insert(names.to_vec(), ids.clone());
        Ok(ids)
    }

    async fn has_child(&mut self, ex: &mut impl Exec, path: &[String], name: &str) -> Result<bool, ApiError> {
        let nodes = self.path(ex, DEFAULT_CATEGORY, path).await?;
        let parent = nodes.last().copied().unwrap_or(DEFAULT_CATEGORY);
        Ok(categories::child_by_name(ex, self.tenant, parent, name).await?.is_some())
    }
}

/// Turns the single-select attributes the file gives several values into multiselects
/// (Luma's `pattern`, for one, is single-valued in some files and listed in others).
async fn promote(ex: &mut impl Exec, tenant: TenantId, plan: &Plan) -> Result<(), ApiError> {
    for p in plan.attributes.values().filter(|p| p.promote) {
        let Some(id) = p.id else { continue };
        ex.execute(sql!(
            "UPDATE attributes SET frontend_input = $3, backend_type = $4 WHERE tenant_id = $1 AND id = $2 AND entity_type = $5",
            tenant.0,
            id,
            "multiselect",
            AttributeDef::user("", "", "multiselect").backend_type(),
            PRODUCT_ENTITY
        ))
        .await
        .storage()?;
    }
    Ok(())
}

async fn top_level_names(ex: &mut impl Exec, tenant: TenantId) -> Result<HashSet<String>, ApiError> {
    let rows = ex
        .fetch_all(sql!(
            "SELECT name FROM categories WHERE tenant_id = $1 AND parent_id = $2",
            tenant.0,
            DEFAULT_CATEGORY
        ))
        .await
        .storage()?;
    rows.iter().map(|r| r.at::<String>(0)).collect::<Result<_, _>>().storage()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::draft::LinkKind;
    use rust_decimal::Decimal;

    fn draft(sku: &str, children: &[&str]) -> Draft {
        Draft {
            row: 2,
            generated: false,
            sku: sku.into(),
            name: sku.into(),
            type_id: "simple".into(),
            attribute_set: None,
            price: None,
            weight: None,
            status: 1,
            visibility: 4,
            categories: CategorySpec::None,
            values: vec![],
            qty: Decimal::ZERO,
            is_in_stock: true,
            manage_stock: true,
            super_codes: vec![],
            children: children.iter().map(|c| (*c).to_owned()).collect(),
            link: LinkKind::Configurable,
        }
    }

    #[test]
    fn parents_move_after_their_children() {
        let order = children_first(vec![draft("P", &["A", "B"]), draft("A", &[]), draft("X", &[]), draft("B", &[])]);
        let skus: Vec<&str> = order.iter().map(|d| d.sku.as_str()).collect();
        assert_eq!(skus, ["A", "X", "B", "P"]);
    }
}
