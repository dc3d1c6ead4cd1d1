//! The real `storegate serve` binary as a child process, for the tests that must stop it the
//! way an operator or a crash does (SIGTERM, SIGKILL) and start it again on the same data.

use crate::helpers::ADMIN_PASSWORD;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use storegate_db::testing::TestDatabase;

pub struct ServerProcess {
    pub child: Child,
    pub port: u16,
}

impl ServerProcess {
    /// Starts `storegate serve` on a free port over `test_db` and waits until it is healthy.
    pub fn start(test_db: &TestDatabase) -> ServerProcess {
        Self::spawn(test_db, None, &[])
    }

    /// As [`ServerProcess::start`], with extra environment variables set last.
    pub fn start_with_env(test_db: &TestDatabase, env: &[(&str, &str)]) -> ServerProcess {
        Self::spawn(test_db, None, env)
    }

    /// As [`ServerProcess::start`], with everything the server prints, at debug level,
    /// written to `log`.
    pub fn start_logging(test_db: &TestDatabase, log: &Path) -> ServerProcess {
        Self::spawn(test_db, Some(log), &[])
    }

    fn spawn(test_db: &TestDatabase, log: Option<&Path>, env: &[(&str, &str)]) -> ServerProcess {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_storegate"));
        cmd.args(["--data-dir"]).arg(test_db.data_dir.path()).args(["serve", "--listen", &format!("127.0.0.1:{port}")]);
        cmd.env_remove("STOREGATE_DATABASE_URL")
            .env("STOREGATE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("STOREGATE_LOG", if log.is_some() { "debug" } else { "warn" });
        if let Some(url) = &test_db.url {
            cmd.env("STOREGATE_DATABASE_URL", url);
        }
        cmd.envs(env.iter().copied());
        let (stdout, stderr) = match log {
            Some(path) => {
                let file = std::fs::File::create(path).expect("log file");
                (Stdio::from(file.try_clone().expect("log file handle")), Stdio::from(file))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        let child = cmd.stdout(stdout).stderr(stderr).spawn().expect("binary starts");
        let process = ServerProcess { child, port };
        process.wait_until_healthy();
        process
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no shutdown hook runs, nothing is flushed.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL delivered");
        self.child.wait().expect("killed process reaped");
    }

    fn wait_until_healthy(&self) {
        wait_healthy(self.port);
    }
}

/// Waits until a server on `port` answers `/health` with 200 (at most 30 s).
pub fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server on port {port} did not become healthy");
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One request to a server process: status and JSON body (text if it is not JSON), or the
/// transport error when the process is gone.
pub async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::Result<(u16, serde_json::Value)> {
    let mut request = client.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))))
}
