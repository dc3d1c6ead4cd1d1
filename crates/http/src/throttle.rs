//! The one rate limiter, for every surface: the dispatcher asks it about the limits an
//! operation declares (`OpSpec::limits`), the bulk edge about queued work, and its answer
//! (limit, remaining, reset) is what `RateLimit` / `RateLimit-Policy` headers carry.
//!
//! The algorithm is GCRA (the generic cell rate algorithm) everywhere: one "theoretical
//! arrival time" per key, so memory is one number per key, quota refills smoothly (no burst
//! at a fixed window's boundary, as a fixed window allows twice the quota across it), and
//! remaining and reset follow from that one number. In process it is `governor`'s keyed
//! limiter; with `--redis-url` the same algorithm runs as a Lua script inside Redis (its
//! `TIME` as the clock), so every node sharing that Redis shares the counts.
//!
//! When Redis fails (down, slow, refusing), the check falls back to this node's own
//! limiter, rather than failing open (no limit at all: the moment an attacker can make
//! Redis slow, every limit is gone) or closed (every sign-in refused while Redis blips,
//! which turns a cache outage into a store outage). Each node then enforces the quota on
//! its own, so a cluster of n nodes admits at most n times the quota until Redis answers.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{Quota, RateLimiter};
use serde_json::Value;
use sha2::Digest;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;
use storegate_api::{Limit, LimitKey, Policy};
use storegate_types::{ApiError, ErrorCode};

/// A quota: at most `limit` events per `window` (refilled smoothly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: NonZeroU32,
    pub window: Duration,
}

impl Rate {
    pub fn new(limit: u32, window: Duration) -> Option<Rate> {
        let limit = NonZeroU32::new(limit)?;
        (!window.is_zero()).then_some(Rate { limit, window })
    }

    /// The time one event's quota takes to come back.
    fn interval(self) -> Duration {
        self.window / self.limit.get()
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}s", self.limit, self.window.as_secs())
    }
}

/// A policy's setting: a rate, or `off` (not limited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateSetting {
    Off,
    Limit(Rate),
}

impl std::str::FromStr for RateSetting {
    type Err = String;

    /// `off`, or `N/UNIT` (`10/m`, `20/h`) or `N/DURATION` (`30/90s`, `5/15m`).
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(RateSetting::Off);
        }
        let bad = || format!("\"{text}\" is not a rate like 10/m, 20/h, 5/15m or off");
        let (count, per) = text.split_once('/').ok_or_else(bad)?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let per = if per.starts_with(|c: char| c.is_ascii_digit()) { per.to_owned() } else { format!("1{per}") };
        let window = parse_window(&per).ok_or_else(bad)?;
        Rate::new(count, window).map(RateSetting::Limit).ok_or_else(bad)
    }
}

fn parse_window(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(Duration::from_secs(seconds))
}

/// The rate of every policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rates(BTreeMap<Policy, RateSetting>);

impl Default for Rates {
    /// Defaults a real store lives with; each is argued in SECURITY.md.
    fn default() -> Self {
        let per = |n: u32, secs: u64| RateSetting::Limit(Rate::new(n, Duration::from_secs(secs)).expect("valid"));
        Rates(BTreeMap::from([
            (Policy::SignInPerAddress, per(30, 60)),
            (Policy::SignInPerAccount, per(10, 60)),
            (Policy::PasswordResetPerAddress, per(20, 3600)),
            (Policy::PasswordResetPerAccount, per(10, 3600)),
            (Policy::RegistrationPerAddress, per(20, 3600)),
            (Policy::GuestCartPerAddress, per(60, 60)),
            (Policy::CouponPerAddress, per(10, 60)),
            (Policy::CouponPerCart, per(5, 60)),
            (Policy::QueuedPerCaller, per(100, 3600)),
        ]))
    }
}

impl Rates {
    pub fn set(&mut self, policy: Policy, setting: RateSetting) {
        self.0.insert(policy, setting);
    }

