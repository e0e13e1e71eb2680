-- Evidence as raised: every history row of a rule's evaluation keeps that evaluation's rule, basis, inputs and evidence,
-- so an alert shows what it was raised on and what each severity change rested on, not only the latest evaluation.
ALTER TABLE engagement_alert_history ADD COLUMN rule_code TEXT NULL;
ALTER TABLE engagement_alert_history ADD COLUMN basis TEXT NULL;
ALTER TABLE engagement_alert_history ADD COLUMN inputs TEXT NULL;
ALTER TABLE engagement_alert_history ADD COLUMN evidence TEXT NULL;

-- Clinical and program flags (below intensity, billing risk, BAM concern, level-of-care review): on the enrollment and in
-- the program's review list, never in the dropout inbox. One open flag per enrollment and rule (open_key); a flag whose
-- condition no longer holds is cleared by the next evaluation.
CREATE TABLE engagement_clinical_flag (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    status TEXT NOT NULL,
    open_key TEXT NULL,
    basis TEXT NOT NULL,
    inputs TEXT NOT NULL,
    evidence TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    cleared_at TEXT NULL,
    version INTEGER NOT NULL
);

CREATE UNIQUE INDEX ux_engagement_clinical_flag_open_key ON engagement_clinical_flag (open_key);
CREATE INDEX ix_engagement_clinical_flag_program ON engagement_clinical_flag (program_id, status, id);
CREATE INDEX ix_engagement_clinical_flag_enrollment ON engagement_clinical_flag (enrollment_id, status);

-- The drift job evaluates each program once per local day of its site, after the configured local time.
CREATE TABLE engagement_drift_run (
    program_id TEXT NOT NULL,
    local_date TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    enrollments_evaluated INTEGER NOT NULL,
    PRIMARY KEY (program_id, local_date)
);
