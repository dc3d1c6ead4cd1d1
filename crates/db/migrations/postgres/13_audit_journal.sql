-- The audit row of a write, journaled inside the transaction that applies the write, so a
-- crash between that commit and the audit log's own write loses nothing: the row is moved to
-- audit_log when the answer is known, or by the recovery sweep after a crash. Same columns
-- as audit_log, whose sentence here is rendered from the input alone.
CREATE TABLE audit_journal (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    tenant_id BIGINT,
    request_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id BIGINT,
    principal_name TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    store_code TEXT,
    target TEXT,
    decision TEXT NOT NULL,
    reason TEXT,
    status BIGINT NOT NULL,
    sentence TEXT NOT NULL
);
CREATE INDEX audit_journal_request ON audit_journal (request_id);
CREATE INDEX audit_journal_at ON audit_journal (at);
