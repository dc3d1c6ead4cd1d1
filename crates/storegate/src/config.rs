//! Configuration, layered: command-line flags over `STOREGATE_*` environment variables over
//! an optional TOML file (`--config`) over built-in defaults. Clap reads flags and the
//! environment into `Option`s; [`Config::resolve`] fills what is still unset from the file,
//! then from the defaults, so each layer is visible in one place.

use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use storegate_db::{ConnectOptions, PostgresOptions, SqliteOptions, redact_url};

/// A value that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Where the data lives; taken by every subcommand.
#[derive(Debug, Clone, Args, Default)]
pub struct StorageArgs {
    /// TOML file with any of the options below (keys as the long flags, with `_`).
    #[arg(long, env = "STOREGATE_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory for the embedded SQLite database and media files. [default: ./storegate-data]
    #[arg(long, env = "STOREGATE_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (`postgres://user:pass@host/db`); when set, PostgreSQL is used
    /// instead of the embedded SQLite database. The password is never logged.
    #[arg(long, env = "STOREGATE_DATABASE_URL", global = true, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Log format: `pretty` for people, `json` for machines. [default: pretty]
    #[arg(long, env = "STOREGATE_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `storegate=debug,info`. [default: info]
    #[arg(long, env = "STOREGATE_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    /// Key that encrypts personal data and credentials at rest: 32 bytes, base64. Every
    /// node sharing a database needs the same key. [default: the data directory's
    /// storegate.key, created on first start]
    #[arg(long, env = "STOREGATE_ENCRYPTION_KEY", global = true, value_name = "BASE64", hide_env_values = true)]
    pub encryption_key: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// Commits survive a crash of storegate; an OS crash may lose the last ones. Fast.
    Normal,
    /// Every commit survives an OS crash; about a fifth of the write throughput.
    Full,
}

/// How `serve` and `demo` serve.
#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on. [default: 127.0.0.1:8080]
    #[arg(long, env = "STOREGATE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Public base URL of this server (store config, links). [default: http://<listen>]
    #[arg(long, env = "STOREGATE_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Largest accepted request body in bytes. [default: 2097152]
    #[arg(long, env = "STOREGATE_BODY_LIMIT", value_name = "BYTES")]
    pub body_limit: Option<usize>,
    /// Longest an operation may run, e.g. `30s`. [default: 30s]
    #[arg(long, env = "STOREGATE_REQUEST_TIMEOUT", value_name = "DURATION", value_parser = parse_duration)]
    pub request_timeout: Option<Duration>,
    /// How long shutdown waits for in-flight requests, e.g. `20s`. [default: 20s]
    #[arg(long, env = "STOREGATE_SHUTDOWN_GRACE", value_name = "DURATION", value_parser = parse_duration)]
    pub shutdown_grace: Option<Duration>,
    /// Answer exactly as Magento does where the source document differs: 401 instead of 403
    /// for a missing ACL resource, 404 instead of 405 for a wrong method. [default: false]
    #[arg(long, env = "STOREGATE_MAGENTO_STATUS_COMPAT", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub magento_status_compat: Option<bool>,
    /// Lifetime of admin tokens, e.g. `4h`. [default: 4h]
    #[arg(long, env = "STOREGATE_ADMIN_TOKEN_TTL", value_name = "DURATION", value_parser = parse_duration)]
    pub admin_token_ttl: Option<Duration>,
    /// Lifetime of customer tokens, e.g. `1h`. [default: 1h]
    #[arg(long, env = "STOREGATE_CUSTOMER_TOKEN_TTL", value_name = "DURATION", value_parser = parse_duration)]
    pub customer_token_ttl: Option<Duration>,
    /// Failed sign-ins before a user name is locked. [default: 6]
    #[arg(long, env = "STOREGATE_LOCKOUT_FAILURES", value_name = "N")]
    pub lockout_failures: Option<i64>,
    /// How long a locked user name stays locked, e.g. `30m`. [default: 30m]
    #[arg(long, env = "STOREGATE_LOCKOUT_DURATION", value_name = "DURATION", value_parser = parse_duration)]
    pub lockout_duration: Option<Duration>,
    /// SQLite durability: `normal` or `full`. [default: normal]
    #[arg(long, env = "STOREGATE_SQLITE_SYNC", value_name = "MODE")]
    pub sqlite_sync: Option<SqliteSync>,
    /// Longest one write transaction may hold SQLite's single writer, e.g. `5s`; past it the
    /// transaction is rolled back and answered 503, so no request stalls every other write.
    /// [default: 5s]
    #[arg(long, env = "STOREGATE_SQLITE_WRITE_DEADLINE", value_name = "DURATION", value_parser = parse_duration)]
    pub sqlite_write_deadline: Option<Duration>,
    /// Largest searchCriteria page size; a search without one returns at most this many.
    /// [default: 1000]
    #[arg(long, env = "STOREGATE_MAX_PAGE_SIZE", value_name = "N")]
    pub max_page_size: Option<i64>,
    /// PostgreSQL pool size. [default: 16]
    #[arg(long, env = "STOREGATE_DB_MAX_CONNECTIONS", value_name = "N")]
    pub db_max_connections: Option<usize>,
    /// Accept integration access tokens as plain Bearer tokens, besides OAuth 1.0a signed
    /// requests (Magento's oauth/consumer/enable_integration_as_bearer). [default: false]
    #[arg(long, env = "STOREGATE_INTEGRATION_BEARER", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub integration_bearer: Option<bool>,
    /// Workers running queued async and bulk operations in this process; 0 makes this node
    /// only accept them (other nodes on the same PostgreSQL run them). [default: 2]
    #[arg(long, env = "STOREGATE_BULK_WORKERS", value_name = "N")]
    pub bulk_workers: Option<usize>,
    /// Largest body of an `/rest/async/bulk/…` request in bytes. [default: 16777216]
    #[arg(long, env = "STOREGATE_BULK_BODY_LIMIT", value_name = "BYTES")]
    pub bulk_body_limit: Option<usize>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client (comma
    /// separated). Rate limits and the sign-in lockout key on the client's address; without
    /// this they see the proxy's. [default: none]
    #[arg(long, env = "STOREGATE_TRUSTED_PROXIES", value_name = "IP,…", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
}

