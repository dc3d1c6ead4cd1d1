//! storegate's benchmark harness. Every figure in BENCHMARKS.md comes from here, measured
//! over real sockets, beside the machine's ceiling (a minimal axum server with a fixed
//! body) taken in the same run.
//!
//! `storegate-bench scenarios` runs the named scenarios (product-get, product-search,
//! category-tree, customer-get, checkout, order-search, mixed and the ceiling) on fresh demo
//! stores of one or more catalog sizes; `foundation`, `magento` and `checkout` reproduce the
//! figures of the earlier sections of BENCHMARKS.md.

mod bulk;
mod checkout;
mod client;
mod latency;
mod load;
mod magento;
mod scenarios;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde::Serialize;
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "storegate-bench", about = "Measure a running storegate beside the machine's ceiling.")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the ceiling: a minimal axum endpoint returning a fixed JSON body at /json.
    Ceiling {
        #[arg(long, default_value = "127.0.0.1:3999")]
        listen: SocketAddr,
        /// Serve this file's bytes instead of the built-in 314-byte product.
        #[arg(long)]
        body_file: Option<PathBuf>,
    },
    /// Load one URL and print the report as JSON.
    Load {
        url: String,
        #[arg(long, default_value_t = 64)]
        connections: usize,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        #[arg(long, default_value_t = 3)]
        warmup: u64,
        /// Extra request header, `Name: value` (repeatable).
        #[arg(long = "header")]
        headers: Vec<String>,
        /// A file of paths (one per line) to cycle through on the URL's host.
        #[arg(long)]
        paths_file: Option<PathBuf>,
    },
    /// Magento scenarios: product GET and product search beside a product-sized ceiling.
    Magento {
        #[arg(long, default_value = "target/release/storegate")]
        storegate: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        /// Products in the hot set.
        #[arg(long, default_value_t = 500)]
        hot: usize,
        #[arg(long, default_value_t = 64)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        #[arg(long, default_value = "bench/results/magento.json")]
        out: PathBuf,
    },
    /// Complete checkouts per second (guest and customer) on SQLite (default and full
    /// durability) and, with --postgres, on PostgreSQL; every run is checked afterwards.
    Checkout {
        #[arg(long, default_value = "target/release/storegate")]
        storegate: PathBuf,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// A PostgreSQL URL whose user may create databases (a scratch one is made per run).
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value = "bench/results/checkout.json")]
        out: PathBuf,
    },
    /// Bulk create through /rest/async/bulk: accept time and completion throughput on
    /// SQLite and, with --postgres, on PostgreSQL with one node and with two.
    Bulk {
        #[arg(long, default_value = "target/release/storegate")]
        storegate: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        products: usize,
        /// Products per bulk request.
        #[arg(long, default_value_t = 1_000)]
        per_request: usize,
        /// A PostgreSQL URL whose user may create databases (a scratch one is made per run).
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value = "bench/results/bulk.json")]
        out: PathBuf,
    },
    /// The named scenarios on fresh demo stores of each catalog size, beside the ceiling:
    /// throughput, latency percentiles, errors and server memory per scenario.
    Scenarios {
        #[arg(long, default_value = "target/release/storegate")]
        storegate: PathBuf,
        /// Catalog sizes, comma-separated; each gets a fresh store.
        #[arg(long, value_delimiter = ',', default_value = "100000")]
        products: Vec<usize>,
        /// Scenarios to run, comma-separated (default: all, in the order listed by --help).
        #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(scenarios::NAMES))]
        only: Vec<String>,
        /// Connections for every scenario but checkout.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Connections for the checkout scenario (each one checkout at a time).
        #[arg(long, default_value_t = 32)]
        checkout_connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Warm-up before each scenario (not measured).
        #[arg(long, default_value_t = 2)]
        warmup: u64,
        /// Run on PostgreSQL: a URL whose user may create databases (a scratch one per size).
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value = "bench/results/scenarios.json")]
        out: PathBuf,
    },
    /// The foundation figures: demo generation, start-up, /health versus the ceiling.
    Foundation {
        /// The storegate binary to measure (build it with --release).
        #[arg(long, default_value = "target/release/storegate")]
        storegate: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        products: usize,
        #[arg(long, default_value_t = 64)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Alternating rounds of ceiling and /health; medians are reported, because the
        /// shared 2-core machine drifts by more than the difference being measured.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long, default_value = "bench/results/foundation.json")]
        out: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Ceiling { listen, body_file } => ceiling(listen, body_file),
        Cmd::Magento { storegate, products, hot, connections, seconds, rounds, out } => {
            magento::run(&storegate, products, hot, &Rounds { connections, seconds, rounds }, &out)
        }
        Cmd::Load { url, connections, seconds, warmup, headers, paths_file } => {
            let paths = match paths_file {
                Some(f) => std::fs::read_to_string(&f)?.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
                None => vec![],
            };
            let headers = headers
                .iter()
                .map(|h| {
                    h.split_once(':')
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .context("header must be Name: value")
                })
                .collect::<anyhow::Result<_>>()?;
            let load = load::Load {
                url,
                paths,
                headers,
                mix: vec![],
                connections,
                warmup: Duration::from_secs(warmup),
                duration: Duration::from_secs(seconds),
            };
            let report = client_runtime()?.block_on(load::run(&load))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Cmd::Checkout { storegate, clients, seconds, postgres, out } => {
            checkouts(&storegate, clients, seconds, postgres, &out)
        }
        Cmd::Bulk { storegate, products, per_request, postgres, out } => {
            bulk_creates(&storegate, products, per_request, postgres, &out)
        }
        Cmd::Scenarios {
            storegate,
            products,
            only,
            connections,
            checkout_connections,
            seconds,
            warmup,
            postgres,
            out,
        } => scenarios::run(&scenarios::Options {
            binary: storegate,
            sizes: products,
            only,
            connections,
            checkout_connections,
            duration: Duration::from_secs(seconds),
            warmup: Duration::from_secs(warmup),
            postgres,
            out,
        }),
        Cmd::Foundation { storegate, products, connections, seconds, rounds, out } => {
            foundation(&storegate, products, &Rounds { connections, seconds, rounds }, &out)
        }
    }
}

