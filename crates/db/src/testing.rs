//! Fresh databases for tests: a temporary SQLite file, or, when
//! `STOREGATE_TEST_DATABASE_URL` names a PostgreSQL database, a fresh schema in it that is
//! dropped when the guard goes away. Every test gets its own; none outlives its test.

use crate::{ConnectOptions, PostgresOptions, SqliteOptions};
use std::time::Duration;

pub const TEST_DATABASE_ENV: &str = "STOREGATE_TEST_DATABASE_URL";

pub struct TestDatabase {
    pub options: ConnectOptions,
    /// The URL a child process would be given (`--database-url`), or `None` for SQLite.
    pub url: Option<String>,
    pub data_dir: tempfile_dir::Dir,
    schema: Option<(String, String)>,
}

impl TestDatabase {
    /// A database on the backend this test run targets.
    pub fn new() -> TestDatabase {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(url) if !url.is_empty() => Self::postgres(&url),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> TestDatabase {
        let data_dir = tempfile_dir::Dir::new();
        let options = ConnectOptions::Sqlite(SqliteOptions::new(data_dir.path().join("storegate.db")));
        TestDatabase { options, url: None, data_dir, schema: None }
    }

    /// A fresh schema in the PostgreSQL database at `base_url`.
    pub fn postgres(base_url: &str) -> TestDatabase {
        let schema = format!("sg_test_{}", unique_suffix());
        run_admin_sql(base_url, &format!("CREATE SCHEMA {schema}"))
            .unwrap_or_else(|e| panic!("cannot create test schema in {}: {e}", redact(base_url)));
        let sep = if base_url.contains('?') { '&' } else { '?' };
        let url = format!("{base_url}{sep}options=-c%20search_path%3D{schema}");
        let options = ConnectOptions::Postgres(PostgresOptions {
            url: url.clone(),
            max_connections: 8,
            connect_timeout: Duration::from_secs(5),
        });
        TestDatabase {
            options,
            url: Some(url),
            data_dir: tempfile_dir::Dir::new(),
            schema: Some((base_url.to_owned(), schema)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.schema.is_some()
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((base_url, schema)) = self.schema.take()
            && let Err(e) = run_admin_sql(&base_url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        {
            eprintln!("warning: could not drop test schema {schema}: {e}");
        }
    }
}

/// Runs one statement on its own connection and runtime, so it works from `Drop` and from
/// inside or outside an async test.
pub fn run_admin_sql(url: &str, statement: &str) -> Result<(), String> {
    let url = url.to_owned();
    let statement = statement.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        rt.block_on(async {
            let (config, tls) = crate::pg_tls::connect_config(&url).map_err(|e| e.to_string())?;
            let (client, conn) = config.connect(tls).await.map_err(|e| e.to_string())?;
            let task = tokio::spawn(conn);
            let result = client.batch_execute(&statement).await.map_err(|e| e.to_string());
            drop(client);
            let _ = task.await;
            result
        })
    })
    .join()
    .map_err(|_| "admin SQL thread panicked".to_owned())?
}

/// Whether a PostgreSQL server answers at `url`.
pub fn postgres_reachable(url: &str) -> bool {
    run_admin_sql(url, "SELECT 1").is_ok()
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

pub use crate::redact_url as redact;

/// A temporary directory removed on drop (kept free of a tempfile dependency in the library).
pub mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            let path = std::env::temp_dir().join(format!("storegate-test-{}", super::unique_suffix()));
            std::fs::create_dir_all(&path).expect("create temporary directory");
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Default for Dir {
        fn default() -> Self {
            Self::new()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
