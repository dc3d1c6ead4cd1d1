use thiserror::Error;

/// A storage failure. Callers match on the first variants; the rest become a 500 or 503.
#[derive(Debug, Error)]
pub enum DbError {
    #[error("no rows returned")]
    NoRows,
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    #[error("foreign key constraint violated: {0}")]
    ForeignKeyViolation(String),
    /// Too many writers waiting, or the write connection stayed busy too long.
    #[error("database overloaded: {0}")]
    Overloaded(String),
    /// A write transaction held the SQLite writer past its deadline and was rolled back.
    #[error("database timeout: {0}")]
    Timeout(String),
    /// The database cannot be reached (PostgreSQL down, file unreadable).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk is full or the database is read-only.
    #[error("database cannot be written: {0}")]
    ReadOnly(String),
    #[error("cannot decode value: {0}")]
    Decode(String),
    #[error("cannot encode value: {0}")]
    Encode(String),
    /// A job's commit guard changed no row (its lease was lost): nothing was committed.
    #[error("the transaction's commit guard refused it")]
    GuardRefused,
    #[error("database error: {0}")]
    Other(String),
}

impl DbError {
    pub(crate) fn in_column(self, column: &str) -> DbError {
        match self {
            DbError::Decode(m) => DbError::Decode(format!("column {column}: {m}")),
            other => other,
        }
    }
}
