CREATE TABLE integration_api_client (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT NULL,
    revoked_by TEXT NULL,
    last_used_at TEXT NULL,
    version INTEGER NOT NULL
);

CREATE UNIQUE INDEX ux_integration_api_client_key_hash ON integration_api_client (key_hash);