    pub fn get(&self, policy: Policy) -> RateSetting {
        self.0.get(&policy).copied().unwrap_or(RateSetting::Off)
    }
}

/// The answer for one policy and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub policy: Policy,
    pub rate: Rate,
    pub allowed: bool,
    /// Events still allowed now.
    pub remaining: u32,
    /// Seconds until the quota is whole again (`t` of the `RateLimit` header).
    pub reset: u64,
    /// Seconds until the next event is allowed (0 when allowed).
    pub retry_after: u64,
}

/// The verdicts of one request's limits.
#[derive(Debug, Clone, Default)]
pub struct Verdicts(pub Vec<Verdict>);

impl Verdicts {
    /// The first refusal, as Magento's 429 with the seconds to wait.
    pub fn refusal(&self) -> Option<ApiError> {
        let wait = self.0.iter().filter(|v| !v.allowed).map(|v| v.retry_after).max()?;
        Some(too_many(wait))
    }

    /// `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10): each policy's quota.
    pub fn policy_header(&self) -> Option<String> {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|v| format!("\"{}\";q={};w={}", v.policy.name(), v.rate.limit, v.rate.window.as_secs()))
            .collect();
        (!items.is_empty()).then(|| items.join(", "))
    }

    /// `RateLimit`: each policy's remaining quota and seconds until it is whole again.
    pub fn state_header(&self) -> Option<String> {
        let items: Vec<String> =
            self.0.iter().map(|v| format!("\"{}\";r={};t={}", v.policy.name(), v.remaining, v.reset)).collect();
        (!items.is_empty()).then(|| items.join(", "))
    }

    /// Adds `RateLimit`, `RateLimit-Policy` and, when refused, `Retry-After`.
    pub fn apply(&self, headers: &mut axum::http::HeaderMap) {
        use axum::http::HeaderValue;
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, v);
            }
        };
        put("ratelimit-policy", self.policy_header());
        put("ratelimit", self.state_header());
        let wait = self.0.iter().filter(|v| !v.allowed).map(|v| v.retry_after).max();
        put("retry-after", wait.map(|w| w.to_string()));
    }
}

/// Magento-shaped 429: `{"message": "Too many requests. Try again in %seconds seconds.", "parameters": {"seconds": n}}`.
pub fn too_many(seconds: u64) -> ApiError {
    ApiError::named(ErrorCode::TooManyRequests, [("seconds", Value::from(seconds.max(1)))])
}

/// The `Retry-After` seconds an error asks for (429 from a limit, 503 from a full hashing
/// queue), read from its `seconds` parameter.
pub fn retry_after_of(e: &ApiError) -> Option<u64> {
    if !matches!(e.code, ErrorCode::TooManyRequests | ErrorCode::PasswordHashingBusy) {
        return None;
    }
    match &e.params {
        storegate_types::error::Params::Named(pairs) => {
            pairs.iter().find(|(k, _)| k == "seconds").and_then(|(_, v)| v.as_u64())
        }
        _ => None,
    }
}

type Keyed = RateLimiter<
    String,
    governor::state::keyed::DefaultKeyedStateStore<String>,
    DefaultClock,
    StateInformationMiddleware,
>;

/// How limits are counted.
pub struct Throttle {
    rates: Rates,
    local: BTreeMap<Policy, Keyed>,
    redis: Option<RedisBackend>,
    checks: AtomicU64,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle").field("rates", &self.rates).field("redis", &self.redis.is_some()).finish()
    }
}

/// Shared counting through Redis.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    pub url: String,
    /// Put before every key, so several stores (or tests) can share one Redis.
    pub prefix: String,
}

