//! PostgreSQL goes away mid-run and comes back: readiness says 503 while it is gone,
//! requests fail cleanly with Magento-shaped 503s (no 500, no hang), and the server recovers
//! without a restart. The database is reached through a TCP proxy the test cuts.
//! A start while PostgreSQL is unreachable waits for it. PostgreSQL only: the embedded
//! database cannot become unreachable.

use crate::helpers::{TestServer, status_json, test_config};
use crate::process::ServerProcess;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use storegate::config::Secret;
use storegate_db::testing::TestDatabase;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards connections to `target` while up; cutting it closes every open connection and
/// refuses new ones.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, cuts) = watch::channel(0u64);
        let accepting = up.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let (target, mut cuts) = (target.clone(), cuts.clone());
                // Only a cut after this connection opened ends it.
                cuts.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else { return };
                    let (mut client, mut server) = (client, server);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Proxy { addr, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user@host:port/db?…` with host and port replaced by `addr`.
fn through(url: &str, addr: SocketAddr) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let (user, host) = authority.rsplit_once('@').map_or(("", authority), |(u, h)| (u, h));
    let target = if host.contains(':') { host.to_owned() } else { format!("{host}:5432") };
    let user = if user.is_empty() { String::new() } else { format!("{user}@") };
    (format!("{scheme}://{user}{addr}/{path}"), target)
}

/// A fresh PostgreSQL test database reached through a proxy: the database, the proxy and
/// the database URL through it. `None` on SQLite.
async fn proxied_database() -> Option<(TestDatabase, Proxy, String)> {
    let test_db = TestDatabase::new();
    let Some(url) = test_db.url.clone() else {
        eprintln!("outage test skipped: it needs PostgreSQL (STOREGATE_TEST_DATABASE_URL)");
        return None;
    };
    let (_, target) = through(&url, "127.0.0.1:1".parse().unwrap());
    let proxy = Proxy::start(target).await;
    let (proxied, _) = through(&url, proxy.addr);
    Some((test_db, proxy, proxied))
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_outage_mid_run_fails_cleanly_and_recovers_without_restart() {
    let Some((test_db, proxy, proxied)) = proxied_database().await else { return };
    let mut config = test_config(&test_db);
    config.database_url = Some(Secret::new(proxied));
    config.request_timeout = std::time::Duration::from_secs(5);
    let server = TestServer::start_on(test_db, config).await;
    let admin = server.admin_token().await;
    let (status, _) = status_json(server.get("/ready", None).await).await;
    assert_eq!(status, 200);

    proxy.cut();
    let (status, ready) = status_json(server.get("/ready", None).await).await;
    assert_eq!(status, 503, "readiness reports the outage: {ready}");
    for path in ["/rest/V1/products?searchCriteria[pageSize]=5", "/rest/V1/customers/search?searchCriteria[pageSize]=5"]
    {
        let (status, body) = status_json(server.get(path, Some(&admin)).await).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("unavailable")), "{path}: {body}");
    }
    let product =
        serde_json::json!({"product": {"sku": "OUTAGE-1", "name": "Outage", "price": 1, "attribute_set_id": 4}});
    let (status, body) =
        status_json(server.send(reqwest::Method::POST, "/rest/V1/products", Some(&admin), Some(product.clone())).await)
            .await;
    assert_eq!(status, 503, "a write during the outage: {body}");

    proxy.restore();
    let mut ready = 0;
    for _ in 0..100 {
        ready = status_json(server.get("/ready", None).await).await.0;
        if ready == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ready, 200, "readiness recovers without a restart");
    let (status, body) =
        status_json(server.send(reqwest::Method::POST, "/rest/V1/products", Some(&admin), Some(product)).await).await;
    assert_eq!(status, 200, "writes work again: {body}");
    let (status, _) = status_json(server.get("/rest/V1/products/OUTAGE-1", Some(&admin)).await).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_while_postgres_is_unreachable_waits_for_it() {
    let Some((test_db, proxy, proxied)) = proxied_database().await else { return };
    proxy.down();
    let opens = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        proxy.restore();
        proxy
    });
    // Healthy only once the database came back and the migrations ran.
    let server = tokio::task::spawn_blocking(move || {
        let server = ServerProcess::start_with_env(&test_db, &[("STOREGATE_DATABASE_URL", &proxied)]);
        (server, test_db)
    })
    .await
    .unwrap();
    let _proxy = opens.await.unwrap();
    let (status, _) = status_json(reqwest::get(format!("{}/ready", server.0.base())).await.unwrap()).await;
    assert_eq!(status, 200);
}
