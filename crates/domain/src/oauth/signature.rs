//! OAuth 1.0a signatures (RFC 5849 §3.4), as Magento checks them: pure functions over the
//! request's method, base URL and parameters. Nothing here touches storage.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use storegate_types::{ApiError, ErrorCode};

/// The methods Magento's code accepts (its docs name only HMAC-SHA256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    HmacSha1,
    HmacSha256,
}

impl SignatureMethod {
    pub fn parse(name: &str) -> Result<SignatureMethod, ApiError> {
        match name {
            "HMAC-SHA256" => Ok(SignatureMethod::HmacSha256),
            "HMAC-SHA1" => Ok(SignatureMethod::HmacSha1),
            other => Err(ApiError::positional(ErrorCode::OauthSignatureMethod, [other])),
        }
    }
}

/// RFC 3986 percent-encoding: unreserved characters stay, every other byte is `%XX`
/// in upper-case hex.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (and, for form encoding, `+` as a space); invalid UTF-8 is kept
/// lossily, which then simply fails the signature.
pub fn decode(text: &str, plus_is_space: bool) -> String {
    let text = if plus_is_space { text.replace('+', " ") } else { text.to_owned() };
    percent_encoding::percent_decode_str(&text).decode_utf8_lossy().into_owned()
}

/// `a=1&b=2` (a query string or a form body) as decoded pairs, in order.
pub fn parse_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

/// The parameters of an `Authorization: OAuth k="v", …` header, decoded; `None` when the
/// header is not of the OAuth scheme. `realm` is dropped (it is not signed).
pub fn parse_header(value: &str) -> Option<Result<Vec<(String, String)>, ApiError>> {
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("oauth") {
        return None;
    }
    let mut params = Vec::new();
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Some(Err(ApiError::new(ErrorCode::OauthHeaderInvalid)));
        };
        let v = v.trim();
        let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
        let k = decode(k.trim(), false);
        if k != "realm" {
            params.push((k, decode(v, false)));
        }
    }
    Some(Ok(params))
}

/// The base string URI: lower-case scheme and host, no default port, the path, no query.
pub fn base_url(scheme: &str, host: &str, path: &str) -> String {
    let scheme = scheme.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let host = match (scheme.as_str(), host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_owned(),
        _ => host,
    };
    let path = if path.is_empty() { "/" } else { path };
    format!("{scheme}://{host}{path}")
}

/// `METHOD&pct(url)&pct(normalised parameters)`: every parameter except `oauth_signature`,
/// encoded, sorted by name then value, joined with `&`.
pub fn base_string(method: &str, url: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().filter(|(k, _)| k != "oauth_signature").map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    let normalised = encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    format!("{}&{}&{}", method.to_ascii_uppercase(), encode(url), encode(&normalised))
}

/// `base64(HMAC(pct(consumer_secret) & pct(token_secret), base))`; the `&` is there even
/// when there is no token secret yet.
pub fn sign(method: SignatureMethod, consumer_secret: &str, token_secret: &str, base: &str) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let digest = match method {
        SignatureMethod::HmacSha256 => {
            let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("any key length");
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        SignatureMethod::HmacSha1 => {
            let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key.as_bytes()).expect("any key length");
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    STANDARD.encode(digest)
}

/// Compares without an early exit, so timing does not reveal how much of a guess matched.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// RFC 5849 §3.4.1.1's example request, signed as in its §1.2 walk-through
    /// (HMAC-SHA1 over the same base string).
    #[test]
    fn the_rfc_base_string() {
        let mut params = pairs(&[
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "ignored"),
        ]);
        params.extend(parse_form("b5=%3D%253D&a3=a&c%40=&a2=r%20b"));
        params.extend(parse_form("c2&a3=2+q"));
        let url = base_url("HTTP", "Example.com:80", "/request");
        assert_eq!(url, "http://example.com/request");
        let base = base_string("post", &url, &params);
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26\
             c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 §1.2's photo example: the published signature.
    #[test]
    fn the_rfc_signature() {
        let params = pairs(&[
            ("file", "vacation.jpg"),
            ("size", "original"),
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1191242096"),
            ("oauth_nonce", "kllo9940pd9333jh"),
            ("oauth_version", "1.0"),
        ]);
        let base = base_string("GET", "http://photos.example.net/photos", &params);
        let sig = sign(SignatureMethod::HmacSha1, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", &base);
        assert_eq!(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        assert!(constant_time_eq(&sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
        assert!(!constant_time_eq(&sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WN="));
        let sha256 = sign(SignatureMethod::HmacSha256, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00", &base);
        assert_ne!(sha256, sig);
        assert_eq!(STANDARD.decode(sha256).unwrap().len(), 32);
    }

    #[test]
    fn headers_methods_and_encoding() {
        let parsed =
            parse_header(r#"OAuth realm="Photos", oauth_consumer_key="a%20b", oauth_nonce="n""#).unwrap().unwrap();
        assert_eq!(parsed, pairs(&[("oauth_consumer_key", "a b"), ("oauth_nonce", "n")]));
        assert!(parse_header("Bearer abc").is_none());
        assert!(parse_header("OAuth garbage").unwrap().is_err());
        assert_eq!(encode("a b+c~/é"), "a%20b%2Bc~%2F%C3%A9");
        assert!(SignatureMethod::parse("PLAINTEXT").is_err());
        assert_eq!(base_url("https", "shop.test:443", "/rest/V1/x"), "https://shop.test/rest/V1/x");
        assert_eq!(base_url("http", "127.0.0.1:8080", "/x"), "http://127.0.0.1:8080/x");
    }
}
