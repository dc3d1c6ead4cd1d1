//! The personal access token format, built for secret scanning (GitHub's layout):
//!
//! ```text
//! sg_pat_live_<30 random base62><6 base62 CRC32 of the random part>
//! sg_pat_test_<30 random base62><6 base62 CRC32 of the random part>
//! ```
//!
//! - The alphabet is `0-9A-Za-z` in that order: digit value 0 is `0`, 10 is `A`, 36 is `a`,
//!   61 is `z` ([`ALPHABET`]).
//! - The checksum is the CRC-32 (IEEE 802.3, the zlib/PNG one: polynomial 0x04C11DB7,
//!   reflected, initial value and final XOR 0xFFFFFFFF) of the 30 random ASCII characters,
//!   written in base 62 most significant digit first and left-padded with `0` to 6 characters.
//! - [`REGEX`] matches every token; [`check_format`] also verifies the checksum, offline, so
//!   a look-alike is refused without a database (`storegate token check`).
//!
//! 30 base62 characters carry about 178 bits from the operating system's CSPRNG. Only the
//! SHA-256 hex of the whole token is stored ([`hash`]); lists show the prefix and last four.

use crate::{Mode, Secret};
use rand::Rng;

/// Digit values 0-61, in order.
pub const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const PREFIX_LIVE: &str = "sg_pat_live_";
pub const PREFIX_TEST: &str = "sg_pat_test_";
/// Random characters after the prefix.
pub const RANDOM_LEN: usize = 30;
/// Checksum characters after the random part.
pub const CHECKSUM_LEN: usize = 6;
/// The whole token: 12 + 30 + 6 characters.
pub const TOKEN_LEN: usize = PREFIX_LIVE.len() + RANDOM_LEN + CHECKSUM_LEN;
/// What secret scanners are given (checksum verification on top of it: [`checksum`]).
pub const REGEX: &str = "sg_pat_(live|test)_[0-9A-Za-z]{36}";
/// Prefix of account session tokens (`POST /api/v1/auth/sessions`); same body layout.
pub const SESSION_PREFIX: &str = "sg_ses_";

/// Why a text is not a well-formed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatError {
    /// Neither `sg_pat_live_` nor `sg_pat_test_`.
    Prefix,
    Length,
    /// A character outside `0-9A-Za-z` after the prefix.
    Alphabet,
    /// The last six characters are not the checksum of the thirty before them.
    Checksum,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FormatError::Prefix => "the token does not start with sg_pat_live_ or sg_pat_test_",
            FormatError::Length => "the token is not 48 characters long",
            FormatError::Alphabet => "the token holds characters outside 0-9A-Za-z after its prefix",
            FormatError::Checksum => {
                "the token's checksum does not match (mistyped, truncated or not a storegate token)"
            }
        })
    }
}

impl std::error::Error for FormatError {}

pub fn prefix(mode: Mode) -> &'static str {
    match mode {
        Mode::Live => PREFIX_LIVE,
        Mode::Test => PREFIX_TEST,
    }
}

