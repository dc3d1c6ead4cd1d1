//! The embedded backend: one write connection behind a fair async mutex (SQLite allows one
//! writer at a time anyway) and a small pool of read connections used from blocking threads.

use crate::{DbError, PoolStats, Query, Row, SqliteOptions, Value};
use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub(crate) struct SqliteDb {
    shared: Arc<Shared>,
}

struct Shared {
    options: SqliteOptions,
    writer: Arc<tokio::sync::Mutex<Connection>>,
    /// Bounds the writers queued for `writer`, so overload is answered, not queued forever.
    write_queue: Arc<Semaphore>,
    readers: Mutex<Vec<Connection>>,
    watch: crate::changes::SqliteWatch,
    reader_slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    /// How long one write transaction may hold the writer (`None`: unbounded).
    write_limit: Mutex<Option<Duration>>,
    /// The running write transaction's deadline, read by the writer's progress handler.
    deadline: Arc<WriteDeadline>,
    /// Dropping it (with the last handle to the database) stops the checkpointer thread.
    _checkpointer: std::sync::mpsc::Sender<()>,
}

impl SqliteDb {
    pub(crate) async fn open(options: SqliteOptions) -> Result<SqliteDb, DbError> {
        let opts = options.clone();
        let deadline = Arc::new(WriteDeadline::new());
        let handler_deadline = deadline.clone();
        let (writer, readers, watch, checkpoint) = tokio::task::spawn_blocking(move || -> Result<_, DbError> {
            if let Some(dir) = opts.path.parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Unavailable(format!("cannot create data directory {}: {e}", dir.display()))
                })?;
            }
            let mut writer = open_connection(&opts, true)?;
            writer.progress_handler(PROGRESS_STEPS, Some(deadline_handler(handler_deadline))).map_err(map_err)?;
            let readers =
                (0..opts.readers.max(1)).map(|_| open_connection(&opts, false)).collect::<Result<Vec<_>, _>>()?;
            let watch = open_connection(&opts, false)?;
            // query_only suffices for checkpoints, and skips the writer's start-up analysis.
            let checkpoint = open_connection(&opts, false)?;
            Ok((writer, readers, watch, checkpoint))
        })
        .await
        .map_err(|e| DbError::Other(format!("open task failed: {e}")))??;
        let reader_count = readers.len();
        Ok(SqliteDb {
            shared: Arc::new(Shared {
                write_queue: Arc::new(Semaphore::new(options.max_waiting_writers.max(1))),
                options: options.clone(),
                writer: Arc::new(tokio::sync::Mutex::new(writer)),
                readers: Mutex::new(readers),
                watch: crate::changes::SqliteWatch::new(watch),
                reader_slots: Arc::new(Semaphore::new(reader_count)),
                waiting: AtomicUsize::new(0),
                write_limit: Mutex::new(options.write_deadline),
                deadline,
                _checkpointer: spawn_checkpointer(checkpoint),
            }),
        })
    }

    pub(crate) fn change_epoch(&self) -> Option<u64> {
        self.shared.watch.epoch()
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let idle = self.shared.readers.lock().map(|r| r.len()).unwrap_or(0);
        PoolStats {
            size: self.shared.options.readers.max(1) + 1,
            idle,
            waiting: self.shared.waiting.load(Ordering::Relaxed),
        }
    }

    pub(crate) async fn fetch_all(&self, q: Query) -> Result<Vec<Row>, DbError> {
        self.with_reader(move |conn| run_query(conn, &q)).await
    }

    pub(crate) async fn execute(&self, q: Query) -> Result<u64, DbError> {
        let writer = self.lock_writer().await?;
        blocking(|| run_execute(&writer.conn, &q))
    }

    pub(crate) async fn begin(&self) -> Result<SqliteTx, DbError> {
        let writer = self.lock_writer().await?;
        blocking(|| writer.conn.execute_batch("BEGIN IMMEDIATE").map_err(map_err))?;
        // Armed once the writer is ours: waiting for it is bounded by `write_wait`.
        self.shared.deadline.arm(self.write_deadline());
        Ok(SqliteTx { writer: Some(writer), deadline: self.shared.deadline.clone() })
    }

    fn write_deadline(&self) -> Option<Duration> {
        *self.shared.write_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bounds how long each later write transaction may hold the writer (`None`: unbounded).
    pub(crate) fn set_write_deadline(&self, limit: Option<Duration>) {
        *self.shared.write_limit.lock().unwrap_or_else(|e| e.into_inner()) = limit;
    }

    async fn lock_writer(&self) -> Result<WriterGuard, DbError> {
        let permit = self
            .shared
            .write_queue
            .clone()
            .try_acquire_owned()
            .map_err(|_| DbError::Overloaded("too many writers waiting".into()))?;
        self.shared.waiting.fetch_add(1, Ordering::Relaxed);
        let lock = tokio::time::timeout(self.shared.options.write_wait, self.shared.writer.clone().lock_owned()).await;
        self.shared.waiting.fetch_sub(1, Ordering::Relaxed);
        let conn = lock.map_err(|_| DbError::Overloaded("timed out waiting for the write connection".into()))?;
        Ok(WriterGuard { conn, _permit: permit })
    }

    /// Takes a pooled read connection for several statements in a row; they run on the
    /// calling task like a transaction's, with no thread hop per statement.
    pub(crate) async fn reader(&self) -> Result<SqliteReader, DbError> {
        let permit =
            self.shared.reader_slots.clone().acquire_owned().await.map_err(|_| DbError::Other("pool closed".into()))?;
        let conn = self.shared.readers.lock().map_err(|_| DbError::Other("reader pool poisoned".into()))?.pop();
        let conn = match conn {
            Some(c) => c,
            None => open_connection(&self.shared.options, false)?,
        };
        Ok(SqliteReader { conn: Some(conn), shared: self.shared.clone(), _permit: permit })
    }

    /// Runs `f` on a pooled read connection on a blocking thread.
    async fn with_reader<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let permit =
            self.shared.reader_slots.clone().acquire_owned().await.map_err(|_| DbError::Other("pool closed".into()))?;
        let shared = self.shared.clone();
        let conn = shared.readers.lock().map_err(|_| DbError::Other("reader pool poisoned".into()))?.pop();
        let conn = match conn {
            Some(c) => c,
            None => open_connection(&shared.options, false)?,
        };
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = f(&conn);
            (conn, result)
        })
        .await
        .map_err(|e| DbError::Other(format!("read task failed: {e}")))?;
        if let Ok(mut readers) = shared.readers.lock() {
            readers.push(conn);
        }
        drop(permit);
        result
    }
}

