//! The Magento scenarios: product GET by SKU and a filtered, sorted product search on a
//! generated store, beside a ceiling serving a fixed body the size of a real product.
//! Each runs on a hot set (a few hundred products, as real traffic concentrates) and a
//! wide set (more products than the read cache holds, so most answers come from the
//! database).

use crate::{
    Measured, PASSWORD, Rounds, Server, client, client_runtime, free_port, measure, median_by, spawn, wait_ready,
};
use anyhow::Context;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn run(binary: &Path, products: usize, hot: usize, rounds: &Rounds, out: &Path) -> anyhow::Result<()> {
    let data = std::env::temp_dir().join(format!("storegate-bench-magento-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");
    let started = Instant::now();
    let server = spawn(binary, &["demo", "--products", &products.to_string(), "--listen", &listen], &data)?;
    wait_ready(&format!("{base}/ready"), started, Duration::from_secs(600))?;

    let rt = client_runtime()?;
    let setup = rt.block_on(prepare(&base, hot))?;
    let body_file = data.join("product.json");
    std::fs::write(&body_file, &setup.product_body)?;
    let ceiling_port = free_port()?;
    let me = std::env::current_exe()?;
    let ceiling = Server(
        Command::new(&me)
            .args(["ceiling", "--listen", &format!("127.0.0.1:{ceiling_port}"), "--body-file"])
            .arg(&body_file)
            .stdout(Stdio::null())
            .spawn()?,
    );
    let ceiling_url = format!("http://127.0.0.1:{ceiling_port}/json");
    wait_ready(&ceiling_url, Instant::now(), Duration::from_secs(10))?;

    let auth = vec![("authorization".to_owned(), format!("Bearer {}", setup.token))];
    let scenarios: Vec<(&str, Vec<String>)> = vec![
        ("product GET, hot set", setup.hot_paths.clone()),
        ("product GET, wide set", setup.wide_paths.clone()),
        ("product search, repeated (5 pages)", setup.repeated_search_paths.clone()),
        ("product search, distinct filters (uncached)", setup.distinct_search_paths.clone()),
    ];
    let mut ceiling_runs = Vec::new();
    let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); scenarios.len()];
    for round in 1..=rounds.rounds {
        ceiling_runs.push(measure(&rt, &ceiling_url, &[], &[], ceiling.0.id(), rounds)?);
        for (i, (name, paths)) in scenarios.iter().enumerate() {
            runs[i].push(measure(&rt, &format!("{base}/"), paths, &auth, server.0.id(), rounds)?);
            eprintln!(
                "round {round}: {name}: {:.0} req/s",
                runs[i].last().map_or(0.0, |m| m.report.requests_per_second)
            );
        }
    }
    drop(ceiling);
    drop(server);
    let _ = std::fs::remove_dir_all(&data);

    let rps = |m: &Measured| m.report.requests_per_second;
    let ceiling_median = median_by(&ceiling_runs, rps);
    let medians: Vec<Measured> = runs.iter().map(|r| median_by(r, rps)).collect();
    let result = json!({
        "machine": crate::machine(),
        "products": products,
        "hot_set": hot,
        "wide_set": setup.wide_paths.len(),
        "product_body_bytes": setup.product_body.len(),
        "connections": rounds.connections, "seconds": rounds.seconds, "rounds": rounds.rounds,
        "ceiling": {"median": ceiling_median, "runs": ceiling_runs},
        "scenarios": scenarios.iter().zip(runs.iter().zip(&medians)).map(|((name, _), (runs, median))| json!({
            "name": name, "median": median, "runs": runs,
            "over_ceiling": rps(median) / rps(&ceiling_median),
        })).collect::<Vec<_>>(),
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&result)?)?;
    let m = crate::machine();
    println!("Machine: {} CPUs ({}), {:.0} GiB; commit {}\n", m.cpus, m.cpu_model, m.memory_gib, m.commit);
    println!(
        "| scenario ({products} products, {} connections, median of {} × {} s) | req/s | p50 | p99 | over ceiling | server CPU/request |",
        rounds.connections, rounds.rounds, rounds.seconds
    );
    println!("|---|---|---|---|---|---|");
    let line = |name: &str, r: &Measured, ratio: f64| {
        println!(
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {:.0} % | {:.1} µs |",
            r.report.requests_per_second,
            r.report.p50_ms,
            r.report.p99_ms,
            ratio * 100.0,
            r.server_cpu_us_per_request
        );
    };
    line(&format!("ceiling: fixed {}-byte product body", setup.product_body.len()), &ceiling_median, 1.0);
    for ((name, _), median) in scenarios.iter().zip(&medians) {
        line(name, median, rps(median) / rps(&ceiling_median));
    }
    Ok(())
}

struct Setup {
    token: String,
    product_body: Vec<u8>,
    hot_paths: Vec<String>,
    wide_paths: Vec<String>,
    repeated_search_paths: Vec<String>,
    distinct_search_paths: Vec<String>,
}

fn encode(sku: &str) -> String {
    sku.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// Signs in, samples SKUs across the catalog and builds the request paths.
async fn prepare(base: &str, hot: usize) -> anyhow::Result<Setup> {
    let body = json!({"username": "admin", "password": PASSWORD}).to_string();
    let token: String = serde_json::from_value(
        client::json("POST", &format!("{base}/rest/V1/integration/admin/token"), None, Some(&body)).await?,
    )?;
    let mut skus = Vec::new();
    for page in 1..=100 {
        let url = format!(
            "{base}/rest/V1/products?searchCriteria[pageSize]=500&searchCriteria[currentPage]={page}&fields=items[sku]"
        );
        let page = client::json("GET", &url, Some(&token), None).await?;
        let items = page["items"].as_array().context("items")?;
        if items.is_empty() {
            break;
        }
        skus.extend(items.iter().filter_map(|i| i["sku"].as_str().map(str::to_owned)));
    }
    anyhow::ensure!(skus.len() > hot, "too few products sampled");
    let path = |sku: &str| format!("/rest/V1/products/{}", encode(sku));
    // Every 7th product, so the hot set spans the catalog rather than one family.
    let hot_paths: Vec<String> = skus.iter().step_by(7).take(hot).map(|s| path(s)).collect();
    let wide_paths: Vec<String> = skus.iter().map(|s| path(s)).collect();
    let (_, product_body) = client::request("GET", &format!("{base}{}", hot_paths[0]), Some(&token), None).await?;
    // Two filter groups (type, minimum price), sorted by price, 20 per page. The repeated
    // set is five pages (served from the response cache after their first read); the
    // distinct set varies the price by the cent and the page, so no two requests match and
    // every one is counted, sorted and read from the database.
    let search = |price: String, page: usize| {
        format!(
            "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id\
             &searchCriteria[filter_groups][0][filters][0][value]=simple\
             &searchCriteria[filter_groups][1][filters][0][field]=price\
             &searchCriteria[filter_groups][1][filters][0][value]={price}\
             &searchCriteria[filter_groups][1][filters][0][condition_type]=gteq\
             &searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=DESC\
             &searchCriteria[pageSize]=20&searchCriteria[currentPage]={page}"
        )
    };
    let repeated_search_paths = (1..=5).map(|page| search("30".to_owned(), page)).collect();
    let distinct_search_paths = (0..40_000)
        .map(|i| {
            let cents = 1000 + i % 8000;
            search(format!("{}.{:02}", cents / 100, cents % 100), 1 + i / 8000)
        })
        .collect();
    Ok(Setup { token, product_body, hot_paths, wide_paths, repeated_search_paths, distinct_search_paths })
}
