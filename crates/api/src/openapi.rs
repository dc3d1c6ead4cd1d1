//! The OpenAPI 3.1 document, derived from the registry: paths from method and path
//! template, schemas from the input and output types, security from the ACL.

use crate::operation::ErasedOp;
use crate::spec::{Acl, Method, OpSpec, Surface};
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

pub fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    SchemaGenerator::new(settings)
}

/// The public path of an operation: Magento paths under `/rest`, system paths as declared.
/// A catch-all segment (`{*file}`, the router's syntax) is written `{file}`: OpenAPI names a
/// path parameter as declared, and tools (schemathesis) refuse a template naming `*file`.
pub fn public_path(spec: &OpSpec) -> String {
    let path = spec.path.replace("{*", "{");
    match spec.surface {
        Surface::Magento => format!("/rest{path}"),
        Surface::Platform => format!("{}{path}", crate::spec::PLATFORM_PREFIX),
        Surface::System | Surface::OAuth => path,
    }
}

pub fn document(ops: &[&dyn ErasedOp], version: &str) -> Value {
    let mut generator = generator();
    let mut paths: Map<String, Value> = Map::new();
    for op in ops {
        let spec = op.spec();
        let input = op.input_schema(&mut generator).to_value();
        let output = op.output_schema(&mut generator).to_value();
        let entry = paths.entry(public_path(spec)).or_insert_with(|| json!({}));
        entry[spec.method.as_str().to_ascii_lowercase()] = operation(spec, input, output, generator.definitions());
    }
    let mut schemas = generator.definitions().clone();
    schemas.insert(
        "MagentoError".into(),
        json!({
            "type": "object",
            "description": "Magento's error body: the message keeps its %placeholders; parameters fill them.",
            "properties": {
                "message": {"type": "string"},
                "parameters": {"oneOf": [{"type": "array"}, {"type": "object"}]},
                "errors": {"type": "array", "items": {"$ref": "#/components/schemas/MagentoError"}},
                "trace": {"type": "string"}
            },
            "required": ["message"]
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "storegate",
            "version": version,
            "description": "Magento 2 compatible REST API. Every path under /rest also answers under \
                            /rest/{storeCode} (a store view code) and, for writes, /rest/all."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                // OpenAPI has no OAuth 1.0a scheme: the signed Authorization header, described.
                "oauth1": {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "OAuth 1.0a signed request (RFC 5849; HMAC-SHA256 or HMAC-SHA1) with an integration's consumer key and access token"}
            }
        }
    })
}

fn operation(spec: &OpSpec, input: Value, output: Value, defs: &Map<String, Value>) -> Value {
    let path_params = spec.path_params();
    let mut parameters: Vec<Value> = path_params
        .iter()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    let resolved = resolve(&input, defs);
    let properties = resolved.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let required: Vec<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut body_props = Map::new();
    for (name, schema) in &properties {
        if path_params.contains(&name.as_str()) {
            continue;
        }
        if spec.method == Method::Get {
            parameters.push(
                json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": schema}),
            );
        } else {
            body_props.insert(name.clone(), schema.clone());
        }
    }
    let mut op = json!({
        "operationId": spec.id,
        "summary": spec.summary,
        "tags": [format!("{:?}", spec.group).to_lowercase()],
        "x-storegate-acl": spec.acl.describe(),
        "x-storegate-effect": spec.effect,
        "parameters": parameters,
        "responses": {
            "200": {"description": "Success", "content": {"application/json": {"schema": output}}},
            "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MagentoError"}}}}
        }
    });
    if !body_props.is_empty() {
        let body_required: Vec<&str> = required.iter().copied().filter(|r| body_props.contains_key(*r)).collect();
        op["requestBody"] = json!({
            "required": !body_required.is_empty(),
            "content": {"application/json": {"schema": {"type": "object", "properties": body_props, "required": body_required}}}
        });
    }
    op["security"] = match spec.acl {
        Acl::Anonymous => json!([]),
        Acl::SelfCustomer | Acl::Platform(_) => json!([{"bearer": []}]),
        Acl::OAuthConsumer => json!([{"oauth1": []}]),
        Acl::Resources(_) => json!([{"bearer": []}, {"oauth1": []}]),
    };
    op
}

fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).and_then(|n| defs.get(n)) {
        Some(target) => target,
        None => schema,
    }
}
