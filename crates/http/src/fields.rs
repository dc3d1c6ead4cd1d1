//! Magento's `fields` query parameter: `?fields=items[sku,name,extension_attributes[stock_item[qty]]],total_count`
//! keeps only the named parts of a response (clients such as my-magento use it to slim
//! search results). Objects keep the listed keys; arrays apply the filter to each element.

use serde_json::{Map, Value};

#[derive(Debug, PartialEq)]
pub struct FieldFilter(Vec<(String, Option<FieldFilter>)>);

const MAX_DEPTH: usize = 16;

impl FieldFilter {
    /// Parses a `fields` value; `None` when it is malformed or empty (the response is then
    /// returned whole, as Magento does with a filter it cannot use).
    pub fn parse(spec: &str) -> Option<FieldFilter> {
        let mut chars = spec.chars().peekable();
        let filter = parse_list(&mut chars, 0)?;
        (chars.peek().is_none() && !filter.0.is_empty()).then_some(filter)
    }

    pub fn apply(&self, value: Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.apply(v)).collect()),
            Value::Object(map) => {
                let mut kept = Map::new();
                let mut map = map;
                for (name, sub) in &self.0 {
                    if let Some(v) = map.remove(name) {
                        kept.insert(
                            name.clone(),
                            match sub {
                                Some(f) => f.apply(v),
                                None => v,
                            },
                        );
                    }
                }
                Value::Object(kept)
            }
            other => other,
        }
    }
}

fn parse_list(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, depth: usize) -> Option<FieldFilter> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut entries = Vec::new();
    loop {
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == ',' || c == '[' || c == ']' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let name = name.trim().to_owned();
        let sub = if chars.peek() == Some(&'[') {
            chars.next();
            let sub = parse_list(chars, depth + 1)?;
            if chars.next() != Some(']') {
                return None;
            }
            Some(sub)
        } else {
            None
        };
        if !name.is_empty() {
            entries.push((name, sub));
        }
        match chars.peek() {
            Some(',') => {
                chars.next();
            }
            _ => return Some(FieldFilter(entries)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FieldFilter;
    use serde_json::json;

    #[test]
    fn keeps_named_fields_recursively() {
        let f = FieldFilter::parse("items[sku,extension_attributes[stock_item[qty]]],total_count").unwrap();
        let v = json!({
            "items": [{"sku": "A", "name": "x", "extension_attributes": {"stock_item": {"qty": 3, "min_qty": 0}, "website_ids": [1]}}],
            "search_criteria": {}, "total_count": 1
        });
        assert_eq!(
            f.apply(v),
            json!({"items": [{"sku": "A", "extension_attributes": {"stock_item": {"qty": 3}}}], "total_count": 1})
        );
        assert_eq!(FieldFilter::parse("sku,name").unwrap().apply(json!({"sku": 1, "id": 2})), json!({"sku": 1}));
    }

    #[test]
    fn malformed_filters_are_ignored() {
        assert!(FieldFilter::parse("items[sku").is_none());
        assert!(FieldFilter::parse("").is_none());
        assert!(FieldFilter::parse(&"a[".repeat(40)).is_none());
    }
}
