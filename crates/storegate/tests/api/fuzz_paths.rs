//! Generated path parameters over real HTTP: random bytes percent-encoded, invalid and
//! truncated `%` sequences, `+`, `%2F`, overlong and surrogate UTF-8, NUL, unicode and 4 KB
//! strings, in the parameter of every main route that takes one (GET, PUT and DELETE). Each
//! answer is a success or a 4xx with Magento's `message`, never a 500 and never a hang, and
//! the store is unchanged afterwards.
//!
//! CI runs 64 cases per route; the long form is the same test with
//! `STOREGATE_FUZZ_PATH_CASES=5000 cargo test -p storegate --test api fuzz_paths`.

use crate::carts::{call, product};
use crate::helpers::TestServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

/// Pieces that are odd on their own: invalid escapes, escapes of separators, overlong and
/// surrogate encodings, NUL, dot segments, quoting and bidi characters.
const SPECIAL: &[&str] = &[
    "%",
    "%G",
    "%zz",
    "%2",
    "%%",
    "%%41",
    "%u0041",
    "+",
    "++",
    "%2B",
    "%20",
    "%2F",
    "%2f",
    "%5C",
    "%3F",
    "%23",
    "%00",
    "%25",
    "%252F",
    "%C0%AF",
    "%C0%80",
    "%E0%80%AF",
    "%F0%80%80%AF",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%F4%90%80%80",
    "%FF",
    "%FE%FF",
    "%EF%BB%BF",
    "%0A",
    "%0D%0A",
    "%09",
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "'",
    "\"",
    ";",
    "--",
    "'%20OR%201=1--",
    "%27",
    "*",
    "$",
    "&",
    "=",
    ",",
    "@",
    ":",
    "!",
    "~",
    "(",
    ")",
    "[",
    "]",
    "\u{202E}",
    "\u{FEFF}",
    "\u{0}",
    "😀",
    "商品",
    "ü",
    "\u{10FFFF}",
    "-1",
    "0",
    "1e3",
    "0x10",
    "99999999999999999999999",
    "1.5",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
];

/// One piece of a raw path segment, as a client would put it on the wire.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9._~-]{1,8}",
        2 => any::<u8>().prop_map(|b| format!("%{b:02X}")),
        1 => any::<u8>().prop_map(|b| format!("%{b:02x}")),
        3 => prop::sample::select(SPECIAL).prop_map(str::to_owned),
        // Raw characters: the client encodes what a URL cannot carry; the separators it
        // would read as structure are escaped here.
        2 => any::<char>().prop_map(|c| match c {
            '/' | '?' | '#' | '\\' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        }),
    ]
}

/// A raw path segment: a few pieces, or one piece repeated to 4 KB.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec(piece(), 1..10).prop_map(|p| p.concat()),
        1 => piece().prop_map(|p| p.repeat(4096 / p.len().max(1) + 1)),
        1 => Just(String::new()),
    ]
}