impl Throttle {
    pub fn new(rates: Rates, redis: Option<RedisConfig>) -> Result<Throttle, String> {
        let local = Policy::ALL
            .iter()
            .filter_map(|&p| match rates.get(p) {
                RateSetting::Limit(rate) => Some((p, keyed(rate))),
                RateSetting::Off => None,
            })
            .collect();
        let redis = redis.map(RedisBackend::new).transpose()?;
        Ok(Throttle { rates, local, redis, checks: AtomicU64::new(0) })
    }

    /// Counts one event against each of `limits` keyed by the client's address, adding the
    /// verdicts to `into`; answers the 429 if any refused. Runs before anything else of the
    /// request is read, so a refused flood costs no parsing, no authentication, no write.
    pub async fn check_address(
        &self,
        limits: &[Limit],
        client: Option<IpAddr>,
        into: &mut Verdicts,
    ) -> Result<(), ApiError> {
        let limits: Vec<Limit> = limits.iter().filter(|l| l.key == LimitKey::Address).copied().collect();
        self.check(&limits, client, None, into).await
    }

    /// The same for limits keyed by an input field (an account, a cart), once the input is
    /// parsed and forced parameters are bound.
    pub async fn check_fields(&self, limits: &[Limit], input: &Value, into: &mut Verdicts) -> Result<(), ApiError> {
        let limits: Vec<Limit> = limits.iter().filter(|l| l.key != LimitKey::Address).copied().collect();
        self.check(&limits, None, Some(input), into).await
    }

    /// Counts one event against each of `limits` for this client and input. Limits whose
    /// key is absent (no address, no such field) or whose policy is off are skipped.
    async fn check(
        &self,
        limits: &[Limit],
        client: Option<IpAddr>,
        input: Option<&Value>,
        into: &mut Verdicts,
    ) -> Result<(), ApiError> {
        let start = into.0.len();
        for limit in limits {
            let RateSetting::Limit(rate) = self.rates.get(limit.policy) else { continue };
            let Some(key) = key_of(limit, client, input) else { continue };
            into.0.push(self.count(limit.policy, rate, &key, NonZeroU32::MIN).await);
        }
        self.upkeep();
        Verdicts(into.0[start..].to_vec()).refusal().map_or(Ok(()), Err)
    }

    /// Counts `cost` events for `policy` under a caller's key (the bulk edge: a customer
    /// id, an address); answers the 429 if the quota cannot take them all.
    pub async fn check_cost(&self, policy: Policy, key: &str, cost: u32, into: &mut Verdicts) -> Result<(), ApiError> {
        let RateSetting::Limit(rate) = self.rates.get(policy) else { return Ok(()) };
        let Some(cost) = NonZeroU32::new(cost) else { return Ok(()) };
        let verdict = self.count(policy, rate, &hashed(policy, key), cost).await;
        into.0.push(verdict);
        if verdict.allowed { Ok(()) } else { Err(too_many(verdict.retry_after)) }
    }

    async fn count(&self, policy: Policy, rate: Rate, key: &str, cost: NonZeroU32) -> Verdict {
        if let Some(redis) = &self.redis {
            match redis.check(policy, rate, key, cost).await {
                Ok(v) => return v,
                Err(e) => redis.warn(&e),
            }
        }
        self.count_locally(policy, rate, key, cost)
    }

    fn count_locally(&self, policy: Policy, rate: Rate, key: &str, cost: NonZeroU32) -> Verdict {
        let Some(limiter) = self.local.get(&policy) else {
            return Verdict { policy, rate, allowed: true, remaining: rate.limit.get(), reset: 0, retry_after: 0 };
        };
        let interval = rate.interval();
        let refused = |wait: Duration| Verdict {
            policy,
            rate,
            allowed: false,
            remaining: 0,
            reset: ceil_secs(interval * rate.limit.get()),
            retry_after: ceil_secs(wait).max(1),
        };
        match limiter.check_key_n(&key.to_owned(), cost) {
            // More than the whole quota: never, so come back after a window.
            Err(_) => refused(rate.window),
            Ok(Err(not_until)) => refused(not_until.wait_time_from(DefaultClock::default().now())),
            Ok(Ok(state)) => {
                let remaining = state.remaining_burst_capacity();
                let used = rate.limit.get().saturating_sub(remaining);
                Verdict { policy, rate, allowed: true, remaining, reset: ceil_secs(interval * used), retry_after: 0 }
            }
        }
    }

