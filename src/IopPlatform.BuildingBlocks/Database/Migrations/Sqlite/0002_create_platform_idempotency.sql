-- One row per (caller, Idempotency-Key): in flight while completed_at is null, then the stored response to replay.
CREATE TABLE platform_idempotency_record (
    caller_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NULL,
    response_headers TEXT NULL,
    response_body BLOB NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (caller_id, idempotency_key)
);

CREATE INDEX ix_platform_idempotency_record_expires ON platform_idempotency_record (expires_at);
