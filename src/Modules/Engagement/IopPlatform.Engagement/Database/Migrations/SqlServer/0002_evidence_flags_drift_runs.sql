-- Evidence as raised: every history row of a rule's evaluation keeps that evaluation's rule, basis, inputs and evidence,
-- so an alert shows what it was raised on and what each severity change rested on, not only the latest evaluation.
ALTER TABLE engagement_alert_history ADD rule_code nvarchar(64) NULL;
ALTER TABLE engagement_alert_history ADD basis nvarchar(max) NULL;
ALTER TABLE engagement_alert_history ADD inputs nvarchar(max) NULL;
ALTER TABLE engagement_alert_history ADD evidence nvarchar(max) NULL;

-- Clinical and program flags (below intensity, billing risk, BAM concern, level-of-care review): on the enrollment and in
-- the program's review list, never in the dropout inbox. One open flag per enrollment and rule (open_key); a flag whose
-- condition no longer holds is cleared by the next evaluation.
CREATE TABLE engagement_clinical_flag (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    program_id uniqueidentifier NOT NULL,
    rule_code nvarchar(64) NOT NULL,
    status nvarchar(32) NOT NULL,
    open_key nvarchar(120) NULL,
    basis nvarchar(max) NOT NULL,
    inputs nvarchar(max) NOT NULL,
    evidence nvarchar(max) NOT NULL,
    raised_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL,
    cleared_at datetimeoffset NULL,
    version int NOT NULL
);

CREATE UNIQUE INDEX ux_engagement_clinical_flag_open_key ON engagement_clinical_flag (open_key) WHERE open_key IS NOT NULL;
CREATE INDEX ix_engagement_clinical_flag_program ON engagement_clinical_flag (program_id, status, id);
CREATE INDEX ix_engagement_clinical_flag_enrollment ON engagement_clinical_flag (enrollment_id, status);

-- The drift job evaluates each program once per local day of its site, after the configured local time.
CREATE TABLE engagement_drift_run (
    program_id uniqueidentifier NOT NULL,
    local_date date NOT NULL,
    ran_at datetimeoffset NOT NULL,
    enrollments_evaluated int NOT NULL,
    PRIMARY KEY (program_id, local_date)
);
