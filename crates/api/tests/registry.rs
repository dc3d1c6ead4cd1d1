//! Checks on the registry as a whole: ids and routes are unique, path parameters are
//! inputs, every ACL is a known resource, and every audit template's placeholders exist in
//! its operation's input or output and name no secret.

use std::collections::HashSet;
use storegate_api::audit::{is_secret, is_unauditable, placeholders, schema_has_path};
use storegate_api::openapi::{document, generator};
use storegate_api::operations;

#[test]
fn ids_and_routes_are_unique() {
    let mut ids = HashSet::new();
    let mut routes = HashSet::new();
    for op in operations() {
        let s = op.spec();
        assert!(ids.insert(s.id), "duplicate operation id {}", s.id);
        assert!(routes.insert((s.surface, s.method, s.path)), "duplicate route {:?} {}", s.method, s.path);
        assert!(!s.summary.is_empty(), "{} has no summary", s.id);
        assert!(s.path.starts_with('/'), "{} path must start with /", s.id);
    }
}

#[test]
fn audit_templates_name_only_declared_fields_and_no_secrets() {
    let mut generator = generator();
    for op in operations() {
        let s = op.spec();
        assert!(!s.audit.is_empty(), "{} has no audit sentence", s.id);
        let input = op.input_schema(&mut generator).to_value();
        let output = op.output_schema(&mut generator).to_value();
        let defs = generator.definitions().clone();
        let names: Vec<&str> = placeholders(s.audit).into_iter().chain(s.target).collect();
        for name in names {
            assert!(!is_secret(name), "{}: audit placeholder {{{name}}} would print a secret", s.id);
            assert!(
                !is_unauditable(s.id, s.path, name),
                "{}: audit placeholder or target {{{name}}} would record personal data or a bearer secret \
                 (a guest cart's masked id, a coupon code); name it by a non-secret id",
                s.id
            );
            if name == "principal" || name == "store" {
                continue;
            }
            assert!(
                schema_has_path(&input, &defs, name) || schema_has_path(&output, &defs, name),
                "{}: audit placeholder {{{name}}} is neither in its input nor in its output",
                s.id
            );
        }
    }
}

#[test]
fn path_parameters_are_input_fields() {
    let mut generator = generator();
    for op in operations() {
        let input = op.input_schema(&mut generator).to_value();
        let defs = generator.definitions().clone();
        for p in op.spec().path_params() {
            let field = storegate_api::input::snake_case(p);
            assert!(
                schema_has_path(&input, &defs, &field),
                "{}: path parameter {p} is not an input field",
                op.spec().id
            );
        }
    }
}

#[test]
fn openapi_lists_every_operation_once() {
    let doc = document(operations(), "test");
    assert_eq!(doc["openapi"], "3.1.0");
    let mut seen = 0;
    for (_, item) in doc["paths"].as_object().unwrap() {
        seen += item.as_object().unwrap().len();
    }
    assert_eq!(seen, operations().len());
    let ids: HashSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    for op in operations() {
        assert!(ids.contains(op.spec().id), "{} missing from OpenAPI", op.spec().id);
    }
    assert!(doc["components"]["schemas"]["ProductOut"].is_object());
}

/// A kept answer is served to every caller that passes the permission decision, so only
/// reads whose answer cannot depend on who asks may be cached: no forced parameters (the
/// caller's own cart or account) and no customer-only or anonymous-with-identity ACL.
#[test]
fn only_reads_that_do_not_depend_on_the_caller_are_cached() {
    use storegate_api::Cache;
    use storegate_api::spec::Acl;
    let cached: Vec<&str> =
        operations().iter().map(|op| op.spec()).filter(|s| s.cache == Cache::Shared).map(|s| s.id).collect();
    assert_eq!(cached, ["catalog.product.list", "catalog.product.get", "catalog.categories.tree"]);
    for spec in operations().iter().map(|op| op.spec()).filter(|s| s.cache == Cache::Shared) {
        assert!(!spec.effect.is_write(), "{} is cached but writes", spec.id);
        assert!(spec.forced.is_empty(), "{} is cached but binds the caller", spec.id);
        assert!(!matches!(spec.acl, Acl::SelfCustomer), "{} is cached but answers the caller's own data", spec.id);
    }
}
