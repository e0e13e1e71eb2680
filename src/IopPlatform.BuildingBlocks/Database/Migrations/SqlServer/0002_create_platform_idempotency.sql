-- One row per (caller, Idempotency-Key): in flight while completed_at is null, then the stored response to replay.
-- The key is printable ASCII (varchar) so the clustered key stays under 900 bytes.
CREATE TABLE platform_idempotency_record (
    caller_id nvarchar(200) NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    method varchar(10) NOT NULL,
    path nvarchar(2000) NOT NULL,
    request_hash varchar(64) NOT NULL,
    status_code int NULL,
    response_headers nvarchar(max) NULL,
    response_body varbinary(max) NULL,
    created_at datetimeoffset NOT NULL,
    completed_at datetimeoffset NULL,
    expires_at datetimeoffset NOT NULL,
    CONSTRAINT pk_platform_idempotency_record PRIMARY KEY (caller_id, idempotency_key)
);

CREATE INDEX ix_platform_idempotency_record_expires ON platform_idempotency_record (expires_at);
