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
use storegate_api::Policy;
use storegate_db::{ConnectOptions, PostgresOptions, SqliteOptions, redact_url};
use storegate_http::throttle::{RateSetting, Rates};

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
    /// Largest request body of an operation anyone may call (registration, guest carts), in
    /// bytes: a flood of anonymous requests must not make the server parse megabytes each.
    /// [default: 262144]
    #[arg(long, env = "STOREGATE_ANONYMOUS_BODY_LIMIT", value_name = "BYTES")]
    pub anonymous_body_limit: Option<usize>,
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
    /// How often anonymous denials, counted in memory, are written to the audit log as one
    /// row per operation and reason, e.g. `10s`. [default: 10s]
    #[arg(long, env = "STOREGATE_ANONYMOUS_DENIAL_FLUSH", value_name = "DURATION", value_parser = parse_duration)]
    pub anonymous_denial_flush: Option<Duration>,
    /// Sign-ins (admin and customer tokens, OAuth token exchanges) per client address: `N/m`, `N/h`, `N/15m` or `off`. [default: 30/m]
    #[arg(long, env = "STOREGATE_RATE_SIGN_IN_PER_ADDRESS", value_name = "RATE")]
    pub rate_sign_in_per_address: Option<RateSetting>,
    /// Sign-ins per user name or email, from any address: `N/m`, `N/h`, `N/15m` or `off`. [default: 10/m]
    #[arg(long, env = "STOREGATE_RATE_SIGN_IN_PER_ACCOUNT", value_name = "RATE")]
    pub rate_sign_in_per_account: Option<RateSetting>,
    /// Password reset requests and resets per client address: `N/m`, `N/h`, `N/15m` or `off`. [default: 20/h]
    #[arg(long, env = "STOREGATE_RATE_PASSWORD_RESET_PER_ADDRESS", value_name = "RATE")]
    pub rate_password_reset_per_address: Option<RateSetting>,
    /// Password reset requests and resets per email: `N/m`, `N/h`, `N/15m` or `off`. [default: 10/h]
    #[arg(long, env = "STOREGATE_RATE_PASSWORD_RESET_PER_ACCOUNT", value_name = "RATE")]
    pub rate_password_reset_per_account: Option<RateSetting>,
    /// Customer registrations per client address: `N/m`, `N/h`, `N/15m` or `off`. [default: 20/h]
    #[arg(long, env = "STOREGATE_RATE_REGISTRATION_PER_ADDRESS", value_name = "RATE")]
    pub rate_registration_per_address: Option<RateSetting>,
    /// Guest carts opened per client address: `N/m`, `N/h`, `N/15m` or `off`. [default: 60/m]
    #[arg(long, env = "STOREGATE_RATE_GUEST_CART_PER_ADDRESS", value_name = "RATE")]
    pub rate_guest_cart_per_address: Option<RateSetting>,
    /// Coupon codes tried per client address: `N/m`, `N/h`, `N/15m` or `off`. [default: 10/m]
    #[arg(long, env = "STOREGATE_RATE_COUPON_PER_ADDRESS", value_name = "RATE")]
    pub rate_coupon_per_address: Option<RateSetting>,
    /// Coupon codes tried per cart: `N/m`, `N/h`, `N/15m` or `off`. [default: 5/m]
    #[arg(long, env = "STOREGATE_RATE_COUPON_PER_CART", value_name = "RATE")]
    pub rate_coupon_per_cart: Option<RateSetting>,
    /// Operations queued through /rest/async by one anonymous address or customer: `N/m`, `N/h`, `N/15m` or `off`. [default: 100/h]
    #[arg(long, env = "STOREGATE_RATE_QUEUED_PER_CALLER", value_name = "RATE")]
    pub rate_queued_per_caller: Option<RateSetting>,
    /// Redis URL shared by every node for rate limits (`redis://host:6379/0`); without it
    /// each process counts alone. When Redis fails, each node counts alone until it answers.
    #[arg(long, env = "STOREGATE_REDIS_URL", value_name = "URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
    /// Prefix of this store's keys in Redis. [default: storegate:]
    #[arg(long, env = "STOREGATE_REDIS_KEY_PREFIX", value_name = "PREFIX")]
    pub redis_key_prefix: Option<String>,
    /// Whether anonymous callers may queue operations through `/rest/async/…` (Magento's
    /// guest routes still work synchronously). [default: off]
    #[arg(long, env = "STOREGATE_ANONYMOUS_BULK", value_name = "on|off", value_parser = parse_on_off)]
    pub anonymous_bulk: Option<bool>,
    /// Most operations one anonymous or customer `/rest/async/bulk/…` request may carry.
    /// [default: 10]
    #[arg(long, env = "STOREGATE_BULK_CALLER_MAX", value_name = "N")]
    pub bulk_caller_max: Option<usize>,
    /// Password hashes computed at once; more wait in a bounded queue. [default: the
    /// number of cores]
    #[arg(long, env = "STOREGATE_PASSWORD_HASHERS", value_name = "N")]
    pub password_hashers: Option<usize>,
    /// Password hashes that may wait for a hasher; beyond them a sign-in is answered 503
    /// with Retry-After at once. [default: 32 per hasher]
    #[arg(long, env = "STOREGATE_PASSWORD_QUEUE", value_name = "N")]
    pub password_queue: Option<usize>,
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
    anonymous_body_limit: Option<usize>,
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
    anonymous_denial_flush: Option<String>,
    rate_sign_in_per_address: Option<String>,
    rate_sign_in_per_account: Option<String>,
    rate_password_reset_per_address: Option<String>,
    rate_password_reset_per_account: Option<String>,
    rate_registration_per_address: Option<String>,
    rate_guest_cart_per_address: Option<String>,
    rate_coupon_per_address: Option<String>,
    rate_coupon_per_cart: Option<String>,
    rate_queued_per_caller: Option<String>,
    redis_url: Option<Secret>,
    redis_key_prefix: Option<String>,
    anonymous_bulk: Option<String>,
    bulk_caller_max: Option<usize>,
    password_hashers: Option<usize>,
    password_queue: Option<usize>,
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
    pub anonymous_body_limit: usize,
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
    pub anonymous_denial_flush: Duration,
    /// Rate-limit quotas per policy.
    pub rates: Rates,
    pub redis_url: Option<Secret>,
    pub redis_key_prefix: String,
    pub anonymous_bulk: bool,
    pub bulk_caller_max: usize,
    pub password_hashers: usize,
    pub password_queue: usize,
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
        let rates = rates(serve, &file)?;
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
            anonymous_body_limit: serve.anonymous_body_limit.or(file.anonymous_body_limit).unwrap_or(256 * 1024),
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
            anonymous_denial_flush: duration(
                serve.anonymous_denial_flush,
                &file.anonymous_denial_flush,
                "anonymous_denial_flush",
                Duration::from_secs(10),
            )?,
            rates,
            redis_url: serve.redis_url.clone().or(file.redis_url.clone()).filter(|u| !u.expose().is_empty()),
            redis_key_prefix: serve
                .redis_key_prefix
                .clone()
                .or(file.redis_key_prefix.clone())
                .unwrap_or_else(|| "storegate:".into()),
            anonymous_bulk: match (serve.anonymous_bulk, &file.anonymous_bulk) {
                (Some(on), _) => on,
                (None, Some(text)) => parse_on_off(text).map_err(|e| anyhow::anyhow!("anonymous_bulk: {e}"))?,
                (None, None) => false,
            },
            bulk_caller_max: serve.bulk_caller_max.or(file.bulk_caller_max).unwrap_or(10),
            password_hashers: serve.password_hashers.or(file.password_hashers).unwrap_or_else(default_hashers),
            password_queue: serve.password_queue.or(file.password_queue).unwrap_or_else(|| {
                32 * serve.password_hashers.or(file.password_hashers).unwrap_or_else(default_hashers)
            }),
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
        if self.anonymous_body_limit < 1024 {
            bail!("anonymous_body_limit must be at least 1024 bytes");
        }
        if self.anonymous_denial_flush.is_zero() {
            bail!("anonymous_denial_flush must be longer than zero");
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
        if self.bulk_caller_max < 1 {
            bail!("bulk_caller_max must be at least 1");
        }
        if !(1..=1024).contains(&self.password_hashers) {
            bail!("password_hashers must be between 1 and 1024");
        }
        if let Some(url) = &self.redis_url
            && !(url.expose().starts_with("redis://") || url.expose().starts_with("rediss://"))
        {
            bail!("redis_url must be a redis:// or rediss:// URL");
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

/// Every policy's rate: its flag, else the file's key, else the default.
fn rates(serve: &ServeArgs, file: &FileConfig) -> anyhow::Result<Rates> {
    let mut rates = Rates::default();
    let settings = [
        (
            Policy::SignInPerAddress,
            serve.rate_sign_in_per_address,
            &file.rate_sign_in_per_address,
            "rate_sign_in_per_address",
        ),
        (
            Policy::SignInPerAccount,
            serve.rate_sign_in_per_account,
            &file.rate_sign_in_per_account,
            "rate_sign_in_per_account",
        ),
        (
            Policy::PasswordResetPerAddress,
            serve.rate_password_reset_per_address,
            &file.rate_password_reset_per_address,
            "rate_password_reset_per_address",
        ),
        (
            Policy::PasswordResetPerAccount,
            serve.rate_password_reset_per_account,
            &file.rate_password_reset_per_account,
            "rate_password_reset_per_account",
        ),
        (
            Policy::RegistrationPerAddress,
            serve.rate_registration_per_address,
            &file.rate_registration_per_address,
            "rate_registration_per_address",
        ),
        (
            Policy::GuestCartPerAddress,
            serve.rate_guest_cart_per_address,
            &file.rate_guest_cart_per_address,
            "rate_guest_cart_per_address",
        ),
        (
            Policy::CouponPerAddress,
            serve.rate_coupon_per_address,
            &file.rate_coupon_per_address,
            "rate_coupon_per_address",
        ),
        (Policy::CouponPerCart, serve.rate_coupon_per_cart, &file.rate_coupon_per_cart, "rate_coupon_per_cart"),
        (Policy::QueuedPerCaller, serve.rate_queued_per_caller, &file.rate_queued_per_caller, "rate_queued_per_caller"),
    ];
    for (policy, flag, text, key) in settings {
        let setting = match (flag, text) {
            (Some(setting), _) => setting,
            (None, Some(text)) => text.parse().map_err(|e| anyhow::anyhow!("{key} in the config file: {e}"))?,
            (None, None) => continue,
        };
        rates.set(policy, setting);
    }
    Ok(rates)
}

/// `on` or `off` (also true/false, yes/no).
fn parse_on_off(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" => Ok(false),
        other => Err(format!("\"{other}\" is not on or off")),
    }
}

/// Argon2 uses 19 MiB and one core per hash: one hasher per core.
fn default_hashers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
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
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("unknown duration unit \"{other}\" (use s, m, h or d)")),
    };
    let seconds = n.checked_mul(scale).ok_or_else(|| format!("\"{text}\" is too long a duration"))?;
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
