//! Product batches against a real database: an existing SKU is refused by name, the
//! transaction stays usable, and nothing of the refused batch remains.

use rust_decimal::Decimal;
use storegate_db::testing::TestDatabase;
use storegate_db::{Db, migrate};
use storegate_domain::catalog::products::{self, NewProduct};
use storegate_domain::tenancy::{BootstrapOptions, bootstrap};
use storegate_types::ErrorCode;

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_sku_is_named_and_the_transaction_survives() {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.unwrap();
    migrate::run(&db).await.unwrap();
    let options = BootstrapOptions {
        admin_username: "admin".into(),
        admin_password: Some("admin123".into()),
        base_url: "http://x".into(),
    };
    let tenant = bootstrap(&db, &options).await.unwrap().tenant;
    let p = |sku: &str| NewProduct::simple(sku, sku, Decimal::from(5));

    let mut tx = db.begin().await.unwrap();
    products::insert_batch(&mut tx, tenant, vec![p("A")]).await.unwrap();
    let err = products::insert_batch(&mut tx, tenant, vec![p("B"), p("A")]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadyExists);
    assert_eq!(err.message(), "A product with SKU \"A\" already exists.");
    products::insert_batch(&mut tx, tenant, vec![p("C")]).await.unwrap();
    tx.commit().await.unwrap();

    let mut r = db.reader().await.unwrap();
    assert!(products::id_by_sku(&mut r, tenant, "A").await.unwrap().is_some());
    assert!(products::id_by_sku(&mut r, tenant, "B").await.unwrap().is_none(), "the refused batch left nothing");
    assert!(products::id_by_sku(&mut r, tenant, "C").await.unwrap().is_some());
    let dup = products::insert_batch(&mut db.begin().await.unwrap(), tenant, vec![p("D"), p("D")]).await.unwrap_err();
    assert_eq!(dup.code, ErrorCode::AlreadyExists);
}
