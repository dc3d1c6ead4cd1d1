//! SQLite's WAL is copied back into the database file by the checkpoint thread, not left
//! for a COMMIT to do: after a write far below the writer's own checkpoint threshold, the
//! database file grows on its own within moments.

use std::time::Duration;
use storegate_db::testing::TestDatabase;
use storegate_db::{ConnectOptions, Db, Exec, sql};

#[tokio::test(flavor = "multi_thread")]
async fn the_wal_is_checkpointed_in_the_background() {
    let test_db = TestDatabase::sqlite();
    let ConnectOptions::Sqlite(options) = &test_db.options else { unreachable!() };
    let path = options.path.clone();
    let db = Db::connect(&test_db.options).await.unwrap();
    db.execute(sql!("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    for id in 0..2_000_i64 {
        tx.execute(sql!("INSERT INTO filler (id, body) VALUES ($1, zeroblob(2000))", id)).await.unwrap();
    }
    tx.commit().await.unwrap();
    // About 4 MB of pages, written to the WAL: far below the writer's 20,000-page threshold.
    let mut size = 0;
    for _ in 0..100 {
        size = std::fs::metadata(&path).unwrap().len();
        if size > 3_000_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(size > 3_000_000, "the database file is still {size} bytes: nothing checkpointed the WAL");
}
