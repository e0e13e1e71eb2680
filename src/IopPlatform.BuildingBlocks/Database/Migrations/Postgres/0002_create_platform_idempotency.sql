-- One row per (caller, Idempotency-Key): in flight while completed_at is null, then the stored response to replay.
CREATE TABLE platform_idempotency_record (
    caller_id varchar(200) NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    method varchar(10) NOT NULL,
    path varchar(2000) NOT NULL,
    request_hash varchar(64) NOT NULL,
    status_code integer NULL,
    response_headers text NULL,
    response_body bytea NULL,
    created_at timestamptz NOT NULL,
    completed_at timestamptz NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (caller_id, idempotency_key)
);

CREATE INDEX ix_platform_idempotency_record_expires ON platform_idempotency_record (expires_at);
