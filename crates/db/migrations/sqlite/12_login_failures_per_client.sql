-- The sign-in lockout counts failures per account and per (account, client address), so one
-- address cannot lock an account for everyone. Rows exist only for accounts that exist
-- (an unknown name writes nothing), keyed by the account's id rather than the name tried,
-- and the address is kept only as a keyed hash (`client`); `*` is the account-wide row.
-- Locks are transient, so the old rows are dropped rather than converted.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    user_type TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    client TEXT NOT NULL,
    failures INTEGER NOT NULL,
    lock_expires_at TEXT,
    PRIMARY KEY (tenant_id, user_type, subject_id, client)
);
