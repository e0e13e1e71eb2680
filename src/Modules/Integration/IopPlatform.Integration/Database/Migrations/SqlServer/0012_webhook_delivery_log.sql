-- The delivery log partners read: each attempt says how it ended (delivered, failed, withheld) and when the next one
-- is due; a redelivery restarts the retry window from retry_from without touching when the event was first queued.

ALTER TABLE integration_webhook_attempt ADD outcome nvarchar(16) NULL, next_attempt_at datetimeoffset NULL;
GO

UPDATE integration_webhook_attempt SET outcome = CASE WHEN error IS NULL THEN 'delivered' ELSE 'failed' END;

ALTER TABLE integration_webhook_delivery ADD retry_from datetimeoffset NULL;
GO

CREATE INDEX ix_integration_webhook_delivery_log ON integration_webhook_delivery (subscription_id, status, created_at);
