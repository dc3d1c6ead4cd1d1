//! Bounded password hashing over the real binary (issue 12, item 3): floods of sign-ins
//! with unknown emails (each costs an argon2 hash of 19 MiB) leave the process's peak
//! memory nearly flat, and never run more hashes at once than the configured hashers.

use crate::process::ServerProcess;
use serde_json::json;
use storegate_db::testing::TestDatabase;

const HASHERS: usize = 2;
/// The most the peak resident memory may grow over a warmed-up server across the floods:
/// 120 MiB for 64 concurrent requests (connections, database readers, threads) and 80 MiB
/// per hasher (argon2's 19 MiB block, kept by that thread's allocator arena, with
/// fragmentation). Measured: 166 MiB with one hasher, 237 MiB with two; the unbounded code
/// grew 3.3 GiB on the same floods.
const GROWTH_BOUND_MIB: u64 = 120 + 80 * HASHERS as u64;
/// The most the peak may reach at all, warm-up included (the growth above is measured after
/// a warm-up as large as the floods, so this is what catches unbounded hashing, which passed
/// 2.4 GiB). Measured in a debug build: 320–460 MiB, rising with the number of threads that
/// ran database reads for the 64 concurrent requests (25 to 53 threads).
const PEAK_BOUND_MIB: u64 = 768;

fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kib / 1024
}

/// Runs every future at once (each on its own task) and answers their results in order.
async fn join_all<T: Send + 'static>(
    futures: impl Iterator<Item = impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn sign_in(client: reqwest::Client, base: String, i: usize) -> u16 {
    let body = json!({"username": format!("nobody{i}@example.com"), "password": "wrong-password-1"});
    let url = format!("{base}/rest/V1/integration/customer/token");
    client.post(url).json(&body).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from /metrics"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_floods_keep_memory_flat_and_hashing_bounded() {
    let test_db = TestDatabase::new();
    let hashers = HASHERS.to_string();
    let server = ServerProcess::start_with_env(
        &test_db,
        &[
            ("STOREGATE_PASSWORD_HASHERS", hashers.as_str()),
            ("STOREGATE_PASSWORD_QUEUE", "256"),
            ("STOREGATE_RATE_SIGN_IN_PER_ADDRESS", "off"),
            ("STOREGATE_RATE_SIGN_IN_PER_ACCOUNT", "off"),
        ],
    );
    let base = server.base();
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(120)).build().unwrap();
    // Warm up with one wave as large as the floods: the first hashes build the dummy hash and
    // the hashers' allocator arenas, and 64 connections their buffers. Warming with a few
    // sequential sign-ins left the baseline 20 MiB lower on some runs, which the bound below
    // then had to absorb.
    let statuses = join_all((0..64).map(|i| sign_in(client.clone(), base.clone(), i))).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let before = peak_rss_mib(server.child.id());
    // 64 attempts, 32 at a time, then 64 all at once.
    for wave in 0..2 {
        let statuses = join_all((0..32).map(|i| sign_in(client.clone(), base.clone(), 100 + wave * 32 + i))).await;
        assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    }
    let statuses = join_all((0..64).map(|i| sign_in(client.clone(), base.clone(), 200 + i))).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let after = peak_rss_mib(server.child.id());
    eprintln!("peak RSS {before} MiB -> {after} MiB");
    assert!(after - before < GROWTH_BOUND_MIB, "peak memory grew {} MiB (from {before} to {after})", after - before);
    assert!(after < PEAK_BOUND_MIB, "peak memory {after} MiB is over {PEAK_BOUND_MIB} MiB");
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    let peak = metric(&metrics, "storegate_password_hashes_in_flight_peak");
    assert!(peak >= 1.0 && peak <= HASHERS as f64, "{peak} hashes ran at once with {HASHERS} hashers");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_hashing_queue_refuses_at_once_with_retry_after() {
    let test_db = TestDatabase::new();
    let server = ServerProcess::start_with_env(
        &test_db,
        &[
            ("STOREGATE_PASSWORD_HASHERS", "1"),
            ("STOREGATE_PASSWORD_QUEUE", "1"),
            ("STOREGATE_RATE_SIGN_IN_PER_ADDRESS", "off"),
            ("STOREGATE_RATE_SIGN_IN_PER_ACCOUNT", "off"),
        ],
    );
    let base = server.base();
    let client = reqwest::Client::new();
    let url = format!("{base}/rest/V1/integration/customer/token");
    let attempts = (0..16).map(|i| {
        let body = json!({"username": format!("busy{i}@example.com"), "password": "wrong-password-1"});
        client.post(&url).json(&body).send()
    });
    let attempts: Vec<_> = attempts.collect();
    let responses = join_all(attempts.into_iter()).await;
    let mut refused = 0;
    for r in responses {
        let r = r.expect("answered");
        if r.status() == 503 {
            refused += 1;
            let retry = r.headers().get("retry-after").expect("Retry-After").to_str().unwrap().to_owned();
            assert_eq!(retry, "1");
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["parameters"]["seconds"], 1, "{body}");
        } else {
            assert_eq!(r.status(), 401);
        }
    }
    assert!(refused > 0, "16 simultaneous sign-ins with one hasher and a queue of one were all admitted");
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metric(&metrics, "storegate_password_hashes_refused_total") >= refused as f64);
}
