//! The platform API's domain (`/api/v1`, no HTTP here): accounts, the stores they are members
//! of, personal access tokens scoped to stores and resources, and Idempotency-Key records.
//!
//! Every function takes an executor (or the [`Db`](storegate_db::Db) where it must commit in
//! steps of its own), typed ids and inputs, and answers `Result<_, ApiError>`; nothing reads a
//! clock behind the caller's back where expiry matters: such functions take `now`.
//!
//! Writes take a transaction (`Tx`): on SQLite the `Db` handle reads through read-only
//! connections, so a write that reads back (`INSERT … RETURNING`) needs one. The exceptions
//! take the `Db` on purpose: `idempotency::begin`/`finish` (their record must be visible to
//! concurrent retries at once), `pats::authenticate` (reads, and records the last use in a
//! statement of its own), `accounts::sign_in`, `stores::create_embedded` and
//! `stores::ensure_default` (they commit in steps of their own).

pub mod accounts;
pub mod idempotency;
pub mod members;
pub mod pats;
pub mod scopes;
pub mod stores;
pub mod tokens;

use storegate_types::ApiError;
use time::OffsetDateTime;

pub use scopes::{Grants, Level, Resource, Role};

/// Whether a store or token touches real data (`live`) or a sandbox (`test`). A token of
/// one mode never reaches a store of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Live,
    Test,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "live" => Some(Mode::Live),
            "test" => Some(Mode::Test),
            _ => None,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A secret shown once (a new token or session). `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Secret {
        Secret(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Stored time text (`YYYY-MM-DD HH:MM:SS` UTC), as the rest of storegate stores it.
pub(crate) fn at(t: OffsetDateTime) -> String {
    storegate_domain::clock::format(t)
}

pub(crate) fn invalid(field: &str, value: impl Into<serde_json::Value>, why: impl Into<String>) -> ApiError {
    ApiError::invalid_value(field, value).with_internal(why.into())
}