/// A read connection on loan from the pool; returned when dropped.
pub(crate) struct SqliteReader {
    conn: Option<Connection>,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl SqliteReader {
    pub(crate) fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        let conn = self.conn.as_ref().expect("reader is open");
        blocking(|| run_query(conn, &q))
    }
}

impl Drop for SqliteReader {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut readers)) = (self.conn.take(), self.shared.readers.lock()) {
            readers.push(conn);
        }
    }
}

struct WriterGuard {
    conn: OwnedMutexGuard<Connection>,
    _permit: OwnedSemaphorePermit,
}

/// A transaction on the write connection. Statements run inline on the calling task: they
/// take microseconds, and handing the worker thread over (`block_in_place`) per statement
/// cost a fifth of the server's CPU under checkout load in futex and scheduler time. Only
/// `BEGIN` (which may wait on another process's lock) and `COMMIT` (which may write a
/// checkpoint or, with `synchronous=FULL`, fsync) leave the worker thread.
///
/// Its deadline bounds how long it holds the single writer: a statement started after the
/// deadline is refused, one running past it is interrupted (the progress handler), and
/// COMMIT past it rolls back, each with `DbError::Timeout`; the caller's drop then rolls
/// the transaction back, so nothing of it is kept.
pub(crate) struct SqliteTx {
    writer: Option<WriterGuard>,
    deadline: Arc<WriteDeadline>,
}

