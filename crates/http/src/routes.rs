//! The route table, built from the registry and nothing else: one matcher per surface and
//! method. A path that exists under another method answers 405.

use matchit::Router;
use std::collections::HashMap;
use storegate_api::{ErasedOp, Method, Surface};

pub struct RouteTable {
    by_method: HashMap<(Surface, Method), Router<Routed>>,
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
        let mut by_method: HashMap<(Surface, Method), Router<Routed>> = HashMap::new();
        for (index, op) in ops.iter().enumerate() {
            let s = op.spec();
            by_method
                .entry((s.surface, s.method))
                .or_default()
                .insert(s.path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(s.path), Routed { op: *op, index })
                .map_err(|e| format!("{} {} ({}): {e}", s.method.as_str(), s.path, s.id))?;
        }
        Ok(RouteTable { by_method, count: ops.len() })
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
