//! A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each
//! sending its next request as soon as the previous answer arrives, on the runtime it is
//! given (the harness uses one thread, like `wrk -t1`).
//!
//! A load is one URL (or a list of paths on its host) or a weighted mix of steps, each a
//! GET over a list of paths or a complete checkout; every connection picks its next step
//! by weight. Latency is per step: one request, or one whole checkout.

use crate::checkout::{Flow, checkout};
use crate::client::{Connection, Status};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Load {
    pub url: String,
    /// When not empty, requests cycle through these paths (on the URL's host) instead of
    /// the URL's own path; each connection starts at a different offset.
    pub paths: Vec<String>,
    pub headers: Vec<(String, String)>,
    /// When not empty, the steps to mix instead of `paths` (on the URL's host).
    pub mix: Vec<Step>,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// One kind of work in a mix, chosen `weight` times in the sum of the weights.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub weight: u32,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// GET these paths in turn with the load's headers; each connection starts at a
    /// different offset.
    Get(Arc<Vec<String>>),
    /// One complete storefront checkout (cart, item, shipping, payment: four requests);
    /// a customer checkout on connection `n` uses `tokens[n % len]`.
    Checkout { flow: Flow, tokens: Arc<Vec<String>> },
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Steps completed: requests answered (any status), or checkouts ended by an answer.
    pub requests: u64,
    /// Transport errors: refused or broken connections, unreadable answers.
    pub errors: u64,
    /// Steps answered with a status other than 2xx (for a checkout: any of its requests).
    pub non_2xx: u64,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Per step, when the load mixes several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub name: String,
    pub requests: u64,
    pub errors: u64,
    pub non_2xx: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

struct Target {
    base: String,
    path: String,
}

fn parse(url: &str) -> anyhow::Result<Target> {
    let rest = url.strip_prefix("http://").ok_or_else(|| anyhow::anyhow!("only http:// URLs are supported"))?;
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    Ok(Target { base: format!("http://{authority}"), path })
}

/// Runs the load: a warm-up whose results are discarded, then the measured period.
pub async fn run(load: &Load) -> anyhow::Result<Report> {
    if !load.warmup.is_zero() {
        measure(load, load.warmup).await?;
    }
    measure(load, load.duration).await
}

/// What one connection measured, per step.
#[derive(Default)]
struct Tally {
    latencies: Vec<Vec<u32>>,
    errors: Vec<u64>,
    non_2xx: Vec<u64>,
    /// Connections that could not be opened.
    connect_errors: u64,
}

async fn measure(load: &Load, period: Duration) -> anyhow::Result<Report> {
    let target = parse(&load.url)?;
    let steps: Arc<Vec<Step>> = Arc::new(if load.mix.is_empty() {
        let paths = if load.paths.is_empty() { vec![target.path.clone()] } else { load.paths.clone() };
        vec![Step { name: "get".to_owned(), weight: 1, action: Action::Get(Arc::new(paths)) }]
    } else {
        load.mix.clone()
    });
    let base: Arc<str> = target.base.into();
    let started = Instant::now();
    let deadline = started + period;
    let mut tasks = Vec::with_capacity(load.connections);
    for n in 0..load.connections {
        let (base, steps, headers) = (base.clone(), steps.clone(), load.headers.clone());
        let connections = load.connections.max(1);
        tasks.push(tokio::spawn(async move { connection(&base, &steps, n, connections, &headers, deadline).await }));
    }
    let mut total = Tally {
        latencies: vec![Vec::new(); steps.len()],
        errors: vec![0; steps.len()],
        non_2xx: vec![0; steps.len()],
        connect_errors: 0,
    };
    for t in tasks {
        let tally = t.await?;
        for i in 0..steps.len() {
            total.latencies[i].extend_from_slice(&tally.latencies[i]);
            total.errors[i] += tally.errors[i];
            total.non_2xx[i] += tally.non_2xx[i];
        }
        total.connect_errors += tally.connect_errors;
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut step_reports = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        total.latencies[i].sort_unstable();
        let l: &[u32] = &total.latencies[i];
        let pct = |p: f64| crate::latency::percentile_ms(l, p);
        step_reports.push(StepReport {
            name: step.name.clone(),
            requests: l.len() as u64,
            errors: total.errors[i],
            non_2xx: total.non_2xx[i],
            requests_per_second: l.len() as f64 / seconds,
            p50_ms: pct(0.50),
            p90_ms: pct(0.90),
            p99_ms: pct(0.99),
            max_ms: l.last().map_or(0.0, |m| *m as f64 / 1000.0),
        });
    }
    let mut all: Vec<u32> = total.latencies.concat();
    all.sort_unstable();
    let pct = |p: f64| crate::latency::percentile_ms(&all, p);
    Ok(Report {
        requests: all.len() as u64,
        errors: total.errors.iter().sum::<u64>() + total.connect_errors,
        non_2xx: total.non_2xx.iter().sum(),
        seconds,
        requests_per_second: all.len() as f64 / seconds,
        p50_ms: pct(0.50),
        p90_ms: pct(0.90),
        p99_ms: pct(0.99),
        max_ms: all.last().map_or(0.0, |m| *m as f64 / 1000.0),
        steps: if steps.len() > 1 { step_reports } else { Vec::new() },
    })
}

/// A small deterministic generator (xorshift64*) for choosing steps and sampling; each
/// connection has its own seed, so runs repeat.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Connection `n` of `connections`: keeps one keep-alive connection busy until the
/// deadline, reconnecting after a transport error.
async fn connection(
    base: &str,
    steps: &[Step],
    n: usize,
    connections: usize,
    headers: &[(String, String)],
    deadline: Instant,
) -> Tally {
    let mut tally = Tally {
        latencies: steps.iter().map(|_| Vec::with_capacity(if steps.len() == 1 { 1 << 16 } else { 1 << 12 })).collect(),
        errors: vec![0; steps.len()],
        non_2xx: vec![0; steps.len()],
        connect_errors: 0,
    };
    let total_weight: u64 = steps.iter().map(|s| u64::from(s.weight)).sum::<u64>().max(1);
    let mut rng = Rng::new(n as u64);
    // Each GET step's position in its path list; connections start spread over the list.
    let mut cursors: Vec<usize> = steps
        .iter()
        .map(|s| match &s.action {
            Action::Get(paths) => n * paths.len() / connections,
            Action::Checkout { .. } => 0,
        })
        .collect();
    'reconnect: while Instant::now() < deadline {
        let Ok(mut conn) = Connection::open(base).await else {
            tally.connect_errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        while Instant::now() < deadline {
            let i = if steps.len() == 1 { 0 } else { pick(steps, rng.next_u64() % total_weight) };
            let start = Instant::now();
            let outcome = match &steps[i].action {
                Action::Get(paths) => {
                    let path = &paths[cursors[i] % paths.len()];
                    cursors[i] += 1;
                    match conn.send("GET", path, headers, None).await {
                        Ok((status, _)) => Ok((200..300).contains(&status)),
                        Err(e) => Err(e),
                    }
                }
                Action::Checkout { flow, tokens } => {
                    let token = if tokens.is_empty() { None } else { Some(tokens[n % tokens.len()].as_str()) };
                    match checkout(&mut conn, *flow, token, n).await {
                        Ok(()) => Ok(true),
                        Err(e) if e.downcast_ref::<Status>().is_some() => Ok(false),
                        Err(e) => Err(e),
                    }
                }
            };
            match outcome {
                Ok(ok) => {
                    tally.latencies[i].push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if !ok {
                        tally.non_2xx[i] += 1;
                    }
                }
                Err(_) => {
                    tally.errors[i] += 1;
                    continue 'reconnect;
                }
            }
        }
    }
    tally
}

/// The step that `r` (below the sum of the weights) falls on.
fn pick(steps: &[Step], mut r: u64) -> usize {
    for (i, s) in steps.iter().enumerate() {
        if r < u64::from(s.weight) {
            return i;
        }
        r -= u64::from(s.weight);
    }
    steps.len() - 1
}

#[cfg(test)]
mod tests {
    use super::{Action, Step, pick};
    use std::sync::Arc;

    #[test]
    fn urls() {
        let t = super::parse("http://127.0.0.1:8080/rest/V1/products/a").unwrap();
        assert_eq!((t.base.as_str(), t.path.as_str()), ("http://127.0.0.1:8080", "/rest/V1/products/a"));
        assert_eq!(super::parse("http://localhost:9").unwrap().path, "/");
    }

    #[test]
    fn steps_are_picked_by_weight() {
        let step = |weight| Step { name: String::new(), weight, action: Action::Get(Arc::new(vec![])) };
        let steps = [step(7), step(1), step(2)];
        let picks: Vec<usize> = (0..10).map(|r| pick(&steps, r)).collect();
        assert_eq!(picks, [0, 0, 0, 0, 0, 0, 0, 1, 2, 2]);
    }
}
