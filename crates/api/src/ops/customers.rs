//! Customers, addresses and customer groups (`/V1/customers…`, `/V1/customerGroups…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
