//! CMS pages and blocks (`/V1/cmsPage…`, `/V1/cmsBlock…`).

use crate::operation::ErasedOp;

pub static OPERATIONS: &[&dyn ErasedOp] = crate::register![];
