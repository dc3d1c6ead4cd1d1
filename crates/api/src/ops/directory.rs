//! Countries and currency (`/V1/directory/…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
