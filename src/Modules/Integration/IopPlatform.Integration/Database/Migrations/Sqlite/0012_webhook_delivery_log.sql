-- The delivery log partners read: each attempt says how it ended (delivered, failed, withheld) and when the next one
-- is due; a redelivery restarts the retry window from retry_from without touching when the event was first queued.

ALTER TABLE integration_webhook_attempt ADD COLUMN outcome TEXT NULL;
ALTER TABLE integration_webhook_attempt ADD COLUMN next_attempt_at TEXT NULL;
UPDATE integration_webhook_attempt SET outcome = CASE WHEN error IS NULL THEN 'delivered' ELSE 'failed' END;

ALTER TABLE integration_webhook_delivery ADD COLUMN retry_from TEXT NULL;

CREATE INDEX ix_integration_webhook_delivery_log ON integration_webhook_delivery (subscription_id, status, created_at);
