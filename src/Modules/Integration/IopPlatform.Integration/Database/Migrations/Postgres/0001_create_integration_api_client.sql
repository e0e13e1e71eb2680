CREATE TABLE integration_api_client (
    id uuid NOT NULL PRIMARY KEY,
    name varchar(200) NOT NULL,
    roles varchar(200) NOT NULL,
    key_prefix varchar(16) NOT NULL,
    key_hash char(64) NOT NULL,
    created_at timestamptz NOT NULL,
    created_by varchar(200) NOT NULL,
    revoked_at timestamptz NULL,
    revoked_by varchar(200) NULL,
    last_used_at timestamptz NULL,
    version integer NOT NULL
);

CREATE UNIQUE INDEX ux_integration_api_client_key_hash ON integration_api_client (key_hash);
