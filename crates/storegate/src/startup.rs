//! Building the application is separate from running it (as in zero-to-production): the
//! binary and the tests use the same [`Application::build`], tests on port 0.

use crate::config::Config;
use anyhow::Context;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use storegate_api::Settings;
use storegate_db::{Db, Exec, Statistics, migrate};
use storegate_domain::crypto::Crypto;
use storegate_domain::store;
use storegate_domain::tenancy::{self, BootstrapOptions, Bootstrapped};
use storegate_domain::tokens::Throttle;
use storegate_http::{App, HttpConfig};

/// What every command needs before it can work.
pub struct Prepared {
    pub db: Db,
    pub boot: Bootstrapped,
    pub crypto: Crypto,
}

/// Connects, migrates, bootstraps and loads the encryption key.
pub async fn prepare(config: &Config) -> anyhow::Result<Prepared> {
    let prepared = async {
        let (db, boot) = connect_and_bootstrap(config).await?;
        let crypto = load_key(config)?;
        check_key(&db, &boot, &crypto).await?;
        bootstrap_owner(&db).await?;
        Ok(Prepared { db, boot, crypto })
    };
    prepared.await.map_err(|e: anyhow::Error| match data_dir_problem(config) {
        Some(problem) => e.context(problem),
        None => e,
    })
}

/// Why the data directory cannot be written, when that is why a start failed: SQLite says
/// only "unable to open database file" or "disk I/O error" for a read-only file system or a
/// full disk. Probed by writing a page to a file there (and removing it).
fn data_dir_problem(config: &Config) -> Option<String> {
    use std::io::{ErrorKind, Write};
    if config.database_url.is_some() {
        return None;
    }
    let dir = &config.data_dir;
    let probe = dir.join(".storegate-write-probe");
    let written = std::fs::File::create(&probe).and_then(|mut f| {
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    let e = written.err()?;
    Some(match e.kind() {
        ErrorKind::ReadOnlyFilesystem => format!("the data directory {} is on a read-only file system", dir.display()),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            format!("the disk holding the data directory {} is full", dir.display())
        }
        _ => format!("the data directory {} cannot be written: {e}", dir.display()),
    })
}

/// The data directory holds the database, its key and uploaded media: readable by the owner
/// only, whatever the umask. Creates the directory, `media` and an empty `storegate.db`
/// (SQLite creates its WAL and shared-memory files with the database file's mode), and
/// tightens what an older version or a copy left readable by others. Best effort: a
/// read-only or foreign-owned directory is reported in the log, and opening the database
/// then explains the problem.
pub(crate) fn make_data_dir_private(config: &Config) {
    let dir = &config.data_dir;
    let sqlite = config.database_url.is_none();
    if !sqlite && !dir.exists() {
        return; // PostgreSQL without local media yet: nothing to protect, nothing to create.
    }
    let mut problems = Vec::new();
    for sub in [dir.clone(), dir.join("media")] {
        if let Err(e) = private_dir(&sub) {
            problems.push(format!("{}: {e}", sub.display()));
        }
    }
    if sqlite {
        let db = dir.join("storegate.db");
        if let Err(e) = private_file(&db) {
            problems.push(format!("{}: {e}", db.display()));
        }
    }
    for name in ["storegate.db-wal", "storegate.db-shm", "storegate.key"] {
        let path = dir.join(name);
        if path.exists()
            && let Err(e) = set_mode(&path, 0o600)
        {
            problems.push(format!("{}: {e}", path.display()));
        }
    }
    if !problems.is_empty() {
        tracing::warn!(problems = %problems.join("; "), "cannot make the data directory private to its owner");
    }
}

fn private_dir(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)?;
    // `mode` applies only to what is created (and passes through the umask): set it.
    set_mode(path, 0o700)
}

/// Creates an empty file with mode 0600 unless one exists, then sets the mode.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    set_mode(path, 0o600)
}

