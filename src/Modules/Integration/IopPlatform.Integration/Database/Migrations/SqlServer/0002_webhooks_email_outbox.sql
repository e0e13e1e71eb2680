-- Webhook subscriptions of partner apps, one delivery per (event, subscription) with its attempts, and the email outbox.

CREATE TABLE integration_webhook_subscription (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    api_client_id uniqueidentifier NOT NULL REFERENCES integration_api_client (id),
    url nvarchar(2000) NOT NULL,
    events nvarchar(max) NOT NULL,
    secret nvarchar(200) NOT NULL,
    active int NOT NULL,
    created_by nvarchar(200) NOT NULL,
    created_at datetimeoffset NOT NULL,
    secret_rotated_at datetimeoffset NULL,
    version int NOT NULL
);

CREATE INDEX ix_integration_webhook_subscription_client ON integration_webhook_subscription (api_client_id, id);

CREATE TABLE integration_webhook_delivery (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_id uniqueidentifier NOT NULL,
    subscription_id uniqueidentifier NOT NULL REFERENCES integration_webhook_subscription (id),
    event_type nvarchar(100) NOT NULL,
    source nvarchar(32) NOT NULL,
    payload nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NOT NULL,
    status nvarchar(16) NOT NULL,
    attempts int NOT NULL,
    next_attempt_at datetimeoffset NOT NULL,
    last_status_code int NULL,
    last_error nvarchar(1000) NULL,
    created_at datetimeoffset NOT NULL,
    delivered_at datetimeoffset NULL,
    version int NOT NULL
);

-- Exactly one delivery per event and subscription, however often or from however many servers the outbox is pulled.
CREATE UNIQUE INDEX ux_integration_webhook_delivery_event ON integration_webhook_delivery (event_id, subscription_id);
CREATE INDEX ix_integration_webhook_delivery_due ON integration_webhook_delivery (status, next_attempt_at);
CREATE INDEX ix_integration_webhook_delivery_subscription ON integration_webhook_delivery (subscription_id, id);

CREATE TABLE integration_webhook_attempt (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    delivery_id uniqueidentifier NOT NULL REFERENCES integration_webhook_delivery (id),
    attempt int NOT NULL,
    attempted_at datetimeoffset NOT NULL,
    status_code int NULL,
    error nvarchar(1000) NULL,
    duration_ms int NOT NULL
);

CREATE INDEX ix_integration_webhook_attempt_delivery ON integration_webhook_attempt (delivery_id, id);

CREATE TABLE integration_email_outbox (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_id uniqueidentifier NOT NULL,
    recipient_user_id nvarchar(200) NOT NULL,
    to_address nvarchar(320) NOT NULL,
    subject nvarchar(300) NOT NULL,
    body nvarchar(max) NOT NULL,
    status nvarchar(16) NOT NULL,
    attempts int NOT NULL,
    next_attempt_at datetimeoffset NOT NULL,
    last_error nvarchar(1000) NULL,
    created_at datetimeoffset NOT NULL,
    sent_at datetimeoffset NULL,
    version int NOT NULL
);

CREATE UNIQUE INDEX ux_integration_email_outbox_event ON integration_email_outbox (event_id, recipient_user_id);
CREATE INDEX ix_integration_email_outbox_due ON integration_email_outbox (status, next_attempt_at);
