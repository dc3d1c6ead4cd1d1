-- Issue 5 (helper A): integrations and OAuth 1.0a. Keep in step with
-- ../postgres/8_integrations.sql. Times are 'YYYY-MM-DD HH:MM:SS' UTC text.

-- An integration: a named set of ACL resources a third-party system may use.
-- status: inactive | active. all_resources stands for Magento_Backend::all.
CREATE TABLE integrations (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    endpoint TEXT,
    identity_link TEXT,
    all_resources BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE integration_resources (
    tenant_id INTEGER NOT NULL,
    integration_id INTEGER NOT NULL,
    resource TEXT NOT NULL,
    PRIMARY KEY (tenant_id, integration_id, resource),
    FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);

-- One OAuth consumer per integration. The secret must be recovered to verify signatures,
-- so it is encrypted (Crypto), never hashed. activated_at starts the handshake window
-- (oauth/consumer/expiration_period); verifier_hash is the SHA-256 of oauth_verifier.
CREATE TABLE oauth_consumers (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    integration_id INTEGER NOT NULL,
    consumer_key TEXT NOT NULL,
    secret_encrypted TEXT NOT NULL,
    verifier_hash TEXT,
    activated_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, consumer_key),
    UNIQUE (tenant_id, integration_id),
    FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id) ON DELETE CASCADE
);

-- Request and access tokens. The token is looked up by its SHA-256 hash; its secret is
-- encrypted (it keys the signature). kind: request | access. A request token is used once.
CREATE TABLE oauth_tokens (
    tenant_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    consumer_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    secret_encrypted TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (token_hash),
    FOREIGN KEY (tenant_id, consumer_id) REFERENCES oauth_consumers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth_tokens_consumer ON oauth_tokens (tenant_id, consumer_id, kind);

-- Nonces seen per consumer, kept for the timestamp window and then pruned.
CREATE TABLE oauth_nonces (
    tenant_id INTEGER NOT NULL,
    consumer_id INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, consumer_id, nonce),
    FOREIGN KEY (tenant_id, consumer_id) REFERENCES oauth_consumers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX oauth_nonces_age ON oauth_nonces (tenant_id, consumer_id, seen_at);
