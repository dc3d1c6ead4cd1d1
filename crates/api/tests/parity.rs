//! The registry against Magento's own route table (crates/api/parity/magento-webapi.csv):
//! every route marked served is served with the same method, path and ACL resource; every
//! route marked not served says why and is not served; and every Magento-surface operation
//! of the registry is either in the table or one of storegate's own additions below.

use std::collections::HashSet;
use storegate_api::operations;
use storegate_api::spec::{Acl, Surface};

/// Routes storegate adds on the Magento surface, each with its reason.
const ADDITIONS: &[(&str, &str, &str)] = &[
    ("GET", "/schema", "Magento's REST schema document (OpenAPI here, generated from the registry)"),
    ("GET", "/V1/products/{}/stockItems/{}", "document 002 reads stock at this path, which Magento lacks"),
];

struct Row {
    method: String,
    path: String,
    resource: String,
    served: bool,
}

fn rows() -> Vec<Row> {
    let text = include_str!("../parity/magento-webapi.csv");
    text.lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(4, ',');
            let (method, path, resource, status) =
                (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap_or(""));
            assert!(status == "served" || status.starts_with("not served: "), "bad status in {l}");
            Row { method: method.into(), path: shape(path), resource: resource.into(), served: status == "served" }
        })
        .collect()
}

/// A path with parameter names erased and no trailing slash: `/V1/products/{}`.
fn shape(path: &str) -> String {
    path.trim_end_matches('/')
        .split('/')
        .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn acl_name(acl: &Acl) -> String {
    match acl {
        Acl::Anonymous => "anonymous".into(),
        Acl::SelfCustomer => "self".into(),
        Acl::Resources(_) | Acl::OAuthConsumer | Acl::Platform(_) => acl.describe(),
    }
}

#[test]
fn registry_matches_magentos_route_table() {
    let served: Vec<(String, String, String)> = operations()
        .iter()
        .filter(|op| op.spec().surface == Surface::Magento)
        .map(|op| (op.spec().method.as_str().to_owned(), shape(op.spec().path), acl_name(&op.spec().acl)))
        .collect();
    let mut problems = Vec::new();
    let mut listed = HashSet::new();
    for row in rows() {
        listed.insert((row.method.clone(), row.path.clone()));
        let found = served.iter().find(|(m, p, _)| *m == row.method && *p == row.path);
        match (row.served, found) {
            (true, None) => {
                problems.push(format!("{} {} is marked served but no operation serves it", row.method, row.path))
            }
            (true, Some((_, _, acl))) if *acl != row.resource => problems.push(format!(
                "{} {} needs {} in Magento, but the registry says {acl}",
                row.method, row.path, row.resource
            )),
            (false, Some(_)) => {
                problems.push(format!("{} {} is marked not served but is served", row.method, row.path))
            }
            _ => {}
        }
    }
    for (method, path, _) in &served {
        let addition = ADDITIONS.iter().any(|(m, p, _)| m == method && shape(p) == *path);
        if !listed.contains(&(method.clone(), path.clone())) && !addition {
            problems
                .push(format!("{method} {path} is served but is neither in the Magento table nor a listed addition"));
        }
    }
    assert!(problems.is_empty(), "registry and Magento route table differ:\n{}", problems.join("\n"));
}

/// Prints what is deliberately not served (visible with --nocapture), so the gap is never
/// hidden.
#[test]
fn unserved_routes_all_have_reasons() {
    let text = include_str!("../parity/magento-webapi.csv");
    let unserved: Vec<&str> = text.lines().filter(|l| l.contains(",not served: ")).collect();
    assert!(!unserved.is_empty());
    for line in unserved {
        let reason = line.split(",not served: ").nth(1).unwrap_or("");
        assert!(reason.len() > 10, "a reason is needed: {line}");
    }
}
