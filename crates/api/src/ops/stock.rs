//! Legacy single-source stock (`/V1/stockItems…`, `/V1/stockStatuses…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
