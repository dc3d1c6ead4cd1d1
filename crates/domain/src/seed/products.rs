//! Product generation: a pure, seeded generator that yields products in chunks (children
//! before their configurable parent, never split across chunks), and the loop that
//! inserts each chunk with one `insert_batch` in its own transaction. Chunks keep memory
//! flat and transactions short; the generator never touches the database, so the output
//! depends only on the seed and the plan's ids.

use super::catalog::{Choices, FamilyPlan, Plan};
use super::random::{Stream, chance, pick, pick_distinct, rng};
use super::text::{self, Subject};
use super::words;
use crate::StorageResult;
use crate::catalog::categories::slug;
use crate::catalog::products::{self, NewProduct, Stock, VISIBILITY_BOTH, VISIBILITY_NOT_VISIBLE};
use crate::progress::Progress;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use storegate_db::Db;
use storegate_types::{ApiError, TenantId};

/// Rows per `insert_batch` call (a configurable item may push a chunk a little past it).
const CHUNK: usize = 2000;
/// Share of catalog items (not rows) that are apparel; each apparel item brings ~15
/// children, so this gives roughly Luma's mix of a few hundred parents per 2,000 rows.
const APPAREL_PERCENT: u32 = 45;
/// A configurable needs a parent and at least two children to be worth the name.
const MIN_CONFIGURABLE_ROWS: usize = 3;

/// What was generated, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub configurable: usize,
    pub simple: usize,
}

/// Generates and inserts exactly `total` products.
pub(super) async fn generate(
    db: &Db,
    tenant: TenantId,
    plan: &Plan,
    seed: u64,
    total: usize,
    progress: &dyn Progress,
) -> Result<Counts, ApiError> {
    progress.start("Generating products", total as u64);
    let mut generator = Generator::new(plan, seed, total);
    loop {
        let chunk = generator.next_chunk(CHUNK);
        if chunk.is_empty() {
            break;
        }
        let rows = chunk.len();
        let mut tx = db.begin().await.storage()?;
        products::insert_batch(&mut tx, tenant, chunk).await?;
        tx.commit().await.storage()?;
        progress.advance(rows as u64);
    }
    progress.finish();
    Ok(generator.counts)
}

/// Which option choices a configurable item was given.
struct Variants<'p> {
    colors: Vec<&'p (&'static str, String)>,
    sizes: Vec<&'p (&'static str, String)>,
}

impl Variants<'_> {
    fn rows(&self) -> usize {
        1 + self.colors.len() * self.sizes.len()
    }
}

/// The fields parent, children and standalone products share.
struct Base {
    sku: String,
    name: String,
    noun: &'static str,
    price: Decimal,
    weight: Decimal,
    material: String,
    description: String,
    short_description: String,
    categories: Vec<(i64, i64)>,
    eco: bool,
}

pub(super) struct Generator<'p> {
    plan: &'p Plan,
    rng: ChaCha8Rng,
    remaining: usize,
    /// Next serial number per family, for SKUs.
    serials: Vec<u32>,
    apparel: Vec<usize>,
    gear: Vec<usize>,
    pub counts: Counts,
}

impl<'p> Generator<'p> {
    pub fn new(plan: &'p Plan, seed: u64, total: usize) -> Self {
        let (apparel, gear) = (0..plan.families.len()).partition(|&i| plan.families[i].family.is_apparel());
        Generator {
            plan,
            rng: rng(seed, Stream::Products),
            remaining: total,
            serials: vec![0; plan.families.len()],
            apparel,
            gear,
            counts: Counts::default(),
        }
    }

    /// At least `target` products (unless the total runs out), whole items only.
    pub fn next_chunk(&mut self, target: usize) -> Vec<NewProduct> {
        let mut out = Vec::with_capacity(target + 32);
        while out.len() < target && self.remaining > 0 {
            self.next_item(&mut out);
        }
        out
    }

    /// One catalog item: a configurable with its children, or a simple gear product. Near
    /// the end an apparel item shrinks, or becomes gear, so the total comes out exact.
    fn next_item(&mut self, out: &mut Vec<NewProduct>) {
        let before = out.len();
        let plan = self.plan;
        if chance(&mut self.rng, APPAREL_PERCENT) && self.remaining >= MIN_CONFIGURABLE_ROWS {
            let index = *pick(&mut self.rng, &self.apparel);
            let family = &plan.families[index];
            let variants = self.variants(family);
            self.configurable(index, variants, out);
        } else {
            let index = *pick(&mut self.rng, &self.gear);
            self.simple(index, out);
        }
        self.remaining -= out.len() - before;
    }

