//! Read caches in front of the database, each entry valid only for the database change
//! epoch it was computed in (`storegate_db::changes`): any commit, from this process or
//! another, retires every entry, so a cache can never serve stale data. Read-mostly traffic
//! keeps its entries; while the epoch is unknown (PostgreSQL listener down) nothing caches.
//!
//! Callers must read the epoch *before* reading the data they cache.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

pub struct EpochCache<K, V> {
    state: RwLock<State<K, V>>,
    max_entries: usize,
    max_weight: usize,
}

struct State<K, V> {
    epoch: Option<u64>,
    entries: HashMap<K, V>,
    weight: usize,
}

impl<K: Eq + Hash, V: Clone> EpochCache<K, V> {
    /// A cache of at most `max_entries` entries whose weights sum to at most `max_weight`;
    /// when full it starts over, which is cheap and good enough for hot sets that fit.
    pub fn new(max_entries: usize, max_weight: usize) -> Self {
        EpochCache {
            state: RwLock::new(State { epoch: None, entries: HashMap::new(), weight: 0 }),
            max_entries,
            max_weight,
        }
    }

    pub fn get(&self, epoch: Option<u64>, key: &K) -> Option<V> {
        let epoch = epoch?;
        let state = self.state.read().ok()?;
        if state.epoch != Some(epoch) {
            return None;
        }
        state.entries.get(key).cloned()
    }

    pub fn put(&self, epoch: Option<u64>, key: K, value: V, weight: usize) {
        let Some(epoch) = epoch else { return };
        let Ok(mut state) = self.state.write() else { return };
        let full = state.entries.len() >= self.max_entries || state.weight + weight > self.max_weight;
        if state.epoch != Some(epoch) || full {
            state.entries.clear();
            state.weight = 0;
            state.epoch = Some(epoch);
        }
        if weight <= self.max_weight {
            state.weight += weight;
            state.entries.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EpochCache;

    #[test]
    fn entries_live_only_in_their_epoch() {
        let c: EpochCache<&str, i32> = EpochCache::new(2, 100);
        c.put(Some(1), "a", 1, 1);
        assert_eq!(c.get(Some(1), &"a"), Some(1));
        assert_eq!(c.get(Some(2), &"a"), None, "a new epoch retires everything");
        assert_eq!(c.get(None, &"a"), None, "an unknown epoch caches nothing");
        c.put(Some(2), "b", 2, 1);
        assert_eq!(c.get(Some(1), &"a"), None);
        c.put(Some(2), "c", 3, 1);
        c.put(Some(2), "d", 4, 1);
        assert_eq!(c.get(Some(2), &"b"), None, "full: starts over");
        assert_eq!(c.get(Some(2), &"d"), Some(4));
        c.put(None, "e", 5, 1);
        assert_eq!(c.get(Some(2), &"e"), None);
    }
}
