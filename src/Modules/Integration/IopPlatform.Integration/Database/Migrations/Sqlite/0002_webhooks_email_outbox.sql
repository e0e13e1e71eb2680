-- Webhook subscriptions of partner apps, one delivery per (event, subscription) with its attempts, and the email outbox.

CREATE TABLE integration_webhook_subscription (
    id TEXT NOT NULL PRIMARY KEY,
    api_client_id TEXT NOT NULL REFERENCES integration_api_client (id),
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    secret_rotated_at TEXT NULL,
    version INTEGER NOT NULL
);

CREATE INDEX ix_integration_webhook_subscription_client ON integration_webhook_subscription (api_client_id, id);

CREATE TABLE integration_webhook_delivery (
    id TEXT NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES integration_webhook_subscription (id),
    event_type TEXT NOT NULL,
    source TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_status_code INTEGER NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    delivered_at TEXT NULL,
    version INTEGER NOT NULL
);

-- Exactly one delivery per event and subscription, however often or from however many servers the outbox is pulled.
CREATE UNIQUE INDEX ux_integration_webhook_delivery_event ON integration_webhook_delivery (event_id, subscription_id);
CREATE INDEX ix_integration_webhook_delivery_due ON integration_webhook_delivery (status, next_attempt_at);
CREATE INDEX ix_integration_webhook_delivery_subscription ON integration_webhook_delivery (subscription_id, id);

CREATE TABLE integration_webhook_attempt (
    id TEXT NOT NULL PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES integration_webhook_delivery (id),
    attempt INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    duration_ms INTEGER NOT NULL
);

CREATE INDEX ix_integration_webhook_attempt_delivery ON integration_webhook_attempt (delivery_id, id);

CREATE TABLE integration_email_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL,
    recipient_user_id TEXT NOT NULL,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NULL,
    version INTEGER NOT NULL
);

CREATE UNIQUE INDEX ux_integration_email_outbox_event ON integration_email_outbox (event_id, recipient_user_id);
CREATE INDEX ix_integration_email_outbox_due ON integration_email_outbox (status, next_attempt_at);
