//! The executor and migrations on whichever backend the run targets, plus the schema-parity
//! check between the SQLite and PostgreSQL migration sets.

use rust_decimal::Decimal;
use std::io::Write;
use std::str::FromStr;
use storegate_db::testing::{TEST_DATABASE_ENV, TestDatabase, postgres_reachable};
use storegate_db::{Db, DbError, Exec, migrate, schema, sql};

async fn migrated(test_db: &TestDatabase) -> Db {
    let db = Db::connect(&test_db.options).await.expect("connect");
    migrate::run(&db).await.expect("migrate");
    db
}

#[tokio::test(flavor = "multi_thread")]
async fn migrations_apply_once_and_values_round_trip() {
    let test_db = TestDatabase::new();
    let db = migrated(&test_db).await;
    let again = migrate::run(&db).await.unwrap();
    assert!(again.applied.is_empty(), "second run applied {:?}", again.applied);

    let mut tx = db.begin().await.unwrap();
    tx.execute(sql!(
        "INSERT INTO tenants (id, code, name, host, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        1,
        "main",
        "Main",
        None::<String>,
        true,
        "2026-01-01 00:00:00"
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let row =
        db.fetch_optional(sql!("SELECT code, is_default, host FROM tenants WHERE id = $1", 1)).await.unwrap().unwrap();
    assert_eq!(row.get::<String>("code").unwrap(), "main");
    assert!(row.get::<bool>("is_default").unwrap());
    assert_eq!(row.get::<Option<String>>("host").unwrap(), None);

    let dup = db
        .execute(sql!(
            "INSERT INTO tenants (id, code, name, is_default, created_at) VALUES ($1, $2, $3, $4, $5)",
            2,
            "main",
            "Again",
            false,
            "2026-01-01 00:00:00"
        ))
        .await;
    assert!(matches!(dup, Err(DbError::UniqueViolation(_))), "{dup:?}");

    // Decimals are stored as millionths and come back exact.
    let price = Decimal::from_str("19.99").unwrap();
    let mut tx = db.begin().await.unwrap();
    tx.execute(sql!(
        "INSERT INTO attribute_sets (tenant_id, id, entity_type, name) VALUES (1, 4, 'catalog_product', 'Default')"
    ))
    .await
    .unwrap();
    tx.execute(sql!(
        "INSERT INTO products (tenant_id, id, sku, type_id, attribute_set_id, name, price, created_at, updated_at) \
         VALUES (1, 1, $1, 'simple', 4, 'Thing', $2, 'now', 'now')",
        "SKU 1/ü",
        price
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let back: Decimal =
        db.clone().fetch_scalar(sql!("SELECT price FROM products WHERE sku = $1", "SKU 1/ü")).await.unwrap();
    assert_eq!(back, price);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_transaction_is_rolled_back() {
    let test_db = TestDatabase::new();
    let db = migrated(&test_db).await;
    {
        let mut tx = db.begin().await.unwrap();
        tx.execute(sql!("INSERT INTO tenants (id, code, name, created_at) VALUES (7, 'x', 'X', 'now')")).await.unwrap();
    }
    // The write connection (SQLite) or the rolled-back connection (PostgreSQL) is usable again.
    let mut tx = db.begin().await.unwrap();
    let n: i64 = tx.fetch_scalar(sql!("SELECT COUNT(*) FROM tenants")).await.unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_log_is_append_only() {
    let test_db = TestDatabase::new();
    let db = migrated(&test_db).await;
    db.execute(sql!(
        "INSERT INTO audit_log (at, request_id, channel, principal_kind, principal_name, operation_id, decision, status, sentence) \
         VALUES ('now', 'r', 'rest', 'admin', 'a', 'op', 'allowed', 200, 's')"
    ))
    .await
    .unwrap();
    assert!(db.execute(sql!("UPDATE audit_log SET sentence = 'changed'")).await.is_err());
    assert!(db.execute(sql!("DELETE FROM audit_log")).await.is_err());
}

/// Both migration sets must give the same tables, columns, types, nullability and indexes.
#[tokio::test(flavor = "multi_thread")]
async fn schema_parity_between_sqlite_and_postgres() {
    let url = std::env::var(TEST_DATABASE_ENV).unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if !postgres_reachable(&url) {
        // Written past the test harness's capture so that the skip is visible in every run.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** PostgreSQL not reachable at {}: schema parity test SKIPPED (set {TEST_DATABASE_ENV}) ***\n",
            storegate_db::testing::redact(&url)
        );
        if std::env::var("STOREGATE_REQUIRE_POSTGRES").is_ok() {
            panic!("STOREGATE_REQUIRE_POSTGRES is set but PostgreSQL is not reachable");
        }
        return;
    }
    let sqlite_db = TestDatabase::sqlite();
    let pg_db = TestDatabase::postgres(&url);
    let sqlite_schema = schema::introspect(&migrated(&sqlite_db).await).await.unwrap();
    let pg_schema = schema::introspect(&migrated(&pg_db).await).await.unwrap();
    assert!(sqlite_schema.tables.len() > 10, "introspection found too few tables");
    let diff = schema::differences(&sqlite_schema, &pg_schema);
    assert!(diff.is_empty(), "SQLite and PostgreSQL schemas differ:\n{}", diff.join("\n"));
}

/// Caches rely on the change epoch: a commit from another handle (another process, the CLI,
/// another node) must change it.
#[tokio::test(flavor = "multi_thread")]
async fn the_change_epoch_moves_on_commits_from_elsewhere() {
    let test_db = TestDatabase::new();
    let db = migrated(&test_db).await;
    let other = Db::connect(&test_db.options).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let first = loop {
        if let Some(e) = db.change_epoch() {
            break e;
        }
        assert!(std::time::Instant::now() < deadline, "the change listener never started");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(db.change_epoch(), Some(first), "stable without changes");
    other.execute(sql!("INSERT INTO tenants (id, code, name, created_at) VALUES (5, 'e', 'E', 'now')")).await.unwrap();
    loop {
        if db.change_epoch().is_some_and(|e| e != first) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "a commit elsewhere did not change the epoch");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
