-- Evidence as raised: every history row of a rule's evaluation keeps that evaluation's rule, basis, inputs and evidence,
-- so an alert shows what it was raised on and what each severity change rested on, not only the latest evaluation.
ALTER TABLE engagement_alert_history ADD COLUMN rule_code varchar(64) NULL;
ALTER TABLE engagement_alert_history ADD COLUMN basis text NULL;
ALTER TABLE engagement_alert_history ADD COLUMN inputs text NULL;
ALTER TABLE engagement_alert_history ADD COLUMN evidence text NULL;

-- Clinical and program flags (below intensity, billing risk, BAM concern, level-of-care review): on the enrollment and in
-- the program's review list, never in the dropout inbox. One open flag per enrollment and rule (open_key); a flag whose
-- condition no longer holds is cleared by the next evaluation.
CREATE TABLE engagement_clinical_flag (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    program_id uuid NOT NULL,
    rule_code varchar(64) NOT NULL,
    status varchar(32) NOT NULL,
    open_key varchar(120) NULL,
    basis text NOT NULL,
    inputs text NOT NULL,
    evidence text NOT NULL,
    raised_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    cleared_at timestamptz NULL,
    version integer NOT NULL
);

CREATE UNIQUE INDEX ux_engagement_clinical_flag_open_key ON engagement_clinical_flag (open_key);
CREATE INDEX ix_engagement_clinical_flag_program ON engagement_clinical_flag (program_id, status, id);
CREATE INDEX ix_engagement_clinical_flag_enrollment ON engagement_clinical_flag (enrollment_id, status);

-- The drift job evaluates each program once per local day of its site, after the configured local time.
CREATE TABLE engagement_drift_run (
    program_id uuid NOT NULL,
    local_date date NOT NULL,
    ran_at timestamptz NOT NULL,
    enrollments_evaluated integer NOT NULL,
    PRIMARY KEY (program_id, local_date)
);
