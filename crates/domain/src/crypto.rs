//! Encryption of personal data and third-party credentials at rest: AES-256-GCM with a
//! random nonce per value, and a keyed hash (HMAC-SHA256) beside values that must be looked
//! up or kept unique without decrypting them.
//!
//! Stored form: `v1:` + base64(nonce ‖ ciphertext). The key comes from configuration; a
//! fingerprint of it is kept in the database so that starting with another key fails
//! loudly instead of producing garbage.

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use storegate_types::ApiError;

const PREFIX: &str = "v1:";

/// The data key. Never printed: `Debug` shows only the fingerprint.
#[derive(Clone)]
pub struct Crypto {
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
    fingerprint: String,
}

impl fmt::Debug for Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Crypto {{ key: [redacted], fingerprint: {} }}", self.fingerprint)
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl Crypto {
    /// From 32 raw key bytes. Separate sub-keys for encryption and hashing are derived so
    /// that the blind index never reuses the cipher key.
    pub fn from_key(key: &[u8; 32]) -> Crypto {
        let enc = hmac(key, &[b"storegate/encryption"]);
        let mac_key = hmac(key, &[b"storegate/blind-index"]);
        let fingerprint = hmac(key, &[b"storegate/fingerprint"])[..8].iter().map(|b| format!("{b:02x}")).collect();
        Crypto { cipher: Aes256Gcm::new_from_slice(&enc).expect("32-byte key"), mac_key, fingerprint }
    }

    /// From the base64 text of 32 bytes (the `STOREGATE_ENCRYPTION_KEY` form).
    pub fn from_base64(text: &str) -> Result<Crypto, String> {
        let bytes = STANDARD.decode(text.trim()).map_err(|e| format!("the encryption key is not base64: {e}"))?;
        let key: [u8; 32] =
            bytes.try_into().map_err(|_| "the encryption key must be 32 bytes (44 base64 characters)".to_owned())?;
        Ok(Crypto::from_key(&key))
    }

    /// A new random key as base64, for a key file.
    pub fn generate_base64() -> String {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        STANDARD.encode(key)
    }

    /// Identifies the key without revealing it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn encrypt(&self, plaintext: &str) -> String {
        use rand::RngCore;
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let n = Nonce::try_from(&nonce[..]).expect("12-byte nonce");
        let sealed = self.cipher.encrypt(&n, plaintext.as_bytes()).expect("AES-GCM encryption cannot fail");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, ApiError> {
        let corrupt = || ApiError::internal("an encrypted value cannot be decrypted (wrong key or damaged data)");
        let body = stored.strip_prefix(PREFIX).ok_or_else(corrupt)?;
        let bytes = STANDARD.decode(body).map_err(|_| corrupt())?;
        if bytes.len() < 12 {
            return Err(corrupt());
        }
        let (nonce, sealed) = bytes.split_at(12);
        let n = Nonce::try_from(nonce).map_err(|_| corrupt())?;
        let plain = self.cipher.decrypt(&n, sealed).map_err(|_| corrupt())?;
        String::from_utf8(plain).map_err(|_| corrupt())
    }

    pub fn encrypt_opt(&self, plaintext: Option<&str>) -> Option<String> {
        plaintext.map(|p| self.encrypt(p))
    }

    pub fn decrypt_opt(&self, stored: Option<&str>) -> Result<Option<String>, ApiError> {
        stored.map(|s| self.decrypt(s)).transpose()
    }

    /// A deterministic keyed hash for equality lookups and uniqueness (hex). `context`
    /// separates uses, so the same text hashes differently as an email and as a phone.
    pub fn blind_index(&self, context: &str, value: &str) -> String {
        hmac(&self.mac_key, &[context.as_bytes(), b"\0", value.as_bytes()]).iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let c = Crypto::from_key(&[9u8; 32]);
        let stored = c.encrypt("221B Baker Street");
        assert!(stored.starts_with("v1:") && !stored.contains("Baker"));
        assert_ne!(stored, c.encrypt("221B Baker Street"), "random nonces");
        assert_eq!(c.decrypt(&stored).unwrap(), "221B Baker Street");
        let mut tampered = stored.clone();
        tampered.pop();
        tampered.push(if stored.ends_with('A') { 'B' } else { 'A' });
        assert!(c.decrypt(&tampered).is_err());
        assert!(Crypto::from_key(&[8u8; 32]).decrypt(&stored).is_err());
    }

    #[test]
    fn blind_indexes_are_stable_and_separated() {
        let c = Crypto::from_key(&[1u8; 32]);
        assert_eq!(c.blind_index("email", "a@b.c"), c.blind_index("email", "a@b.c"));
        assert_ne!(c.blind_index("email", "a@b.c"), c.blind_index("phone", "a@b.c"));
        assert!(format!("{c:?}").contains("[redacted]"));
        assert!(Crypto::from_base64(&Crypto::generate_base64()).is_ok());
        assert!(Crypto::from_base64("short").is_err());
    }
}
