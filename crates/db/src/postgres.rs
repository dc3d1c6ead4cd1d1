//! The PostgreSQL backend: tokio-postgres through a deadpool pool with a per-connection
//! statement cache. Parameters are bound by the types the server infers for them, so the
//! same dynamic [`Value`] binds to `bigint`, `integer`, `boolean` or `text` columns.

use crate::{DbError, PoolStats, PostgresOptions, Query, Row, Value};
use bytes::BytesMut;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use postgres_types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

#[derive(Clone)]
pub(crate) struct PgDb {
    pool: Pool,
    /// A few connections of their own for statements that commit at once, outside the
    /// caller's transaction (see `Exec::fetch_all_detached`); separate so that transactions
    /// holding every pooled connection can still get them.
    detached: Pool,
    watch: Arc<crate::changes::PgWatch>,
}

/// Connections in the detached pool.
const DETACHED_CONNECTIONS: usize = 4;

impl PgDb {
    pub(crate) fn connect(options: &PostgresOptions) -> Result<PgDb, DbError> {
        let (mut config, tls) = crate::pg_tls::connect_config(&options.url)?;
        config.connect_timeout(options.connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("storegate");
        }
        let pool = build_pool(config.clone(), tls.clone(), options.max_connections.max(1), options)?;
        // A detached statement waiting on a lock its own caller holds would wait for ever;
        // the timeout turns such a mistake into an error. Detached commits need not wait for
        // their WAL flush: any transaction that uses what they wrote commits durably later,
        // and its flush covers the earlier WAL too; what no durable transaction used may be
        // lost harmlessly. Without this, every id counter was held for an fsync per id.
        let mut detached_config = config;
        let options_text = format!(
            "{} -c lock_timeout=5s -c synchronous_commit=off",
            detached_config.get_options().unwrap_or_default()
        );
        detached_config.options(options_text.trim());
        let detached = build_pool(detached_config, tls, DETACHED_CONNECTIONS, options)?;
        Ok(PgDb { pool, detached, watch: Arc::new(crate::changes::PgWatch::new(options.clone())) })
    }

    pub(crate) fn change_epoch(&self) -> Option<u64> {
        self.watch.epoch()
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let s = self.pool.status();
        PoolStats { size: s.size, idle: s.available, waiting: s.waiting }
    }

    async fn client(&self) -> Result<Object, DbError> {
        get(&self.pool).await
    }

    pub(crate) async fn fetch_all(&self, q: Query) -> Result<Vec<Row>, DbError> {
        let client = self.client().await?;
        query(&client, &q).await
    }

    pub(crate) async fn execute(&self, q: Query) -> Result<u64, DbError> {
        let client = self.client().await?;
        let changed = execute(&client, &q).await;
        self.watch.bump();
        changed
    }

    pub(crate) async fn reader(&self) -> Result<PgReader, DbError> {
        Ok(PgReader { client: self.client().await? })
    }

    pub(crate) async fn begin(&self) -> Result<PgTx, DbError> {
        let client = self.client().await?;
        client.batch_execute("BEGIN").await.map_err(map_err)?;
        Ok(PgTx { client: Some(client), detached: self.detached.clone(), watch: self.watch.clone() })
    }
}

fn build_pool(
    config: tokio_postgres::Config,
    tls: MakeRustlsConnect,
    size: usize,
    options: &PostgresOptions,
) -> Result<Pool, DbError> {
    let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(options.connect_timeout))
        .create_timeout(Some(options.connect_timeout))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| DbError::Other(format!("cannot build pool: {e}")))
}

async fn get(pool: &Pool) -> Result<Object, DbError> {
    pool.get().await.map_err(|e| match e {
        deadpool_postgres::PoolError::Timeout(_) => DbError::Unavailable(format!("no connection available: {e}")),
        deadpool_postgres::PoolError::Backend(be) => map_err(be),
        other => DbError::Unavailable(other.to_string()),
    })
}

/// One pooled connection for several reads in a row.
pub(crate) struct PgReader {
    client: Object,
}

impl PgReader {
    pub(crate) async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        query(&self.client, &q).await
    }
}

/// A transaction on one pooled connection. Dropped without commit, it is rolled back on a
/// background task before the connection returns to the pool.
pub(crate) struct PgTx {
    client: Option<Object>,
    detached: Pool,
    watch: Arc<crate::changes::PgWatch>,
}

impl PgTx {
    fn client(&self) -> &Object {
        self.client.as_ref().expect("transaction is open")
    }

    pub(crate) async fn fetch_all(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        query(self.client(), &q).await
    }

    pub(crate) async fn execute(&mut self, q: Query) -> Result<u64, DbError> {
        execute(self.client(), &q).await
    }

    pub(crate) async fn execute_script(&mut self, script: &str) -> Result<(), DbError> {
        self.client().batch_execute(script).await.map_err(map_err)
    }

