//! storegate's business rules, one module per bounded context, over the storage executor.
//!
//! Architecture invariant: nothing here knows about HTTP, MCP or any wire format. Functions
//! take a [`TenantId`](storegate_types::TenantId) and every statement is scoped by it, so
//! a caller holding one tenant's credentials can never reach another tenant's rows.

pub mod access;
pub mod admin;
pub mod audit;
pub mod bulk;
pub mod catalog;
pub mod clock;
pub mod cms;
pub mod crypto;
pub mod customer;
pub mod directory;
pub mod ids;
pub mod import;
pub mod integration;
pub mod inventory;
pub mod oauth;
pub mod password;
pub mod pricing;
pub mod progress;
pub mod quote;
pub mod sales;
pub mod search;
pub mod seed;
pub mod store;
pub mod tenancy;
pub mod tokens;

use storegate_db::DbError;
use storegate_types::{ApiError, ErrorCode};

/// Maps a storage failure to the error the caller sees. Constraint violations that a
/// caller can cause are handled where they occur; reaching this with one is a bug.
pub fn storage(e: DbError) -> ApiError {
    match e {
        DbError::Overloaded(m) => ApiError::new(ErrorCode::Overloaded).with_internal(m),
        DbError::Timeout(m) => ApiError::new(ErrorCode::Timeout).with_internal(m),
        DbError::Unavailable(m) => ApiError::new(ErrorCode::StorageUnavailable).with_internal(m),
        DbError::ReadOnly(m) => ApiError::new(ErrorCode::StorageNotWritable).with_internal(m),
        other => ApiError::internal(other.to_string()),
    }
}

/// `.storage()?` on any storage result.
pub trait StorageResult<T> {
    fn storage(self) -> Result<T, ApiError>;
}

impl<T> StorageResult<T> for Result<T, DbError> {
    fn storage(self) -> Result<T, ApiError> {
        self.map_err(storage)
    }
}
