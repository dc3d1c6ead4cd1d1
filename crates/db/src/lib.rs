//! One storage executor over two databases: embedded SQLite through rusqlite and PostgreSQL
//! through tokio-postgres. SQL text, parameters and row mapping are written once; the URL's
//! scheme picks the backend.
//!
//! Why two drivers instead of sqlx for both: on the project's machine rusqlite is about 2×
//! faster than sqlx for SQLite point reads and 5× faster for single-row write transactions
//! (../shared/reference/perf-anchors.md), and tokio-postgres binds by the server's inferred
//! parameter types, which lets one dynamic `Value` type serve both backends.
//!
//! SQL is written with `$1, $2, …` placeholders (rewritten to `?1, ?2, …` for SQLite).
//! Dialect forks live in [`dialect`], each with a comment.

pub mod changes;
mod error;
pub mod guard;
pub mod migrate;
mod pg_tls;
mod postgres;
pub mod schema;
mod sqlite;
pub mod testing;
mod value;

use std::borrow::Cow;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

pub use error::DbError;
pub use value::{DECIMAL_SCALE, FromValue, Row, Value, decimal_to_micros, micros_to_decimal};

/// Inserts many rows with multi-row `INSERT … VALUES (…), (…)` statements, chunked under
/// both databases' bound-parameter limits. One round trip per chunk instead of per row is
/// what makes bulk loads fast on PostgreSQL. `table` and `columns` must be trusted text.
pub async fn insert_rows(
    ex: &mut impl Exec,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<u64, DbError> {
    const MAX_PARAMS: usize = 30_000;
    let width = columns.len();
    let per_chunk = (MAX_PARAMS / width.max(1)).clamp(1, 1000);
    let mut inserted = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_chunk).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut q = Vec::with_capacity(chunk.len() * width);
        for (i, row) in chunk.into_iter().enumerate() {
            if row.len() != width {
                return Err(DbError::Encode(format!("row for {table} has {} values, expected {width}", row.len())));
            }
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..width {
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(q.len() + j + 1).to_string());
            }
            sql.push(')');
            q.extend(row);
        }
        inserted += ex.execute(Query { sql: sql.into(), params: q }).await?;
    }
    Ok(inserted)
}

/// How much of the database [`Db::refresh_statistics`] looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistics {
    Full,
    Incremental,
}

/// Statements slower than this are logged (their text, never their parameters).
const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_millis(100);

pub(crate) fn warn_if_slow(sql: &str, started: std::time::Instant) {
    let elapsed = started.elapsed();
    if elapsed >= SLOW_STATEMENT {
        let text: String = sql.chars().take(400).collect();
        tracing::warn!(ms = elapsed.as_millis() as u64, sql = %text, "slow statement");
    }
}

/// Hides the password of a database URL, for messages and `Debug` output.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &creds[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A statement and its bound parameters.
#[derive(Debug, Clone)]
pub struct Query {
    pub(crate) sql: Cow<'static, str>,
    pub(crate) params: Vec<Value>,
}

impl Query {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Self {
        Query { sql: sql.into(), params: Vec::new() }
    }

    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.params.push(value.into());
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }
}

/// Builds a [`Query`]: `sql!("SELECT name FROM t WHERE id = $1", id)`.
#[macro_export]
macro_rules! sql {
    ($text:expr $(, $param:expr)* $(,)?) => {
        $crate::Query::new($text)$(.bind($param))*
    };
}

/// Where the SQLite database lives and how it behaves.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub path: PathBuf,
    /// Pooled read connections.
    pub readers: usize,
    /// `synchronous=FULL` instead of `NORMAL`: every commit survives an OS crash, at about
    /// a fifth of the write throughput.
    pub full_sync: bool,
    pub busy_timeout: Duration,
    /// Writers allowed to wait for the single write connection; more get `Overloaded`.
    pub max_waiting_writers: usize,
    /// How long a writer waits for the write connection before giving up.
    pub write_wait: Duration,
    /// How long one write transaction may hold the write connection before it is refused
    /// and rolled back (`None`: unbounded, for migrations and imports).
    pub write_deadline: Option<Duration>,
}