impl SqliteTx {
    fn conn(&self) -> Result<&Connection, DbError> {
        if self.deadline.passed() {
            return Err(DbError::Timeout("the write transaction ran past its deadline".into()));
        }
        Ok(&self.writer.as_ref().expect("transaction is open").conn)
    }

    pub(crate) fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        run_query(self.conn()?, &q)
    }

    pub(crate) fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        run_execute(self.conn()?, &q)
    }

    pub(crate) fn execute_script(&mut self, script: &str) -> Result<(), DbError> {
        let conn = self.conn()?;
        blocking(|| conn.execute_batch(script).map_err(map_err))
    }

    pub(crate) fn commit(mut self) -> Result<(), DbError> {
        self.conn()?;
        let writer = self.writer.take().expect("transaction is open");
        let committed = blocking(|| writer.conn.execute_batch("COMMIT").map_err(map_err)).inspect_err(|_| {
            let _ = writer.conn.execute_batch("ROLLBACK");
        });
        self.deadline.disarm();
        committed
    }

    pub(crate) fn rollback(mut self) -> Result<(), DbError> {
        let writer = self.writer.take().expect("transaction is open");
        self.deadline.disarm();
        blocking(|| writer.conn.execute_batch("ROLLBACK").map_err(map_err))
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            // Disarmed first: the rollback itself must not be interrupted.
            self.deadline.disarm();
            if let Err(e) = writer.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rollback of an abandoned transaction failed");
            }
        }
    }
}

/// SQLite virtual-machine steps between two looks at the deadline: a few microseconds of
/// work, so a runaway statement stops promptly and a normal one pays nothing measurable.
const PROGRESS_STEPS: std::os::raw::c_int = 10_000;

/// The running write transaction's deadline, as milliseconds since `base` (0: none). One
/// per write connection; only the writer's holder arms it.
struct WriteDeadline {
    base: Instant,
    at_ms: AtomicU64,
}

impl WriteDeadline {
    fn new() -> Self {
        WriteDeadline { base: Instant::now(), at_ms: AtomicU64::new(0) }
    }

    fn now_ms(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }

    /// Stored one past the deadline, so that 0 keeps meaning "none" even for a zero limit
    /// armed at the base instant; a zero limit has passed at once.
    fn arm(&self, limit: Option<Duration>) {
        let at = limit.map_or(0, |l| self.now_ms() + l.as_millis() as u64 + 1);
        self.at_ms.store(at, Ordering::Relaxed);
    }

    fn disarm(&self) {
        self.at_ms.store(0, Ordering::Relaxed);
    }

    fn passed(&self) -> bool {
        let at = self.at_ms.load(Ordering::Relaxed);
        at != 0 && self.now_ms() + 1 >= at
    }
}

/// The writer's progress handler: interrupts the running statement once its transaction's
/// deadline has passed (SQLite then answers SQLITE_INTERRUPT, mapped to `Timeout`).
fn deadline_handler(deadline: Arc<WriteDeadline>) -> impl FnMut() -> bool + Send + 'static {
    move || deadline.passed()
}

/// WAL pages after which the writer checkpoints by itself, should the checkpointer fall behind.
const WRITER_CHECKPOINT_PAGES: u32 = 20_000;
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Copies the WAL back into the database from a thread of its own. Left to the writer,
/// SQLite checkpoints inside whichever COMMIT crosses 1,000 WAL pages, with an fsync of
/// both files, and under checkout load that made commits the writer's largest cost. A
/// passive checkpoint runs beside the writer without blocking it or any reader.
fn spawn_checkpointer(conn: Connection) -> std::sync::mpsc::Sender<()> {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let spawned = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                tracing::warn!(error = %e, "WAL checkpoint failed");
            }
        }
    });
    if let Err(e) = spawned {
        // The writer's own checkpoints (WRITER_CHECKPOINT_PAGES) still bound the WAL.
        tracing::warn!(error = %e, "cannot start the checkpoint thread");
    }
    stop
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

