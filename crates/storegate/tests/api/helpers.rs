//! The integration-test harness: a real storegate server on a random port over a fresh
//! database (SQLite, or a PostgreSQL schema when STOREGATE_TEST_DATABASE_URL is set),
//! driven over real HTTP. Everything is dropped with the server.

use reqwest::{Client, Response};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;
use storegate::config::{Config, Secret, ServeArgs, StorageArgs};
use storegate::startup::Application;
use storegate_db::Db;
use storegate_db::testing::TestDatabase;
use storegate_domain::crypto::Crypto;
use storegate_types::TenantId;

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "admin123";

pub struct TestServer {
    pub base: String,
    pub db: Db,
    pub tenant: TenantId,
    /// The server's encryption key, to read encrypted columns in tests.
    pub crypto: Crypto,
    pub config: Config,
    pub client: Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    // Last, so the database outlives the server using it.
    pub test_db: TestDatabase,
}

/// The configuration a test server runs with; `adjust` may change it before start.
pub fn test_config(test_db: &TestDatabase) -> Config {
    let storage = StorageArgs {
        data_dir: Some(test_db.data_dir.path().to_path_buf()),
        database_url: test_db.url.clone().map(Secret::new),
        ..Default::default()
    };
    let serve =
        ServeArgs { listen: Some("127.0.0.1:0".parse().unwrap()), db_max_connections: Some(4), ..Default::default() };
    let mut config = Config::resolve(&storage, &serve).expect("test configuration resolves");
    config.admin_user = ADMIN.into();
    config.admin_password = Some(Secret::new(ADMIN_PASSWORD));
    config.log = std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into());
    config
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let test_db = TestDatabase::new();
        let mut config = test_config(&test_db);
        adjust(&mut config);
        Self::start_on(test_db, config).await
    }

    pub async fn start_on(test_db: TestDatabase, config: Config) -> TestServer {
        storegate::telemetry::init(config.log_format, &config.log);
        let app = Application::build(&config).await.expect("application builds");
        let base = format!("http://{}", app.local_addr());
        let db = app.db.clone();
        let tenant = app.bootstrapped.tenant;
        let crypto = app.crypto.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        let client = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        TestServer { base, db, tenant, crypto, config, client, shutdown: Some(tx), task: Some(task), test_db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.test_db.data_dir.path().to_path_buf()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request sent")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    pub async fn token_for(&self, username: &str, password: &str) -> Response {
        self.send(
            reqwest::Method::POST,
            "/rest/V1/integration/admin/token",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    pub async fn admin_token(&self) -> String {
        let r = self.token_for(ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(r.status(), 200, "admin token");
        r.json::<String>().await.unwrap()
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server stopped cleanly");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Status and JSON body of a response.
pub async fn status_json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// Runs the real `storegate` binary with the test server's storage options.
pub fn cli(server: &TestServer, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_storegate"));
    cmd.arg("--data-dir").arg(server.data_dir()).args(args);
    cmd.env_remove("STOREGATE_DATABASE_URL").env("STOREGATE_LOG", "warn");
    cmd.env("STOREGATE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    if let Some(url) = &server.test_db.url {
        cmd.env("STOREGATE_DATABASE_URL", url);
    }
    cmd.output().expect("storegate binary runs")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