impl SqliteOptions {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SqliteOptions {
            path: path.into(),
            readers: 4,
            full_sync: false,
            busy_timeout: Duration::from_secs(5),
            max_waiting_writers: 256,
            write_wait: Duration::from_secs(10),
            write_deadline: None,
        }
    }
}

#[derive(Clone)]
pub struct PostgresOptions {
    /// A `postgres://` URL. Never logged: it may carry a password.
    pub url: String,
    pub max_connections: usize,
    pub connect_timeout: Duration,
}

impl std::fmt::Debug for PostgresOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresOptions")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub enum ConnectOptions {
    Sqlite(SqliteOptions),
    Postgres(PostgresOptions),
}

/// Pool figures for `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolStats {
    pub size: usize,
    pub idle: usize,
    pub waiting: usize,
}

/// The database handle. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.backend()).finish()
    }
}

impl Db {
    pub async fn connect(options: &ConnectOptions) -> Result<Db, DbError> {
        let inner = match options {
            ConnectOptions::Sqlite(o) => Inner::Sqlite(sqlite::SqliteDb::open(o.clone()).await?),
            ConnectOptions::Postgres(o) => Inner::Postgres(postgres::PgDb::connect(o)?),
        };
        Ok(Db { inner })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction. On SQLite this takes the single write connection
    /// (`BEGIN IMMEDIATE`), so keep transactions short.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        let inner = match &self.inner {
            Inner::Sqlite(db) => TxInner::Sqlite(db.begin().await?),
            Inner::Postgres(db) => TxInner::Postgres(Box::new(db.begin().await?)),
        };
        Ok(Tx { inner })
    }

    /// Bounds how long each later write transaction may hold SQLite's single writer
    /// (`None`: unbounded). The server sets it once start-up's migrations are done; a
    /// transaction past it is rolled back with [`DbError::Timeout`]. PostgreSQL has no
    /// single writer, and ignores it.
    pub fn set_write_deadline(&self, limit: Option<Duration>) {
        if let Inner::Sqlite(db) = &self.inner {
            db.set_write_deadline(limit);
        }
    }

    /// Borrows one read connection for a run of reads (a product with its attributes,
    /// links and stock), avoiding a pool round trip per statement. Read-only: writes go
    /// through [`Db::begin`].
    pub async fn reader(&self) -> Result<Reader, DbError> {
        let inner = match &self.inner {
            Inner::Sqlite(db) => ReaderInner::Sqlite(db.reader().await?),
            Inner::Postgres(db) => ReaderInner::Postgres(db.reader().await?),
        };
        Ok(Reader { inner })
    }

    /// Checks that the database answers (for `/ready`).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.fetch_all(sql!("SELECT 1")).await.map(|_| ())
    }

    /// Refreshes the query planner's statistics. Without them SQLite picks plans by guesswork
    /// and, on a large catalog, chose a covering scan of a whole table over a two-column index
    /// (a product read went from 0.1 ms to milliseconds). `Full` after a bulk load analyses
    /// everything; `Incremental` (periodic) lets SQLite analyse only tables that have grown.
    /// PostgreSQL's autovacuum keeps statistics on its own, so only `Full` does work there.
    pub async fn refresh_statistics(&self, scope: Statistics) -> Result<(), DbError> {
        let statement = match (self.backend(), scope) {
            (_, Statistics::Full) => "ANALYZE",
            (Backend::Sqlite, Statistics::Incremental) => "PRAGMA optimize",
            (Backend::Postgres, Statistics::Incremental) => return Ok(()),
        };
        self.execute(sql!(statement)).await.map(|_| ())
    }

    /// A value that changes whenever any change may have been committed to the database
    /// since it was last read (see [`changes`]); `None` while that cannot be known, in
    /// which case caches must not be used.
    pub fn change_epoch(&self) -> Option<u64> {
        match &self.inner {
            Inner::Sqlite(db) => db.change_epoch(),
            Inner::Postgres(db) => db.change_epoch(),
        }
    }

    pub fn pool_stats(&self) -> PoolStats {
        match &self.inner {
            Inner::Sqlite(db) => db.stats(),
            Inner::Postgres(db) => db.stats(),
        }
    }
}

