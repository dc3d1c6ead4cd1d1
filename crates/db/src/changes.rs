//! Knowing when the database may have changed, so that caches in front of it can drop
//! their entries without ever serving stale data.
//!
//! The rule is deliberately coarse: any committed change anywhere invalidates everything.
//! It needs no list of tables to keep in step, covers writes from other processes (the
//! CLI beside a server) and other nodes, and read-mostly traffic keeps its caches.
//! - SQLite: `PRAGMA data_version` on a dedicated connection changes whenever any other
//!   connection, in this process or another, commits.
//! - PostgreSQL: a statement trigger on every table sends `NOTIFY storegate_changes`
//!   (delivered at commit); each node listens on its own connection. While that connection
//!   is down the epoch is unknown and callers must not use their caches.

use crate::{DbError, PostgresOptions};
use rusqlite::Connection;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

pub(crate) struct SqliteWatch {
    conn: Mutex<Connection>,
}

impl SqliteWatch {
    pub(crate) fn new(conn: Connection) -> SqliteWatch {
        SqliteWatch { conn: Mutex::new(conn) }
    }

    pub(crate) fn epoch(&self) -> Option<u64> {
        let conn = self.conn.lock().ok()?;
        conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0)).ok().map(|v| v as u64)
    }
}

pub(crate) struct PgWatch {
    options: PostgresOptions,
    epoch: Arc<AtomicU64>,
    listening: Arc<AtomicBool>,
    started: OnceLock<()>,
}

/// The channel the migration's triggers notify.
pub const CHANNEL: &str = "storegate_changes";

impl PgWatch {
    pub(crate) fn new(options: PostgresOptions) -> PgWatch {
        PgWatch {
            options,
            epoch: Arc::new(AtomicU64::new(1)),
            listening: Arc::new(AtomicBool::new(false)),
            started: OnceLock::new(),
        }
    }

    pub(crate) fn epoch(&self) -> Option<u64> {
        self.started.get_or_init(|| self.start());
        self.listening.load(Ordering::Acquire).then(|| self.epoch.load(Ordering::Acquire))
    }

    /// This node committed a change: caches here must see it at once, before the
    /// notification comes back (read-your-writes on the node that wrote).
    pub(crate) fn bump(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    fn start(&self) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
        let (url, epoch, listening) = (self.options.url.clone(), self.epoch.clone(), self.listening.clone());
        handle.spawn(async move {
            loop {
                if let Err(e) = listen(&url, &epoch, &listening).await {
                    tracing::warn!(error = %e, "change listener lost its connection; caches are off until it is back");
                }
                listening.store(false, Ordering::Release);
                epoch.fetch_add(1, Ordering::AcqRel);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }
}

/// Listens until the connection fails. Changes made while it was down count as one change.
async fn listen(url: &str, epoch: &AtomicU64, listening: &AtomicBool) -> Result<(), DbError> {
    let (config, tls) = crate::pg_tls::connect_config(url)?;
    let (client, mut connection) = config.connect(tls).await.map_err(|e| DbError::Unavailable(e.to_string()))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(_))) => {
                    if tx.send(()).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await.map_err(crate::postgres::map_err)?;
    epoch.fetch_add(1, Ordering::AcqRel);
    listening.store(true, Ordering::Release);
    while rx.recv().await.is_some() {
        epoch.fetch_add(1, Ordering::AcqRel);
    }
    driver.abort();
    Err(DbError::Unavailable("the listening connection closed".into()))
}
