//! Audit sentences from templates such as `{principal} deleted product {sku} in {store}`.
//!
//! Placeholders name `principal`, `store`, or a field of the operation's input or output
//! (dotted for nested fields). A test checks every template against its operation's
//! schemas, and refuses placeholders that would print a secret.

use serde_json::Value;

/// Field names that must never reach the audit log.
const SECRET_WORDS: &[&str] = &["password", "token", "secret", "hash"];

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
    fn placeholders_are_found() {
        assert_eq!(placeholders("{principal} deleted {sku}."), vec!["principal", "sku"]);
    }
}
