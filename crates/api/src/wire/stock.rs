//! Legacy stock item and stock status shapes.
