//! Progress reporting for long jobs (demo generation, imports), so the domain can report
//! without knowing about terminals. The binary implements it with a progress bar.

pub trait Progress: Send + Sync {
    /// Announces a phase of `total` steps.
    fn start(&self, phase: &str, total: u64);
    fn advance(&self, steps: u64);
    fn finish(&self);
}

/// Reports nothing (tests, non-interactive callers).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
