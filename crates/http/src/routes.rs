//! The route table, built from the registry and nothing else: one matcher per surface and
//! method. A path that exists under another method answers 405.

use matchit::Router;
use std::collections::HashMap;
use storegate_api::{ErasedOp, Method, Surface};

pub struct RouteTable {
    by_method: HashMap<(Surface, Method), Router<Routed>>,
    by_id: HashMap<&'static str, Routed>,
    count: usize,
}

/// An operation and its position in the registry (per-operation state is kept by index).
#[derive(Clone, Copy)]
pub struct Routed {
    pub op: &'static dyn ErasedOp,
    pub index: usize,
}

pub enum Lookup {
    Found(Routed, Vec<(String, String)>),
    /// The path exists under these other methods.
    WrongMethod(Vec<Method>),
    NotFound,
}

impl RouteTable {
    pub fn build(ops: &[&'static dyn ErasedOp]) -> Result<RouteTable, String> {
        Self::build_from(ops, |op| Some(op.spec().path.to_owned()))
    }

    /// The routes of `/rest/async/bulk/V1/…`: every queueable write, with each path parameter
    /// replaced by a static `by<Name>` segment (`/V1/products/{sku}` → `/V1/products/bySku`),
    /// since the parameter moves into each element of the array payload.
    pub fn build_bulk(ops: &[&'static dyn ErasedOp]) -> Result<RouteTable, String> {
        Self::build_from(ops, |op| op.spec().queueable().then(|| bulk_path(op.spec().path)))
    }

    fn build_from(
        ops: &[&'static dyn ErasedOp],
        path_of: impl Fn(&'static dyn ErasedOp) -> Option<String>,
    ) -> Result<RouteTable, String> {
        let mut by_method: HashMap<(Surface, Method), Router<Routed>> = HashMap::new();
        let mut by_id = HashMap::new();
        let mut count = 0;
        for (index, op) in ops.iter().enumerate() {
            let s = op.spec();
            by_id.insert(s.id, Routed { op: *op, index });
            let Some(path) = path_of(*op) else { continue };
            let path = path.strip_suffix('/').filter(|p| !p.is_empty()).map(str::to_owned).unwrap_or(path);
            by_method
                .entry((s.surface, s.method))
                .or_default()
                .insert(path, Routed { op: *op, index })
                .map_err(|e| format!("{} {} ({}): {e}", s.method.as_str(), s.path, s.id))?;
            count += 1;
        }
        Ok(RouteTable { by_method, by_id, count })
    }

    /// The operation declared with this id.
    pub fn by_id(&self, id: &str) -> Option<Routed> {
        self.by_id.get(id).copied()
    }

    /// How many routes the table holds; equal to the number of operations.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Matches the raw (still percent-encoded) path; parameters come back raw too. A method
    /// no operation uses (`None`, e.g. PATCH) can only find the path under other methods.
    pub fn lookup(&self, surface: Surface, method: Option<Method>, path: &str) -> Lookup {
        if let Some(router) = method.and_then(|m| self.by_method.get(&(surface, m)))
            && let Ok(m) = router.at(path)
        {
            let params = m.params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            return Lookup::Found(*m.value, params);
        }
        let mut others: Vec<Method> = self
            .by_method
            .iter()
            .filter(|((s, m), router)| *s == surface && Some(*m) != method && router.at(path).is_ok())
            .map(|((_, m), _)| *m)
            .collect();
        others.sort();
        if others.is_empty() { Lookup::NotFound } else { Lookup::WrongMethod(others) }
    }
}

/// `/V1/carts/{cartId}/items` → `/V1/carts/byCartId/items`.
pub fn bulk_path(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let mut chars = name.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
                format!("by{}", first.chain(chars).collect::<String>())
            }
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// How a Magento write is run: now, or queued as one operation (`async`) or one per array
/// element (`async/bulk`) for the workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Now,
    Async,
    Bulk,
}
