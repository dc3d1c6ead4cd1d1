//! PHP-style query strings, as Magento reads them: `searchCriteria[filter_groups][0][filters][0][field]=sku`
//! and `storeCodes[]=default` become nested JSON objects and arrays.

use percent_encoding::percent_decode;
use serde_json::{Map, Value};

/// Limits that keep a hostile query string from costing more than it is worth.
const MAX_PAIRS: usize = 1000;
const MAX_DEPTH: usize = 8;
const MAX_INDEX: usize = 10_000;

#[derive(Debug, PartialEq)]
pub struct QueryError(pub String);

pub fn parse(query: &str) -> Result<Value, QueryError> {
    let mut root = Value::Object(Map::new());
    for (i, pair) in query.split('&').filter(|p| !p.is_empty()).enumerate() {
        if i >= MAX_PAIRS {
            return Err(QueryError(format!("more than {MAX_PAIRS} query parameters")));
        }
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(raw_key)?;
        let value = decode(raw_value)?;
        let path = split_key(&key)?;
        insert(&mut root, &path, Value::String(value))?;
    }
    // The root stays an object whatever its keys (`?0=a` names a parameter "0"); only nested
    // objects of indices become arrays.
    match root {
        Value::Object(map) => Ok(Value::Object(map.into_iter().map(|(k, v)| (k, normalise(v))).collect())),
        other => Ok(other),
    }
}

fn decode(s: &str) -> Result<String, QueryError> {
    let spaced = s.replace('+', " ");
    percent_decode(spaced.as_bytes())
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| QueryError("query is not valid UTF-8".into()))
}

/// `a[b][0][]` → `["a", "b", "0", ""]`.
fn split_key(key: &str) -> Result<Vec<String>, QueryError> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut path = vec![head.to_owned()];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(end) = stripped.find(']') else { break };
        path.push(stripped[..end].to_owned());
        rest = &stripped[end + 1..];
        if path.len() > MAX_DEPTH {
            return Err(QueryError(format!("query key nests deeper than {MAX_DEPTH}")));
        }
    }
    Ok(path)
}

fn insert(node: &mut Value, path: &[String], value: Value) -> Result<(), QueryError> {
    let Some((first, rest)) = path.split_first() else { return Ok(()) };
    let map = match node {
        Value::Object(m) => m,
        _ => return Ok(()), // `a=1&a[b]=2`: the scalar wins, as in PHP's last-writer rules it would clash
    };
    let key = if first.is_empty() {
        // `a[]=x` appends.
        map.len().to_string()
    } else {
        if first.parse::<usize>().is_ok_and(|i| i > MAX_INDEX) {
            return Err(QueryError(format!("query index above {MAX_INDEX}")));
        }
        first.clone()
    };
    if rest.is_empty() {
        map.insert(key, value);
        return Ok(());
    }
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    insert(child, rest, value)
}

/// Objects whose keys are all indices become arrays, ordered by index.
fn normalise(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let all_indices = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if all_indices {
                let mut items: Vec<(usize, Value)> =
                    map.into_iter().map(|(k, v)| (k.parse().unwrap_or(0), normalise(v))).collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, normalise(v))).collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_keys_and_arrays() {
        let q = "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=WS12%25\
                 &searchCriteria[pageSize]=20&storeCodes[]=default&storeCodes[]=fr&plain=a+b";
        assert_eq!(
            parse(q).unwrap(),
            json!({
                "searchCriteria": {"filter_groups": [{"filters": [{"field": "sku", "value": "WS12%"}]}], "pageSize": "20"},
                "storeCodes": ["default", "fr"],
                "plain": "a b"
            })
        );
    }

    #[test]
    fn hostile_queries_are_refused() {
        assert!(parse(&format!("a{}=1", "[x]".repeat(20))).is_err());
        assert!(parse("a[99999999]=1").is_err());
        assert!(parse("%ff=1").is_err());
        assert_eq!(parse("").unwrap(), json!({}));
    }
}
