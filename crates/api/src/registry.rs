//! The one list of operations. Adding an endpoint means adding its `Operation` impl in
//! `ops/` and one line here; routing, permissions, OpenAPI and audit follow from it.

use crate::operation::ErasedOp;
use crate::ops::{auth, catalog, store, system};
use crate::register;

static OPERATIONS: &[&dyn ErasedOp] = register![
    system::Health,
    system::Ready,
    system::Metrics,
    system::OpenApi,
    auth::CreateAdminToken,
    store::ListStoreViews,
    store::ListWebsites,
    store::ListStoreGroups,
    store::ListStoreConfigs,
    catalog::ListProductTypes,
    catalog::GetProduct,
    catalog::DeleteProduct,
];

pub fn operations() -> &'static [&'static dyn ErasedOp] {
    OPERATIONS
}

pub fn find(id: &str) -> Option<&'static dyn ErasedOp> {
    OPERATIONS.iter().copied().find(|op| op.spec().id == id)
}
