-- Webhook subscriptions of partner apps, one delivery per (event, subscription) with its attempts, and the email outbox.

CREATE TABLE integration_webhook_subscription (
    id uuid NOT NULL PRIMARY KEY,
    api_client_id uuid NOT NULL REFERENCES integration_api_client (id),
    url varchar(2000) NOT NULL,
    events text NOT NULL,
    secret varchar(200) NOT NULL,
    active integer NOT NULL,
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL,
    secret_rotated_at timestamptz NULL,
    version integer NOT NULL
);

CREATE INDEX ix_integration_webhook_subscription_client ON integration_webhook_subscription (api_client_id, id);

CREATE TABLE integration_webhook_delivery (
    id uuid NOT NULL PRIMARY KEY,
    event_id uuid NOT NULL,
    subscription_id uuid NOT NULL REFERENCES integration_webhook_subscription (id),
    event_type varchar(100) NOT NULL,
    source varchar(32) NOT NULL,
    payload text NOT NULL,
    occurred_at timestamptz NOT NULL,
    status varchar(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_status_code integer NULL,
    last_error varchar(1000) NULL,
    created_at timestamptz NOT NULL,
    delivered_at timestamptz NULL,
    version integer NOT NULL
);

-- Exactly one delivery per event and subscription, however often or from however many servers the outbox is pulled.
CREATE UNIQUE INDEX ux_integration_webhook_delivery_event ON integration_webhook_delivery (event_id, subscription_id);
CREATE INDEX ix_integration_webhook_delivery_due ON integration_webhook_delivery (status, next_attempt_at);
CREATE INDEX ix_integration_webhook_delivery_subscription ON integration_webhook_delivery (subscription_id, id);

CREATE TABLE integration_webhook_attempt (
    id uuid NOT NULL PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES integration_webhook_delivery (id),
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code integer NULL,
    error varchar(1000) NULL,
    duration_ms integer NOT NULL
);

CREATE INDEX ix_integration_webhook_attempt_delivery ON integration_webhook_attempt (delivery_id, id);

CREATE TABLE integration_email_outbox (
    id uuid NOT NULL PRIMARY KEY,
    event_id uuid NOT NULL,
    recipient_user_id varchar(200) NOT NULL,
    to_address varchar(320) NOT NULL,
    subject varchar(300) NOT NULL,
    body text NOT NULL,
    status varchar(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_error varchar(1000) NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz NULL,
    version integer NOT NULL
);

CREATE UNIQUE INDEX ux_integration_email_outbox_event ON integration_email_outbox (event_id, recipient_user_id);
CREATE INDEX ix_integration_email_outbox_due ON integration_email_outbox (status, next_attempt_at);
