//! Placeholder: filled in by the cms work.
