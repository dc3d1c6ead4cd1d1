//! How request input reaches an operation: Magento accepts every key both in snake_case and
//! camelCase, at every level (`searchCriteria[filterGroups]` and
//! `search_criteria[filter_groups]`, `customer.websiteId` and `customer.website_id`).
//! storegate folds all keys to snake_case once, so input types declare one spelling.

use serde_json::{Map, Value};

/// `websiteId` → `website_id`; snake_case passes through unchanged.
pub fn snake_case(key: &str) -> String {
    if !key.bytes().any(|b| b.is_ascii_uppercase()) {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower_or_digit = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower_or_digit {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else {
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c);
        }
    }
    out
}

/// Folds every object key in `value` to snake_case. Where both spellings of a key are sent,
/// the snake_case one wins.
pub fn normalize_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            let mut camel = Vec::new();
            for (k, v) in map {
                let snake = snake_case(&k);
                if snake == k {
                    out.insert(k, normalize_keys(v));
                } else {
                    camel.push((snake, normalize_keys(v)));
                }
            }
            for (k, v) in camel {
                out.entry(k).or_insert(v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_folds_to_snake_case() {
        assert_eq!(snake_case("websiteId"), "website_id");
        assert_eq!(snake_case("searchCriteria"), "search_criteria");
        assert_eq!(snake_case("filter_groups"), "filter_groups");
        assert_eq!(snake_case("customerId"), "customer_id");
        assert_eq!(snake_case("sku"), "sku");
        let v = normalize_keys(
            json!({"searchCriteria": {"filterGroups": [{"filters": [{"conditionType": "eq"}]}]}, "page_size": 1}),
        );
        assert_eq!(
            v,
            json!({"search_criteria": {"filter_groups": [{"filters": [{"condition_type": "eq"}]}]}, "page_size": 1})
        );
        let both = normalize_keys(json!({"storeId": 1, "store_id": 2}));
        assert_eq!(both, json!({"store_id": 2}));
    }
}
