//! Passwords are hashed with argon2id (OWASP parameters) on a blocking thread, so a burst
//! of sign-ins cannot stall the async workers, and through a bounded pool: each hash holds
//! 19 MiB and a core for tens of milliseconds, so at most `hashers` run at once (one per
//! core by default), at most `queue` more wait, and beyond that a caller is refused at
//! once (503 with Retry-After) instead of growing memory and threads without bound (32
//! concurrent unknown-email sign-ins once took the process from 750 to 1,299 MiB).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use storegate_types::{ApiError, ErrorCode};

fn hasher() -> Argon2<'static> {
    // 19 MiB, 2 passes, 1 lane: OWASP's recommended argon2id setting.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> String {
    let hash: PasswordHash =
        hasher().hash_password(password.as_bytes()).expect("argon2 hashing cannot fail with valid parameters");
    hash.to_string()
}

pub fn verify_blocking(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    bounded(move || hash_blocking(&password)).await
}

/// Verifies against `stored`, or against a fixed dummy hash when there is no user, so that
/// an unknown user name takes as long to refuse as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    metrics::counter!("storegate_password_checks_total").increment(1);
    bounded(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        verify_blocking(&password, &stored) && exists
    })
    .await
}

/// The bound on concurrent hashing: `hashers` threads of its own, fed through a queue.
///
/// Dedicated threads rather than `spawn_blocking` behind a semaphore: tokio starts a new
/// blocking thread whenever none is idle at that instant, and a waiter woken as a hash ends
/// finds the finishing thread not yet idle, so threads piled up by the hundred, each
/// keeping a 19 MiB argon2 block in its allocator arena (3.3 GiB for 128 sign-ins with
/// two running at a time). With `hashers` threads there are `hashers` arenas.
struct Pool {
    jobs: Mutex<std::sync::mpsc::Sender<Job>>,
    hashers: usize,
    queue: usize,
    /// Running plus waiting.
    admitted: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    refused: AtomicU64,
}

type Job = Box<dyn FnOnce() + Send>;

impl Pool {
    fn start(hashers: usize, queue: usize) -> Arc<Pool> {
        let hashers = hashers.max(1);
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..hashers {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("password-hasher-{i}")).spawn(move || {
                yield_to_requests();
                // Ends when the pool (its sender) is dropped.
                loop {
                    let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Arc::new(Pool {
            jobs: Mutex::new(tx),
            hashers,
            queue,
            admitted: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        })
    }
}

/// Hashing runs at a lower scheduling priority than the threads serving requests: a flood of
/// sign-ins (each about 20 ms of CPU) then waits for the cores that an admin's product save
/// or a checkout needs, rather than sharing them equally. A refusal (no permission to change
/// priority) only costs that preference.
fn yield_to_requests() {
    let me = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(me), 10) {
        tracing::warn!(error = %e, "password hashing keeps the normal priority");
    }
}

static POOL: LazyLock<RwLock<Arc<Pool>>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    RwLock::new(Pool::start(cores, 32 * cores))
});

/// Sets the pool's bounds (at start): `hashers` at once, `queue` more waiting.
pub fn configure(hashers: usize, queue: usize) {
    let mut pool = POOL.write().unwrap_or_else(|e| e.into_inner());
    if pool.hashers != hashers.max(1) || pool.queue != queue {
        *pool = Pool::start(hashers, queue);
    }
}

fn pool() -> Arc<Pool> {
    POOL.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The pool's state, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingStats {
    pub hashers: usize,
    pub in_flight: usize,
    pub queued: usize,
    /// The most hashes ever running at once.
    pub peak: usize,
    pub refused: u64,
}

pub fn stats() -> HashingStats {
    let p = pool();
    let in_flight = p.in_flight.load(Ordering::Relaxed);
    HashingStats {
        hashers: p.hashers,
        in_flight,
        queued: p.admitted.load(Ordering::Relaxed).saturating_sub(in_flight),
        peak: p.peak.load(Ordering::Relaxed),
        refused: p.refused.load(Ordering::Relaxed),
    }
}

/// Gives back a place in the pool when dropped: by the hashing thread when the hash is
/// done (a caller that gives up, such as on a request timeout, does not stop a queued
/// hash, which must go on counting), or at once when refused.
struct Admission(Arc<Pool>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

struct Running(Arc<Pool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs `work` on a hashing thread once one is free; refuses at once when the queue is
/// full.
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let pool = pool();
    let before = pool.admitted.fetch_add(1, Ordering::AcqRel);
    let admission = Admission(pool.clone());
    if before >= pool.hashers + pool.queue {
        pool.refused.fetch_add(1, Ordering::Relaxed);
        return Err(ApiError::named(ErrorCode::PasswordHashingBusy, [("seconds", Value::from(1))]));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let running = pool.clone();
    let job: Job = Box::new(move || {
        let _admission = admission;
        let now = running.in_flight.fetch_add(1, Ordering::AcqRel) + 1;
        let _running = Running(running.clone());
        running.peak.fetch_max(now, Ordering::Relaxed);
        // The caller may have gone (a request timeout); the answer is then dropped.
        let _ = tx.send(work());
    });
    let sent = pool.jobs.lock().unwrap_or_else(|e| e.into_inner()).send(job);
    sent.map_err(|_| ApiError::internal("the password hashing threads are gone"))?;
    rx.await.map_err(|_| ApiError::internal("password hashing failed"))
}

/// Computed once, by the first verification of an unknown user.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("storegate-dummy-password"));

/// Magento's rule for admin passwords: at least 7 characters with letters and digits.
pub fn check_admin_password(password: &str) -> Result<(), String> {
    let long_enough = password.chars().count() >= 7;
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if long_enough && has_letter && has_digit {
        Ok(())
    } else {
        Err("Your password must be at least 7 characters and include both numeric and alphabetic characters.".into())
    }
}

/// A strong random password for generated admin accounts.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let body: String = (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    // Guarantee a digit and a letter for the admin password rule.
    format!("{body}7a")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_blocking("s3cret-pass");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_blocking("s3cret-pass", &h));
        assert!(!verify_blocking("wrong", &h));
        assert_ne!(h, hash_blocking("s3cret-pass"), "salts differ");
    }

    #[test]
    fn admin_password_rule() {
        assert!(check_admin_password("abc1234").is_ok());
        assert!(check_admin_password("abcdefg").is_err());
        assert!(check_admin_password("a1").is_err());
        assert!(check_admin_password(&generate()).is_ok());
    }
}
