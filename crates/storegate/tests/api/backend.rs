use crate::helpers::TestServer;
use storegate_db::Backend;
use storegate_db::testing::TEST_DATABASE_ENV;

/// The suite runs on the backend the environment asks for; CI relies on this to know the
/// PostgreSQL pass really ran on PostgreSQL.
#[tokio::test(flavor = "multi_thread")]
async fn the_suite_runs_on_the_requested_backend() {
    let server = TestServer::start().await;
    let wanted =
        if std::env::var(TEST_DATABASE_ENV).is_ok_and(|v| !v.is_empty()) { Backend::Postgres } else { Backend::Sqlite };
    assert_eq!(server.db.backend(), wanted);
    let (_, body) = crate::helpers::status_json(server.get("/ready", None).await).await;
    assert_eq!(body["database"], wanted.name());
    eprintln!("integration suite backend: {}", wanted.name());
}
