//! Passwords are hashed with argon2id (OWASP parameters) on a blocking thread, so a burst
//! of sign-ins cannot stall the async workers.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use storegate_types::ApiError;

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
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ApiError::internal(format!("password hashing task failed: {e}")))
}

/// Verifies against `stored`, or against a fixed dummy hash when there is no user, so that
/// an unknown user name takes as long to refuse as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    metrics::counter!("storegate_password_checks_total").increment(1);
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.with(|h| h.clone()));
        verify_blocking(&password, &stored) && exists
    })
    .await
    .map_err(|e| ApiError::internal(format!("password verification task failed: {e}")))
}

thread_local! {
    static DUMMY_HASH: String = hash_blocking("storegate-dummy-password");
}

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
