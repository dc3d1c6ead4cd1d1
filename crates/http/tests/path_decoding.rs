//! Path parameters are decoded exactly as PHP's urldecode decodes them for Magento: any
//! byte string, percent-encoded or not, reaches the operation as the text it encodes (`+`
//! read as a space, `%2F` kept inside its segment); bytes that are not UTF-8, and text with a
//! NUL, are a 400 in Magento's error shape, never a 500. The echoing operations exist only in this test's
//! registry.
//!
//! CI runs 256 cases; the long form is `STOREGATE_FUZZ_PATH_CASES=20000 cargo test -p
//! storegate-http --test path_decoding`.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use schemars::JsonSchema;
use serde::Deserialize;
use storegate_api::ops::system::Health;
use storegate_api::spec::{Acl, CapabilityGroup, Effect, Method, OpSpec, Surface};
use storegate_api::{Ctx, ErasedOp, Operation, register};
use storegate_types::ApiError;

#[derive(Deserialize, JsonSchema)]
struct One {
    value: String,
}

struct EchoOne;

impl Operation for EchoOne {
    const SPEC: OpSpec = OpSpec {
        id: "test.echo.one",
        surface: Surface::Magento,
        method: Method::Get,
        path: "/V1/echo/{value}",
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        limits: &[],
        cache: storegate_api::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary: "Answers its path parameter.",
        audit: "{principal} echoed",
        target: None,
    };
    type Input = One;
    type Output = String;

    async fn call(_: &Ctx, input: One) -> Result<String, ApiError> {
        Ok(input.value)
    }
}

#[derive(Deserialize, JsonSchema)]
struct Two {
    first: String,
    second_value: String,
}

struct EchoTwo;

impl Operation for EchoTwo {
    const SPEC: OpSpec = OpSpec {
        id: "test.echo.two",
        surface: Surface::Magento,
        method: Method::Get,
        path: "/V1/echo/{first}/and/{secondValue}",
        acl: Acl::Anonymous,
        group: CapabilityGroup::System,
        limits: &[],
        cache: storegate_api::Cache::Never,
        effect: Effect::Read,
        forced: &[],
        summary: "Answers its two path parameters.",
        audit: "{principal} echoed",
        target: None,
    };
    type Input = Two;
    type Output = Vec<String>;

    async fn call(_: &Ctx, input: Two) -> Result<Vec<String>, ApiError> {
        Ok(vec![input.first, input.second_value])
    }
}

static OPS: &[&dyn ErasedOp] = register![EchoOne, EchoTwo, Health];

/// How a client might put one byte on the wire.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Upper,
    Lower,
    /// As itself, where the URL can carry it unescaped.
    Raw,
}

/// A segment for `bytes`, each byte encoded as chosen, and the text the server should read.
fn encode(bytes: &[u8], encodings: &[Encoding]) -> (String, Option<String>) {
    let mut segment = String::new();
    for (i, &b) in bytes.iter().enumerate() {
        let raw_ok = b.is_ascii_alphanumeric() || b"-._~!$&'()*,;=:@+".contains(&b);
        match encodings[i % encodings.len()] {
            Encoding::Raw if raw_ok => segment.push(b as char),
            Encoding::Lower => segment.push_str(&format!("%{b:02x}")),
            _ => segment.push_str(&format!("%{b:02X}")),
        }
    }
    // A raw `+` is a space; an escaped one (%2B) is a plus.
    let mut expected = Vec::new();
    let mut rest = segment.as_bytes();
    while let Some((&c, tail)) = rest.split_first() {
        if c == b'%' {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            expected.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            expected.push(if c == b'+' { b' ' } else { c });
            rest = tail;
        }
    }
    (segment, String::from_utf8(expected).ok())
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Upper), Just(Encoding::Lower), Just(Encoding::Raw)]
}

/// Bytes worth encoding: any byte, UTF-8 text, and the separators and escapes that matter.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 1..48),
        ".{1,24}".prop_map(String::into_bytes),
        prop::collection::vec(prop::sample::select(b"/+% ?#\\.\0\xc0\xaf\xed\xa0\x80\xf4\x90".to_vec()), 1..16),
    ]
}

fn cases() -> u32 {
    std::env::var("STOREGATE_FUZZ_PATH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

#[test]
fn any_encoded_bytes_decode_exactly_or_are_a_clear_400() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let served = rt.block_on(common::serve(OPS));
    let base = served.base.clone();
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap();
    let get = |path: String| {
        let client = client.clone();
        rt.block_on(async move {
            let response = client.get(&path).send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, serde_json::from_str::<serde_json::Value>(&text).unwrap_or(serde_json::Value::String(text)))
        })
    };

    let strategy = (bytes(), prop::collection::vec(encoding(), 1..4), bytes(), prop::collection::vec(encoding(), 1..4));
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    runner
        .run(&strategy, |(a, a_enc, b, b_enc)| {
            // Text with a NUL is refused too: no field means one (and PostgreSQL cannot store it).
            let readable = |text: Option<String>| text.filter(|t| !t.contains('\0'));
            let (one, one_text) = encode(&a, &a_enc);
            let (two, two_text) = encode(&b, &b_enc);
            let (one_text, two_text) = (readable(one_text), readable(two_text));
            // `.` and `..` (`%2e` too) are dot segments the client resolves before sending.
            let dots = |t: &Option<String>| matches!(t.as_deref(), Some(".") | Some(".."));
            if dots(&one_text) || dots(&two_text) {
                return Ok(());
            }
            let (status, body) = get(format!("{base}/rest/V1/echo/{one}"));
            match &one_text {
                Some(text) => prop_assert_eq!((status, &body), (200, &serde_json::json!(text)), "{}", one),
                None => {
                    prop_assert_eq!(status, 400, "{}: {}", one, body);
                    prop_assert!(body["message"].is_string(), "{}: {}", one, body);
                }
            }
            let (status, body) = get(format!("{base}/rest/V1/echo/{one}/and/{two}"));
            match (&one_text, &two_text) {
                (Some(x), Some(y)) => {
                    prop_assert_eq!((status, &body), (200, &serde_json::json!([x, y])), "{}/{}", one, two)
                }
                _ => {
                    prop_assert_eq!(status, 400, "{}/{}: {}", one, two, body);
                    prop_assert!(body["message"].is_string(), "{}/{}: {}", one, two, body);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_reference_encoder_reads_plus_as_a_space_and_escapes_literally() {
    assert_eq!(encode(b"a+b", &[Encoding::Raw]), ("a+b".into(), Some("a b".into())));
    assert_eq!(encode(b"a/b", &[Encoding::Raw]), ("a%2Fb".into(), Some("a/b".into())));
    assert_eq!(encode(b"+", &[Encoding::Lower]), ("%2b".into(), Some("+".into())));
    assert_eq!(encode(b"\xff", &[Encoding::Raw]).1, None);
}
