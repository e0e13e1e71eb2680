-- Issue 18 item 4, specimen validity. A resulted specimen may carry the lab's dilute flag (49 CFR 40.197: a negative-dilute
-- is recollected, a positive-dilute keeps its positives). Versions stored under the earlier rule get the overall result
-- the corrected rule gives them: adulterated or substituted is a refusal (HHS Mandatory Guidelines; 49 CFR 40.191(b)),
-- a dilute specimen without results is a recollect (it neither shows nor breaks abstinence).
ALTER TABLE outcomes_drug_test_version ADD dilute bit NOT NULL CONSTRAINT df_outcomes_drug_test_version_dilute DEFAULT 0;
UPDATE outcomes_drug_test_version SET overall_result = 'refused' WHERE status = 'invalid' AND invalid_reason IN ('adulterated', 'substituted');
UPDATE outcomes_drug_test_version SET overall_result = 'recollect' WHERE status = 'invalid' AND invalid_reason = 'dilute';
