CREATE TABLE integration_api_client (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    name nvarchar(200) NOT NULL,
    roles nvarchar(200) NOT NULL,
    key_prefix nvarchar(16) NOT NULL,
    key_hash char(64) NOT NULL,
    created_at datetimeoffset NOT NULL,
    created_by nvarchar(200) NOT NULL,
    revoked_at datetimeoffset NULL,
    revoked_by nvarchar(200) NULL,
    last_used_at datetimeoffset NULL,
    version int NOT NULL
);

CREATE UNIQUE INDEX ux_integration_api_client_key_hash ON integration_api_client (key_hash);
