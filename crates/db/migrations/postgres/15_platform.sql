-- The platform API (/api/v1): accounts, the stores they belong to, personal access tokens,
-- idempotency records and account sessions. Keep in step with ../sqlite/15_platform.sql.
-- These rows are above tenants: an account may belong to many stores, and a store is
-- either an engine tenant (embedded) or a remote Magento reached through the gateway.
-- Times are 'YYYY-MM-DD HH:MM:SS' UTC text.

-- A person or robot signing in to the platform. email is stored lower-cased (unique case-
-- insensitively by construction); password_hash is argon2id (domain::password).
CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

-- Failed sign-ins per (account, keyed hash of the client address), '*' the account-wide row;
-- the same rule as the admin lockout (tokens::Throttle), without a tenant.
CREATE TABLE account_login_failures (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    client TEXT NOT NULL,
    failures BIGINT NOT NULL,
    lock_expires_at TEXT,
    PRIMARY KEY (account_id, client)
);

-- kind: embedded (tenant_id names the engine tenant) | gateway (tenant_id NULL, upstream_*
-- name the remote Magento; the token is encrypted with Crypto, never stored plain).
-- mode: live | test. A deleted store keeps its code.
CREATE TABLE platform_stores (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id BIGINT REFERENCES tenants (id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    mode TEXT NOT NULL,
    kind TEXT NOT NULL,
    upstream_url TEXT,
    upstream_store_code TEXT,
    upstream_token_encrypted TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX platform_stores_tenant ON platform_stores (tenant_id);

-- role: owner | admin | developer | viewer (platform::scopes::Role).
CREATE TABLE store_members (
    store_id BIGINT NOT NULL REFERENCES platform_stores (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (store_id, account_id)
);
CREATE INDEX store_members_account ON store_members (account_id);

-- token_hash is the SHA-256 hex of the whole token; prefix and last4 are what lists show.
-- allowed_ips is a JSON array of CIDRs (NULL: any address). A rotated token points at its
-- predecessor (rotated_from), which stays valid until its grace_until.
CREATE TABLE personal_access_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    last4 TEXT NOT NULL,
    mode TEXT NOT NULL,
    expires_at TEXT,
    allowed_ips TEXT,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    last_used_ip TEXT,
    revoked_at TEXT,
    rotated_from BIGINT REFERENCES personal_access_tokens (id),
    grace_until TEXT
);
CREATE INDEX personal_access_tokens_account ON personal_access_tokens (account_id);

CREATE TABLE token_stores (
    token_id BIGINT NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
    store_id BIGINT NOT NULL REFERENCES platform_stores (id),
    PRIMARY KEY (token_id, store_id)
);

-- level: read | write (write implies read).
CREATE TABLE token_scopes (
    token_id BIGINT NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (token_id, resource)
);

-- Idempotency-Key records, kept 24 hours. scope names the credential (e.g. 'pat:12');
-- fingerprint is the SHA-256 hex of method, path, canonical query and body.
-- state: running | done; status, headers (JSON) and body are set once done.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status BIGINT,
    headers TEXT,
    body BYTEA,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Sessions of POST /api/v1/auth/sessions, looked up by the SHA-256 hex of the token.
CREATE TABLE account_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);