    /// Forgets keys whose quota is whole again, now and then, so memory follows the
    /// number of recent callers rather than of all callers ever.
    fn upkeep(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for limiter in self.local.values() {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
    }
}

fn keyed(rate: Rate) -> Keyed {
    let quota = Quota::with_period(rate.interval()).expect("a positive interval").allow_burst(rate.limit);
    RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>()
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The key a limit counts under, hashed: user names, emails and guest-cart masks are
/// personal data or bearer secrets, and must not sit in memory dumps or Redis in clear.
fn key_of(limit: &Limit, client: Option<IpAddr>, input: Option<&Value>) -> Option<String> {
    let raw = match limit.key {
        LimitKey::Address => client?.to_string(),
        LimitKey::Field(field) => match input?.get(field)? {
            Value::String(s) if !s.trim().is_empty() => s.trim().to_lowercase(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        },
    };
    Some(hashed(limit.policy, &raw))
}

fn hashed(policy: Policy, raw: &str) -> String {
    let digest = sha2::Sha256::new().chain_update(policy.name()).chain_update([0]).chain_update(raw).finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// GCRA in Redis, with Redis's clock, atomically (a script runs alone). KEYS[1] holds the
/// theoretical arrival time in milliseconds; ARGV: limit, interval in ms, cost. Answers
/// {allowed, remaining, retry_after_ms, reset_ms}.
const GCRA: &str = r#"
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval * tonumber(ARGV[3])
local allow_at = new_tat - limit * interval
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return {1, math.floor((now - allow_at) / interval), 0, new_tat - now}
"#;

struct RedisBackend {
    client: redis::Client,
    prefix: String,
    script: redis::Script,
    connection: tokio::sync::Mutex<Option<redis::aio::ConnectionManager>>,
    /// After a failure, Redis is not asked again before this (unix ms): a dead Redis must
    /// not add a connect timeout to every sign-in.
    retry_at: AtomicI64,
    last_warning: AtomicI64,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBackend").field("prefix", &self.prefix).finish()
    }
}

/// How long a Redis answer may take before this node counts on its own.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a failed Redis is left alone.
const REDIS_BACKOFF_MS: i64 = 5_000;

impl RedisBackend {
    fn new(config: RedisConfig) -> Result<RedisBackend, String> {
        let client = redis::Client::open(config.url.as_str()).map_err(|e| format!("invalid redis_url: {e}"))?;
        Ok(RedisBackend {
            client,
            prefix: config.prefix,
            script: redis::Script::new(GCRA),
            connection: tokio::sync::Mutex::new(None),
            retry_at: AtomicI64::new(0),
            last_warning: AtomicI64::new(0),
        })
    }

    async fn check(&self, policy: Policy, rate: Rate, key: &str, cost: NonZeroU32) -> Result<Verdict, String> {
        let now = now_ms();
        if now < self.retry_at.load(Ordering::Relaxed) {
            return Err("waiting before asking Redis again".into());
        }
        let answer = tokio::time::timeout(REDIS_TIMEOUT, self.run(policy, rate, key, cost)).await;
        let answer = match answer {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => return Err(self.failed(e)),
            Err(_) => return Err(self.failed("Redis did not answer in time".into())),
        };
        let [allowed, remaining, retry_ms, reset_ms] = answer;
        let secs = |ms: i64| (ms.max(0) as u64).div_ceil(1000);
        Ok(Verdict {
            policy,
            rate,
            allowed: allowed == 1,
            remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
            reset: secs(reset_ms),
            retry_after: if allowed == 1 { 0 } else { secs(retry_ms).max(1) },
        })
    }

    async fn run(&self, policy: Policy, rate: Rate, key: &str, cost: NonZeroU32) -> Result<[i64; 4], String> {
        let mut connection = self.connection.lock().await;
        if connection.is_none() {
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(REDIS_TIMEOUT))
                .set_response_timeout(Some(REDIS_TIMEOUT))
                .set_number_of_retries(0);
            let manager = redis::aio::ConnectionManager::new_with_config(self.client.clone(), config)
                .await
                .map_err(|e| e.to_string())?;
            *connection = Some(manager);
        }
        // The manager is a cheap handle over one multiplexed connection.
        let mut manager = connection.clone().expect("connected above");
        drop(connection);
        let interval_ms = (rate.interval().as_millis()).max(1) as i64;
        let full_key = format!("{}rl:{}:{key}", self.prefix, policy.name());
        let answer: Vec<i64> = self
            .script
            .key(full_key)
            .arg(rate.limit.get())
            .arg(interval_ms)
            .arg(cost.get())
            .invoke_async(&mut manager)
            .await
            .map_err(|e| e.to_string())?;
        answer.try_into().map_err(|a: Vec<i64>| format!("unexpected answer from the rate script: {a:?}"))
    }

    fn failed(&self, e: String) -> String {
        self.retry_at.store(now_ms() + REDIS_BACKOFF_MS, Ordering::Relaxed);
        e
    }

    /// At most one warning per backoff period: an outage must not flood the log.
    fn warn(&self, e: &str) {
        let now = now_ms();
        let last = self.last_warning.load(Ordering::Relaxed);
        if now - last >= REDIS_BACKOFF_MS
            && self.last_warning.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            tracing::warn!(error = %e, "rate limits: Redis failed; counting on this node alone until it answers");
            metrics::counter!("storegate_rate_limit_redis_failures_total").increment(1);
        }
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse() {
        let r = |s: &str| s.parse::<RateSetting>();
        assert_eq!(r("10/m").unwrap(), RateSetting::Limit(Rate::new(10, Duration::from_secs(60)).unwrap()));
        assert_eq!(r("5/15m").unwrap(), RateSetting::Limit(Rate::new(5, Duration::from_secs(900)).unwrap()));
        assert_eq!(r("20/h").unwrap(), RateSetting::Limit(Rate::new(20, Duration::from_secs(3600)).unwrap()));
        assert_eq!(r("off").unwrap(), RateSetting::Off);
        for bad in ["0/m", "10", "10/x", "-1/m", "10/0s"] {
            assert!(r(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn local_limits_count_per_key_and_answer_headers() {
        let mut rates = Rates::default();
        rates.set(Policy::CouponPerCart, "3/m".parse().unwrap());
        let t = Throttle::new(rates, None).unwrap();
        let limits = [Limit::per_field(Policy::CouponPerCart, "cart_id")];
        let cart = |id: &str| serde_json::json!({ "cart_id": id });
        for remaining in [2, 1, 0] {
            let mut v = Verdicts::default();
            assert!(t.check_fields(&limits, &cart("A"), &mut v).await.is_ok());
            assert_eq!(v.0[0].remaining, remaining);
        }
        let mut v = Verdicts::default();
        let refusal =
            t.check_fields(&limits, &cart("a"), &mut v).await.expect_err("the fourth is refused, whatever the case");
        assert_eq!(retry_after_of(&refusal), Some(20));
        assert_eq!(v.state_header().unwrap(), "\"coupon-per-cart\";r=0;t=60");
        assert_eq!(v.policy_header().unwrap(), "\"coupon-per-cart\";q=3;w=60");
        assert!(
            t.check_fields(&limits, &cart("b"), &mut Verdicts::default()).await.is_ok(),
            "another cart counts apart"
        );
        // Address limits ignore field limits and the other way round.
        assert!(t.check_address(&limits, None, &mut Verdicts::default()).await.is_ok());
    }
}
