//! Product attribute and attribute set shapes.
