//! The data directory is private to its owner (issue 12, item 11), whatever the umask, and
//! `demo` prints the admin password only when it generated it. Both through the real binary.

use crate::process::{free_port, wait_healthy};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use storegate_db::testing::TestDatabase;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

/// `storegate <args>` under `umask 000`, so that nothing but the server's own modes protect
/// what it creates.
fn storegate_with_open_umask(test_db: &TestDatabase, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "umask 000 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_storegate"), "--data-dir"])
        .arg(test_db.data_dir.path())
        .args(args);
    cmd.env_remove("STOREGATE_DATABASE_URL").env("STOREGATE_LOG", "warn");
    if let Some(url) = &test_db.url {
        cmd.env("STOREGATE_DATABASE_URL", url);
    }
    cmd
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_data_directory_is_private_whatever_the_umask() {
    let test_db = TestDatabase::new();
    let dir = test_db.data_dir.path();
    // As an older version, a copy or a loose umask may have left them.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(dir.join("media")).unwrap();
    std::fs::set_permissions(dir.join("media"), std::fs::Permissions::from_mode(0o777)).unwrap();

    let port = free_port();
    let child = storegate_with_open_umask(&test_db, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("STOREGATE_ADMIN_PASSWORD", "admin123")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Killed(child);
    wait_healthy(port);

    assert_eq!(mode(dir), 0o700, "data directory");
    assert_eq!(mode(&dir.join("media")), 0o700, "media directory");
    assert_eq!(mode(&dir.join("storegate.key")), 0o600, "key file");
    if test_db.url.is_none() {
        // The server is running: SQLite's WAL and shared-memory files exist beside the database.
        for name in ["storegate.db", "storegate.db-wal", "storegate.db-shm"] {
            assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
        }
    }
    drop(server);

    if test_db.url.is_none() {
        // Loosened while stopped: tightened again at the next start.
        std::fs::set_permissions(dir.join("storegate.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = storegate_with_open_umask(&test_db, &["migrate"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(mode(&dir.join("storegate.db")), 0o600);
    }
}

/// Runs `demo` until it prints its welcome, and answers what it printed.
fn demo_output(test_db: &TestDatabase, admin_password: Option<&str>) -> String {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storegate"));
    cmd.arg("--data-dir").arg(test_db.data_dir.path());
    cmd.args(["demo", "--products", "20", "--customers", "2", "--listen", &format!("127.0.0.1:{port}")]);
    cmd.env_remove("STOREGATE_DATABASE_URL").env_remove("STOREGATE_ADMIN_PASSWORD").env("STOREGATE_LOG", "warn");
    if let Some(p) = admin_password {
        cmd.env("STOREGATE_ADMIN_PASSWORD", p);
    }
    if let Some(url) = &test_db.url {
        cmd.env("STOREGATE_DATABASE_URL", url);
    }
    let mut child = Killed(cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap());
    let stdout = child.0.stdout.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        seen.push(line);
        if done {
            break;
        }
    }
    seen.join("\n")
}

#[test]
fn demo_prints_the_admin_password_only_when_it_generated_it() {
    let configured = "Configured-secret-42";
    let text = demo_output(&TestDatabase::new(), Some(configured));
    assert!(text.contains("Admin user: admin"), "{text}");
    assert!(!text.contains(configured), "a configured password is never printed: {text}");

    let text = demo_output(&TestDatabase::new(), None);
    let printed = text
        .lines()
        .find_map(|l| l.strip_prefix("Admin user: admin   password: "))
        .expect("credentials printed")
        .trim();
    assert!(printed.len() >= 20 && !printed.starts_with('<'), "the generated password is printed: {text}");
}
