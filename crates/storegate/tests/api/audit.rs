use crate::helpers::{ADMIN_PASSWORD, TestServer};
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
    server.get("/rest/V1/store/storeViews", Some(&token)).await;
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