fn open_connection(options: &SqliteOptions, writer: bool) -> Result<Connection, DbError> {
    let flags = if writer {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        // Readers also open read-write: WAL readers must be able to create the shm index.
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(&options.path, flags)
        .map_err(|e| DbError::Unavailable(format!("cannot open {}: {e}", options.path.display())))?;
    conn.busy_timeout(options.busy_timeout).map_err(map_err)?;
    let sync = if options.full_sync { "FULL" } else { "NORMAL" };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous={sync}; PRAGMA foreign_keys=ON; \
         PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
    ))
    .map_err(map_err)?;
    if !writer {
        // Reads only: a write slipped onto a reader would bypass the single-writer queue.
        conn.execute_batch("PRAGMA query_only=ON;").map_err(map_err)?;
    } else {
        // Bounded analysis; at open, statistics for tables that never had any (SQLite's advice).
        conn.execute_batch(&format!(
            "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002; \
             PRAGMA wal_autocheckpoint={WRITER_CHECKPOINT_PAGES};"
        ))
        .map_err(map_err)?;
    }
    // The query planner stability guarantee: a cached statement keeps its plan whatever is
    // bound. Without it SQLite re-prepares (parses and plans again) statements whose plan
    // could depend on a bound value, which made every uncached product read re-plan its
    // nine-branch satellite query.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(map_err)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

/// Binds `params` to a statement written with `$1, $2, …`. SQLite reads `$1` as a
/// parameter *named* "$1" and numbers names in order of first appearance, so `$2 … $1`
/// or a repeated `$1` would bind wrongly by position; binding by name is exact, and spares
/// rewriting every statement's text to `?N` before the cache lookup.
fn bind_by_name(stmt: &mut rusqlite::Statement<'_>, params: &[Value]) -> Result<(), DbError> {
    for index in 1..=stmt.parameter_count() {
        let name = stmt.parameter_name(index).unwrap_or("?");
        let position = name
            .strip_prefix('$')
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|n| (1..=params.len()).contains(n))
            .ok_or_else(|| DbError::Encode(format!("statement parameter {name} has no bound value")))?;
        stmt.raw_bind_parameter(index, &params[position - 1]).map_err(map_err)?;
    }
    Ok(())
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(*b as i64)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn read_value(v: ValueRef<'_>) -> Result<Value, DbError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => {
            Value::Text(String::from_utf8(t.to_vec()).map_err(|e| DbError::Decode(format!("invalid UTF-8: {e}")))?)
        }
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

fn run_query(conn: &Connection, q: &Query) -> Result<Vec<Row>, DbError> {
    let started = std::time::Instant::now();
    let rows = query_rows(conn, q);
    crate::warn_if_slow(&q.sql, started);
    rows
}

fn query_rows(conn: &Connection, q: &Query) -> Result<Vec<Row>, DbError> {
    let mut stmt = conn.prepare_cached(&q.sql).map_err(map_err)?;
    bind_by_name(&mut stmt, &q.params)?;
    let columns: Arc<[String]> = stmt.column_names().map(str::to_owned).collect();
    let width = columns.len();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(map_err)? {
        let values =
            (0..width).map(|i| row.get_ref(i).map_err(map_err).and_then(read_value)).collect::<Result<Vec<_>, _>>()?;
        out.push(Row::new(columns.clone(), values));
    }
    Ok(out)
}

fn run_execute(conn: &Connection, q: &Query) -> Result<u64, DbError> {
    let mut stmt = conn.prepare_cached(&q.sql).map_err(map_err)?;
    bind_by_name(&mut stmt, &q.params)?;
    let changed = stmt.raw_execute().map_err(map_err)?;
    Ok(changed as u64)
}

