//! Latency percentiles of a run, as every scenario reports them.

/// Nearest-rank percentile `p` (0–1) of `sorted` microsecond samples, in milliseconds; 0
/// for no samples.
pub fn percentile_ms<T: Copy + Into<u64>>(sorted: &[T], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].into() as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::percentile_ms;

    #[test]
    fn nearest_rank_in_milliseconds() {
        let samples: Vec<u64> = (1..=100).map(|n| n * 1000).collect();
        assert_eq!(percentile_ms(&samples, 0.5), 50.0);
        assert_eq!(percentile_ms(&samples, 0.99), 99.0);
        assert_eq!(percentile_ms(&samples, 1.0), 100.0);
        assert_eq!(percentile_ms::<u64>(&[], 0.5), 0.0);
    }
}
