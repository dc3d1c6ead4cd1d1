//! The demo store generator on whichever backend the run targets: it meets the size
//! minimums, produces readable configurable products, is deterministic per seed and
//! generates exactly the number of product rows asked for.

use storegate_db::testing::TestDatabase;
use storegate_db::{Db, migrate, sql};
use storegate_domain::catalog::{categories, products};
use storegate_domain::crypto::Crypto;
use storegate_domain::progress::Silent;
use storegate_domain::seed::{self, DemoReport, DemoSpec};
use storegate_domain::{cms, customer, tenancy};
use storegate_types::TenantId;

/// A migrated, bootstrapped database (kept alive by the returned guard).
async fn fresh() -> (TestDatabase, Db, TenantId) {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.expect("connect");
    migrate::run(&db).await.expect("migrate");
    let options = tenancy::BootstrapOptions {
        admin_username: "admin".into(),
        admin_password: Some("admin123".into()),
        base_url: "http://localhost".into(),
    };
    let boot = tenancy::bootstrap(&db, &options).await.expect("bootstrap");
    (test_db, db, boot.tenant)
}

async fn generated(spec: &DemoSpec) -> (TestDatabase, Db, TenantId, DemoReport) {
    let (test_db, db, tenant) = fresh().await;
    let report = seed::generate(&db, tenant, &Crypto::from_key(&[7u8; 32]), spec, &Silent).await.expect("generate");
    (test_db, db, tenant, report)
}

async fn scalar(db: &Db, q: storegate_db::Query) -> i64 {
    db.fetch_optional(q).await.unwrap().unwrap().at(0).unwrap()
}

