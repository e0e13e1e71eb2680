-- Alerts, their history and the outreach log moved to the Engagement module (its 0001 creates engagement_* tables).
-- Pre-release rows are not copied (README decision); enrollment_outbox stays: status changes and consent revocations.
DROP TABLE enrollment_outreach_attempt;
DROP TABLE enrollment_alert_history;
DROP TABLE enrollment_alert;
