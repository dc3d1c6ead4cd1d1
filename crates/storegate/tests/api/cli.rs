//! The real binary's admin commands against the database a server is running on: the
//! server sees every change on its next request.

use crate::helpers::{TestServer, cli, status_json, stdout};

#[tokio::test(flavor = "multi_thread")]
async fn roles_and_admins_from_the_cli_apply_to_a_running_server_at_once() {
    let server = TestServer::start().await;

    let out = cli(&server, &["role", "create", "Catalog", "--resource", "Magento_Catalog::products"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("Created role 'Catalog'"));
    let out = cli(
        &server,
        &[
            "admin",
            "create",
            "--username",
            "cat",
            "--password",
            "catalog123",
            "--email",
            "cat@example.com",
            "--role",
            "Catalog",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let r = server.token_for("cat", "catalog123").await;
    assert_eq!(r.status(), 200);
    let token: String = r.json().await.unwrap();
    assert_eq!(server.get("/rest/V1/products/none", Some(&token)).await.status(), 404, "products allowed");
    assert_eq!(server.get("/rest/V1/store/storeViews", Some(&token)).await.status(), 403, "stores not granted");

    let list = stdout(&cli(&server, &["admin", "list"]));
    assert!(list.contains("cat") && list.contains("Catalog") && list.contains("cat@example.com"), "{list}");
    let roles = stdout(&cli(&server, &["role", "list"]));
    assert!(roles.contains("Administrators") && roles.contains("Magento_Catalog::products"), "{roles}");

    let out = cli(&server, &["admin", "reset-password", "--username", "cat", "--password", "newpass123"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.get("/rest/V1/products/none", Some(&token)).await.status(), 401, "old sessions end");
    assert_eq!(server.token_for("cat", "catalog123").await.status(), 401);
    assert_eq!(server.token_for("cat", "newpass123").await.status(), 200);

    let out = cli(&server, &["admin", "delete", "--username", "cat"]);
    assert!(out.status.success());
    assert_eq!(server.token_for("cat", "newpass123").await.status(), 401);

    let tail = stdout(&cli(&server, &["audit", "tail", "-n", "50"]));
    for expected in [
        "the command line created role Catalog with Magento_Catalog::products",
        "the command line created admin user cat with role Catalog",
        "the command line reset the password of admin user cat",
        "the command line deleted admin user cat",
        "cat signed in to default and received an admin token",
    ] {
        assert!(tail.contains(expected), "audit tail lacks {expected:?}:\n{tail}");
    }
    assert!(!tail.contains("newpass123") && !tail.contains("catalog123"));
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_mistakes_get_clear_errors() {
    let server = TestServer::start().await;
    let out = cli(&server, &["role", "create", "Bad", "--resource", "Magento_Catalog::nope"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Magento_Catalog::nope"), "{err}");

    let out =
        cli(&server, &["admin", "create", "--username", "weak", "--password", "short", "--role", "Administrators"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 7 characters"));

    let out = cli(&server, &["admin", "create", "--username", "admin", "--password", "another123"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let out = cli(&server, &["admin", "delete", "--username", "nobody"]);
    assert!(!out.status.success());
    // The server is unaffected.
    let (status, _) = status_json(server.get("/health", None).await).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_and_migrate_commands() {
    let server = TestServer::start().await;
    let out = cli(&server, &["openapi"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let out = cli(&server, &["migrate"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("up to date"), "{}", stdout(&out));
}
