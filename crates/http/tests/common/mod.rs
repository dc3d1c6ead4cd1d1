//! A server over a fresh test database that serves exactly the operations a test gives
//! it (the dispatcher's tests declare operations of their own).

// Each test binary uses a part of it.
#![allow(dead_code)]

use storegate_api::{ErasedOp, Settings};
use storegate_db::testing::TestDatabase;
use storegate_db::{Db, migrate};
use storegate_domain::tenancy::{BootstrapOptions, bootstrap};
use storegate_http::{App, HttpConfig};
use storegate_types::TenantId;

pub struct Served {
    pub base: String,
    pub db: Db,
    pub tenant: TenantId,
    // Last, so the database outlives the server using it.
    pub test_db: TestDatabase,
}

/// Starts serving `operations` on a random port, with admin `admin` / `admin123`.
pub async fn serve(operations: &'static [&'static dyn ErasedOp]) -> Served {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.unwrap();
    migrate::run(&db).await.unwrap();
    let options = BootstrapOptions {
        admin_username: "admin".into(),
        admin_password: Some("admin123".into()),
        base_url: "http://x".into(),
    };
    let boot = bootstrap(&db, &options).await.unwrap();
    let crypto = storegate_domain::crypto::Crypto::from_key(&[3u8; 32]);
    let settings = Settings::new(crypto, test_db.data_dir.path().join("media"));
    // The test operations are anonymous and are queued anonymously (`/rest/async/…`).
    let config = HttpConfig { anonymous_bulk: true, ..HttpConfig::default() };
    let app = App::with_operations(db.clone(), boot.tenant, settings, &config, operations).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(storegate_http::serve(listener, app, std::future::pending()));
    Served { base, db, tenant: boot.tenant, test_db }
}
