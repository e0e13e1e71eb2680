-- Who an API client is for 42 CFR Part 2: the organisation's own system (internal_system: staff roles, not a recipient)
-- or a partner (external recipient: only the partner role, consent needed for every disclosure). A partner becomes a
-- recipient of treatment/payment/operations consents only when an admin records the agreement it rests on.

ALTER TABLE integration_api_client ADD COLUMN kind varchar(32) NULL;
ALTER TABLE integration_api_client ADD COLUMN tpo_agreement varchar(500) NULL;

-- Existing admin keys (the bootstrap key, admin tooling) are the organisation's own systems; every other key becomes
-- a partner holding only the partner role: a staff-role key must be re-issued deliberately as an internal system.
UPDATE integration_api_client SET kind = 'internal_system' WHERE roles LIKE '%admin%' AND roles NOT LIKE '%partner%';
UPDATE integration_api_client SET kind = 'partner', roles = 'partner' WHERE kind IS NULL;
