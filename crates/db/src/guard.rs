//! A commit guard: a statement that a background job arms on its task and that the next
//! transaction committed on that task runs just before its COMMIT. If the statement
//! changes no row, the transaction rolls back instead.
//!
//! The bulk workers use it to mark an operation complete in the same transaction that
//! applies it, and only while the worker still holds the operation's lease: whatever
//! happens to the process, the operation's effect and its "complete" are committed
//! together or not at all, and a worker whose lease expired cannot apply it a second time.

use crate::Query;
use std::cell::RefCell;
use std::future::Future;

/// What became of an armed guard once the job's future finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardOutcome {
    /// No transaction committed on the task.
    Unused,
    /// A transaction committed, and the guard's statement with it.
    Applied,
    /// The guard's statement changed nothing: that transaction rolled back.
    Refused,
}

enum State {
    Armed(Query),
    Applied,
    Refused,
}

tokio::task_local! {
    static GUARD: RefCell<State>;
}

/// Runs `job` with `guard` armed for its first commit, and says what became of it.
pub async fn with_commit_guard<F: Future>(guard: Query, job: F) -> (F::Output, GuardOutcome) {
    GUARD
        .scope(RefCell::new(State::Armed(guard)), async {
            let output = job.await;
            let outcome = GUARD.with(|g| match &*g.borrow() {
                State::Armed(_) => GuardOutcome::Unused,
                State::Applied => GuardOutcome::Applied,
                State::Refused => GuardOutcome::Refused,
            });
            (output, outcome)
        })
        .await
}

/// What a committing transaction must do first: run the armed statement (taken, so a later
/// commit of the same job does not run it again), or refuse to commit at all because the
/// guard already refused one.
pub(crate) enum BeforeCommit {
    Nothing,
    Run(Query),
    Refuse,
}

pub(crate) fn before_commit() -> BeforeCommit {
    GUARD
        .try_with(|g| {
            let mut state = g.borrow_mut();
            match std::mem::replace(&mut *state, State::Applied) {
                State::Armed(q) => BeforeCommit::Run(q),
                State::Applied => BeforeCommit::Nothing,
                State::Refused => {
                    *state = State::Refused;
                    BeforeCommit::Refuse
                }
            }
        })
        .unwrap_or(BeforeCommit::Nothing)
}

pub(crate) fn refused() {
    let _ = GUARD.try_with(|g| *g.borrow_mut() = State::Refused);
}

tokio::task_local! {
    static JOURNAL: RefCell<Option<Query>>;
}

/// Runs `job` with `entry` journaled by its first commit: the statement runs inside that
/// transaction, just before COMMIT, so the write and its journal entry are committed together
/// or not at all. Answers whether a transaction committed it.
///
/// The dispatcher journals a write's audit row this way: a crash after the write's commit
/// cannot lose the row, whatever happens before the answer is recorded.
pub async fn with_commit_journal<F: Future>(entry: Query, job: F) -> (F::Output, bool) {
    JOURNAL
        .scope(RefCell::new(Some(entry)), async {
            let output = job.await;
            let committed = JOURNAL.with(|j| j.borrow().is_none());
            (output, committed)
        })
        .await
}

/// The journal statement the next commit on this task must run, taken so it runs once.
pub(crate) fn journal_entry() -> Option<Query> {
    JOURNAL.try_with(|j| j.borrow_mut().take()).ok().flatten()
}

/// A commit that failed after taking the entry puts it back: nothing was journaled.
pub(crate) fn restore_journal_entry(entry: Query) {
    let _ = JOURNAL.try_with(|j| *j.borrow_mut() = Some(entry));
}
