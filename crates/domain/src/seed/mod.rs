//! The deterministic demo store generator.
