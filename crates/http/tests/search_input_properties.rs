//! Property tests for the path every searchCriteria takes: PHP-style query string → JSON →
//! `SearchCriteria` → SQL. Whatever the query string, nothing panics, and whatever compiles
//! carries the caller's text only as bound parameters, never inside the SQL.

use proptest::prelude::*;
use storegate_db::Backend;
use storegate_domain::catalog::products::SEARCH_FIELDS;
use storegate_domain::search::{FieldKind, SearchCriteria, compile};

/// A character that no field map, column or SQL keyword contains: it can only reach the
/// SQL text by being copied from the input.
const MARKER: char = '§';

fn key_part() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("searchCriteria".to_owned()),
        Just("[filter_groups]".to_owned()),
        Just("[filterGroups]".to_owned()),
        Just("[filters]".to_owned()),
        Just("[field]".to_owned()),
        Just("[value]".to_owned()),
        Just("[condition_type]".to_owned()),
        Just("[conditionType]".to_owned()),
        Just("[sortOrders]".to_owned()),
        Just("[direction]".to_owned()),
        Just("[pageSize]".to_owned()),
        Just("[currentPage]".to_owned()),
        (0u32..3).prop_map(|i| format!("[{i}]")),
        Just("[]".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        "[a-z_]{1,12}".prop_map(|s| format!("[{s}]")),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sku".to_owned()),
        Just("name".to_owned()),
        Just("price".to_owned()),
        Just("created_at".to_owned()),
        Just("color".to_owned()),
        Just("eq".to_owned()),
        Just("like".to_owned()),
        Just("in".to_owned()),
        Just("nin".to_owned()),
        Just("from".to_owned()),
        Just("finset".to_owned()),
        Just("notnull".to_owned()),
        Just("ASC".to_owned()),
        Just("DESC".to_owned()),
        "-?[0-9]{1,25}(\\.[0-9]{1,8})?",
        "%[0-9A-F]{2}",
        any::<String>().prop_map(|s| format!("{MARKER}{s}")),
        "[ -~]{0,40}".prop_map(|s| format!("{s}{MARKER}")),
    ]
}

fn encoded(value: &str, encode: bool) -> String {
    if encode {
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
    } else {
        value.replace(['&', '=', '#'], "")
    }
}

/// One filter as clients send it (field, value, sometimes a condition), in either casing.
fn filter() -> impl Strategy<Value = Vec<(String, String)>> {
    let groups = prop_oneof![Just("filter_groups"), Just("filterGroups")];
    let field =
        prop_oneof![Just("sku"), Just("name"), Just("price"), Just("created_at"), Just("color"), Just("status")];
    let condition = prop::option::of(prop_oneof![
        Just("eq"),
        Just("neq"),
        Just("like"),
        Just("nlike"),
        Just("in"),
        Just("nin"),
        Just("gt"),
        Just("lteq"),
        Just("from"),
        Just("to"),
        Just("finset"),
        Just("null"),
        Just("notnull"),
        Just("moreq"),
    ]);
    (groups, 0u32..3, 0u32..2, field, value(), condition).prop_map(|(g, i, j, field, value, condition)| {
        let key = |part: &str| format!("searchCriteria[{g}][{i}][filters][{j}][{part}]");
        let mut pairs = vec![(key("field"), field.to_owned()), (key("value"), value)];
        if let Some(c) = condition {
            pairs.push((key("condition_type"), c.to_owned()));
        }
        pairs
    })
}

/// A sort order, a page setting, or (noise) a key of random parts.
fn other() -> impl Strategy<Value = Vec<(String, String)>> {
    let sort = (0u32..2, value(), prop_oneof![Just("ASC"), Just("DESC"), Just("asc"), Just("sideways")]).prop_map(
        |(i, field, direction)| {
            vec![
                (format!("searchCriteria[sortOrders][{i}][field]"), field),
                (format!("searchCriteria[sortOrders][{i}][direction]"), direction.to_owned()),
            ]
        },
    );
    let paging = (prop_oneof![Just("pageSize"), Just("currentPage")], value())
        .prop_map(|(k, v)| vec![(format!("searchCriteria[{k}]"), v)]);
    let noise = (prop::collection::vec(key_part(), 1..9), value()).prop_map(|(parts, v)| vec![(parts.concat(), v)]);
    prop_oneof![2 => sort, 2 => paging, 1 => noise]
}

fn query_string() -> impl Strategy<Value = String> {
    let unit = prop_oneof![3 => filter(), 1 => other()];
    (prop::collection::vec(unit, 0..5), any::<bool>()).prop_map(|(units, encode)| {
        units
            .into_iter()
            .flatten()
            .map(|(key, value)| format!("{key}={}", encoded(&value, encode)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// How many strings a parsed query holds, at any depth.
fn leaves(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Object(map) => map.values().map(leaves).sum(),
        serde_json::Value::Array(items) => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

fn attributes(code: &str) -> Option<FieldKind> {
    (code == "color").then_some(FieldKind::Text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_query_string_parses_or_is_refused(raw in any::<String>()) {
        match storegate_http::query::parse(&raw) {
            // Parsed: an object holding no more values than the string has pairs.
            Ok(value) => {
                prop_assert!(value.is_object(), "{value}");
                let pairs = raw.split('&').filter(|p| !p.is_empty()).count();
                prop_assert!(leaves(&value) <= pairs, "{} values from {pairs} pairs: {value}", leaves(&value));
            }
            Err(e) => prop_assert!(!e.0.is_empty(), "a refusal without a reason"),
        }
    }

    #[test]
    fn plain_pairs_come_back_exactly(pairs in proptest::collection::btree_map("[a-z]{1,8}", any::<String>(), 0..20)) {
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encoded(v, true))).collect();
        let parsed = storegate_http::query::parse(&query.join("&")).expect("encoded pairs parse");
        let expected: serde_json::Map<String, serde_json::Value> =
            pairs.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
        prop_assert_eq!(parsed, serde_json::Value::Object(expected));
    }

    #[test]
    fn compiled_searches_bind_every_caller_value(query in query_string()) {
        let Ok(parsed) = storegate_http::query::parse(&query) else { return Ok(()) };
        let input = storegate_api::input::normalize_keys(parsed);
        let Ok(criteria) = SearchCriteria::from_input(input.get("search_criteria")) else { return Ok(()) };
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let Ok(compiled) = compile(&criteria, &SEARCH_FIELDS, &attributes, 1, 1000, backend) else { continue };
            let sql = format!("{} {}", compiled.condition, compiled.order_by);
            prop_assert!(!sql.contains(MARKER), "caller text in the SQL: {sql}");
            prop_assert!(!sql.contains(';') && !sql.contains("--"), "statement separator in the SQL: {sql}");
            prop_assert!(compiled.limit >= 1 && compiled.limit <= 1000);
            prop_assert!(compiled.offset >= 0);
            // Placeholders are exactly $1..$n for the n bound values.
            let mut numbers: Vec<usize> = sql
                .split('$')
                .skip(1)
                .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            prop_assert_eq!(numbers, (1..=compiled.params.len()).collect::<Vec<_>>());
        }
    }
}
