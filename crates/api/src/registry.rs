//! The list of operations, one explicit list per area. Adding an endpoint means adding its
//! `Operation` impl in `ops/<area>.rs` and one line in that area's `OPERATIONS`; routing,
//! permissions, OpenAPI and audit follow from it.

use crate::operation::ErasedOp;
use crate::ops;
use std::sync::OnceLock;

/// Every area, in the order their operations appear in the OpenAPI document.
const AREAS: &[&[&dyn ErasedOp]] = &[
    ops::system::OPERATIONS,
    ops::auth::OPERATIONS,
    ops::oauth::OPERATIONS,
    ops::store::OPERATIONS,
    ops::directory::OPERATIONS,
    ops::catalog::OPERATIONS,
    ops::attributes::OPERATIONS,
    ops::stock::OPERATIONS,
    ops::inventory::OPERATIONS,
    ops::categories::OPERATIONS,
    ops::customers::OPERATIONS,
    ops::cms::OPERATIONS,
    ops::pricing::OPERATIONS,
    ops::carts::OPERATIONS,
    ops::orders::OPERATIONS,
    ops::order_actions::OPERATIONS,
    ops::invoices::OPERATIONS,
    ops::shipments::OPERATIONS,
    ops::creditmemos::OPERATIONS,
    ops::bulk::OPERATIONS,
    ops::platform::OPERATIONS,
];

pub fn operations() -> &'static [&'static dyn ErasedOp] {
    static ALL: OnceLock<Vec<&'static dyn ErasedOp>> = OnceLock::new();
    ALL.get_or_init(|| AREAS.iter().flat_map(|area| area.iter().copied()).collect())
}

pub fn find(id: &str) -> Option<&'static dyn ErasedOp> {
    operations().iter().copied().find(|op| op.spec().id == id)
}