/// `value` in base 62, most significant digit first, left-padded with `0` to `width`.
fn base62(mut value: u64, width: usize) -> String {
    let mut digits = Vec::with_capacity(width);
    while value > 0 {
        digits.push(ALPHABET[(value % 62) as usize]);
        value /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// The 6-character checksum of a random part.
pub fn checksum(random: &str) -> String {
    base62(u64::from(crc32fast::hash(random.as_bytes())), CHECKSUM_LEN)
}

fn random_body() -> String {
    let mut rng = rand::rng();
    let random: String = (0..RANDOM_LEN).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    let check = checksum(&random);
    format!("{random}{check}")
}

/// SHA-256 hex of the whole token: what is stored and what secret-scanning feedback names.
pub fn hash(token: &str) -> String {
    storegate_domain::tokens::hash(token)
}

/// A new token: the secret (shown once) and what is stored about it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub secret: Secret,
    pub hash: String,
    pub prefix: &'static str,
    pub last4: String,
    pub mode: Mode,
}

pub fn generate(mode: Mode) -> Generated {
    let prefix = prefix(mode);
    let token = format!("{prefix}{}", random_body());
    Generated {
        hash: hash(&token),
        last4: token[token.len() - 4..].to_owned(),
        prefix,
        mode,
        secret: Secret::new(token),
    }
}

/// A new session token, `sg_ses_` and the same 36-character body.
pub fn generate_session() -> Secret {
    Secret::new(format!("{SESSION_PREFIX}{}", random_body()))
}

/// Offline check of prefix, length, alphabet and checksum; answers the token's mode.
pub fn check_format(token: &str) -> Result<Mode, FormatError> {
    let (mode, body) = if let Some(body) = token.strip_prefix(PREFIX_LIVE) {
        (Mode::Live, body)
    } else if let Some(body) = token.strip_prefix(PREFIX_TEST) {
        (Mode::Test, body)
    } else {
        return Err(FormatError::Prefix);
    };
    if !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(FormatError::Alphabet);
    }
    if body.len() != RANDOM_LEN + CHECKSUM_LEN {
        return Err(FormatError::Length);
    }
    let (random, check) = body.split_at(RANDOM_LEN);
    if checksum(random) != check {
        return Err(FormatError::Checksum);
    }
    Ok(mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_tokens_have_the_published_shape() {
        for mode in [Mode::Live, Mode::Test] {
            let g = generate(mode);
            let token = g.secret.expose();
            assert_eq!(token.len(), TOKEN_LEN);
            assert!(token.starts_with(prefix(mode)));
            assert_eq!(check_format(token), Ok(mode));
            assert_eq!(g.hash, hash(token));
            assert_eq!(g.hash.len(), 64);
            assert!(token.ends_with(&g.last4));
            assert!(!format!("{g:?}").contains(token), "Debug must not show the secret");
        }
        assert_ne!(generate(Mode::Live).secret, generate(Mode::Live).secret);
    }

    #[test]
    fn checksum_is_base62_crc32_left_padded() {
        // CRC-32 of "123456789" is the standard check value 0xCBF43926.
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum("123456789"), "3jZRME");
        // The example in docs/PLATFORM.md, for scanner authors.
        assert_eq!(checksum("0123456789ABCDEFGHIJabcdefghij"), "4Us3aw");
        assert_eq!(check_format("sg_pat_live_0123456789ABCDEFGHIJabcdefghij4Us3aw"), Ok(Mode::Live));
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 6), "00000z");
        assert_eq!(base62(62, 6), "000010");
        assert_eq!(base62(u64::from(u32::MAX), 6).len(), 6, "any CRC32 fits in six digits");
    }

    #[test]
    fn look_alikes_are_refused_for_the_right_reason() {
        let token = generate(Mode::Test).secret.expose().to_owned();
        assert_eq!(check_format(&token.replace("sg_pat_test_", "sg_pat_prod_")), Err(FormatError::Prefix));
        assert_eq!(check_format(&token.replace("sg_pat_", "soc_pat_")), Err(FormatError::Prefix));
        assert_eq!(check_format(&token[..token.len() - 1]), Err(FormatError::Length));
        assert_eq!(check_format(&format!("{token}0")), Err(FormatError::Length));
        let mut bad = token.clone();
        bad.replace_range(20..21, "-");
        assert_eq!(check_format(&bad), Err(FormatError::Alphabet));
        // Swap one random character for another: the checksum no longer matches.
        let c = token.as_bytes()[20];
        let other = if c == b'a' { "b" } else { "a" };
        let mut typo = token.clone();
        typo.replace_range(20..21, other);
        assert_eq!(check_format(&typo), Err(FormatError::Checksum));
        assert_eq!(check_format(""), Err(FormatError::Prefix));
    }

    #[test]
    fn the_published_regex_describes_the_format() {
        // No regex crate here: check the regex text against the constants it encodes.
        assert_eq!(REGEX, format!("sg_pat_(live|test)_[0-9A-Za-z]{{{}}}", RANDOM_LEN + CHECKSUM_LEN));
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        assert_eq!(&sorted[..], &ALPHABET[..], "the alphabet is in ASCII order, 0-9A-Za-z");
    }

    proptest! {
        #[test]
        fn every_generated_token_checks_and_every_single_change_is_caught(pos in 12usize..48, replacement in 0usize..62) {
            let token = generate(Mode::Live).secret.expose().to_owned();
            prop_assert_eq!(check_format(&token), Ok(Mode::Live));
            let mut bytes = token.clone().into_bytes();
            let new = ALPHABET[replacement];
            prop_assume!(bytes[pos] != new);
            bytes[pos] = new;
            let changed = String::from_utf8(bytes).unwrap();
            // CRC32 detects every single-character substitution in the random part; a change
            // in the checksum itself no longer matches either.
            prop_assert_eq!(check_format(&changed), Err(FormatError::Checksum));
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,60}") {
            let _ = check_format(&text);
        }
    }
}
