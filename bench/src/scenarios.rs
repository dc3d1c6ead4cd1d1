//! The named scenarios of issue 6 on fresh demo stores of one or more catalog sizes.
//!
//! For each size: `storegate demo --products N` generates the store (timed to `/ready`, its
//! peak memory read), is stopped, and `storegate serve` starts on the same data (time to
//! `/ready` and idle memory). The harness signs in as the admin, samples SKUs at random over
//! the whole catalog, creates the product the checkouts buy, then runs each scenario over
//! real sockets: a warm-up, a fixed period at a fixed concurrency, the server's memory
//! (VmRSS) read after it. The ceiling, a minimal axum server answering a fixed body the size
//! of a real product response, is measured in the same run.
//!
//! Scenarios run in a fixed order (reads first, then the writes, then the mix), so the
//! reads see a store no checkout has touched and `order-search` sees the orders placed.

use crate::checkout::{self, Flow, ScratchDatabase};
use crate::load::{Action, Load, Report, Rng, Step};
use crate::{
    Machine, Measured, Server, client, client_runtime, current_rss_mib, free_port, machine, measure_load, peak_rss_mib,
    spawn_logged, wait_ready,
};
use anyhow::{Context, bail};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every scenario, in the order they run.
pub const NAMES: &[&str] =
    &["ceiling", "product-get", "product-search", "category-tree", "customer-get", "checkout", "order-search", "mixed"];

/// SKUs sampled at random over the catalog for `product-get` (all of them when fewer).
const SAMPLED_SKUS: usize = 50_000;

/// Product ids per `entity_id in` lookup: the filter value may hold 1,024 characters.
const IDS_PER_LOOKUP: usize = 120;

pub struct Options {
    pub binary: PathBuf,
    pub sizes: Vec<usize>,
    /// Scenarios to run; empty means all.
    pub only: Vec<String>,
    pub connections: usize,
    pub checkout_connections: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub postgres: Option<String>,
    pub out: PathBuf,
}

#[derive(Serialize, Default)]
struct SizeResult {
    products: usize,
    /// Why this size could not be measured (or stopped part-way), when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    load_average_before: String,
    demo: Option<Demo>,
    startup: Option<Startup>,
    setup: Option<Value>,
    scenarios: Vec<ScenarioResult>,
}

#[derive(Serialize)]
struct Demo {
    /// From starting `storegate demo` until it answers `/ready` (generation included).
    seconds_to_ready: f64,
    /// The generator's own figure, from its summary line.
    generation_seconds: Option<f64>,
    summary: Option<String>,
    peak_rss_mib: Option<f64>,
}

#[derive(Serialize)]
struct Startup {
    /// `storegate serve` on the generated store, until `/ready`.
    to_ready_ms: f64,
    /// A second after `/ready`, before any load.
    idle_rss_mib: Option<f64>,
}

#[derive(Serialize)]
struct ScenarioResult {
    name: String,
    description: String,
    /// What one counted step is.
    unit: &'static str,
    connections: usize,
    #[serde(flatten)]
    measured: Measured,
    /// Throughput over the ceiling's, for single-request scenarios.
    over_ceiling: Option<f64>,
    /// Server VmRSS after the scenario (the ceiling's own process for `ceiling`).
    rss_after_mib: Option<f64>,
    /// How long the server kept working after the scenario's last answer, until its CPU
    /// use fell below a tenth of a core (work of requests that timed out goes on).
    settle_seconds: f64,
}

