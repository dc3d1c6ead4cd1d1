//! Placeholder: filled in by the customers work.
