//! Audit sentences from templates such as `{principal} deleted product {sku} in {store}`.
//!
//! Placeholders name `principal`, `store`, or a field of the operation's input or output
//! (dotted for nested fields). A test checks every template against its operation's
//! schemas, and refuses placeholders that would print a secret.

use serde_json::Value;

/// Field names that must never reach the audit log.
const SECRET_WORDS: &[&str] = &["password", "token", "secret", "hash"];

/// Field names whose values are personal data or bearer secrets (a guest cart's masked id
/// is a bearer secret; so is a coupon code, which buys a discount): never in an audit
/// sentence or target, where they would outlive the data they describe. Referenced there by
/// a non-secret id instead.
const UNAUDITABLE_WORDS: &[&str] = &[
    "email",
    "dob",
    "taxvat",
    "vat_id",
    "telephone",
    "street",
    "postcode",
    "firstname",
    "lastname",
    "coupon_code",
    "codes",
    "mask",
    "reset_token",
    "current_password",
];

/// Whether an audit placeholder or target of operation `op_id` at `path` would record a
/// secret, personal data or a bearer id: [`is_secret`], the words above, a guest cart's id
/// (its masked id) and a coupon's `code`.
pub fn is_unauditable(op_id: &str, path: &str, placeholder: &str) -> bool {
    let last = placeholder.rsplit('.').next().unwrap_or(placeholder).to_ascii_lowercase();
    is_secret(placeholder)
        || UNAUDITABLE_WORDS.iter().any(|w| last.contains(w))
        || (path.contains("/guest-carts/") && last == "cart_id")
        || (op_id.contains("coupon") && last == "code")
}

/// The text of a failure for the audit log: Magento's message template with only field
/// names filled in (`%fieldName`), every value left as its placeholder, because values are
/// what the caller sent (an invalid date of birth, an email, a guest cart's masked id, a
/// coupon code guess). Aggregated errors are listed the same way.
pub fn failure_text(e: &storegate_types::ApiError) -> String {
    use storegate_types::error::Params;
    let names_only = match &e.params {
        Params::Named(pairs) => Params::Named(pairs.iter().filter(|(k, _)| k == "fieldName").cloned().collect()),
        _ => Params::None,
    };
    let own = storegate_types::error::substitute(e.code.template(), &names_only);
    if e.errors.is_empty() {
        own
    } else {
        let inner: Vec<String> = e.errors.iter().map(failure_text).collect();
        format!("{own} ({})", inner.join("; "))
    }
}

pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    out
}

pub fn is_secret(placeholder: &str) -> bool {
    let last = placeholder.rsplit('.').next().unwrap_or(placeholder).to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| last.contains(w))
}

/// Masks every value whose key names a secret (a password, token, secret or hash), at any
/// depth: what the bulk status endpoints show of a queued operation's input.
pub fn redact_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret(key) {
                    *v = Value::String("******".into());
                } else {
                    redact_secrets(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

/// Renders a template. A missing optional value renders as `(none)`.
pub fn render(template: &str, principal: &str, store: &str, input: &Value, output: Option<&Value>) -> String {
    let mut sentence = template.to_owned();
    for name in placeholders(template) {
        let value = match name {
            "principal" => principal.to_owned(),
            "store" => store.to_owned(),
            _ if is_secret(name) => "[redacted]".to_owned(),
            _ => {
                lookup(input, name).or_else(|| output.and_then(|o| lookup(o, name))).unwrap_or_else(|| "(none)".into())
            }
        };
        sentence = sentence.replace(&format!("{{{name}}}"), &value);
    }
    sentence
}

/// The text of the value at a dotted path, if present and not null.
pub fn lookup(root: &Value, path: &str) -> Option<String> {
    let mut node = root;
    for seg in path.split('.') {
        node = node.get(seg)?;
    }
    match node {
        Value::Null => None,
        Value::String(s) => Some(truncate(s)),
        other => Some(truncate(&other.to_string())),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 200 { format!("{}…", s.chars().take(200).collect::<String>()) } else { s.to_owned() }
}

/// Whether a JSON schema (as schemars emits it, with `$ref`s into `defs`) has a property at
/// the dotted path.
pub fn schema_has_path(schema: &Value, defs: &serde_json::Map<String, Value>, path: &str) -> bool {
    let mut node = resolve(schema, defs);
    for seg in path.split('.') {
        match property(node, defs, seg) {
            Some(next) => node = resolve(next, defs),
            None => return false,
        }
    }
    true
}

fn resolve<'a>(schema: &'a Value, defs: &'a serde_json::Map<String, Value>) -> &'a Value {
    let mut node = schema;
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.rsplit('/').next().and_then(|name| defs.get(name)) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

fn property<'a>(schema: &'a Value, defs: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(p);
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(variants) = schema.get(combinator).and_then(Value::as_array) {
            for v in variants {
                if let Some(p) = property(resolve(v, defs), defs, name) {
                    return Some(p);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_from_input_then_output() {
        let input = json!({"sku": "MB01", "product": {"name": "Bag"}});
        let output = json!({"id": 7});
        let s = render(
            "{principal} saved {sku} ({product.name}) as {id} in {store}; {missing}",
            "admin bob",
            "default",
            &input,
            Some(&output),
        );
        assert_eq!(s, "admin bob saved MB01 (Bag) as 7 in default; (none)");
    }

    #[test]
    fn secrets_are_never_rendered() {
        assert!(is_secret("password") && is_secret("customer.password_hash") && is_secret("token"));
        let mut v = json!({"customer": {"email": "a@b.c"}, "password": "hunter2", "items": [{"token": "t"}]});
        redact_secrets(&mut v);
        assert_eq!(v, json!({"customer": {"email": "a@b.c"}, "password": "******", "items": [{"token": "******"}]}));
        let s = render("{password}", "p", "s", &json!({"password": "hunter2"}), None);
        assert_eq!(s, "[redacted]");
    }

    #[test]
    fn failure_text_keeps_field_names_and_drops_values() {
        use storegate_types::{ApiError, ErrorCode};
        let e = ApiError::invalid_value("dob", "1990-13-45");
        assert_eq!(failure_text(&e), "Invalid value of \"%value\" provided for the dob field.");
        let e = ApiError::positional(ErrorCode::CouponCodeInvalid, ["GUESS-42"]);
        assert!(!failure_text(&e).contains("GUESS-42"));
        let e = ApiError::no_such_entity("cartId", "mAsKeDiD");
        assert_eq!(failure_text(&e), "No such entity with cartId = %fieldValue");
        let e = ApiError::aggregate(vec![ApiError::required("email"), ApiError::invalid_value("dob", "x")]).unwrap();
        assert!(failure_text(&e).contains("email") && !failure_text(&e).contains("\"x\""));
    }

    #[test]
    fn personal_data_and_bearer_ids_are_unauditable() {
        assert!(is_unauditable("customers.me.update", "/V1/customers/me", "customer.email"));
        assert!(is_unauditable("carts.guest.get", "/V1/guest-carts/{cartId}", "cart_id"));
        assert!(!is_unauditable("carts.admin.get", "/V1/carts/{cartId}", "cart_id"));
        assert!(is_unauditable("carts.mine.coupons.set", "/V1/carts/mine/coupons/{couponCode}", "coupon_code"));
        assert!(is_unauditable("pricing.coupons.create", "/V1/coupons", "code"));
        assert!(!is_unauditable("pricing.tax_rates.create", "/V1/taxRates", "code"));
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("{principal} deleted {sku}."), vec!["principal", "sku"]);
    }
}