/// The keys a `--config` TOML file may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<Secret>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    listen: Option<SocketAddr>,
    base_url: Option<String>,
    body_limit: Option<usize>,
    request_timeout: Option<String>,
    shutdown_grace: Option<String>,
    magento_status_compat: Option<bool>,
    admin_token_ttl: Option<String>,
    customer_token_ttl: Option<String>,
    lockout_failures: Option<i64>,
    lockout_duration: Option<String>,
    sqlite_sync: Option<SqliteSync>,
    sqlite_write_deadline: Option<String>,
    db_max_connections: Option<usize>,
    max_page_size: Option<i64>,
    integration_bearer: Option<bool>,
    bulk_workers: Option<usize>,
    bulk_body_limit: Option<usize>,
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
    encryption_key: Option<Secret>,
    admin_user: Option<String>,
    admin_password: Option<Secret>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: Option<Secret>,
    pub log_format: LogFormat,
    pub log: String,
    pub listen: SocketAddr,
    pub base_url: String,
    pub body_limit: usize,
    pub request_timeout: Duration,
    pub shutdown_grace: Duration,
    pub magento_status_compat: bool,
    pub admin_token_ttl: Duration,
    pub customer_token_ttl: Duration,
    pub lockout_failures: i64,
    pub lockout_duration: Duration,
    pub sqlite_sync: SqliteSync,
    pub sqlite_write_deadline: Duration,
    pub db_max_connections: usize,
    pub max_page_size: i64,
    /// Integration access tokens also work as Bearer tokens.
    pub integration_bearer: bool,
    pub bulk_workers: usize,
    pub bulk_body_limit: usize,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub encryption_key: Option<Secret>,
    /// Admin created on first start (`STOREGATE_ADMIN_USER`). [default: admin]
    pub admin_user: String,
    /// Its password (`STOREGATE_ADMIN_PASSWORD`); generated and printed once when unset.
    pub admin_password: Option<Secret>,
}