fn set_mode(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(path)?.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// The configured key, or the data directory's key file (created with a new random key,
/// readable by the owner only, on first use).
fn load_key(config: &Config) -> anyhow::Result<Crypto> {
    if let Some(key) = &config.encryption_key {
        return Crypto::from_base64(key.expose()).map_err(anyhow::Error::msg);
    }
    let path = config.data_dir.join("storegate.key");
    if !path.exists() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
        write_private(&path, &Crypto::generate_base64())?;
        tracing::info!(path = %path.display(), "generated a new encryption key; back it up with the database");
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read the key file {}", path.display()))?;
    Crypto::from_base64(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create the key file {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

const KEY_FINGERPRINT: &str = "storegate/encryption_key_fingerprint";

/// The database remembers which key encrypted it; another key is refused before it can
/// write values nobody could decrypt.
async fn check_key(db: &Db, boot: &Bootstrapped, crypto: &Crypto) -> anyhow::Result<()> {
    let fail = |e: storegate_types::ApiError| anyhow::anyhow!("{e}");
    let mut tx = db.begin().await.map_err(storegate_domain::storage).map_err(fail)?;
    let stored: Option<String> = tx
        .fetch_optional_scalar(storegate_db::sql!(
            "SELECT value FROM config WHERE tenant_id = $1 AND scope = 'default' AND scope_id = 0 AND path = $2",
            boot.tenant.0,
            KEY_FINGERPRINT
        ))
        .await
        .map_err(storegate_domain::storage)
        .map_err(fail)?;
    match stored {
        Some(f) if f == crypto.fingerprint() => Ok(()),
        Some(f) => anyhow::bail!(
            "the encryption key (fingerprint {}) is not the one this database was created with (fingerprint {f}); \
             set STOREGATE_ENCRYPTION_KEY or restore the data directory's storegate.key",
            crypto.fingerprint()
        ),
        None => {
            store::set_config(&mut tx, boot.tenant, "default", 0, KEY_FINGERPRINT, crypto.fingerprint())
                .await
                .map_err(fail)?;
            tx.commit().await.map_err(storegate_domain::storage).map_err(fail)
        }
    }
}

static GENERATE_OWNER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `demo`: when no platform owner is configured, [`prepare`] generates one (and prints its
/// password once) instead of leaving the platform without an owner.
pub fn generate_owner_on_first_start() {
    GENERATE_OWNER.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The email of the owner `demo` generates when none is configured.
pub const DEMO_OWNER_EMAIL: &str = "owner@example.com";

/// The platform owner: with `STOREGATE_OWNER_EMAIL` and `STOREGATE_OWNER_PASSWORD` set, that
/// account is created if missing; under `demo` without them, one is generated and its
/// password printed once (the email defaults to [`DEMO_OWNER_EMAIL`]). Then the live store
/// `default` over the default tenant is made, owned by it (`stores::ensure_default`,
/// idempotent). Without an owner nothing happens: `serve` needs none for the Magento APIs.
async fn bootstrap_owner(db: &Db) -> anyhow::Result<()> {
    use storegate_platform::{accounts, stores};
    let fail = |e: storegate_types::ApiError| anyhow::anyhow!("platform owner setup failed: {e}");
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let generate = GENERATE_OWNER.load(std::sync::atomic::Ordering::Relaxed);
    let (email, password) = match (env("STOREGATE_OWNER_EMAIL"), env("STOREGATE_OWNER_PASSWORD")) {
        (Some(email), Some(password)) => (email, Some(password)),
        (email, None) if generate => (email.unwrap_or_else(|| DEMO_OWNER_EMAIL.to_owned()), None),
        (Some(_), None) => {
            tracing::warn!(
                "STOREGATE_OWNER_EMAIL is set without STOREGATE_OWNER_PASSWORD; no platform owner is created"
            );
            return Ok(());
        }
        _ => return Ok(()),
    };
    let now = storegate_domain::clock::now();
    let existing = accounts::by_email(&mut db.clone(), &email).await.map_err(fail)?;
    let owner = match existing {
        Some(account) => account,
        None => {
            // The admin generator guarantees a digit and a lower-case letter; the account policy
            // wants three classes, so an upper-case letter is added.
            let generated = password.is_none().then(|| format!("{}Q", storegate_domain::password::generate()));
            let password = password.or_else(|| generated.clone()).unwrap_or_default();
            let mut tx = db.begin().await.map_err(storegate_domain::storage).map_err(fail)?;
            let new = accounts::NewAccount { email: &email, password: &password, name: Some("Owner") };
            let created = match accounts::create(&mut tx, &new, now).await {
                Ok(created) => {
                    tx.commit().await.map_err(storegate_domain::storage).map_err(fail)?;
                    created
                }
                // Another process created it at the same moment.
                Err(e) if e.code == storegate_types::ErrorCode::AlreadyExists => {
                    drop(tx);
                    accounts::by_email(&mut db.clone(), &email).await.map_err(fail)?.ok_or_else(|| fail(e))?
                }
                Err(e) => return Err(fail(e)),
            };
            if let Some(generated) = generated {
                println!(
                    "Created platform owner account '{}' with the generated password: {generated}\n\
                     (shown once; set STOREGATE_OWNER_EMAIL and STOREGATE_OWNER_PASSWORD to choose them)",
                    created.email
                );
            } else {
                tracing::info!(email = %created.email, "created the platform owner account");
            }
            created
        }
    };
    stores::ensure_default(db, owner.id, now).await.map_err(fail)?;
    Ok(())
}

/// How long a start waits for an unreachable PostgreSQL (a database starting beside the
/// server, a failover) before it gives up with the error.
const DATABASE_WAIT: Duration = Duration::from_secs(30);

/// Connects and migrates; PostgreSQL that is unavailable is retried for [`DATABASE_WAIT`],
/// each attempt logged. Anything else (a wrong password, a broken migration) fails at once.
async fn connect_and_migrate(config: &Config) -> anyhow::Result<Db> {
    make_data_dir_private(config);
    let deadline = tokio::time::Instant::now() + DATABASE_WAIT;
    loop {
        let attempt = async {
            let db = Db::connect(&config.connect_options()).await?;
            migrate::run(&db).await?;
            Ok::<_, storegate_db::DbError>(db)
        };
        match attempt.await {
            Ok(db) => return Ok(db),
            Err(storegate_db::DbError::Unavailable(e))
                if config.database_url.is_some() && tokio::time::Instant::now() < deadline =>
            {
                tracing::warn!(error = %e, database = %config.database_description(), "database unavailable; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", config.database_description())),
        }
    }
}

async fn connect_and_bootstrap(config: &Config) -> anyhow::Result<(Db, Bootstrapped)> {
    let db = connect_and_migrate(config).await?;
    let boot = tenancy::bootstrap(
        &db,
        &BootstrapOptions {
            admin_username: config.admin_user.clone(),
            admin_password: config.admin_password.as_ref().map(|s| s.expose().to_owned()),
            base_url: config.base_url.clone(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("first-start setup failed: {e}"))?;
    Ok((db, boot))
}

pub fn settings(config: &Config, crypto: Crypto) -> Settings {
    Settings {
        admin_token_lifetime: config.admin_token_ttl,
        customer_token_lifetime: config.customer_token_ttl,
        throttle: Throttle {
            max_failures: config.lockout_failures,
            lock: time::Duration::try_from(config.lockout_duration).unwrap_or(time::Duration::minutes(30)),
        },
        base_url: config.base_url.clone(),
        max_page_size: config.max_page_size,
        media_dir: config.data_dir.join("media"),
        crypto,
        integration_bearer: config.integration_bearer,
    }
}

pub struct Application {
    listener: tokio::net::TcpListener,
    app: App,
    grace: Duration,
    pub db: Db,
    pub bootstrapped: Bootstrapped,
    /// The key personal data is encrypted with (tests read encrypted rows with it).
    pub crypto: Crypto,
}

impl Application {
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let Prepared { db, boot: bootstrapped, crypto } = prepare(config).await?;
        // Migrations and the bootstrap ran unbounded; from here on, no request's write
        // transaction may hold SQLite's single writer longer than this.
        db.set_write_deadline(Some(config.sqlite_write_deadline));
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let http = HttpConfig {
            body_limit: config.body_limit,
            anonymous_body_limit: config.anonymous_body_limit,
            request_timeout: config.request_timeout,
            magento_status_compat: config.magento_status_compat,
            bulk_body_limit: config.bulk_body_limit,
            bulk_workers: config.bulk_workers,
            trusted_proxies: config.trusted_proxies.clone(),
            denial_flush: config.anonymous_denial_flush,
            rates: config.rates.clone(),
            redis: config.redis_url.as_ref().map(|url| storegate_http::throttle::RedisConfig {
                url: url.expose().to_owned(),
                prefix: config.redis_key_prefix.clone(),
            }),
            anonymous_bulk: config.anonymous_bulk,
            bulk_caller_max: config.bulk_caller_max,
        };
        storegate_domain::password::configure(config.password_hashers, config.password_queue);
        let app = App::new(db.clone(), bootstrapped.tenant, settings(config, crypto.clone()), &http)
            .map_err(anyhow::Error::msg)?;
        Ok(Application { listener, app, grace: config.shutdown_grace, db, bootstrapped, crypto })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests (up to the
    /// grace period) and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing requests in flight");
            let _ = stopping_tx.send(());
        };
        let upkeep = tokio::spawn(keep_statistics_fresh(self.db.clone()));
        let serve = storegate_http::serve(self.listener, self.app, signal);
        tokio::pin!(serve);
        let outcome = tokio::select! {
            result = &mut serve => result.context("server failed"),
            _ = async { let _ = stopping_rx.await; tokio::time::sleep(self.grace).await } => {
                tracing::warn!(grace = ?self.grace, "requests still running after the grace period; stopping anyway");
                Ok(())
            }
        };
        upkeep.abort();
        outcome
    }
}

/// Lets SQLite re-analyse tables that grew, so query plans follow the data (see
/// `Db::refresh_statistics`). Hourly: the pragma is cheap when nothing changed much.
async fn keep_statistics_fresh(db: Db) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    every_hour.tick().await;
    loop {
        every_hour.tick().await;
        if let Err(e) = db.refresh_statistics(Statistics::Incremental).await {
            tracing::warn!(error = %e, "refreshing query planner statistics failed");
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
