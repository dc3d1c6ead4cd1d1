use crate::helpers::{ADMIN_PASSWORD, TestServer};
use std::time::{Duration, Instant};
use storegate_db::sql;

/// A full run of sign-ins (good and bad) and writes leaves no password or token in the
/// audit log.
#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_reach_the_audit_log() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    server.token_for("admin", "Wrong-Secret-99").await;
    server.token_for("ghost", "Ghost-Secret-77").await;
    let rows = server.db.fetch_all(sql!("SELECT * FROM audit_log")).await.unwrap();
    assert!(rows.len() >= 3, "sign-ins are audited");
    for row in &rows {
        let text = format!("{:?}", row.values());
        for secret in [token.as_str(), ADMIN_PASSWORD, "Wrong-Secret-99", "Ghost-Secret-77"] {
            assert!(!text.contains(secret), "audit row leaks a secret: {text}");
        }
    }
    let sentences: Vec<String> = rows.iter().map(|r| r.get::<String>("sentence").unwrap()).collect();
    assert!(sentences.iter().any(|s| s == "admin signed in to default and received an admin token"), "{sentences:?}");
    assert!(sentences.iter().any(|s| s.contains("ghost") || s.contains("failed")), "{sentences:?}");
}

/// Reads by admins are not audited (only writes and denials are).
#[tokio::test(flavor = "multi_thread")]
async fn reads_are_not_audited_for_admins() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let before: i64 = server.db.clone().fetch_count().await;
    assert_eq!(server.get("/rest/V1/store/storeViews", Some(&token)).await.status(), 200);
    let after: i64 = server.db.clone().fetch_count().await;
    assert_eq!(before, after);
}

trait CountAudit {
    async fn fetch_count(self) -> i64;
}

impl CountAudit for storegate_db::Db {
    async fn fetch_count(self) -> i64 {
        self.fetch_optional(sql!("SELECT COUNT(*) FROM audit_log")).await.unwrap().unwrap().at(0).unwrap()
    }
}

/// Anonymous denials are counted, not written one by one: twenty 401s become one audit row
/// that says twenty, so an anonymous flood is not a write flood.
#[tokio::test(flavor = "multi_thread")]
async fn anonymous_denials_are_written_as_one_counted_row() {
    let server = TestServer::start_with(|c| c.anonymous_denial_flush = Duration::from_millis(200)).await;
    let before: i64 = server.db.clone().fetch_count().await;
    for _ in 0..20 {
        assert_eq!(server.get("/rest/V1/products/GH01", None).await.status(), 401);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let rows = loop {
        let rows = server
            .db
            .fetch_all(sql!(
                "SELECT * FROM audit_log WHERE operation_id = 'catalog.product.get' AND decision = 'denied'"
            ))
            .await
            .unwrap();
        if !rows.is_empty() {
            break rows;
        }
        assert!(Instant::now() < deadline, "the denials were never written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), 1);
    let sentence: String = rows[0].get("sentence").unwrap();
    assert!(sentence.starts_with("an anonymous caller was denied \"Get a product by SKU"), "{sentence}");
    assert!(sentence.contains(" 20 times "), "{sentence}");
    assert_eq!(rows[0].get::<i64>("status").unwrap(), 401);
    assert_eq!(server.db.clone().fetch_count().await, before + 1);
}
