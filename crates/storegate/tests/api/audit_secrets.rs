//! No personal data or bearer secret in the audit log (issue 12, item 10): an attempted
//! email is not a sign-in's target, and a coupon code is not in the sentence of its use.

use crate::helpers::{TestServer, status_json};
use reqwest::Method;
use serde_json::json;
use storegate_db::sql;

async fn audit_text(server: &TestServer) -> Vec<String> {
    let rows = server.db.fetch_all(sql!("SELECT * FROM audit_log")).await.unwrap();
    rows.iter().map(|r| format!("{:?}", r.values())).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_sign_in_with_an_email_leaves_no_email_in_the_audit_log() {
    let server = TestServer::start().await;
    for path in ["/rest/V1/integration/admin/token", "/rest/V1/integration/customer/token"] {
        let body = json!({"username": "someone.real@example.com", "password": "Wrong-pass-1"});
        assert_eq!(server.send(Method::POST, path, None, Some(body)).await.status(), 401);
    }
    let rows = audit_text(&server).await;
    assert!(rows.len() >= 2, "failed sign-ins are audited: {rows:?}");
    for row in rows {
        assert!(!row.contains("someone.real"), "an attempted email reached the audit log: {row}");
    }
}

/// Every audit sentence and target read back after a guest cart's life: no masked id.
#[tokio::test(flavor = "multi_thread")]
async fn a_guest_carts_masked_id_is_not_in_audit_sentences_or_targets() {
    let server = TestServer::start().await;
    let (status, mask) = status_json(server.send(Method::POST, "/rest/V1/guest-carts", None, None).await).await;
    assert_eq!(status, 200);
    let mask = mask.as_str().unwrap().to_owned();
    let address = json!({"address": {"firstname": "G", "lastname": "Uest", "street": ["1 Main St"], "city": "Austin",
        "region_id": 57, "postcode": "78701", "country_id": "US", "telephone": "512-555-0100", "email": "g@example.com"}});
    let path = format!("/rest/V1/guest-carts/{mask}/billing-address");
    let (status, body) = status_json(server.send(Method::POST, &path, None, Some(address)).await).await;
    assert_eq!(status, 200, "{body}");
    let rows = server.db.fetch_all(sql!("SELECT sentence, target FROM audit_log")).await.unwrap();
    assert!(rows.len() >= 2, "the guest's writes are audited");
    for row in &rows {
        let text = format!("{:?}", row.values());
        for secret in [mask.as_str(), "g@example.com", "1 Main St", "512-555-0100"] {
            assert!(!text.contains(secret), "{secret} in the audit log: {text}");
        }
    }
}
