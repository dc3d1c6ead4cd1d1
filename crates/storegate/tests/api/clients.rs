//! Real third-party clients, unmodified, against a real server. `.ci/run` installs them in a
//! throwaway virtualenv and names its Python in STOREGATE_MY_MAGENTO_PYTHON; without it
//! the test says it was skipped (and fails if STOREGATE_REQUIRE_CLIENTS is set).

use crate::helpers::{ADMIN, ADMIN_PASSWORD, TestServer};
use std::io::Write;
use storegate_domain::progress::Silent;
use storegate_domain::seed::{self, DemoSpec};

fn python() -> Option<String> {
    match std::env::var("STOREGATE_MY_MAGENTO_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "*** my-magento client test SKIPPED: set STOREGATE_MY_MAGENTO_PYTHON to a Python with my-magento (see .ci/run) ***"
            );
            assert!(
                std::env::var("STOREGATE_REQUIRE_CLIENTS").is_err(),
                "STOREGATE_REQUIRE_CLIENTS is set but no client is"
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn my_magento_logs_in_searches_gets_creates_and_updates() {
    let Some(python) = python() else { return };
    let server = TestServer::start().await;
    let spec = DemoSpec { products: 200, customers: 3, seed: 11 };
    seed::generate(&server.db, server.tenant, &server.crypto, &spec, &Silent).await.unwrap();
    let email: String = server
        .db
        .fetch_optional(storegate_db::sql!("SELECT email FROM customers ORDER BY id LIMIT 1"))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/my_magento_smoke.py");
    let work = server.data_dir();
    let out = tokio::process::Command::new(python)
        .arg(script)
        .args([server.base.as_str(), ADMIN, ADMIN_PASSWORD, email.as_str()])
        .current_dir(&work)
        .output()
        .await
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("ALL OK"), "my-magento failed:\n{stdout}\n{stderr}");
}