/// PHP's urldecode, as the server decodes path parameters (bytes, lossy as text).
fn php_urldecode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex digits are ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a lenient reader could take `raw` for a number (an existing id such as category
/// 2): such values are not sent to routes that change things, so the store stays unchanged.
fn numeric_looking(raw: &str) -> bool {
    let decoded = php_urldecode(raw);
    let t = decoded.trim_matches(|c: char| c.is_whitespace() || c == '\0' || c == '\u{FEFF}');
    t.parse::<f64>().is_ok() || t.parse::<i128>().is_ok() || t.starts_with("0x")
}

/// What the fuzzing must not change: entity counts and the category tree.
async fn snapshot(server: &TestServer, admin: &str, cart: &str) -> Value {
    let mut state = serde_json::Map::new();
    for list in ["products", "customers/search", "orders", "cmsPage/search", "cmsBlock/search"] {
        let (status, body) =
            call(server, Method::GET, &format!("/rest/V1/{list}?searchCriteria[pageSize]=100"), Some(admin), None)
                .await;
        assert_eq!(status, 200, "{list}: {body}");
        let mut items = body["items"].clone();
        // The stock route ignores its item id (as Magento's does), so saving PF-1's stock
        // unchanged under any id is a success that only touches the time.
        for item in items.as_array_mut().into_iter().flatten() {
            item.as_object_mut().map(|o| o.remove("updated_at"));
        }
        state.insert(list.into(), json!([body["total_count"], items]));
    }
    let (status, tree) = call(server, Method::GET, "/rest/V1/categories", Some(admin), None).await;
    assert_eq!(status, 200, "{tree}");
    state.insert("categories".into(), tree);
    let (status, items) = call(server, Method::GET, &format!("/rest/V1/guest-carts/{cart}/items"), None, None).await;
    assert_eq!(status, 200, "{items}");
    state.insert("cart".into(), items);
    Value::Object(state)
}

fn cases() -> u32 {
    std::env::var("STOREGATE_FUZZ_PATH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

#[test]
fn generated_path_parameters_never_get_a_500_and_change_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (server, admin, cart) = rt.block_on(async {
        let server = TestServer::start().await;
        let admin = server.admin_token().await;
        product(&server, &admin, "PF-1", 5, 100, json!({})).await;
        let (_, masked) = call(&server, Method::POST, "/rest/V1/guest-carts", None, None).await;
        (server, admin, masked.as_str().unwrap().to_owned())
    });
    let before = rt.block_on(snapshot(&server, &admin, &cart));

    // `{}` is where the generated segment goes; the bodies are valid for an existing entity
    // and change nothing there, and PUT never creates.
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/rest/V1/products/{}".into(), None),
        (Method::PUT, "/rest/V1/products/{}".into(), Some(json!({"product": {"price": 5}}))),
        (Method::DELETE, "/rest/V1/products/{}".into(), None),
        (Method::GET, "/rest/V1/products/{}/media".into(), None),
        (Method::GET, "/rest/V1/stockItems/{}".into(), None),
        (Method::PUT, "/rest/V1/products/PF-1/stockItems/{}".into(), Some(json!({"stockItem": {"qty": 100}}))),
        (Method::GET, "/rest/V1/inventory/get-product-salable-quantity/{}/1".into(), None),
        (Method::GET, "/rest/V1/categories/{}".into(), None),
        (Method::PUT, "/rest/V1/categories/{}".into(), Some(json!({"category": {}}))),
        (Method::DELETE, "/rest/V1/categories/{}".into(), None),
        (Method::GET, "/rest/V1/categories/{}/products".into(), None),
        (Method::GET, "/rest/V1/customers/{}".into(), None),
        (Method::PUT, "/rest/V1/customers/{}".into(), Some(json!({"customer": {}}))),
        (Method::DELETE, "/rest/V1/customers/{}".into(), None),
        (Method::GET, "/rest/V1/customers/addresses/{}".into(), None),
        (Method::GET, "/rest/V1/orders/{}".into(), None),
        (Method::GET, "/rest/V1/invoices/{}".into(), None),
        (Method::GET, "/rest/V1/shipment/{}".into(), None),
        (Method::GET, "/rest/V1/creditmemo/{}".into(), None),
        (Method::GET, "/rest/V1/carts/{}".into(), None),
        (Method::GET, "/rest/V1/carts/{}/items".into(), None),
        (Method::GET, "/rest/V1/guest-carts/{}".into(), None),
        (Method::GET, "/rest/V1/guest-carts/{}/items".into(), None),
        (Method::PUT, format!("/rest/V1/guest-carts/{cart}/items/{{}}"), Some(json!({"cartItem": {"qty": 1}}))),
        (Method::DELETE, format!("/rest/V1/guest-carts/{cart}/items/{{}}"), None),
        (Method::GET, "/rest/V1/cmsPage/{}".into(), None),
        (Method::PUT, "/rest/V1/cmsPage/{}".into(), Some(json!({"page": {}}))),
        (Method::DELETE, "/rest/V1/cmsPage/{}".into(), None),
        (Method::GET, "/rest/V1/cmsBlock/{}".into(), None),
        (Method::PUT, "/rest/V1/cmsBlock/{}".into(), Some(json!({"block": {}}))),
        (Method::DELETE, "/rest/V1/cmsBlock/{}".into(), None),
        // The store code is a path parameter too.
        (Method::GET, "/rest/{}/V1/products/PF-1".into(), None),
    ];
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let sent = std::cell::Cell::new(0u32);
    for (method, template, body) in &routes {
        let changes = *method != Method::GET;
        let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
        runner
            .run(&segment(), |raw| {
                if changes && numeric_looking(&raw) {
                    return Ok(());
                }
                let path = template.replace("{}", &raw);
                let (status, answer) = rt.block_on(async {
                    let mut request = client.request(method.clone(), server.url(&path)).bearer_auth(&admin);
                    if let Some(body) = body {
                        request = request.json(body);
                    }
                    let response = request.send().await.unwrap_or_else(|e| panic!("{method} {path:.300}: {e}"));
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    (status, serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text)))
                });
                sent.set(sent.get() + 1);
                prop_assert!(status < 500, "{method} {path:.300} answered {status}: {answer}");
                if status >= 400 {
                    prop_assert!(
                        answer["message"].as_str().is_some_and(|m| !m.is_empty()),
                        "{method} {path:.300} {status} without a message: {answer}"
                    );
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let sent = sent.get();
    assert!(sent > routes.len() as u32 * cases() / 2, "most generated cases were sent ({sent})");
    let after = rt.block_on(snapshot(&server, &admin, &cart));
    assert_eq!(after, before, "the store is unchanged");
}

#[test]
fn php_urldecode_matches_the_servers_reading() {
    assert_eq!(php_urldecode("a+b%2Fc"), "a b/c");
    assert_eq!(php_urldecode("%"), "%");
    assert_eq!(php_urldecode("%4"), "%4");
    assert_eq!(php_urldecode("%41%zz"), "A%zz");
    assert!(numeric_looking("+2"));
    assert!(numeric_looking("%202%00"));
    assert!(!numeric_looking("2a"));
}

/// A NUL in text a client sends is an odd value, not a server failure (PostgreSQL could not
/// store it): the edge refuses it with a 400 wherever it appears.
#[tokio::test(flavor = "multi_thread")]
async fn nul_in_a_path_parameter_or_body_is_not_a_500() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let t = Some(admin.as_str());
    let filter =
        "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]";
    let product = |sku: &str, name: &str| json!({"product": {"sku": sku, "name": name, "price": 1, "attribute_set_id": 4, "type_id": "simple"}});
    let requests = [
        (Method::GET, "/rest/V1/products/%00".to_owned(), None),
        (Method::DELETE, "/rest/V1/products/a%00b".to_owned(), None),
        (Method::GET, format!("/rest/V1/products?{filter}=%00"), None),
        (Method::POST, "/rest/V1/products".to_owned(), Some(product("NUL-1", "a\u{0}b"))),
        (Method::POST, "/rest/V1/products".to_owned(), Some(product("NUL\u{0}2", "b"))),
    ];
    let mut failures = Vec::new();
    for (method, path, body) in requests {
        let (status, answer) = call(&server, method.clone(), &path, t, body).await;
        if status != 400 || !answer["message"].is_string() {
            failures.push(format!("{method} {path}: {status} {answer}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
