//! Product attributes and attribute sets (`/V1/products/attributes…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
