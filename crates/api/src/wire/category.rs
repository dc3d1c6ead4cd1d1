//! Category and category tree shapes.
