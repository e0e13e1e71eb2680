-- SMART Backend Services (README "SMART Backend Services"): the public keys an API client signs its token requests
-- with, the assertion ids already used (kept until the assertion expires, so a replay is refused across restarts and
-- servers), and the platform key that signs the access tokens (generated on first use, shared by every server).

ALTER TABLE integration_api_client ADD jwks nvarchar(max) NULL;

CREATE TABLE integration_smart_assertion (
    api_client_id uniqueidentifier NOT NULL,
    jti nvarchar(200) NOT NULL,
    expires_at datetimeoffset NOT NULL,
    PRIMARY KEY (api_client_id, jti)
);

CREATE INDEX ix_integration_smart_assertion_expires_at ON integration_smart_assertion (expires_at);

CREATE TABLE integration_smart_signing_key (
    id int NOT NULL PRIMARY KEY,
    key_id nvarchar(64) NOT NULL,
    private_key nvarchar(max) NOT NULL,
    created_at datetimeoffset NOT NULL
);
