-- Outcomes: measures, safety alerts, drug tests (versioned), recovery checks, support activities, milestones, outbox.

CREATE TABLE outcomes_measure (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    program_id uuid NOT NULL,
    instrument varchar(32) NOT NULL,
    administered_at timestamptz NOT NULL,
    answers varchar(200) NOT NULL,
    sex varchar(16) NULL,
    total integer NULL,
    band varchar(32) NULL,
    flags varchar(200) NOT NULL,
    bam_use integer NULL,
    bam_risk integer NULL,
    bam_protective integer NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX ix_outcomes_measure_enrollment ON outcomes_measure (enrollment_id, instrument, administered_at);

CREATE TABLE outcomes_safety_alert (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    measure_id uuid NOT NULL UNIQUE,
    item_score integer NOT NULL,
    status varchar(32) NOT NULL,
    case_manager_id varchar(200) NULL,
    primary_counsellor_id varchar(200) NULL,
    raised_at timestamptz NOT NULL,
    version integer NOT NULL
);
CREATE INDEX ix_outcomes_safety_alert_enrollment ON outcomes_safety_alert (enrollment_id, raised_at);

CREATE TABLE outcomes_outbox (
    id uuid NOT NULL PRIMARY KEY,
    event_type varchar(100) NOT NULL,
    aggregate_id uuid NOT NULL,
    payload text NOT NULL,
    occurred_at timestamptz NOT NULL,
    dispatched_at timestamptz NULL
);
CREATE INDEX ix_outcomes_outbox_pending ON outcomes_outbox (dispatched_at, occurred_at);

CREATE TABLE outcomes_program_cadence (
    program_id uuid NOT NULL,
    instrument varchar(32) NOT NULL,
    interval_days integer NULL,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (program_id, instrument)
);

CREATE TABLE outcomes_drug_test (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_outcomes_drug_test_enrollment ON outcomes_drug_test (enrollment_id, id);

CREATE TABLE outcomes_drug_test_version (
    drug_test_id uuid NOT NULL REFERENCES outcomes_drug_test (id),
    version integer NOT NULL,
    specimen varchar(32) NOT NULL,
    method varchar(32) NOT NULL,
    collected_at timestamptz NOT NULL,
    chain_of_custody_id varchar(64) NULL,
    status varchar(32) NOT NULL,
    invalid_reason varchar(32) NULL,
    overall_result varchar(32) NOT NULL,
    needs_confirmation boolean NOT NULL,
    correction_reason varchar(1000) NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (drug_test_id, version)
);

CREATE TABLE outcomes_drug_test_analyte (
    drug_test_id uuid NOT NULL,
    version integer NOT NULL,
    analyte varchar(32) NOT NULL,
    result varchar(32) NOT NULL,
    expected boolean NOT NULL,
    PRIMARY KEY (drug_test_id, version, analyte),
    FOREIGN KEY (drug_test_id, version) REFERENCES outcomes_drug_test_version (drug_test_id, version)
);

CREATE TABLE outcomes_recovery_check (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    checked_at timestamptz NOT NULL,
    housing varchar(32) NOT NULL,
    employment varchar(32) NOT NULL,
    substance_free_income boolean NOT NULL,
    support_network varchar(32) NOT NULL,
    notes varchar(2000) NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX ix_outcomes_recovery_check_enrollment ON outcomes_recovery_check (enrollment_id, checked_at);

CREATE TABLE outcomes_support_activity (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    kind varchar(32) NOT NULL,
    activity_date date NOT NULL,
    notes varchar(2000) NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX ix_outcomes_support_activity_enrollment ON outcomes_support_activity (enrollment_id, activity_date);

CREATE TABLE outcomes_milestone_achieved (
    enrollment_id uuid NOT NULL,
    milestone varchar(32) NOT NULL,
    patient_id uuid NOT NULL,
    achieved_at timestamptz NOT NULL,
    PRIMARY KEY (enrollment_id, milestone)
);

CREATE TABLE outcomes_completion_override (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    reason varchar(2000) NOT NULL,
    overridden_by varchar(200) NOT NULL,
    overridden_at timestamptz NOT NULL
);
CREATE INDEX ix_outcomes_completion_override_enrollment ON outcomes_completion_override (enrollment_id, overridden_at);
