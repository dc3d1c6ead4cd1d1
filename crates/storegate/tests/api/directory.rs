//! Placeholder: filled in by the directory work.