    /// 2–4 colors and the family's sizes (tops: all of them, bottoms: a run of 3 or more),
    /// trimmed to fit the rows left.
    fn variants(&mut self, family: &'p FamilyPlan) -> Variants<'p> {
        let plan = self.plan;
        let color_count = self.rng.random_range(2..=4);
        let colors = pick_distinct(&mut self.rng, &plan.colors, color_count);
        let all_sizes: Vec<_> = family.sizes.iter().collect();
        let sizes = if family.family.set == "Bottom" {
            let len = self.rng.random_range(3..=all_sizes.len());
            let start = self.rng.random_range(0..=all_sizes.len() - len);
            all_sizes[start..start + len].to_vec()
        } else {
            all_sizes
        };
        let mut v = Variants { colors, sizes };
        while v.rows() > self.remaining && v.colors.len() > 1 {
            v.colors.pop();
        }
        while v.rows() > self.remaining {
            v.sizes.pop();
        }
        v
    }

    fn configurable(&mut self, index: usize, variants: Variants<'p>, out: &mut Vec<NewProduct>) {
        let plan = self.plan;
        let family = &plan.families[index];
        let base = self.base(index);
        let mut child_skus = Vec::with_capacity(variants.rows() - 1);
        for (size, size_id) in &variants.sizes {
            for (color, color_id) in &variants.colors {
                let child = self.child(family, &base, (size, size_id.as_str()), (color, color_id.as_str()));
                child_skus.push(child.sku.clone());
                out.push(child);
            }
        }
        self.counts.simple += child_skus.len();
        self.counts.configurable += 1;
        out.push(self.parent(family, base, child_skus));
    }

    fn parent(&mut self, family: &FamilyPlan, base: Base, children: Vec<String>) -> NewProduct {
        let plan = self.plan;
        let mut p = NewProduct::simple(base.sku.clone(), base.name.clone(), base.price);
        p.type_id = "configurable".into();
        p.attribute_set_id = family.set_id;
        p.visibility = VISIBILITY_BOTH;
        p.categories = base.categories.clone();
        p.stock = Some(Stock { qty: Decimal::ZERO, is_in_stock: true, manage_stock: true });
        p.super_attributes = vec![(plan.color_attribute, "Color".into()), (plan.size_attribute, "Size".into())];
        p.children = children;
        let activity = self.multi(&plan.activities, 1, 3);
        let pattern = pick(&mut self.rng, &plan.patterns).1.clone();
        let climate = self.multi(&plan.climates, 1, 2);
        p.attributes = own_attributes(&base);
        p.attributes.extend([
            ("activity".to_owned(), activity),
            ("pattern".to_owned(), pattern),
            ("climate".to_owned(), climate),
            ("eco_collection".to_owned(), flag(base.eco)),
        ]);
        p
    }

    /// `<parent>-<size>-<color>`, not visible on its own, in the parent's leaf category.
    fn child(&mut self, family: &FamilyPlan, base: &Base, size: (&str, &str), color: (&str, &str)) -> NewProduct {
        let sku = format!("{}-{}-{}", base.sku, size.0, color.0);
        let name = format!("{}-{}-{}", base.name, size.0, color.0);
        let mut p = NewProduct::simple(sku.clone(), name, base.price);
        p.attribute_set_id = family.set_id;
        p.visibility = VISIBILITY_NOT_VISIBLE;
        p.weight = Some(base.weight);
        p.categories = base.categories.iter().take(1).copied().collect();
        p.stock = Some(self.stock());
        p.attributes = vec![
            ("description".to_owned(), base.description.clone()),
            ("short_description".to_owned(), base.short_description.clone()),
            ("url_key".to_owned(), slug(&format!("{} {sku}", base.name))),
            ("material".to_owned(), base.material.clone()),
            ("color".to_owned(), color.1.to_owned()),
            ("size".to_owned(), size.1.to_owned()),
        ];
        p
    }

    fn simple(&mut self, index: usize, out: &mut Vec<NewProduct>) {
        let plan = self.plan;
        let family = &plan.families[index];
        let base = self.base(index);
        let mut p = NewProduct::simple(base.sku.clone(), base.name.clone(), base.price);
        p.attribute_set_id = family.set_id;
        p.weight = Some(base.weight);
        p.categories = base.categories.clone();
        p.stock = Some(self.stock());
        let activity = self.multi(&plan.activities, 1, 2);
        let manufacturer = pick(&mut self.rng, &plan.manufacturers).1.clone();
        p.attributes = own_attributes(&base);
        p.attributes.extend([
            ("activity".to_owned(), activity),
            ("manufacturer".to_owned(), manufacturer),
            ("eco_collection".to_owned(), flag(base.eco)),
        ]);
        self.counts.simple += 1;
        out.push(p);
    }

    /// SKU, name, price, copy and categories of a new item of family `index`.
    fn base(&mut self, index: usize) -> Base {
        let plan = self.plan;
        let family = &plan.families[index];
        let def = family.family;
        self.serials[index] += 1;
        let sku = format!("{}{:02}", def.prefix, self.serials[index]);
        let noun = *pick(&mut self.rng, def.nouns);
        let given = *pick(&mut self.rng, words::PRODUCT_NAMES);
        let name = match chance(&mut self.rng, 75) {
            true => format!("{given} {} {noun}", pick(&mut self.rng, def.modifiers)),
            false => format!("{given} {noun}"),
        };
        let price = self.price(def.dollars);
        let weight = Decimal::new(self.rng.random_range(def.weight.0..=def.weight.1), 2);
        let material_count = self.rng.random_range(1..=2);
        let materials = pick_distinct(&mut self.rng, &family.materials, material_count);
        let activity = pick(&mut self.rng, words::ACTIVITIES);
        let subject = Subject { name: &name, noun, material: materials[0].0, activity, apparel: def.is_apparel() };
        let description = text::description(&mut self.rng, &subject);
        let short_description = text::short_description(&subject);
        let (categories, eco) = self.categories(family);
        Base {
            sku,
            name,
            noun,
            price,
            weight,
            material: ids(&materials),
            description,
            short_description,
            categories,
            eco,
        }
    }

    /// The leaf and its ancestors (nearest first), sometimes a collection too, at most 3.
    fn categories(&mut self, family: &FamilyPlan) -> (Vec<(i64, i64)>, bool) {
        let mut ids: Vec<i64> = family.categories.clone();
        let mut eco = false;
        if chance(&mut self.rng, 20) {
            let collection = pick(&mut self.rng, &self.plan.collections);
            ids.insert(1.min(ids.len()), collection.id);
            eco = collection.eco;
        }
        ids.truncate(3);
        (ids.into_iter().map(|id| (id, 0)).collect(), eco)
    }

    /// Whole dollars plus Luma-like cents (.00, .50, .95, .99).
    fn price(&mut self, dollars: (i64, i64)) -> Decimal {
        let whole = self.rng.random_range(dollars.0..=dollars.1);
        let cents = *pick(&mut self.rng, &[0, 0, 0, 50, 95, 99]);
        Decimal::new(whole * 100 + cents, 2)
    }

    /// Quantity 0–500; about one in twelve is sold out.
    fn stock(&mut self) -> Stock {
        let qty = if chance(&mut self.rng, 8) { 0 } else { self.rng.random_range(1..=500) };
        Stock { qty: Decimal::from(qty), is_in_stock: qty > 0, manage_stock: true }
    }

    /// A multiselect value: `min..=max` distinct option ids, comma-separated.
    fn multi(&mut self, choices: &Choices, min: usize, max: usize) -> String {
        let count = self.rng.random_range(min..=max);
        ids(&pick_distinct(&mut self.rng, choices, count))
    }
}

/// Attributes every parent and standalone product carries.
fn own_attributes(base: &Base) -> Vec<(String, String)> {
    vec![
        ("description".to_owned(), base.description.clone()),
        ("short_description".to_owned(), base.short_description.clone()),
        ("url_key".to_owned(), slug(&format!("{} {}", base.name, base.sku))),
        ("material".to_owned(), base.material.clone()),
        ("meta_title".to_owned(), base.name.clone()),
        ("meta_keyword".to_owned(), format!("{}, {}", base.name, base.noun.to_lowercase())),
    ]
}

fn ids(chosen: &[&(&'static str, String)]) -> String {
    chosen.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>().join(",")
}

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::products::STATUS_ENABLED;
    use crate::seed::catalog::{Collection, FamilyPlan};
    use crate::seed::families::FAMILIES;
    use std::collections::HashSet;

    /// A plan with made-up ids, as `catalog::prepare` would answer on a fresh tenant.
    fn plan() -> Plan {
        let mut next = 100;
        let mut choices = |labels: &[&'static str]| -> Choices {
            labels
                .iter()
                .map(|l| {
                    next += 1;
                    (*l, next.to_string())
                })
                .collect()
        };
        let families = FAMILIES
            .iter()
            .enumerate()
            .map(|(i, family)| FamilyPlan {
                family,
                set_id: 9,
                categories: vec![10 + i as i64, 3, 4],
                sizes: choices(family.sizes),
                materials: choices(family.materials),
            })
            .collect();
        Plan {
            color_attribute: 93,
            size_attribute: 94,
            colors: choices(words::COLORS),
            activities: choices(words::ACTIVITIES),
            patterns: choices(words::PATTERNS),
            climates: choices(words::CLIMATES),
            manufacturers: choices(words::MANUFACTURERS),
            families,
            collections: vec![Collection { id: 50, eco: true }, Collection { id: 51, eco: false }],
            categories: 30,
        }
    }

    fn all(plan: &Plan, seed: u64, total: usize, chunk: usize) -> Vec<Vec<NewProduct>> {
        let mut g = Generator::new(plan, seed, total);
        std::iter::from_fn(|| Some(g.next_chunk(chunk)).filter(|c| !c.is_empty())).collect()
    }

    #[test]
    fn exact_totals_for_any_size() {
        let plan = plan();
        for total in [0, 1, 2, 3, 4, 17, 100, 999, 1234, 2001] {
            let mut g = Generator::new(&plan, 42, total);
            let mut n = 0;
            loop {
                let chunk = g.next_chunk(500);
                if chunk.is_empty() {
                    break;
                }
                n += chunk.len();
            }
            assert_eq!(n, total);
            assert_eq!(g.counts.configurable + g.counts.simple, total);
        }
    }

    #[test]
    fn children_precede_parents_in_the_same_chunk_and_skus_are_unique() {
        let plan = plan();
        let mut skus = HashSet::new();
        let mut url_keys = HashSet::new();
        for chunk in all(&plan, 7, 5000, 700) {
            let mut seen = HashSet::new();
            for p in &chunk {
                for c in &p.children {
                    assert!(seen.contains(c), "{} needs {c} earlier in its chunk", p.sku);
                }
                seen.insert(p.sku.clone());
                assert!(skus.insert(p.sku.clone()), "duplicate SKU {}", p.sku);
                let url_key = p.attributes.iter().find(|(k, _)| k == "url_key").map(|(_, v)| v.clone()).unwrap();
                assert!(url_keys.insert(url_key.clone()), "duplicate url_key {url_key}");
                assert!((1..=3).contains(&p.categories.len()), "{}: {:?}", p.sku, p.categories);
            }
        }
        assert_eq!(skus.len(), 5000);
    }

    #[test]
    fn output_depends_only_on_the_seed() {
        let plan = plan();
        let flat = |seed, chunk| all(&plan, seed, 800, chunk).concat();
        assert_eq!(flat(3, 100), flat(3, 2000), "chunking must not change the products");
        assert_ne!(flat(3, 100), flat(4, 100));
    }

    #[test]
    fn children_are_named_after_parent_size_and_color() {
        let plan = plan();
        let products = all(&plan, 11, 300, 300).concat();
        let parent = products.iter().find(|p| p.type_id == "configurable").expect("a configurable");
        assert!(parent.children.len() >= 2);
        let child = products.iter().find(|p| p.sku == parent.children[0]).unwrap();
        assert!(child.sku.starts_with(&format!("{}-", parent.sku)));
        assert!(child.name.starts_with(&format!("{}-", parent.name)));
        assert_eq!(child.visibility, VISIBILITY_NOT_VISIBLE);
        assert!(
            child.attributes.iter().any(|(k, _)| k == "color") && child.attributes.iter().any(|(k, _)| k == "size")
        );
        assert_eq!(parent.status, STATUS_ENABLED);
    }
}