fn value<'a>(attributes: &'a [(String, String)], code: &str) -> Option<&'a str> {
    attributes.iter().find(|(c, _)| c == code).map(|(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread")]
async fn default_store_meets_the_minimums() {
    let (_guard, mut db, tenant, report) = generated(&DemoSpec::default()).await;
    let t = tenant.0;

    assert_eq!(report.products, 2000, "{report:?}");
    assert!(report.configurable > 50 && report.simple > 1500, "{report:?}");
    assert_eq!(products::count(&mut db, tenant).await.unwrap(), 2000);
    let by_type = products::count_by_type(&mut db, tenant).await.unwrap();
    assert_eq!(
        by_type,
        vec![("configurable".to_owned(), report.configurable as i64), ("simple".to_owned(), report.simple as i64)]
    );
    assert!(report.categories >= 30, "{report:?}");
    assert_eq!(
        categories::count(&mut db, tenant).await.unwrap(),
        report.categories as i64 + 2,
        "plus root and default"
    );
    assert_eq!(report.customers, 200);
    assert_eq!(customer::count(&mut db, tenant).await.unwrap(), 200);
    let addresses = scalar(&db, sql!("SELECT COUNT(*) FROM customer_addresses WHERE tenant_id = $1", t)).await;
    assert_eq!(addresses, report.addresses as i64);
    assert!(report.addresses >= 200, "{report:?}");
    let without_defaults = scalar(
        &db,
        sql!("SELECT COUNT(*) FROM customers WHERE tenant_id = $1 AND (default_billing IS NULL OR default_shipping IS NULL)", t),
    )
    .await;
    assert_eq!(without_defaults, 0);
    assert!(report.pages >= 5 && report.blocks >= 6, "{report:?}");
    assert_eq!(cms::counts(&mut db, tenant).await.unwrap(), (report.pages as i64, report.blocks as i64));
    let no_route =
        scalar(&db, sql!("SELECT COUNT(*) FROM cms_pages WHERE tenant_id = $1 AND identifier = 'no-route'", t)).await;
    assert_eq!(no_route, 1);
    let unlinked = scalar(
        &db,
        sql!(
            "SELECT COUNT(*) FROM products p WHERE p.tenant_id = $1 AND NOT EXISTS \
              (SELECT 1 FROM category_products c WHERE c.tenant_id = p.tenant_id AND c.product_id = p.id)",
            t
        ),
    )
    .await;
    assert_eq!(unlinked, 0, "every product is in a category");
}

#[tokio::test(flavor = "multi_thread")]
async fn configurable_products_read_back_with_options_and_children() {
    let (_guard, mut db, tenant, _) = generated(&DemoSpec { products: 200, customers: 1, seed: 42 }).await;
    let row = db
        .fetch_optional(sql!(
            "SELECT sku FROM products WHERE tenant_id = $1 AND type_id = 'configurable' ORDER BY id LIMIT 1",
            tenant.0
        ))
        .await
        .unwrap()
        .expect("a configurable product");
    let sku: String = row.at(0).unwrap();
    let parent = products::get_by_sku(&mut db, tenant, &sku, 1).await.unwrap().unwrap();

    assert_eq!(parent.visibility, products::VISIBILITY_BOTH);
    let codes: Vec<&str> = parent.configurable_options.iter().map(|o| o.attribute_code.as_str()).collect();
    assert_eq!(codes, ["color", "size"]);
    assert!(parent.configurable_options.iter().all(|o| !o.values.is_empty()), "{:?}", parent.configurable_options);
    assert!(parent.children.len() >= 2, "{parent:?}");
    for code in ["description", "short_description", "url_key", "material", "activity", "pattern"] {
        assert!(value(&parent.attributes, code).is_some(), "parent lacks {code}");
    }
    assert!(value(&parent.attributes, "description").unwrap().starts_with("<p>"));
    assert!((1..=3).contains(&parent.categories.len()));

    let child_sku: String = db
        .fetch_optional(sql!("SELECT sku FROM products WHERE tenant_id = $1 AND id = $2", tenant.0, parent.children[0]))
        .await
        .unwrap()
        .unwrap()
        .at(0)
        .unwrap();
    let child = products::get_by_sku(&mut db, tenant, &child_sku, 1).await.unwrap().unwrap();
    assert!(child.sku.starts_with(&format!("{sku}-")), "{}", child.sku);
    assert!(child.name.starts_with(&format!("{}-", parent.name)), "{}", child.name);
    assert_eq!(child.visibility, products::VISIBILITY_NOT_VISIBLE);
    for (code, option) in parent.configurable_options.iter().map(|o| (o.attribute_code.as_str(), &o.values)) {
        let id: i64 = value(&child.attributes, code).unwrap_or_else(|| panic!("child lacks {code}")).parse().unwrap();
        assert!(option.contains(&id), "{code} {id} not in {option:?}");
    }
    let stock = child.stock.expect("stock");
    assert_eq!(stock.is_in_stock, stock.qty > rust_decimal::Decimal::ZERO);
}

/// (sku, name, price, type) of every product and every customer email, in id order.
async fn fingerprint(
    db: &Db,
    tenant: TenantId,
) -> (Vec<(String, String, Option<rust_decimal::Decimal>, String)>, Vec<String>) {
    let rows = db
        .fetch_all(sql!("SELECT sku, name, price, type_id FROM products WHERE tenant_id = $1 ORDER BY id", tenant.0))
        .await
        .unwrap();
    let products =
        rows.iter().map(|r| (r.at(0).unwrap(), r.at(1).unwrap(), r.at(2).unwrap(), r.at(3).unwrap())).collect();
    let rows =
        db.fetch_all(sql!("SELECT email FROM customers WHERE tenant_id = $1 ORDER BY id", tenant.0)).await.unwrap();
    (products, rows.iter().map(|r| r.at(0).unwrap()).collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn same_seed_same_store_other_seed_other_store() {
    let spec = DemoSpec { products: 300, customers: 20, seed: 7 };
    let (_a, db_a, tenant_a, report_a) = generated(&spec).await;
    let (_b, db_b, tenant_b, report_b) = generated(&spec).await;
    let (_c, db_c, tenant_c, _) = generated(&DemoSpec { seed: 8, ..spec.clone() }).await;

    assert_eq!(report_a, report_b);
    let a = fingerprint(&db_a, tenant_a).await;
    assert_eq!(a.0.len(), 300);
    assert_eq!(a.1.len(), 20);
    assert_eq!(a, fingerprint(&db_b, tenant_b).await);
    let c = fingerprint(&db_c, tenant_c).await;
    assert_ne!(a.0, c.0, "another seed gives other products");
    assert_ne!(a.1, c.1, "another seed gives other customers");
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_sizes_come_out_exact() {
    let (_guard, mut db, tenant, report) = generated(&DemoSpec { products: 1234, customers: 3, seed: 5 }).await;
    assert_eq!(report.products, 1234);
    assert_eq!(report.configurable + report.simple, 1234);
    assert_eq!(products::count(&mut db, tenant).await.unwrap(), 1234);
    assert_eq!(customer::count(&mut db, tenant).await.unwrap(), 3);
}
