//! PostgreSQL over TLS, against a real server with `ssl=on`: `.ci/tls-postgres start` makes
//! one (a throwaway cluster whose certificate, signed by a test CA made at that moment, names
//! only `localhost`) and prints the variables read here. Without them the test says it was
//! skipped, and fails if STOREGATE_REQUIRE_TLS_POSTGRES is set.

use std::io::Write;
use storegate_db::testing::TestDatabase;
use storegate_db::{ConnectOptions, Db, DbError, PostgresOptions, migrate, sql};

struct TlsServer {
    /// `postgres://…@localhost:port/db`, without TLS options.
    url: String,
    ca: String,
    wrong_ca: String,
}

fn tls_server() -> Option<TlsServer> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("STOREGATE_TEST_TLS_DATABASE_URL"), var("STOREGATE_TEST_TLS_CA"), var("STOREGATE_TEST_TLS_WRONG_CA")) {
        (Some(url), Some(ca), Some(wrong_ca)) => Some(TlsServer { url, ca, wrong_ca }),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "\n*** PostgreSQL TLS tests SKIPPED: run `.ci/tls-postgres start` and export what it prints ***\n"
            );
            assert!(
                std::env::var("STOREGATE_REQUIRE_TLS_POSTGRES").is_err(),
                "STOREGATE_REQUIRE_TLS_POSTGRES is set but STOREGATE_TEST_TLS_DATABASE_URL, STOREGATE_TEST_TLS_CA \
                 and STOREGATE_TEST_TLS_WRONG_CA are not"
            );
            None
        }
    }
}

fn with_options(url: &str, options: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{options}")
}

/// Whether the server sees this session's connection as encrypted.
async fn session_ssl(db: &Db) -> Result<bool, DbError> {
    let row = db.fetch_optional(sql!("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).await?;
    row.expect("pg_stat_ssl has a row for every backend").get::<bool>("ssl")
}

/// A fresh schema reached through `url`, migrated, answering a query over the migrated tables.
async fn migrate_and_query(url: &str) -> bool {
    let test_db = TestDatabase::postgres(url);
    let db = Db::connect(&test_db.options).await.expect("connect");
    migrate::run(&db).await.expect("migrate over TLS");
    let tenants = db.fetch_all(sql!("SELECT id FROM tenants")).await.expect("query over TLS");
    assert!(tenants.len() <= 1, "a fresh schema has at most the default tenant: {tenants:?}");
    session_ssl(&db).await.expect("pg_stat_ssl")
}

fn options(url: String) -> ConnectOptions {
    ConnectOptions::Postgres(PostgresOptions {
        url,
        max_connections: 2,
        connect_timeout: std::time::Duration::from_secs(5),
    })
}

/// A query on a new connection to `url` (the pool connects lazily, on first use).
async fn first_query(url: String) -> Result<bool, DbError> {
    let db = Db::connect(&options(url)).await?;
    session_ssl(&db).await
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_over_tls_with_each_sslmode() {
    let Some(server) = tls_server() else { return };
    let ca = format!("sslrootcert={}", server.ca);

    // Encrypted, with and without checking the certificate.
    assert!(migrate_and_query(&with_options(&server.url, "sslmode=require")).await, "require");
    assert!(migrate_and_query(&with_options(&server.url, &format!("sslmode=verify-full&{ca}"))).await, "verify-full");
    assert!(migrate_and_query(&with_options(&server.url, &format!("sslmode=verify-ca&{ca}"))).await, "verify-ca");
    // `prefer` (the default) takes TLS when the server offers it; `disable` does not.
    assert!(first_query(server.url.clone()).await.expect("prefer"), "prefer");
    assert!(!first_query(with_options(&server.url, "sslmode=disable")).await.expect("disable"), "disable");
}

#[tokio::test(flavor = "multi_thread")]
async fn verification_refuses_a_wrong_ca_or_host_name() {
    let Some(server) = tls_server() else { return };
    let wrong = first_query(with_options(&server.url, &format!("sslmode=verify-full&sslrootcert={}", server.wrong_ca)));
    assert!(matches!(wrong.await, Err(DbError::Unavailable(_))), "verify-full trusted a certificate from another CA");
    let wrong = first_query(with_options(&server.url, &format!("sslmode=verify-ca&sslrootcert={}", server.wrong_ca)));
    assert!(matches!(wrong.await, Err(DbError::Unavailable(_))), "verify-ca trusted a certificate from another CA");

    // The certificate names localhost only: by address, the chain holds but the name does not.
    let by_address = server.url.replace("@localhost:", "@127.0.0.1:");
    assert_ne!(by_address, server.url, "the TLS server URL is expected to name localhost");
    let ca = format!("sslrootcert={}", server.ca);
    let full = first_query(with_options(&by_address, &format!("sslmode=verify-full&{ca}"))).await;
    assert!(matches!(full, Err(DbError::Unavailable(_))), "verify-full accepted a host name the certificate lacks");
    let ca_only = first_query(with_options(&by_address, &format!("sslmode=verify-ca&{ca}"))).await;
    assert!(ca_only.expect("verify-ca checks the chain, not the name"), "verify-ca");
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_errors_do_not_echo_the_password() {
    let Some(server) = tls_server() else { return };
    let url = with_options(
        &server.url.replace("postgres@", "postgres:hunter2secret@"),
        &format!("sslmode=verify-full&sslrootcert={}", server.wrong_ca),
    );
    let err = first_query(url).await.expect_err("wrong CA").to_string();
    assert!(!err.contains("hunter2secret"), "{err}");
}