/// Something that runs statements: the pool itself or an open transaction. Storage code is
/// written against this trait so that the caller decides what commits together.
pub trait Exec: Send {
    fn fetch_all(&mut self, q: Query) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send;
    /// Runs a statement that returns no rows; answers the number of rows changed.
    fn execute(&mut self, q: Query) -> impl Future<Output = Result<u64, DbError>> + Send;
    fn backend(&self) -> Backend;

    fn fetch_optional(&mut self, q: Query) -> impl Future<Output = Result<Option<Row>, DbError>> + Send {
        async move { Ok(self.fetch_all(q).await?.into_iter().next()) }
    }

    fn fetch_one(&mut self, q: Query) -> impl Future<Output = Result<Row, DbError>> + Send {
        async move { self.fetch_optional(q).await?.ok_or(DbError::NoRows) }
    }

    /// The first column of the first row, converted.
    fn fetch_scalar<T: FromValue + Send>(&mut self, q: Query) -> impl Future<Output = Result<T, DbError>> + Send {
        async move { self.fetch_one(q).await?.at(0) }
    }

    /// The first column of the first row, if there is a row.
    fn fetch_optional_scalar<T: FromValue + Send>(
        &mut self,
        q: Query,
    ) -> impl Future<Output = Result<Option<T>, DbError>> + Send {
        async move { self.fetch_optional(q).await?.map(|r| r.at(0)).transpose() }
    }

    /// Runs a statement that must not wait for the caller's transaction: in a PostgreSQL
    /// transaction it runs on a connection of its own and commits at once, so a hot row it
    /// updates (an id counter) is locked for one statement, not until the caller commits.
    /// What it writes stays even if the caller rolls back. Elsewhere (SQLite's single writer,
    /// outside transactions) it is `fetch_all`. Never use it on a row the caller's
    /// transaction has written: it would wait for that transaction (up to a 5 s lock timeout).
    fn fetch_all_detached(&mut self, q: Query) -> impl Future<Output = Result<Vec<Row>, DbError>> + Send {
        self.fetch_all(q)
    }

    /// The first column of every row, converted.
    fn fetch_column<T: FromValue + Send>(&mut self, q: Query) -> impl Future<Output = Result<Vec<T>, DbError>> + Send {
        async move { self.fetch_all(q).await?.iter().map(|r| r.at(0)).collect() }
    }
}

impl Exec for Db {
    async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        match &self.inner {
            Inner::Sqlite(db) => db.fetch_all(q).await,
            Inner::Postgres(db) => db.fetch_all(q).await,
        }
    }

    async fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        match &self.inner {
            Inner::Sqlite(db) => db.execute(q).await,
            Inner::Postgres(db) => db.execute(q).await,
        }
    }

    fn backend(&self) -> Backend {
        Db::backend(self)
    }
}

impl Db {
    /// Convenience for reads outside a transaction without a `mut` binding.
    pub async fn fetch_all(&self, q: Query) -> Result<Vec<Row>, DbError> {
        self.clone().fetch_all_owned(q).await
    }

    pub async fn fetch_optional(&self, q: Query) -> Result<Option<Row>, DbError> {
        Ok(self.fetch_all(q).await?.into_iter().next())
    }

    pub async fn execute(&self, q: Query) -> Result<u64, DbError> {
        let mut db = self.clone();
        Exec::execute(&mut db, q).await
    }

    async fn fetch_all_owned(mut self, q: Query) -> Result<Vec<Row>, DbError> {
        Exec::fetch_all(&mut self, q).await
    }
}

/// A read connection on loan; see [`Db::reader`].
pub struct Reader {
    inner: ReaderInner,
}

enum ReaderInner {
    Sqlite(sqlite::SqliteReader),
    Postgres(postgres::PgReader),
}