    /// Runs `q` on a detached connection, where it commits at once.
    pub(crate) async fn fetch_all_detached(&mut self, q: Query) -> Result<Vec<Row>, DbError> {
        let client = get(&self.detached).await?;
        let rows = query(&client, &q).await;
        self.watch.bump();
        rows
    }

    pub(crate) async fn commit(mut self) -> Result<(), DbError> {
        let client = self.client.take().expect("transaction is open");
        let committed = client.batch_execute("COMMIT").await.map_err(map_err);
        self.watch.bump();
        committed
    }

    pub(crate) async fn rollback(mut self) -> Result<(), DbError> {
        let client = self.client.take().expect("transaction is open");
        client.batch_execute("ROLLBACK").await.map_err(map_err)
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(handle) => {
                    handle.spawn(async move {
                        if client.batch_execute("ROLLBACK").await.is_err() {
                            // A connection in an unknown state must not go back to the pool.
                            let _ = Object::take(client);
                        }
                    });
                }
                Err(_) => {
                    let _ = Object::take(client);
                }
            }
        }
    }
}

async fn query(client: &Object, q: &Query) -> Result<Vec<Row>, DbError> {
    let started = std::time::Instant::now();
    let rows = query_rows(client, q).await;
    crate::warn_if_slow(&q.sql, started);
    rows
}

async fn query_rows(client: &Object, q: &Query) -> Result<Vec<Row>, DbError> {
    let stmt = client.prepare_cached(&q.sql).await.map_err(map_err)?;
    let params: Vec<&(dyn ToSql + Sync)> = q.params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
    let rows = client.query(&stmt, &params).await.map_err(map_err)?;
    let columns: Arc<[String]> = stmt.columns().iter().map(|c| c.name().to_owned()).collect();
    rows.iter()
        .map(|r| {
            let values =
                (0..columns.len()).map(|i| r.try_get::<_, Value>(i).map_err(map_err)).collect::<Result<_, _>>()?;
            Ok(Row::new(columns.clone(), values))
        })
        .collect()
}

async fn execute(client: &Object, q: &Query) -> Result<u64, DbError> {
    let stmt = client.prepare_cached(&q.sql).await.map_err(map_err)?;
    let params: Vec<&(dyn ToSql + Sync)> = q.params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
    client.execute(&stmt, &params).await.map_err(map_err)
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

fn encode_error(value: &Value, ty: &Type) -> BoxError {
    format!("cannot bind {value:?} to a parameter of type {ty}").into()
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Int(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Int(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Int(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Int(i), t) if is_text(t) => i.to_string().to_sql(&Type::TEXT, out),
            (Value::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Value::Bool(b), &Type::INT8) => (*b as i64).to_sql(ty, out),
            (Value::Bool(b), &Type::INT4) => (*b as i32).to_sql(ty, out),
            (Value::Bool(b), &Type::INT2) => (*b as i16).to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT4) => (*f as f32).to_sql(ty, out),
            (Value::Text(s), t) if is_text(t) => s.as_str().to_sql(&Type::TEXT, out),
            (Value::Text(s), &Type::INT8) => s.parse::<i64>().map_err(|_| encode_error(self, ty))?.to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            _ => Err(encode_error(self, ty)),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn is_text(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN)
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)? as i64),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)? as i64),
            Type::OID => Value::Int(u32::from_sql(ty, raw)? as i64),
            Type::BOOL => Value::Bool(bool::from_sql(ty, raw)?),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)? as f64),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            ref t if is_text(t) => Value::Text(String::from_sql(&Type::TEXT, raw)?),
            ref other => return Err(format!("unsupported column type {other}").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

pub(crate) fn map_err(e: tokio_postgres::Error) -> DbError {
    use tokio_postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let text = format!("{} ({})", db.message(), db.constraint().unwrap_or(""));
        return match *db.code() {
            SqlState::UNIQUE_VIOLATION => DbError::UniqueViolation(text),
            SqlState::FOREIGN_KEY_VIOLATION => DbError::ForeignKeyViolation(text),
            SqlState::DISK_FULL | SqlState::READ_ONLY_SQL_TRANSACTION => DbError::ReadOnly(text),
            SqlState::T_R_SERIALIZATION_FAILURE | SqlState::T_R_DEADLOCK_DETECTED | SqlState::LOCK_NOT_AVAILABLE => {
                DbError::Overloaded(text)
            }
            SqlState::ADMIN_SHUTDOWN | SqlState::CANNOT_CONNECT_NOW | SqlState::TOO_MANY_CONNECTIONS => {
                DbError::Unavailable(text)
            }
            _ => DbError::Other(format!("{text} [{}]", db.code().code())),
        };
    }
    // A dropped or reset socket surfaces as an I/O source ("error communicating with the
    // server"): the database is unreachable, not the request wrong.
    let io_failure = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    if e.is_closed() || io_failure || e.to_string().contains("connect") {
        return DbError::Unavailable(e.to_string());
    }
    DbError::Other(e.to_string())
}
