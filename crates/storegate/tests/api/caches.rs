//! The read caches never serve stale data: a change committed by another process (here a
//! second database handle, as the CLI or another node would be) is visible at once on
//! SQLite and within moments on PostgreSQL (where other nodes hear of it by notification).

use crate::helpers::{TestServer, status_json};
use rust_decimal::Decimal;
use std::time::{Duration, Instant};
use storegate_db::{Db, sql};
use storegate_domain::catalog::products::{NewProduct, insert_batch};

async fn eventually(server: &TestServer, token: &str, path: &str, check: impl Fn(&serde_json::Value) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = status_json(server.get(path, Some(token)).await).await;
        if check(&body) {
            return;
        }
        assert!(Instant::now() < deadline, "still stale after 10 s: {body}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_from_another_process_retire_cached_answers() {
    let server = TestServer::start().await;
    let mut tx = server.db.begin().await.unwrap();
    insert_batch(&mut tx, server.tenant, vec![NewProduct::simple("CACHED", "Before", Decimal::from(10))])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let token = server.admin_token().await;
    for _ in 0..3 {
        let (_, p) = status_json(server.get("/rest/V1/products/CACHED", Some(&token)).await).await;
        assert_eq!(p["name"], "Before");
    }

    let elsewhere = Db::connect(&server.test_db.options).await.unwrap();
    elsewhere.execute(sql!("UPDATE products SET name = 'After' WHERE sku = 'CACHED'")).await.unwrap();
    if server.test_db.is_postgres() {
        eventually(&server, &token, "/rest/V1/products/CACHED", |p| p["name"] == "After").await;
    } else {
        let (_, p) = status_json(server.get("/rest/V1/products/CACHED", Some(&token)).await).await;
        assert_eq!(p["name"], "After", "SQLite sees another connection's commit at once");
    }

    // A revoked token stops working even though its principal was cached.
    elsewhere.execute(sql!("UPDATE access_tokens SET revoked_at = '2000-01-01 00:00:00'")).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.get("/rest/V1/products/CACHED", Some(&token)).await.status() != 401 {
        assert!(Instant::now() < deadline, "a revoked token kept working");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn this_servers_own_writes_are_read_back_at_once() {
    let server = TestServer::start().await;
    let mut tx = server.db.begin().await.unwrap();
    insert_batch(&mut tx, server.tenant, vec![NewProduct::simple("MINE", "Mine", Decimal::from(10))]).await.unwrap();
    tx.commit().await.unwrap();
    let token = server.admin_token().await;
    assert_eq!(server.get("/rest/V1/products/MINE", Some(&token)).await.status(), 200);
    assert_eq!(server.send(reqwest::Method::DELETE, "/rest/V1/products/MINE", Some(&token), None).await.status(), 200);
    assert_eq!(server.get("/rest/V1/products/MINE", Some(&token)).await.status(), 404, "no stale cached product");
}
