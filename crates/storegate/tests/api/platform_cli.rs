//! The platform commands through the real binary: an owner from the environment, a token
//! created for the default store and checked offline.

use crate::helpers::{ADMIN_PASSWORD, TestServer, cli, stdout};

fn platform_cli(server: &TestServer, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_storegate"));
    cmd.arg("--data-dir").arg(server.data_dir()).args(args);
    cmd.env_remove("STOREGATE_DATABASE_URL").env("STOREGATE_LOG", "warn");
    cmd.env("STOREGATE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    cmd.env("STOREGATE_OWNER_EMAIL", "Owner@Example.com").env("STOREGATE_OWNER_PASSWORD", "Owner-pass-123");
    if let Some(url) = &server.test_db.url {
        cmd.env("STOREGATE_DATABASE_URL", url);
    }
    cmd.output().expect("storegate binary runs")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn token_create_prints_a_token_that_token_check_accepts() {
    let server = TestServer::start().await;

    // The owner comes from the environment and owns the live store `default`.
    let out = platform_cli(&server, &["store", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("default"), "{}", stdout(&out));
    let accounts = stdout(&platform_cli(&server, &["account", "list"]));
    assert!(accounts.contains("owner@example.com"), "{accounts}");

    let out = platform_cli(
        &server,
        &[
            "token",
            "create",
            "--account",
            "owner@example.com",
            "--name",
            "ci",
            "--store",
            "default",
            "--scope",
            "orders:read",
            "--scope",
            "products:write",
            "--expires-in",
            "30d",
            "--allow-ip",
            "10.0.0.0/8",
            "--allow-ip",
            "2001:db8::/32",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let token = text.lines().find_map(|l| l.strip_prefix("token: ")).expect("the token on its own line").to_owned();
    assert!(token.starts_with("sg_pat_live_") && token.len() == 48, "{token}");

    let ok = cli(&server, &["token", "check", &token]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("well-formed live token"));
    // One character changed: the checksum fails offline.
    let mut typo = token.clone().into_bytes();
    typo[20] = if typo[20] == b'a' { b'b' } else { b'a' };
    let bad = cli(&server, &["token", "check", &String::from_utf8(typo).unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("checksum"), "{}", stderr(&bad));
    let bad = cli(&server, &["token", "check", "soc_pat_live_xxxxxxxxxxxx"]);
    assert_eq!(bad.status.code(), Some(1));

    // Lists show metadata, never the secret.
    let list = stdout(&platform_cli(&server, &["token", "list", "--account", "owner@example.com"]));
    assert!(list.contains("ci") && list.contains("active") && list.contains("orders:read products:write"), "{list}");
    assert!(!list.contains(&token[12..]), "{list}");
    // A test token cannot reach the live store; an unknown scope is refused.
    let out = platform_cli(
        &server,
        &[
            "token",
            "create",
            "--account",
            "owner@example.com",
            "--name",
            "t",
            "--store",
            "default",
            "--scope",
            "orders:read",
            "--test",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot reach the live store default"), "{}", stderr(&out));
    let out = platform_cli(
        &server,
        &[
            "token",
            "create",
            "--account",
            "owner@example.com",
            "--name",
            "t",
            "--store",
            "default",
            "--scope",
            "orders:admin",
        ],
    );
    assert!(!out.status.success());

    let id = list.lines().nth(1).and_then(|l| l.split_whitespace().next()).expect("a token row").to_owned();
    let out = platform_cli(&server, &["token", "revoke", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&platform_cli(&server, &["token", "list", "--account", "owner@example.com"]));
    assert!(list.contains("revoked"), "{list}");

    let tail = stdout(&cli(&server, &["audit", "tail", "-n", "50"]));
    assert!(tail.contains("the command line created personal access token ci"), "{tail}");
    assert!(tail.contains(&format!("the command line revoked personal access token {id}")), "{tail}");
    assert!(!tail.contains(&token), "the secret never reaches the audit log");
}