pub(crate) fn map_err(e: rusqlite::Error) -> DbError {
    use rusqlite::ErrorCode as C;
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        let text = msg.clone().unwrap_or_else(|| f.to_string());
        return match f.code {
            C::ConstraintViolation if text.contains("UNIQUE") || text.contains("PRIMARY KEY") => {
                DbError::UniqueViolation(text)
            }
            C::ConstraintViolation if text.contains("FOREIGN KEY") => DbError::ForeignKeyViolation(text),
            C::DatabaseBusy | C::DatabaseLocked => DbError::Overloaded(text),
            C::OperationInterrupted => DbError::Timeout(text),
            C::DiskFull | C::ReadOnly => DbError::ReadOnly(text),
            C::CannotOpen | C::NotADatabase | C::SystemIoFailure => DbError::Unavailable(text),
            _ => DbError::Other(text),
        };
    }
    DbError::Other(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{Value, bind_by_name};
    use rusqlite::Connection;

    fn first_row(sql: &str, params: &[Value]) -> Vec<String> {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare(sql).unwrap();
        let width = stmt.column_count();
        bind_by_name(&mut stmt, params).unwrap();
        let mut rows = stmt.raw_query();
        let row = rows.next().unwrap().unwrap();
        (0..width).map(|i| row.get::<_, String>(i).unwrap()).collect()
    }

    #[test]
    fn parameters_bind_by_number_whatever_their_order() {
        let params = [Value::Text("one".into()), Value::Text("two".into())];
        assert_eq!(first_row("SELECT $2, $1, $2", &params), ["two", "one", "two"]);
        assert_eq!(first_row("SELECT '$1', $1", &params), ["$1", "one"]);
    }

    #[test]
    fn a_parameter_without_a_value_is_an_error_not_a_null() {
        let conn = Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare("SELECT $3").unwrap();
        assert!(bind_by_name(&mut stmt, &[Value::Int(1)]).is_err());
    }
}

#[cfg(test)]
mod deadline_tests {
    use super::SqliteDb;
    use crate::{DbError, Query, SqliteOptions, Value};
    use std::time::Duration;

    fn q(sql: &str) -> Query {
        Query::new(sql.to_owned())
    }

    async fn open(dir: &tempfile::TempDir) -> SqliteDb {
        let db = SqliteDb::open(SqliteOptions::new(dir.path().join("t.db"))).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        tx.execute(q("CREATE TABLE t (v INTEGER)")).unwrap();
        tx.commit().unwrap();
        db
    }

    async fn count(db: &SqliteDb) -> Value {
        db.fetch_all(q("SELECT count(*) AS n FROM t")).await.unwrap()[0].values()[0].clone()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_transaction_past_its_deadline_is_refused_and_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir).await;
        db.set_write_deadline(Some(Duration::from_millis(1)));
        let mut tx = db.begin().await.unwrap();
        tx.execute(q("INSERT INTO t VALUES (1)")).ok();
        // Not a timing assertion: the sleep only guarantees the deadline has passed.
        std::thread::sleep(Duration::from_millis(20));
        assert!(matches!(tx.execute(q("INSERT INTO t VALUES (2)")), Err(DbError::Timeout(_))));
        assert!(matches!(tx.commit(), Err(DbError::Timeout(_))));
        assert_eq!(count(&db).await, Value::Int(0), "nothing of it was kept");
        // The next transaction within its deadline commits.
        db.set_write_deadline(Some(Duration::from_secs(5)));
        let mut tx = db.begin().await.unwrap();
        tx.execute(q("INSERT INTO t VALUES (3)")).unwrap();
        tx.commit().unwrap();
        assert_eq!(count(&db).await, Value::Int(1));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_runaway_statement_is_interrupted_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(&dir).await;
        db.set_write_deadline(Some(Duration::from_millis(50)));
        let mut tx = db.begin().await.unwrap();
        // Counting to 10^12 would hold the writer for hours.
        let runaway = q("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000) \
                         INSERT INTO t SELECT x FROM c");
        assert!(matches!(tx.execute(runaway), Err(DbError::Timeout(_))));
        drop(tx);
        assert_eq!(count(&db).await, Value::Int(0));
    }
}
