//! Anonymous denials, counted in memory and written as one audit row per kind every few
//! seconds: an anonymous flood (401s on a protected route) must not become a write flood on
//! the single writer. Denials of identified principals are still written one by one.

use std::collections::HashMap;
use std::sync::Mutex;
use storegate_domain::audit::{self, AuditEntry};
use storegate_domain::clock;
use storegate_types::TenantId;
use storegate_types::principal::Principal;

/// At most this many kinds are told apart between two flushes; any further kind is counted
/// under one overflow row, so the map's size is bounded whatever the flood sends.
const MAX_KINDS: usize = 1_024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Kind {
    operation: &'static str,
    summary: &'static str,
    store: String,
    status: u16,
    reason: String,
}

#[derive(Debug, Clone)]
struct Tally {
    count: u64,
    first_at: String,
    last_at: String,
    /// The first request's id: a sample to look up in the log lines.
    request_id: String,
}

#[derive(Default)]
pub struct Denials {
    pending: Mutex<HashMap<Kind, Tally>>,
}

impl Denials {
    /// Counts one anonymous denial.
    pub fn note(
        &self,
        operation: &'static str,
        summary: &'static str,
        store: &str,
        status: u16,
        reason: &str,
        request_id: &str,
    ) {
        let mut kind = Kind { operation, summary, store: store.to_owned(), status, reason: reason.to_owned() };
        let now = clock::now_text();
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.len() >= MAX_KINDS && !pending.contains_key(&kind) {
            kind = Kind {
                operation: "*",
                summary: "any other operation",
                store: String::new(),
                status: 0,
                reason: String::new(),
            };
        }
        let tally = pending.entry(kind).or_insert_with(|| Tally {
            count: 0,
            first_at: now.clone(),
            last_at: now.clone(),
            request_id: request_id.to_owned(),
        });
        tally.count += 1;
        tally.last_at = now;
    }

    /// Writes one audit row per kind counted since the last flush.
    pub async fn flush(&self, db: &storegate_db::Db, tenant: TenantId) {
        let drained: Vec<(Kind, Tally)> = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.drain().collect()
        };
        if drained.is_empty() {
            return;
        }
        let mut db = db.clone();
        for (kind, tally) in drained {
            if let Err(e) = audit::append(&mut db, &entry(tenant, &kind, &tally)).await {
                tracing::error!(operation = kind.operation, count = tally.count, error = %e, "audit write failed");
            }
        }
    }
}

fn entry(tenant: TenantId, kind: &Kind, tally: &Tally) -> AuditEntry {
    let who = Principal::Anonymous.reference();
    let times = if tally.count == 1 { "once".to_owned() } else { format!("{} times", tally.count) };
    let span = if tally.first_at == tally.last_at {
        format!("at {}", tally.first_at)
    } else {
        format!("between {} and {}", tally.first_at, tally.last_at)
    };
    let reason = if kind.reason.is_empty() { String::new() } else { format!(": {}", kind.reason) };
    AuditEntry {
        tenant: Some(tenant),
        request_id: tally.request_id.clone(),
        channel: "rest",
        sentence: format!("{} was denied \"{}\" {times} {span}{reason}", who.name, kind.summary.trim_end_matches('.')),
        principal: who,
        operation_id: kind.operation.to_owned(),
        store_code: (!kind.store.is_empty()).then(|| kind.store.clone()),
        target: None,
        allowed: false,
        reason: (!kind.reason.is_empty()).then(|| kind.reason.clone()),
        status: kind.status,
    }
}
