-- The patient an event is about, kept on each delivery so consent is judged again at every attempt and a revocation
-- can withhold what is still queued for that patient.

ALTER TABLE integration_webhook_delivery ADD COLUMN patient_id TEXT NULL;
