//! `storegate import products` through the real binary, then the products over HTTP.

use crate::helpers::{TestServer, cli, status_json, stdout};
use std::path::PathBuf;

fn luma() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/luma");
    if dir.is_dir() {
        Some(dir)
    } else {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "*** ../shared/data/luma not found: CLI import test SKIPPED ***");
        None
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_the_luma_catalog_serves_it() {
    let Some(luma) = luma() else { return };
    let server = TestServer::start().await;
    let file = luma.join("ConfigurableSampleData/fixtures/products.csv");
    let out = cli(&server, &["import", "products", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout(&out);
    assert!(summary.contains("Imported 1994 products (147 configurable, 1847 simple)"), "{summary}");

    let token = server.admin_token().await;
    let (status, p) = status_json(server.get("/rest/V1/products/MH01", Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(p["name"], "Chaz Kangeroo Hoodie");
    assert_eq!(p["type_id"], "configurable");
    assert_eq!(p["price"], serde_json::json!(52));
    let labels: Vec<&str> = p["extension_attributes"]["configurable_product_options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Size") && labels.contains(&"Color"), "{labels:?}");
    let (status, child) = status_json(server.get("/rest/V1/products/MH01-XS-Black", Some(&token)).await).await;
    assert_eq!(status, 200);
    assert_eq!(child["visibility"], 1);

    // Importing it again changes nothing and says why.
    let again = cli(&server, &["import", "products", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_file_is_reported_by_row_and_column() {
    let server = TestServer::start().await;
    let file = server.data_dir().join("bad.csv");
    std::fs::write(
        &file,
        "sku,name,price,qty,category\nOK-1,Fine,10,5,Gear\n,No SKU,10,5,Gear\nBAD-PRICE,Bad,ten,5,Gear\n",
    )
    .unwrap();
    let out = cli(&server, &["import", "products", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3, column sku:"), "{err}");
    assert!(err.contains("row 4, column price:"), "{err}");
    let token = server.admin_token().await;
    assert_eq!(server.get("/rest/V1/products/OK-1", Some(&token)).await.status(), 404, "nothing was imported");

    let out = cli(&server, &["import", "products", file.to_str().unwrap(), "--skip-errors"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("Skipped 2 rows"), "{}", stdout(&out));
    assert_eq!(server.get("/rest/V1/products/OK-1", Some(&token)).await.status(), 200);
}
