//! Categories (`/V1/categories…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
