//! What a token or a member may do. The vocabulary (resources, levels, grants, roles) lives
//! in `storegate_types::scopes`, so that principals and the one permission decision can name
//! it; re-exported here, where the platform's domain uses it.

pub use storegate_types::scopes::*;
