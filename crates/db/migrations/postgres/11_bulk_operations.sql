-- Issue 5: the asynchronous and bulk Web API. Keep in step with
-- ../sqlite/11_bulk_operations.sql. Times are 'YYYY-MM-DD HH:MM:SS' UTC text.

-- One accepted request to /rest/async/… or /rest/async/bulk/…: who sent it (user_type as
-- Magento numbers them: 1 integration, 2 admin, 3 customer, 4 guest), the store view it was
-- sent to, and the topic it describes.
CREATE TABLE bulks (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    uuid TEXT NOT NULL,
    user_type BIGINT NOT NULL,
    user_id BIGINT,
    store_code TEXT,
    description TEXT NOT NULL,
    operation_count BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, uuid)
);

CREATE INDEX bulks_by_time ON bulks (tenant_id, created_at);

-- One operation of a bulk, written in the transaction that accepted it. status: 1 complete,
-- 2 failed but retriable, 3 failed, 4 open, 5 rejected (Magento's codes). payload is the
-- operation's input, encrypted (it may hold personal data or a password). A worker leases
-- an open operation (lease_owner, lease_until, attempts) and the lease is checked again in
-- the transaction that applies the operation, so it is applied at most once. A complete
-- operation keeps lease_owner: the node that applied it.
CREATE TABLE bulk_operations (
    tenant_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    bulk_uuid TEXT NOT NULL,
    position BIGINT NOT NULL,
    operation TEXT NOT NULL,
    topic_name TEXT NOT NULL,
    payload TEXT NOT NULL,
    status BIGINT NOT NULL,
    result_message TEXT,
    result_data TEXT,
    error_code BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    finished_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, bulk_uuid, position),
    FOREIGN KEY (tenant_id, bulk_uuid) REFERENCES bulks (tenant_id, uuid) ON DELETE CASCADE
);

-- The workers' queue: open operations in the order they become due.
CREATE INDEX bulk_operations_due ON bulk_operations (tenant_id, status, next_attempt_at, id);
