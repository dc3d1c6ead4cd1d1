//! `storegate demo` through the real binary: it generates, serves and prints a working curl.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use storegate_db::testing::TestDatabase;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_generates_serves_and_explains_itself() {
    let test_db = TestDatabase::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storegate"));
    cmd.arg("--data-dir").arg(test_db.data_dir.path());
    cmd.args(["demo", "--products", "400", "--customers", "20", "--listen", &format!("127.0.0.1:{port}")]);
    cmd.env_remove("STOREGATE_DATABASE_URL").env_remove("STOREGATE_ADMIN_PASSWORD").env("STOREGATE_LOG", "warn");
    if let Some(url) = &test_db.url {
        cmd.env("STOREGATE_DATABASE_URL", url);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.starts_with("Press Ctrl-C");
            seen.push(line);
            if done {
                break;
            }
        }
        seen
    });
    let lines = tokio::time::timeout(Duration::from_secs(120), lines).await.expect("demo starts").unwrap();
    let text = lines.join("\n");
    assert!(text.contains(&format!("ready at http://127.0.0.1:{port}")), "{text}");
    let password = lines
        .iter()
        .find_map(|l| l.strip_prefix("Admin user: admin   password: "))
        .expect("credentials printed")
        .trim()
        .to_owned();
    let product_url = lines
        .iter()
        .find_map(|l| l.strip_prefix("curl -s ").and_then(|l| l.split_whitespace().next()))
        .expect("a product curl is printed")
        .to_owned();

    let client = reqwest::Client::new();
    let token: String = client
        .post(format!("http://127.0.0.1:{port}/rest/V1/integration/admin/token"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product: serde_json::Value =
        client.get(&product_url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(product["type_id"], "configurable", "{product}");
    assert!(product["extension_attributes"]["configurable_product_links"].as_array().is_some_and(|l| !l.is_empty()));

    // Orders in every state, with their documents.
    let get = |path: String| {
        let request = client.get(format!("http://127.0.0.1:{port}/rest/V1/{path}")).bearer_auth(&token);
        async move {
            let response = request.send().await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let orders = get("orders?searchCriteria[pageSize]=1".into()).await;
    assert!(orders["total_count"].as_i64().unwrap() >= 500, "{orders}");
    for state in ["new", "processing", "complete", "closed", "canceled", "holded"] {
        let found = get(format!(
            "orders?searchCriteria[filterGroups][0][filters][0][field]=state\
             &searchCriteria[filterGroups][0][filters][0][value]={state}&searchCriteria[pageSize]=1"
        ))
        .await;
        assert!(found["total_count"].as_i64().unwrap() >= 1, "{state}: {found}");
        assert_eq!(found["items"][0]["state"], state, "{found}");
    }
    // A page of a search is read in a few statements for all its orders: each order on it is
    // exactly the order read alone (items, addresses, payment and history not mixed up).
    let page = get("orders?searchCriteria[pageSize]=40&searchCriteria[currentPage]=2".into()).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 40, "{page}");
    for order in items {
        let alone = get(format!("orders/{}", order["entity_id"])).await;
        assert_eq!(order, &alone, "order {} differs when searched", order["entity_id"]);
    }
    for documents in ["invoices", "shipments", "creditmemos"] {
        let found = get(format!("{documents}?searchCriteria[pageSize]=1")).await;
        assert!(found["total_count"].as_i64().unwrap() >= 1, "{documents}: {found}");
    }

    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(status.success());
}