pub fn run(opts: &Options) -> anyhow::Result<()> {
    if !opts.binary.exists() {
        bail!("{} not found; build it first: cargo build --release -p storegate", opts.binary.display());
    }
    let selected: Vec<&str> =
        NAMES.iter().copied().filter(|n| opts.only.is_empty() || opts.only.iter().any(|o| o == n)).collect();
    let command: Vec<String> = std::env::args().collect();
    let machine = machine();
    let mut sizes = Vec::new();
    for &products in &opts.sizes {
        let mut result = SizeResult { products, load_average_before: load_average(), ..SizeResult::default() };
        eprintln!("== {products} products (load average {})", result.load_average_before);
        if let Err(e) = run_size(opts, &selected, &mut result) {
            eprintln!("{products} products: {e:#}");
            result.error = Some(format!("{e:#}"));
        }
        print_size(&result, &machine);
        sizes.push(result);
        // Written after every size, so a long run's finished sizes survive its interruption.
        let doc = json!({
            "machine": &machine,
            "command": command.join(" "),
            "backend": if opts.postgres.is_some() { "PostgreSQL" } else { "SQLite" },
            "connections": opts.connections,
            "checkout_connections": opts.checkout_connections,
            "seconds": opts.duration.as_secs_f64(),
            "warmup_seconds": opts.warmup.as_secs_f64(),
            "sizes": sizes,
        });
        if let Some(dir) = opts.out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&opts.out, serde_json::to_string_pretty(&doc)?)?;
    }
    if sizes.len() > 1 {
        print_scale(&sizes);
    }
    Ok(())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn run_size(opts: &Options, selected: &[&str], result: &mut SizeResult) -> anyhow::Result<()> {
    let products = result.products;
    let data = std::env::temp_dir().join(format!("storegate-bench-scenarios-{}-{products}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let outcome = measure_size(opts, selected, result, &data);
    let _ = std::fs::remove_dir_all(&data);
    outcome
}

fn measure_size(opts: &Options, selected: &[&str], result: &mut SizeResult, data: &Path) -> anyhow::Result<()> {
    let products = result.products;
    let scratch = match &opts.postgres {
        Some(url) => Some(ScratchDatabase::create(url, &format!("scenarios_{products}"))?),
        None => None,
    };
    let mut db_args: Vec<String> = Vec::new();
    if let Some(s) = &scratch {
        db_args.extend(["--database-url".to_owned(), s.url.clone()]);
    }

    // 1. Generation, until the demo store answers /ready.
    let listen = format!("127.0.0.1:{}", free_port()?);
    let mut args = vec!["demo".to_owned(), "--products".to_owned(), products.to_string(), "--listen".to_owned()];
    args.push(listen.clone());
    args.extend(db_args.iter().cloned());
    let log = data.join("demo.log");
    let started = Instant::now();
    let demo = spawn_logged(&opts.binary, &args.iter().map(String::as_str).collect::<Vec<_>>(), data, Some(&log))?;
    let ready = wait_ready(&format!("http://{listen}/ready"), started, Duration::from_secs(3 * 3600));
    let peak = peak_rss_mib(demo.0.id());
    drop(demo);
    let ready = ready.with_context(|| {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        format!("demo generation failed; its last lines: {:?}", tail)
    })?;
    let summary = std::fs::read_to_string(&log)
        .ok()
        .and_then(|l| l.lines().find(|l| l.starts_with("Generated ")).map(str::to_owned));
    let generation_seconds = summary.as_deref().and_then(|s| {
        let before = s.strip_suffix(" s.")?;
        before.rsplit(' ').next()?.parse().ok()
    });
    eprintln!(
        "demo: {:.1} s to /ready, peak RSS {peak:?} MiB; {}",
        ready.as_secs_f64(),
        summary.as_deref().unwrap_or("")
    );
    result.demo = Some(Demo { seconds_to_ready: ready.as_secs_f64(), generation_seconds, summary, peak_rss_mib: peak });

    // 2. A fresh `serve` on the generated store.
    let listen = format!("127.0.0.1:{}", free_port()?);
    let base = format!("http://{listen}");
    let mut args = vec!["serve".to_owned(), "--listen".to_owned(), listen.clone()];
    args.extend(db_args.iter().cloned());
    let started = Instant::now();
    let server = spawn_logged(
        &opts.binary,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        data,
        Some(&data.join("serve.log")),
    )?;
    let to_ready = wait_ready(&format!("{base}/ready"), started, Duration::from_secs(600))?;
    std::thread::sleep(Duration::from_secs(1));
    let idle = current_rss_mib(server.0.id());
    eprintln!("serve: {:.0} ms to /ready, idle RSS {idle:?} MiB", to_ready.as_secs_f64() * 1000.0);
    result.startup = Some(Startup { to_ready_ms: to_ready.as_secs_f64() * 1000.0, idle_rss_mib: idle });

    // 3. Setup: token, SKUs, search words, customers, the checkout product.
    let rt = client_runtime()?;
    let setup = rt.block_on(prepare(&base, products))?;
    result.setup = Some(json!({
        "sampled_skus": setup.product_paths.len(),
        "search_urls": setup.search_paths.len(),
        "search_example": setup.search_paths.first(),
        "customers": setup.customer_paths.len(),
        "order_search_urls": setup.order_paths.len(),
        "order_search_example": setup.order_paths.first(),
        "ceiling_body_bytes": setup.product_body.len(),
    }));
    let body_file = data.join("product.json");
    std::fs::write(&body_file, &setup.product_body)?;

    // 4. The scenarios.
    let auth = vec![("authorization".to_owned(), format!("Bearer {}", setup.token))];
    let get = |paths: &[String]| Load {
        url: format!("{base}/"),
        paths: paths.to_vec(),
        headers: auth.clone(),
        mix: vec![],
        connections: opts.connections,
        warmup: opts.warmup,
        duration: opts.duration,
    };
    let step = |name: &str, weight: u32, paths: &[String]| Step {
        name: name.to_owned(),
        weight,
        action: Action::Get(Arc::new(paths.to_vec())),
    };
    let checkout_step = |weight: u32| Step {
        name: "checkout".to_owned(),
        weight,
        action: Action::Checkout { flow: Flow::Guest, tokens: Arc::new(vec![]) },
    };
    let mut ceiling: Option<(Server, f64)> = None;
    for &name in selected {
        let (description, unit, load): (String, &str, Load) = match name {
            "ceiling" => {
                let port = free_port()?;
                let process = Server(
                    Command::new(std::env::current_exe()?)
                        .args(["ceiling", "--listen", &format!("127.0.0.1:{port}"), "--body-file"])
                        .arg(&body_file)
                        .stdout(Stdio::null())
                        .spawn()?,
                );
                let url = format!("http://127.0.0.1:{port}/json");
                wait_ready(&url, Instant::now(), Duration::from_secs(10))?;
                ceiling = Some((process, 0.0));
                (
                    format!(
                        "minimal axum server, fixed {}-byte body (a real product response)",
                        setup.product_body.len()
                    ),
                    "request",
                    Load { url, headers: vec![], ..get(&[]) },
                )
            }
            "product-get" => (
                format!(
                    "admin GET /rest/V1/products/{{sku}}, {} SKUs sampled at random over the catalog",
                    setup.product_paths.len()
                ),
                "request",
                get(&setup.product_paths),
            ),
            "product-search" => (
                format!(
                    "admin GET /rest/V1/products, name like %word%, sorted, pageSize 20 ({} distinct URLs)",
                    setup.search_paths.len()
                ),
                "request",
                get(&setup.search_paths),
            ),
            "category-tree" => {
                ("admin GET /rest/V1/categories".to_owned(), "request", get(&["/rest/V1/categories".to_owned()]))
            }
            "customer-get" => (
                format!("admin GET /rest/V1/customers/{{id}} over {} customers", setup.customer_paths.len()),
                "request",
                get(&setup.customer_paths),
            ),
            "checkout" => (
                "full guest checkout: cart, item, shipping-information, payment-information (4 requests)".to_owned(),
                "checkout",
                Load {
                    mix: vec![checkout_step(1)],
                    headers: vec![],
                    connections: opts.checkout_connections,
                    ..get(&[])
                },
            ),
            "order-search" => (
                format!(
                    "admin GET /rest/V1/orders, status eq, pageSize 20 ({} distinct URLs)",
                    setup.order_paths.len()
                ),
                "request",
                get(&setup.order_paths),
            ),
            "mixed" => (
                "55 % product-get, 15 % product-search, 10 % category-tree, 10 % customer-get, \
                 10 % guest checkout (one step = one request, or one whole checkout)"
                    .to_owned(),
                "step",
                Load {
                    mix: vec![
                        step("product-get", 55, &setup.product_paths),
                        step("product-search", 15, &setup.search_paths),
                        step("category-tree", 10, &["/rest/V1/categories".to_owned()]),
                        step("customer-get", 10, &setup.customer_paths),
                        checkout_step(10),
                    ],
                    ..get(&[])
                },
            ),
            other => bail!("unknown scenario {other}"),
        };
        let pid = match (name, &ceiling) {
            ("ceiling", Some((process, _))) => process.0.id(),
            _ => server.0.id(),
        };
        let measured = measure_load(&rt, &load, pid)?;
        let rss_after_mib = current_rss_mib(pid);
        let settle_seconds = settle(pid);
        let rps = measured.report.requests_per_second;
        let over_ceiling = match (&mut ceiling, unit) {
            (Some((_, ceiling_rps)), "request") if name == "ceiling" => {
                *ceiling_rps = rps;
                Some(1.0)
            }
            (Some((_, ceiling_rps)), "request") if *ceiling_rps > 0.0 => Some(rps / *ceiling_rps),
            _ => None,
        };
        if name == "ceiling" {
            // Not needed any more; its process would only hold memory beside the server.
            if let Some((process, _)) = ceiling.as_mut() {
                let _ = Command::new("kill").args(["-TERM", &process.0.id().to_string()]).status();
            }
        }
        let r: &Report = &measured.report;
        eprintln!(
            "{name}: {:.0} {unit}s/s, p50 {:.2} ms, p99 {:.2} ms, non-2xx {}, errors {}, RSS after {rss_after_mib:?} MiB, settled in {settle_seconds:.0} s",
            r.requests_per_second, r.p50_ms, r.p99_ms, r.non_2xx, r.errors
        );
        result.scenarios.push(ScenarioResult {
            name: name.to_owned(),
            description,
            unit,
            connections: load.connections,
            measured,
            over_ceiling,
            rss_after_mib,
            settle_seconds,
        });
    }
    drop(ceiling);
    drop(server);
    drop(scratch);
    Ok(())
}

/// Waits (at most ten minutes) until process `pid` uses less than a tenth of a core over a
/// second, so one scenario's leftover work does not land in the next; answers the wait.
fn settle(pid: u32) -> f64 {
    let started = Instant::now();
    let mut last = crate::cpu_seconds(pid).unwrap_or(0.0);
    while started.elapsed() < Duration::from_secs(600) {
        std::thread::sleep(Duration::from_secs(1));
        let Some(now) = crate::cpu_seconds(pid) else { break };
        if now - last < 0.1 {
            break;
        }
        last = now;
    }
    started.elapsed().as_secs_f64() - 1.0
}

struct Setup {
    token: String,
    product_body: Vec<u8>,
    product_paths: Vec<String>,
    search_paths: Vec<String>,
    customer_paths: Vec<String>,
    order_paths: Vec<String>,
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// `items` in random order: a partial Fisher–Yates shuffle keeping the first `keep`.
fn shuffled<T>(mut items: Vec<T>, keep: usize, rng: &mut Rng) -> Vec<T> {
    let keep = keep.min(items.len());
    for i in 0..keep {
        let j = i + (rng.next_u64() % (items.len() - i) as u64) as usize;
        items.swap(i, j);
    }
    items.truncate(keep);
    items
}

/// Signs in, creates the checkout product, samples SKUs (by random product ids over the
/// whole catalog, 120 per search), picks search words from their names, lists the
/// customers and builds every scenario's paths.
async fn prepare(base: &str, products: usize) -> anyhow::Result<Setup> {
    let token = checkout::prepare_store(base).await?;
    let mut rng = Rng::new(42);
    let ids = shuffled((1..=products).collect::<Vec<_>>(), SAMPLED_SKUS, &mut rng);
    let (mut skus, mut names) = (Vec::new(), Vec::new());
    for chunk in ids.chunks(IDS_PER_LOOKUP) {
        let list: Vec<String> = chunk.iter().map(usize::to_string).collect();
        let url = format!(
            "{base}/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=entity_id\
             &searchCriteria[filter_groups][0][filters][0][value]={}\
             &searchCriteria[filter_groups][0][filters][0][condition_type]=in\
             &searchCriteria[pageSize]={IDS_PER_LOOKUP}&fields=items[sku,name]",
            list.join(",")
        );
        let page = client::json("GET", &url, Some(&token), None).await?;
        for item in page["items"].as_array().context("items")? {
            skus.extend(item["sku"].as_str().map(str::to_owned));
            names.extend(item["name"].as_str().map(str::to_owned));
        }
    }
    anyhow::ensure!(!skus.is_empty(), "no products found by id");
    let product_paths: Vec<String> =
        shuffled(skus, usize::MAX, &mut rng).iter().map(|s| format!("/rest/V1/products/{}", encode(s))).collect();
    let (_, product_body) = client::request("GET", &format!("{base}{}", product_paths[0]), Some(&token), None).await?;

    // Words of the sampled names, spread evenly over the sorted vocabulary, so some match
    // many products and some few.
    let mut words: Vec<String> = names
        .iter()
        .flat_map(|n| n.split([' ', '-']))
        .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words.dedup();
    let step = (words.len() / 60).max(1);
    let words: Vec<&String> = words.iter().step_by(step).take(60).collect();
    let mut search_paths = Vec::new();
    for word in &words {
        for (sort, direction) in [("price", "DESC"), ("name", "ASC")] {
            for page in 1..=2 {
                search_paths.push(format!(
                    "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=name\
                     &searchCriteria[filter_groups][0][filters][0][value]=%25{word}%25\
                     &searchCriteria[filter_groups][0][filters][0][condition_type]=like\
                     &searchCriteria[sortOrders][0][field]={sort}&searchCriteria[sortOrders][0][direction]={direction}\
                     &searchCriteria[pageSize]=20&searchCriteria[currentPage]={page}"
                ));
            }
        }
    }
    let search_paths = shuffled(search_paths, usize::MAX, &mut rng);

    let customers = client::json(
        "GET",
        &format!("{base}/rest/V1/customers/search?searchCriteria[pageSize]=1000&fields=items[id]"),
        Some(&token),
        None,
    )
    .await?;
    let customer_ids: Vec<i64> =
        customers["items"].as_array().context("customer items")?.iter().filter_map(|c| c["id"].as_i64()).collect();
    anyhow::ensure!(!customer_ids.is_empty(), "the demo store has no customers");
    let customer_paths =
        shuffled(customer_ids, usize::MAX, &mut rng).iter().map(|id| format!("/rest/V1/customers/{id}")).collect();

    let mut order_paths = Vec::new();
    for status in ["pending", "processing", "complete", "canceled", "closed", "holded"] {
        for page in 1..=3 {
            order_paths.push(format!(
                "/rest/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=status\
                 &searchCriteria[filter_groups][0][filters][0][value]={status}\
                 &searchCriteria[filter_groups][0][filters][0][condition_type]=eq\
                 &searchCriteria[pageSize]=20&searchCriteria[currentPage]={page}"
            ));
        }
    }
    let order_paths = shuffled(order_paths, usize::MAX, &mut rng);
    Ok(Setup { token, product_body, product_paths, search_paths, customer_paths, order_paths })
}

fn mib(v: Option<f64>) -> String {
    v.map_or("–".to_owned(), |v| format!("{v:.0} MiB"))
}

fn print_size(r: &SizeResult, m: &Machine) {
    println!(
        "\n### {} products\n\nMachine: {} CPUs ({}), {:.0} GiB; commit {}; load average before: {}\n",
        r.products, m.cpus, m.cpu_model, m.memory_gib, m.commit, r.load_average_before
    );
    if let Some(d) = &r.demo {
        println!(
            "Demo generation: {:.1} s to /ready (generator: {}), peak RSS {}.",
            d.seconds_to_ready,
            d.generation_seconds.map_or("–".to_owned(), |s| format!("{s:.1} s")),
            mib(d.peak_rss_mib)
        );
    }
    if let Some(s) = &r.startup {
        println!("`serve` start-up: {:.0} ms to /ready, idle RSS {}.", s.to_ready_ms, mib(s.idle_rss_mib));
    }
    if let Some(e) = &r.error {
        println!("**Not completed:** {e}");
    }
    println!(
        "\n| scenario | conns | per s | p50 | p90 | p99 | max | non-2xx | errors | over ceiling | server CPU/step | RSS after | settled |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for s in &r.scenarios {
        let rep = &s.measured.report;
        println!(
            "| {} | {} | {:.0} {}s | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} ms | {} | {} | {} | {:.0} µs | {} | {:.0} s |",
            s.name,
            s.connections,
            rep.requests_per_second,
            s.unit,
            rep.p50_ms,
            rep.p90_ms,
            rep.p99_ms,
            rep.max_ms,
            rep.non_2xx,
            rep.errors,
            s.over_ceiling.map_or("–".to_owned(), |o| format!("{:.0} %", o * 100.0)),
            s.measured.server_cpu_us_per_request,
            mib(s.rss_after_mib),
            s.settle_seconds,
        );
        for step in &rep.steps {
            println!(
                "| ↳ {} | | {:.0}/s | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} ms | {} | {} | | | | |",
                step.name,
                step.requests_per_second,
                step.p50_ms,
                step.p90_ms,
                step.p99_ms,
                step.max_ms,
                step.non_2xx,
                step.errors
            );
        }
    }
}

/// One table across the sizes: throughput and p99 per scenario, and memory.
fn print_scale(sizes: &[SizeResult]) {
    println!("\n### Catalog scale\n");
    let header: Vec<String> = sizes.iter().map(|s| format!("{} products", s.products)).collect();
    println!("| | {} |", header.join(" | "));
    println!("|---|{}", "---|".repeat(sizes.len()));
    let row = |label: &str, cell: &dyn Fn(&SizeResult) -> String| {
        let cells: Vec<String> = sizes.iter().map(cell).collect();
        println!("| {label} | {} |", cells.join(" | "));
    };
    row("demo generation (to /ready)", &|s| {
        s.demo.as_ref().map_or("–".to_owned(), |d| format!("{:.1} s", d.seconds_to_ready))
    });
    row("demo peak RSS", &|s| mib(s.demo.as_ref().and_then(|d| d.peak_rss_mib)));
    row("`serve` idle RSS", &|s| mib(s.startup.as_ref().and_then(|d| d.idle_rss_mib)));
    for &name in NAMES {
        if !sizes.iter().any(|s| s.scenarios.iter().any(|x| x.name == name)) {
            continue;
        }
        row(&format!("{name}: per s / p99 / RSS after"), &|s| {
            s.scenarios.iter().find(|x| x.name == name).map_or("–".to_owned(), |x| {
                let r = &x.measured.report;
                format!("{:.0} / {:.1} ms / {}", r.requests_per_second, r.p99_ms, mib(x.rss_after_mib))
            })
        });
    }
}
