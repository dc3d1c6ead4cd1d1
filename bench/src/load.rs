//! A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each
//! sending its next request as soon as the previous answer arrives, on the runtime it is
//! given (the harness uses one thread, like `wrk -t1`).

use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Load {
    pub url: String,
    /// When not empty, requests cycle through these paths (on the URL's host) instead of
    /// the URL's own path; each connection starts at a different offset.
    pub paths: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub requests: u64,
    pub errors: u64,
    pub non_2xx: u64,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

struct Target {
    host: String,
    port: u16,
    path: String,
    authority: String,
}

fn parse(url: &str) -> anyhow::Result<Target> {
    let rest = url.strip_prefix("http://").ok_or_else(|| anyhow::anyhow!("only http:// URLs are supported"))?;
    let (authority, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let (host, port) = authority.rsplit_once(':').map_or((authority, 80), |(h, p)| (h, p.parse().unwrap_or(80)));
    Ok(Target { host: host.to_owned(), port, path, authority: authority.to_owned() })
}

/// Runs the load: a warm-up whose results are discarded, then the measured period.
pub async fn run(load: &Load) -> anyhow::Result<Report> {
    if !load.warmup.is_zero() {
        measure(load, load.warmup).await?;
    }
    measure(load, load.duration).await
}

async fn measure(load: &Load, period: Duration) -> anyhow::Result<Report> {
    let target = std::sync::Arc::new(parse(&load.url)?);
    let paths: std::sync::Arc<Vec<String>> =
        std::sync::Arc::new(if load.paths.is_empty() { vec![target.path.clone()] } else { load.paths.clone() });
    let started = Instant::now();
    let deadline = started + period;
    let mut tasks = Vec::with_capacity(load.connections);
    for n in 0..load.connections {
        let target = target.clone();
        let headers = load.headers.clone();
        let paths = paths.clone();
        let offset = n * paths.len() / load.connections.max(1);
        tasks.push(tokio::spawn(async move { connection(&target, &paths, offset, &headers, deadline).await }));
    }
    let mut latencies: Vec<u32> = Vec::new();
    let (mut errors, mut non_2xx) = (0, 0);
    for t in tasks {
        let (l, e, n) = t.await?;
        latencies.extend(l);
        errors += e;
        non_2xx += n;
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| crate::latency::percentile_ms(&latencies, p);
    Ok(Report {
        requests: latencies.len() as u64,
        errors,
        non_2xx,
        seconds,
        requests_per_second: latencies.len() as f64 / seconds,
        p50_ms: pct(0.50),
        p90_ms: pct(0.90),
        p99_ms: pct(0.99),
        max_ms: latencies.last().map_or(0.0, |m| *m as f64 / 1000.0),
    })
}

/// One keep-alive connection; answers latencies in microseconds, errors and non-2xx counts.
async fn connection(
    target: &Target,
    paths: &[String],
    offset: usize,
    headers: &[(String, String)],
    deadline: Instant,
) -> (Vec<u32>, u64, u64) {
    let mut latencies = Vec::with_capacity(1 << 16);
    let mut next = offset;
    let (mut errors, mut non_2xx) = (0u64, 0u64);
    'reconnect: while Instant::now() < deadline {
        let Ok(stream) = tokio::net::TcpStream::connect((target.host.as_str(), target.port)).await else {
            errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < deadline {
            let path = &paths[next % paths.len()];
            next += 1;
            let mut req = Request::get(path).header("host", &target.authority);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let req = req.body(Empty::<Bytes>::new()).expect("valid request");
            let start = Instant::now();
            match sender.send_request(req).await {
                Ok(resp) => {
                    let ok = resp.status().is_success();
                    if resp.into_body().collect().await.is_err() {
                        errors += 1;
                        continue 'reconnect;
                    }
                    latencies.push(start.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    if !ok {
                        non_2xx += 1;
                    }
                }
                Err(_) => {
                    errors += 1;
                    continue 'reconnect;
                }
            }
        }
    }
    (latencies, errors, non_2xx)
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls() {
        let t = super::parse("http://127.0.0.1:8080/rest/V1/products/a").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.path.as_str()), ("127.0.0.1", 8080, "/rest/V1/products/a"));
        assert_eq!(super::parse("http://localhost:9").unwrap().path, "/");
    }
}