impl Config {
    pub fn resolve(storage: &StorageArgs, serve: &ServeArgs) -> anyhow::Result<Config> {
        let file = match &storage.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let duration =
            |flag: Option<Duration>, file: &Option<String>, key: &str, default: Duration| -> anyhow::Result<Duration> {
                match (flag, file) {
                    (Some(d), _) => Ok(d),
                    (None, Some(text)) => {
                        parse_duration(text).map_err(|e| anyhow::anyhow!("{key} in the config file: {e}"))
                    }
                    (None, None) => Ok(default),
                }
            };
        let listen = serve.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let base_url = serve.base_url.clone().or(file.base_url).unwrap_or_else(|| format!("http://{listen}"));
        let admin_user = std::env::var("STOREGATE_ADMIN_USER")
            .ok()
            .filter(|s| !s.is_empty())
            .or(file.admin_user)
            .unwrap_or_else(|| "admin".into());
        let admin_password = std::env::var("STOREGATE_ADMIN_PASSWORD")
            .ok()
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .or(file.admin_password);
        let config = Config {
            data_dir: storage.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("storegate-data")),
            database_url: storage.database_url.clone().or(file.database_url).filter(|u| !u.expose().is_empty()),
            log_format: storage.log_format.or(file.log_format).unwrap_or(LogFormat::Pretty),
            log: storage.log.clone().or(file.log).unwrap_or_else(|| "info".into()),
            listen,
            base_url: base_url.trim_end_matches('/').to_owned(),
            body_limit: serve.body_limit.or(file.body_limit).unwrap_or(2 * 1024 * 1024),
            request_timeout: duration(
                serve.request_timeout,
                &file.request_timeout,
                "request_timeout",
                Duration::from_secs(30),
            )?,
            shutdown_grace: duration(
                serve.shutdown_grace,
                &file.shutdown_grace,
                "shutdown_grace",
                Duration::from_secs(20),
            )?,
            magento_status_compat: serve.magento_status_compat.or(file.magento_status_compat).unwrap_or(false),
            admin_token_ttl: duration(
                serve.admin_token_ttl,
                &file.admin_token_ttl,
                "admin_token_ttl",
                Duration::from_secs(4 * 3600),
            )?,
            customer_token_ttl: duration(
                serve.customer_token_ttl,
                &file.customer_token_ttl,
                "customer_token_ttl",
                Duration::from_secs(3600),
            )?,
            lockout_failures: serve.lockout_failures.or(file.lockout_failures).unwrap_or(6),
            lockout_duration: duration(
                serve.lockout_duration,
                &file.lockout_duration,
                "lockout_duration",
                Duration::from_secs(1800),
            )?,
            sqlite_sync: serve.sqlite_sync.or(file.sqlite_sync).unwrap_or(SqliteSync::Normal),
            sqlite_write_deadline: duration(
                serve.sqlite_write_deadline,
                &file.sqlite_write_deadline,
                "sqlite_write_deadline",
                Duration::from_secs(5),
            )?,
            db_max_connections: serve.db_max_connections.or(file.db_max_connections).unwrap_or(16),
            max_page_size: serve.max_page_size.or(file.max_page_size).unwrap_or(1000),
            integration_bearer: serve.integration_bearer.or(file.integration_bearer).unwrap_or(false),
            bulk_workers: serve.bulk_workers.or(file.bulk_workers).unwrap_or(2),
            bulk_body_limit: serve.bulk_body_limit.or(file.bulk_body_limit).unwrap_or(16 * 1024 * 1024),
            trusted_proxies: serve.trusted_proxies.clone().or(file.trusted_proxies).unwrap_or_default(),
            encryption_key: storage.encryption_key.clone().or(file.encryption_key),
            admin_user,
            admin_password,
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if self.body_limit < 1024 {
            bail!("body_limit must be at least 1024 bytes");
        }
        if self.bulk_body_limit < self.body_limit {
            bail!("bulk_body_limit must be at least body_limit");
        }
        if self.bulk_workers > 64 {
            bail!("bulk_workers must be at most 64");
        }
        if !(1..=100_000).contains(&self.max_page_size) {
            bail!("max_page_size must be between 1 and 100000");
        }
        if self.sqlite_write_deadline < Duration::from_millis(100) {
            bail!("sqlite_write_deadline must be at least 100ms");
        }
        if self.lockout_failures < 1 {
            bail!("lockout_failures must be at least 1");
        }
        if let Some(url) = &self.database_url {
            let u = url.expose();
            if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) {
                bail!(
                    "database_url must be a postgres:// URL (got {}); leave it unset for the embedded SQLite database",
                    redact_url(u)
                );
            }
        }
        Ok(())
    }

    /// The database the URL's scheme picks: PostgreSQL for a `postgres://` URL, otherwise
    /// SQLite in the data directory.
    pub fn connect_options(&self) -> ConnectOptions {
        match &self.database_url {
            Some(url) => ConnectOptions::Postgres(PostgresOptions {
                url: url.expose().to_owned(),
                max_connections: self.db_max_connections,
                connect_timeout: Duration::from_secs(5),
            }),
            None => {
                let mut o = SqliteOptions::new(self.data_dir.join("storegate.db"));
                o.full_sync = self.sqlite_sync == SqliteSync::Full;
                ConnectOptions::Sqlite(o)
            }
        }
    }

    /// A short description of the database for messages, without secrets.
    pub fn database_description(&self) -> String {
        match &self.database_url {
            Some(url) => format!("PostgreSQL at {}", redact_url(url.expose())),
            None => format!("SQLite at {}", self.data_dir.join("storegate.db").display()),
        }
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// `90s`, `30m`, `4h`, `1d`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().map_err(|_| format!("\"{text}\" is not a duration like 90s, 30m or 4h"))?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        other => return Err(format!("unknown duration unit \"{other}\" (use s, m, h or d)")),
    };
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("4h").unwrap(), Duration::from_secs(14_400));
        assert!(parse_duration("4 parsecs").is_err());
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("storegate.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\nbody_limit = 4096\nadmin_token_ttl = \"2h\"\ndatabase_url = \"postgres://u:hunter2@h/db\"\n").unwrap();
        let storage = StorageArgs { config: Some(path), ..Default::default() };
        let serve = ServeArgs { body_limit: Some(8192), ..Default::default() };
        let c = Config::resolve(&storage, &serve).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.body_limit, 8192);
        assert_eq!(c.admin_token_ttl, Duration::from_secs(7200));
        assert_eq!(c.customer_token_ttl, Duration::from_secs(3600));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(c.database_description().contains("u:***@h"));
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "lisen = \"x\"").unwrap();
        let err = Config::resolve(&StorageArgs { config: Some(path), ..Default::default() }, &ServeArgs::default())
            .unwrap_err();
        assert!(format!("{err:#}").contains("lisen"));
    }
}
