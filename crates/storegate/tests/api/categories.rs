//! Placeholder: filled in by the categories work.