impl Exec for Reader {
    async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            ReaderInner::Sqlite(r) => r.fetch_all(q),
            ReaderInner::Postgres(r) => r.fetch_all(q).await,
        }
    }

    async fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        Err(DbError::Other(format!("a reader cannot write: {}", q.sql)))
    }

    fn backend(&self) -> Backend {
        match self.inner {
            ReaderInner::Sqlite(_) => Backend::Sqlite,
            ReaderInner::Postgres(_) => Backend::Postgres,
        }
    }
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls it back.
pub struct Tx {
    inner: TxInner,
}

// Boxed: the SQLite transaction is a small guard, the PostgreSQL one a whole pooled client.
enum TxInner {
    Sqlite(sqlite::SqliteTx),
    Postgres(Box<postgres::PgTx>),
}

impl Tx {
    pub async fn commit(mut self) -> Result<(), DbError> {
        match guard::before_commit() {
            guard::BeforeCommit::Nothing => {}
            guard::BeforeCommit::Refuse => return Err(self.refuse().await),
            guard::BeforeCommit::Run(q) => match self.execute(q).await {
                Ok(0) => {
                    guard::refused();
                    return Err(self.refuse().await);
                }
                Ok(_) => {}
                Err(e) => {
                    guard::refused();
                    let _ = self.rollback().await;
                    return Err(e);
                }
            },
        }
        let journal = guard::journal_entry();
        if let Some(entry) = &journal
            && let Err(e) = self.execute(entry.clone()).await
        {
            // A write whose audit row cannot be journaled is not committed.
            guard::restore_journal_entry(entry.clone());
            let _ = self.rollback().await;
            return Err(e);
        }
        let committed = match self.inner {
            TxInner::Sqlite(tx) => tx.commit(),
            TxInner::Postgres(tx) => tx.commit().await,
        };
        if let (Err(_), Some(entry)) = (&committed, journal) {
            guard::restore_journal_entry(entry);
        }
        committed
    }

    async fn refuse(self) -> DbError {
        let _ = self.rollback().await;
        DbError::GuardRefused
    }

    pub async fn rollback(self) -> Result<(), DbError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.rollback(),
            TxInner::Postgres(tx) => tx.rollback().await,
        }
    }

    /// Serialises this transaction with every other one taking the same key, until commit.
    /// SQLite needs nothing: `BEGIN IMMEDIATE` already holds the database's one write lock.
    pub async fn lock(&mut self, key: i64) -> Result<(), DbError> {
        match &mut self.inner {
            TxInner::Sqlite(_) => Ok(()),
            TxInner::Postgres(tx) => tx.execute(sql!("SELECT pg_advisory_xact_lock($1)", key)).await.map(|_| ()),
        }
    }

    /// Runs a script of several statements without parameters (migrations).
    pub(crate) async fn execute_script(&mut self, script: &str) -> Result<(), DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => tx.execute_script(script),
            TxInner::Postgres(tx) => tx.execute_script(script).await,
        }
    }
}

impl Exec for Tx {
    async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => tx.fetch_all(q),
            TxInner::Postgres(tx) => tx.fetch_all(q).await,
        }
    }

    async fn fetch_all_detached(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => tx.fetch_all(q),
            TxInner::Postgres(tx) => tx.fetch_all_detached(q).await,
        }
    }

    async fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => tx.execute(q),
            TxInner::Postgres(tx) => tx.execute(q).await,
        }
    }

    fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The places where SQLite and PostgreSQL need different SQL. Each fork says why.
pub mod dialect {
    use crate::Backend;

    /// A text column read as a number, NULL where the text is not one. SQLite's CAST never
    /// fails; PostgreSQL's does, so it checks the shape first.
    pub fn number_or_null(backend: Backend, expr: &str) -> String {
        match backend {
            Backend::Sqlite => format!("CAST({expr} AS REAL)"),
            Backend::Postgres => {
                format!("(CASE WHEN {expr} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN CAST({expr} AS DOUBLE PRECISION) END)")
            }
        }
    }

    /// Case-insensitive pattern match. SQLite's `LIKE` already ignores ASCII case (as
    /// MySQL's default collation does for Magento); PostgreSQL's `LIKE` does not.
    pub fn ilike(backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }
}
