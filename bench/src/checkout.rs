//! Complete checkouts per second: every simulated client repeats the storefront flow
//! (cart, item, shipping information, payment information that places the order) over its
//! own keep-alive connection, for a fixed time. Guests and signed-in customers (each client
//! signs in once, as an app holding its token would). Afterwards the run is checked: the
//! product's salable quantity fell by exactly the orders acknowledged, and the order list
//! holds every one of them.

use crate::client::{self, Connection};
use crate::load::{self, Action, Load, Step};
use crate::{PASSWORD, Server, client_runtime, free_port, spawn, wait_ready};
use anyhow::{Context, bail, ensure};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SKU: &str = "BENCH-CHECKOUT";
const STOCK: i64 = 10_000_000;

/// Where the server keeps its data.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite { full_sync: bool },
    Postgres { admin_url: String },
}

impl Backend {
    pub fn label(&self) -> String {
        match self {
            Backend::Sqlite { full_sync: false } => "SQLite (synchronous=NORMAL, default)".to_owned(),
            Backend::Sqlite { full_sync: true } => "SQLite (--sqlite-sync full)".to_owned(),
            Backend::Postgres { .. } => "PostgreSQL".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    Guest,
    Customer,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub backend: String,
    pub flow: Flow,
    pub clients: usize,
    pub seconds: f64,
    pub checkouts: u64,
    pub failed: u64,
    pub checkouts_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Runs both flows against a fresh demo store on `backend`; answers one outcome per flow.
pub fn run(binary: &Path, backend: &Backend, clients: usize, seconds: u64) -> anyhow::Result<Vec<Outcome>> {
    let data = std::env::temp_dir().join(format!("storegate-bench-checkout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");
    let scratch = match backend {
        Backend::Postgres { admin_url } => Some(ScratchDatabase::create(admin_url, "checkout")?),
        Backend::Sqlite { .. } => None,
    };
    let mut args = vec!["demo".to_owned(), "--products".to_owned(), "2000".to_owned(), "--listen".to_owned(), listen];
    match backend {
        Backend::Sqlite { full_sync: true } => args.extend(["--sqlite-sync".to_owned(), "full".to_owned()]),
        Backend::Sqlite { full_sync: false } => {}
        Backend::Postgres { .. } => {
            args.extend(["--database-url".to_owned(), scratch.as_ref().map(|s| s.url.clone()).unwrap_or_default()])
        }
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let server: Server = spawn(binary, &arg_refs, &data)?;
    wait_ready(&format!("{base}/ready"), Instant::now(), Duration::from_secs(300))?;

    let rt = client_runtime()?;
    let admin = rt.block_on(prepare_store(&base))?;
    let tokens = rt.block_on(sign_in_customers(&base, &admin, clients))?;
    let mut outcomes = Vec::new();
    let mut acknowledged = 0u64;
    for flow in [Flow::Guest, Flow::Customer] {
        let flow_tokens = if flow == Flow::Customer { tokens.clone() } else { vec![] };
        let measured = rt.block_on(measure(&base, flow, clients, &flow_tokens, Duration::from_secs(seconds)))?;
        acknowledged += measured.checkouts;
        rt.block_on(verify(&base, &admin, acknowledged))?;
        eprintln!("{}: {:?}: {:.0} checkouts/s", backend.label(), flow, measured.checkouts_per_second);
        outcomes.push(Outcome { backend: backend.label(), ..measured });
    }
    drop(server);
    drop(scratch);
    let _ = std::fs::remove_dir_all(&data);
    Ok(outcomes)
}

/// A PostgreSQL database made for one run and dropped after it.
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    /// The URL of the scratch database.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `storegate_bench_<purpose>_<pid>` through `admin_url` (whose user may
    /// create databases).
    pub fn create(admin_url: &str, purpose: &str) -> anyhow::Result<ScratchDatabase> {
        let name = format!("storegate_bench_{purpose}_{}", std::process::id());
        psql(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        psql(admin_url, &format!("CREATE DATABASE {name}"))?;
        let root = admin_url.rsplit_once('/').map_or(admin_url, |(root, _)| root);
        Ok(ScratchDatabase { admin_url: admin_url.to_owned(), url: format!("{root}/{name}"), name })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = psql(&self.admin_url, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

fn psql(url: &str, statement: &str) -> anyhow::Result<()> {
    let status = std::process::Command::new("psql")
        .args([url, "-q", "-c", statement])
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .status()?;
    ensure!(status.success(), "psql failed: {statement}");
    Ok(())
}

/// Signs in as the admin and creates the product every checkout buys, with ample stock;
/// answers the admin token.
pub async fn prepare_store(base: &str) -> anyhow::Result<String> {
    let body = json!({"username": "admin", "password": PASSWORD}).to_string();
    let admin: String = serde_json::from_value(
        client::json("POST", &format!("{base}/rest/V1/integration/admin/token"), None, Some(&body)).await?,
    )?;
    let product = json!({"product": {
        "sku": SKU, "name": "Checkout benchmark tee", "attribute_set_id": 4, "type_id": "simple",
        "price": 19.5, "status": 1, "visibility": 4, "weight": 0.5,
        "extension_attributes": {"website_ids": [1], "stock_item": {"qty": STOCK, "is_in_stock": true}},
    }})
    .to_string();
    client::json("POST", &format!("{base}/rest/V1/products"), Some(&admin), Some(&product)).await?;
    Ok(admin)
}

/// One customer account and token per client.
async fn sign_in_customers(base: &str, admin: &str, clients: usize) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(clients);
    for i in 0..clients {
        let email = format!("bench-buyer-{i}@example.com");
        let customer = json!({
            "customer": {"email": email, "firstname": "Bench", "lastname": format!("Buyer {i}"), "website_id": 1},
            "password": "Bench-buyer-123",
        })
        .to_string();
        client::json("POST", &format!("{base}/rest/V1/customers"), Some(admin), Some(&customer)).await?;
        let login = json!({"username": email, "password": "Bench-buyer-123"}).to_string();
        let token: String = serde_json::from_value(
            client::json("POST", &format!("{base}/rest/V1/integration/customer/token"), None, Some(&login)).await?,
        )?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// Every client repeats the flow on its own keep-alive connection until `period` ends.
async fn measure(
    base: &str,
    flow: Flow,
    clients: usize,
    tokens: &[String],
    period: Duration,
) -> anyhow::Result<Outcome> {
    let report = load::run(&Load {
        url: base.to_owned(),
        paths: vec![],
        headers: vec![],
        mix: vec![Step {
            name: "checkout".to_owned(),
            weight: 1,
            action: Action::Checkout { flow, tokens: Arc::new(tokens.to_vec()) },
        }],
        connections: clients,
        warmup: Duration::ZERO,
        duration: period,
    })
    .await?;
    let checkouts = report.requests - report.non_2xx;
    Ok(Outcome {
        backend: String::new(),
        flow,
        clients,
        seconds: report.seconds,
        checkouts,
        failed: report.non_2xx + report.errors,
        checkouts_per_second: checkouts as f64 / report.seconds,
        p50_ms: report.p50_ms,
        p99_ms: report.p99_ms,
        max_ms: report.max_ms,
    })
}

fn address(n: usize) -> Value {
    json!({
        "firstname": "Bench", "lastname": format!("Buyer {n}"), "street": ["1 Load Street"],
        "city": "Austin", "region_id": 57, "region": "Texas", "region_code": "TX",
        "postcode": "78701", "country_id": "US", "telephone": "5125550100",
        "email": format!("bench-buyer-{n}@example.com"),
    })
}

/// One storefront checkout: cart, item, shipping information, payment (places the order).
/// An answer other than 200 is a [`client::Status`] error.
pub async fn checkout(conn: &mut Connection, flow: Flow, token: Option<&str>, n: usize) -> anyhow::Result<()> {
    let cart = match flow {
        Flow::Guest => {
            let masked = conn.call("POST", "/rest/V1/guest-carts", None, None).await?;
            format!("/rest/V1/guest-carts/{}", masked.as_str().context("a masked cart id")?)
        }
        Flow::Customer => {
            conn.call("POST", "/rest/V1/carts/mine", token, None).await?;
            "/rest/V1/carts/mine".to_owned()
        }
    };
    let item = json!({"cartItem": {"sku": SKU, "qty": 1}});
    conn.call("POST", &format!("{cart}/items"), token, Some(&item)).await?;
    let shipping = json!({"addressInformation": {
        "shipping_address": address(n), "billing_address": address(n),
        "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate",
    }});
    conn.call("POST", &format!("{cart}/shipping-information"), token, Some(&shipping)).await?;
    let payment = json!({"email": format!("bench-buyer-{n}@example.com"), "paymentMethod": {"method": "checkmo"}});
    let order = conn.call("POST", &format!("{cart}/payment-information"), token, Some(&payment)).await?;
    ensure!(order.as_i64().is_some() || order.as_str().is_some(), "payment-information answered {order}");
    Ok(())
}

/// Salable quantity fell by exactly the acknowledged orders (none lost, none oversold) and
/// the order list holds at least that many orders.
async fn verify(base: &str, admin: &str, acknowledged: u64) -> anyhow::Result<()> {
    let salable = client::json(
        "GET",
        &format!("{base}/rest/V1/inventory/get-product-salable-quantity/{SKU}/1"),
        Some(admin),
        None,
    )
    .await?;
    let salable = salable.as_f64().context("salable quantity")?;
    if (STOCK as f64 - salable - acknowledged as f64).abs() > 0.5 {
        bail!("salable quantity {salable} after {acknowledged} acknowledged orders of a stock of {STOCK}");
    }
    let orders = client::json(
        "GET",
        &format!("{base}/rest/V1/orders?searchCriteria[pageSize]=1&fields=total_count"),
        Some(admin),
        None,
    )
    .await?;
    let total = orders["total_count"].as_u64().context("total_count")?;
    ensure!(total >= acknowledged, "{total} orders listed after {acknowledged} acknowledged");
    Ok(())
}
