//! The commit guard applies a job's effect and its "done" together or not at all: a guard
//! that changes a row commits with the job's transaction; one that changes nothing rolls the
//! transaction back, and a later commit of the same job is refused too.

use storegate_db::guard::{GuardOutcome, with_commit_guard};
use storegate_db::testing::TestDatabase;
use storegate_db::{Db, DbError, Exec, sql};

async fn setup() -> (TestDatabase, Db) {
    let test_db = TestDatabase::new();
    let db = Db::connect(&test_db.options).await.unwrap();
    db.execute(sql!("CREATE TABLE jobs (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, done BOOLEAN NOT NULL)"))
        .await
        .unwrap();
    db.execute(sql!("CREATE TABLE effects (id BIGINT PRIMARY KEY)")).await.unwrap();
    db.execute(sql!("INSERT INTO jobs (id, owner, done) VALUES (1, 'me', $1)", false)).await.unwrap();
    (test_db, db)
}

async fn apply(db: &Db, effect: i64) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    tx.execute(sql!("INSERT INTO effects (id) VALUES ($1)", effect)).await?;
    tx.commit().await
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    db.clone().fetch_scalar(sql!(sql)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guard_commits_with_the_job_or_rolls_it_back() {
    let (_test_db, db) = setup().await;
    let held = sql!("UPDATE jobs SET done = $1 WHERE id = 1 AND owner = 'me' AND done = $2", true, false);
    let (result, outcome) = with_commit_guard(held, async {
        apply(&db, 1).await?;
        // Only the first commit runs the guard.
        apply(&db, 2).await
    })
    .await;
    result.unwrap();
    assert_eq!(outcome, GuardOutcome::Applied);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM effects").await, 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM jobs WHERE done").await, 1);

    // The lease is someone else's now: the effect must not land.
    let lost = sql!("UPDATE jobs SET done = $1 WHERE id = 1 AND owner = 'someone else'", true);
    let (result, outcome) = with_commit_guard(lost, async {
        let first = apply(&db, 3).await;
        let second = apply(&db, 4).await;
        (first, second)
    })
    .await;
    assert!(matches!(result.0, Err(DbError::GuardRefused)), "{:?}", result.0);
    assert!(matches!(result.1, Err(DbError::GuardRefused)), "a later commit of the job is refused too");
    assert_eq!(outcome, GuardOutcome::Refused);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM effects").await, 2, "nothing of the refused job committed");

    // A job that commits nothing leaves its guard unused; outside a job, commits are plain.
    let (_, outcome) = with_commit_guard(sql!("UPDATE jobs SET done = $1", true), async {}).await;
    assert_eq!(outcome, GuardOutcome::Unused);
    apply(&db, 5).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM effects").await, 3);
}
