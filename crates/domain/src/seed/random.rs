//! Small sampling helpers over [`ChaCha8Rng`]. Written out here instead of using `rand`'s
//! slice helpers so the exact sequence of draws is ours and stays stable.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Separate ChaCha streams per part of the store, so that asking for more customers never
/// changes the products (and the other way round).
#[derive(Debug, Clone, Copy)]
pub(super) enum Stream {
    Products = 1,
    Customers = 2,
    Orders = 3,
}

pub(super) fn rng(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// One element, uniformly. The demo's lists are static and never empty.
pub(super) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// `k` distinct elements (fewer if the list is shorter), kept in list order so sizes and
/// colors read naturally (S before M, Black before Blue).
pub(super) fn pick_distinct<'a, T>(rng: &mut impl Rng, items: &'a [T], k: usize) -> Vec<&'a T> {
    let k = k.min(items.len());
    let mut order: Vec<usize> = (0..items.len()).collect();
    for i in 0..k {
        let j = rng.random_range(i..order.len());
        order.swap(i, j);
    }
    order.truncate(k);
    order.sort_unstable();
    order.into_iter().map(|i| &items[i]).collect()
}

/// `true` with probability `percent`/100, in integer arithmetic.
pub(super) fn chance(rng: &mut impl Rng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let draw = |seed, stream| {
            let mut r = rng(seed, stream);
            (0..8).map(|_| r.random_range(0..1000u32)).collect::<Vec<_>>()
        };
        assert_eq!(draw(42, Stream::Products), draw(42, Stream::Products));
        assert_ne!(draw(42, Stream::Products), draw(42, Stream::Customers));
        assert_ne!(draw(42, Stream::Products), draw(43, Stream::Products));
    }

    #[test]
    fn pick_distinct_keeps_order_and_uniqueness() {
        let mut r = rng(1, Stream::Products);
        let items = ["a", "b", "c", "d", "e"];
        for k in 0..7 {
            let got = pick_distinct(&mut r, &items, k);
            assert_eq!(got.len(), k.min(items.len()));
            assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
        }
    }
}