/// The load generator gets one thread, like `wrk -t1`, leaving the other core to the server.
/// The admin password every server the harness starts is given.
const PASSWORD: &str = "bench-admin-123";

fn client_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

const FIXED_BODY: &str = r#"{"id":1,"sku":"MB01","name":"Joust Duffle Bag","attribute_set_id":15,"price":34,"status":1,"visibility":4,"type_id":"simple","created_at":"2026-01-01 00:00:00","updated_at":"2026-01-01 00:00:00","weight":1,"extension_attributes":{"website_ids":[1]},"custom_attributes":[{"attribute_code":"url_key","value":"joust-duffle-bag"}]}"#;

fn ceiling(listen: SocketAddr, body_file: Option<PathBuf>) -> anyhow::Result<()> {
    let body: &'static [u8] = match body_file {
        Some(path) => Box::leak(
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?.into_boxed_slice(),
        ),
        None => FIXED_BODY.as_bytes(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let app = axum::Router::new().route(
            "/json",
            axum::routing::get(move || async move { ([("content-type", "application/json; charset=utf-8")], body) }),
        );
        let listener = tokio::net::TcpListener::bind(listen).await?;
        axum::serve(listener, app).await?;
        Ok(())
    })
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Polls `url` until it answers 200; answers how long that took.
fn wait_ready(url: &str, started: Instant, limit: Duration) -> anyhow::Result<Duration> {
    let rt = client_runtime()?;
    while started.elapsed() < limit {
        let ok = rt.block_on(async {
            let report = load::run(&load::Load {
                url: url.to_owned(),
                paths: vec![],
                headers: vec![],
                mix: vec![],
                connections: 1,
                warmup: Duration::ZERO,
                duration: Duration::from_millis(1),
            })
            .await;
            matches!(report, Ok(r) if r.requests > 0 && r.non_2xx == 0 && r.errors == 0)
        });
        if ok {
            return Ok(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!("{url} did not answer 200 within {limit:?}")
}

/// Peak resident memory of a running process, from /proc (Linux).
fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn current_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn spawn(binary: &Path, args: &[&str], data_dir: &Path) -> anyhow::Result<Server> {
    spawn_logged(binary, args, data_dir, None)
}

/// Starts storegate on `data_dir`; its stderr goes to `log` when given.
fn spawn_logged(binary: &Path, args: &[&str], data_dir: &Path, log: Option<&Path>) -> anyhow::Result<Server> {
    let stderr = match log {
        Some(path) => Stdio::from(std::fs::File::create(path)?),
        None => Stdio::null(),
    };
    let child = Command::new(binary)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("STOREGATE_ADMIN_PASSWORD", PASSWORD)
        .env("STOREGATE_LOG", "warn")
        .env_remove("STOREGATE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    Ok(Server(child))
}

#[derive(Serialize)]
struct Machine {
    cpus: usize,
    cpu_model: String,
    memory_gib: f64,
    commit: String,
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("")
        .trim()
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    Machine {
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        cpu_model,
        memory_gib: kib / 1024.0 / 1024.0,
        commit,
    }
}

/// How the throughput comparison runs.
struct Rounds {
    connections: usize,
    seconds: u64,
    rounds: usize,
}

/// CPU seconds a process has used so far (user + system), from /proc (Linux).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// One measured run, with the server's CPU time per request.
#[derive(Serialize, Clone)]
struct Measured {
    #[serde(flatten)]
    report: load::Report,
    server_cpu_us_per_request: f64,
}

fn measure(
    rt: &tokio::runtime::Runtime,
    url: &str,
    paths: &[String],
    headers: &[(String, String)],
    pid: u32,
    r: &Rounds,
) -> anyhow::Result<Measured> {
    let load = load::Load {
        url: url.to_owned(),
        paths: paths.to_vec(),
        headers: headers.to_vec(),
        mix: vec![],
        connections: r.connections,
        warmup: Duration::from_secs(2),
        duration: Duration::from_secs(r.seconds),
    };
    measure_load(rt, &load, pid)
}

/// Runs `load` (its warm-up first) and reads the server's CPU time over the measured part.
fn measure_load(rt: &tokio::runtime::Runtime, load: &load::Load, pid: u32) -> anyhow::Result<Measured> {
    if !load.warmup.is_zero() {
        rt.block_on(load::run(&load::Load { duration: load.warmup, warmup: Duration::ZERO, ..load.clone() }))?;
    }
    let before = cpu_seconds(pid).unwrap_or(0.0);
    let report = rt.block_on(load::run(&load::Load { warmup: Duration::ZERO, ..load.clone() }))?;
    let used = cpu_seconds(pid).unwrap_or(0.0) - before;
    let per_request = if report.requests > 0 { used * 1e6 / report.requests as f64 } else { 0.0 };
    Ok(Measured { report, server_cpu_us_per_request: per_request })
}

fn median_by(runs: &[Measured], key: impl Fn(&Measured) -> f64) -> Measured {
    let mut sorted = runs.to_vec();
    sorted.sort_by(|a, b| key(a).total_cmp(&key(b)));
    sorted[sorted.len() / 2].clone()
}

fn foundation(binary: &Path, products: usize, rounds: &Rounds, out: &Path) -> anyhow::Result<()> {
    if !binary.exists() {
        bail!("{} not found; build it first: cargo build --release -p storegate", binary.display());
    }
    let data = std::env::temp_dir().join(format!("storegate-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let me = std::env::current_exe()?;

    // 1. Demo generation: from start until the generated store answers /ready.
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let demo = spawn(binary, &["demo", "--products", &products.to_string(), "--listen", &listen], &data)?;
    let demo_seconds = wait_ready(&format!("http://{listen}/ready"), started, Duration::from_secs(600))?.as_secs_f64();
    let demo_rss = peak_rss_mib(demo.0.id());
    drop(demo);
    eprintln!("demo --products {products}: {demo_seconds:.1} s, peak RSS {demo_rss:?} MiB");

    // 2. Start-up on the existing database, to /ready.
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let server = spawn(binary, &["serve", "--listen", &listen], &data)?;
    let startup_ms =
        wait_ready(&format!("http://{listen}/ready"), started, Duration::from_secs(120))?.as_secs_f64() * 1000.0;
    let idle_rss = current_rss_mib(server.0.id());
    eprintln!("start-up to /ready on {products} products: {startup_ms:.0} ms, RSS {idle_rss:?} MiB");

    // 3. /health against the ceiling: same connections and duration, alternating rounds.
    let rt = client_runtime()?;
    let ceiling_port = free_port()?;
    let ceiling = Server(
        Command::new(&me)
            .args(["ceiling", "--listen", &format!("127.0.0.1:{ceiling_port}")])
            .stdout(Stdio::null())
            .spawn()?,
    );
    let ceiling_url = format!("http://127.0.0.1:{ceiling_port}/json");
    wait_ready(&ceiling_url, Instant::now(), Duration::from_secs(10))?;
    let health_url = format!("http://{listen}/health");
    let (mut ceiling_runs, mut health_runs) = (Vec::new(), Vec::new());
    for round in 1..=rounds.rounds {
        ceiling_runs.push(measure(&rt, &ceiling_url, &[], &[], ceiling.0.id(), rounds)?);
        health_runs.push(measure(&rt, &health_url, &[], &[], server.0.id(), rounds)?);
        eprintln!(
            "round {round}: ceiling {:.0} req/s, /health {:.0} req/s",
            ceiling_runs.last().map_or(0.0, |m| m.report.requests_per_second),
            health_runs.last().map_or(0.0, |m| m.report.requests_per_second)
        );
    }
    let health_rss = peak_rss_mib(server.0.id());
    drop(ceiling);
    drop(server);
    let _ = std::fs::remove_dir_all(&data);

    let rps = |m: &Measured| m.report.requests_per_second;
    let ceiling_median = median_by(&ceiling_runs, rps);
    let health_median = median_by(&health_runs, rps);
    let ratio = rps(&health_median) / rps(&ceiling_median);
    let cpu = |runs: &[Measured]| median_by(runs, |m| m.server_cpu_us_per_request).server_cpu_us_per_request;
    let (ceiling_cpu, health_cpu) = (cpu(&ceiling_runs), cpu(&health_runs));
    let result = json!({
        "machine": machine(),
        "products": products,
        "demo": {"seconds": demo_seconds, "peak_rss_mib": demo_rss},
        "startup": {"to_ready_ms": startup_ms, "rss_mib": idle_rss},
        "load": {"connections": rounds.connections, "seconds": rounds.seconds, "rounds": rounds.rounds,
                 "ceiling_runs": ceiling_runs, "health_runs": health_runs,
                 "ceiling_median": ceiling_median, "health_median": health_median,
                 "health_over_ceiling": ratio,
                 "server_cpu_us_per_request": {"ceiling": ceiling_cpu, "health": health_cpu},
                 "server_peak_rss_mib": health_rss},
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&result)?)?;
    let m = machine();
    println!("Machine: {} CPUs ({}), {:.0} GiB; commit {}\n", m.cpus, m.cpu_model, m.memory_gib, m.commit);
    println!("| measurement | result |\n|---|---|");
    println!(
        "| `storegate demo --products {products}` until /ready | {demo_seconds:.1} s, peak RSS {:.0} MiB |",
        demo_rss.unwrap_or(0.0)
    );
    println!(
        "| start-up to /ready, existing {products}-product database | {startup_ms:.0} ms, RSS {:.0} MiB |",
        idle_rss.unwrap_or(0.0)
    );
    let (c, s, n) = (rounds.connections, rounds.seconds, rounds.rounds);
    for (name, r, cpu) in [
        ("ceiling: minimal axum, fixed 314-byte JSON", &ceiling_median, ceiling_cpu),
        ("storegate GET /health", &health_median, health_cpu),
    ] {
        let r = &r.report;
        println!(
            "| {name}, {c} connections, median of {n} × {s} s | {:.0} req/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.1} ms, errors {}, non-2xx {}; server CPU {cpu:.1} µs/request |",
            r.requests_per_second, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.errors, r.non_2xx
        );
    }
    println!("| /health throughput over the ceiling | {:.1} % |", ratio * 100.0);
    Ok(())
}

fn checkouts(binary: &Path, clients: usize, seconds: u64, postgres: Option<String>, out: &Path) -> anyhow::Result<()> {
    let mut backends =
        vec![checkout::Backend::Sqlite { full_sync: false }, checkout::Backend::Sqlite { full_sync: true }];
    backends.extend(postgres.map(|admin_url| checkout::Backend::Postgres { admin_url }));
    let mut outcomes = Vec::new();
    for backend in &backends {
        outcomes.extend(checkout::run(binary, backend, clients, seconds)?);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&json!({"machine": machine(), "outcomes": outcomes}))?)?;
    let m = machine();
    println!("Machine: {} CPUs ({}), {:.0} GiB; commit {}\n", m.cpus, m.cpu_model, m.memory_gib, m.commit);
    println!("| backend | flow | clients | checkouts/s | p50 | p99 | max | failed |");
    println!("|---|---|---|---|---|---|---|---|");
    for o in &outcomes {
        println!(
            "| {} | {:?} | {} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} |",
            o.backend, o.flow, o.clients, o.checkouts_per_second, o.p50_ms, o.p99_ms, o.max_ms, o.failed
        );
    }
    Ok(())
}

fn bulk_creates(
    binary: &Path,
    products: usize,
    per_request: usize,
    postgres: Option<String>,
    out: &Path,
) -> anyhow::Result<()> {
    let mut setups = vec![(checkout::Backend::Sqlite { full_sync: false }, 1)];
    if let Some(admin_url) = postgres {
        setups.push((checkout::Backend::Postgres { admin_url: admin_url.clone() }, 1));
        setups.push((checkout::Backend::Postgres { admin_url }, 2));
    }
    let mut outcomes = Vec::new();
    for (backend, nodes) in &setups {
        outcomes.push(bulk::run(binary, backend, *nodes, products, per_request)?);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string_pretty(&json!({"machine": machine(), "outcomes": outcomes}))?)?;
    let m = machine();
    println!("Machine: {} CPUs ({}), {:.0} GiB; commit {}\n", m.cpus, m.cpu_model, m.memory_gib, m.commit);
    println!("| setup | products | per request | accepted in | accepted/s | all complete after | completed/s |");
    println!("|---|---|---|---|---|---|---|");
    for o in &outcomes {
        println!(
            "| {} | {} | {} | {:.2} s | {:.0} | {:.2} s | {:.0} |",
            o.setup,
            o.products,
            o.per_request,
            o.accept_seconds,
            o.accepted_per_second,
            o.complete_seconds,
            o.completed_per_second
        );
    }
    Ok(())
}
