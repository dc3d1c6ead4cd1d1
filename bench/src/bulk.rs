//! Bulk create through the asynchronous Web API: N products queued with
//! `POST /rest/async/bulk/V1/products` in requests of a fixed size, then the time until the
//! workers have completed every operation. On SQLite, on PostgreSQL, and on two nodes
//! sharing one PostgreSQL (the requests alternate between them; both run workers).
//! Afterwards every operation must be complete and every product present.

use crate::checkout::{Backend, ScratchDatabase};
use crate::{PASSWORD, Server, client, client_runtime, free_port, spawn, wait_ready};
use anyhow::ensure;
use serde::Serialize;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub setup: String,
    pub products: usize,
    pub per_request: usize,
    /// Time to have every request answered 202.
    pub accept_seconds: f64,
    pub accepted_per_second: f64,
    /// From the first request sent until the last operation completed.
    pub complete_seconds: f64,
    pub completed_per_second: f64,
}

/// One setup: `nodes` servers over `backend`, each with the default two workers.
pub fn run(
    binary: &Path,
    backend: &Backend,
    nodes: usize,
    products: usize,
    per_request: usize,
) -> anyhow::Result<Outcome> {
    let data = std::env::temp_dir().join(format!("storegate-bench-bulk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let scratch = match backend {
        Backend::Postgres { admin_url } => Some(ScratchDatabase::create(admin_url, "bulk")?),
        Backend::Sqlite { .. } => None,
    };
    let mut servers: Vec<(Server, String)> = Vec::new();
    for _ in 0..nodes {
        let listen = format!("127.0.0.1:{}", free_port()?);
        let mut args = vec!["serve".to_owned(), "--listen".to_owned(), listen.clone()];
        if let Some(scratch) = &scratch {
            args.extend(["--database-url".to_owned(), scratch.url.clone()]);
        }
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        // One data directory: the nodes share its encryption key, as nodes of one store must.
        let server = spawn(binary, &arg_refs, &data)?;
        let base = format!("http://{listen}");
        wait_ready(&format!("{base}/ready"), Instant::now(), Duration::from_secs(120))?;
        servers.push((server, base));
    }
    let bases: Vec<String> = servers.iter().map(|(_, b)| b.clone()).collect();
    let rt = client_runtime()?;
    let outcome = rt.block_on(measure(&bases, products, per_request))?;
    drop(servers);
    let _ = std::fs::remove_dir_all(&data);
    let setup = match (backend, nodes) {
        (Backend::Postgres { .. }, n) if n > 1 => format!("PostgreSQL, {n} nodes"),
        (b, _) => b.label(),
    };
    Ok(Outcome { setup, ..outcome })
}

async fn measure(bases: &[String], products: usize, per_request: usize) -> anyhow::Result<Outcome> {
    let body = json!({"username": "admin", "password": PASSWORD}).to_string();
    let token: String = serde_json::from_value(
        client::json("POST", &format!("{}/rest/V1/integration/admin/token", bases[0]), None, Some(&body)).await?,
    )?;
    let payloads: Vec<String> = (0..products)
        .collect::<Vec<_>>()
        .chunks(per_request)
        .map(|chunk| {
            let items: Vec<_> = chunk.iter().map(|i| product(*i)).collect();
            serde_json::Value::Array(items).to_string()
        })
        .collect();
    let started = Instant::now();
    let mut bulks = Vec::new();
    for (n, payload) in payloads.iter().enumerate() {
        let base = &bases[n % bases.len()];
        let url = format!("{base}/rest/async/bulk/V1/products");
        let (status, body) = client::request("POST", &url, Some(&token), Some(payload)).await?;
        ensure!(status == 202, "bulk request answered {status}: {}", String::from_utf8_lossy(&body));
        let accepted: serde_json::Value = serde_json::from_slice(&body)?;
        ensure!(accepted["errors"] == false, "operations were rejected: {accepted}");
        bulks.push(accepted["bulk_uuid"].as_str().unwrap_or_default().to_owned());
    }
    let accept_seconds = started.elapsed().as_secs_f64();
    let mut pending = bulks.clone();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for uuid in pending {
            let url = format!("{}/rest/V1/bulk/{uuid}/operation-status/4", bases[0]);
            let open: i64 = serde_json::from_value(client::json("GET", &url, Some(&token), None).await?)?;
            if open > 0 {
                still.push(uuid);
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        ensure!(started.elapsed() < Duration::from_secs(1800), "the bulk did not complete in 30 minutes");
    }
    let complete_seconds = started.elapsed().as_secs_f64();
    let mut complete = 0;
    for uuid in &bulks {
        let url = format!("{}/rest/V1/bulk/{uuid}/operation-status/1", bases[0]);
        complete += serde_json::from_value::<i64>(client::json("GET", &url, Some(&token), None).await?)?;
    }
    ensure!(complete as usize == products, "{complete} of {products} operations completed");
    let url = format!("{}/rest/V1/products?searchCriteria[pageSize]=1", bases[0]);
    let found = client::json("GET", &url, Some(&token), None).await?;
    ensure!(found["total_count"] == products as i64, "products present: {}", found["total_count"]);
    Ok(Outcome {
        setup: String::new(),
        products,
        per_request,
        accept_seconds,
        accepted_per_second: products as f64 / accept_seconds,
        complete_seconds,
        completed_per_second: products as f64 / complete_seconds,
    })
}

fn product(i: usize) -> serde_json::Value {
    json!({"product": {
        "sku": format!("BULK-{i:06}"), "name": format!("Bulk product {i}"), "attribute_set_id": 4,
        "type_id": "simple", "price": 10 + i % 90, "status": 1, "visibility": 4, "weight": 1,
        "extension_attributes": {"website_ids": [1], "stock_item": {"qty": 100, "is_in_stock": true}},
        "custom_attributes": [{"attribute_code": "description", "value": format!("Imported in bulk, number {i}.")}],
    }})
}
