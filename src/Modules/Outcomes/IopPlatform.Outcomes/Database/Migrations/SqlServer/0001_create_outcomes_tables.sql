-- Outcomes: measures, safety alerts, drug tests (versioned), recovery checks, support activities, milestones, outbox.

CREATE TABLE outcomes_measure (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    program_id uniqueidentifier NOT NULL,
    instrument nvarchar(32) NOT NULL,
    administered_at datetimeoffset NOT NULL,
    answers nvarchar(200) NOT NULL,
    sex nvarchar(16) NULL,
    total int NULL,
    band nvarchar(32) NULL,
    flags nvarchar(200) NOT NULL,
    bam_use int NULL,
    bam_risk int NULL,
    bam_protective int NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL
);
CREATE INDEX ix_outcomes_measure_enrollment ON outcomes_measure (enrollment_id, instrument, administered_at);

CREATE TABLE outcomes_safety_alert (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    measure_id uniqueidentifier NOT NULL UNIQUE,
    item_score int NOT NULL,
    status nvarchar(32) NOT NULL,
    case_manager_id nvarchar(200) NULL,
    primary_counsellor_id nvarchar(200) NULL,
    raised_at datetimeoffset NOT NULL,
    version int NOT NULL
);
CREATE INDEX ix_outcomes_safety_alert_enrollment ON outcomes_safety_alert (enrollment_id, raised_at);

CREATE TABLE outcomes_outbox (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_type nvarchar(100) NOT NULL,
    aggregate_id uniqueidentifier NOT NULL,
    payload nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NOT NULL,
    dispatched_at datetimeoffset NULL
);
CREATE INDEX ix_outcomes_outbox_pending ON outcomes_outbox (dispatched_at, occurred_at);

CREATE TABLE outcomes_program_cadence (
    program_id uniqueidentifier NOT NULL,
    instrument nvarchar(32) NOT NULL,
    interval_days int NULL,
    updated_by nvarchar(200) NOT NULL,
    updated_at datetimeoffset NOT NULL,
    version int NOT NULL,
    PRIMARY KEY (program_id, instrument)
);

CREATE TABLE outcomes_drug_test (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL
);
CREATE INDEX ix_outcomes_drug_test_enrollment ON outcomes_drug_test (enrollment_id, id);

CREATE TABLE outcomes_drug_test_version (
    drug_test_id uniqueidentifier NOT NULL REFERENCES outcomes_drug_test (id),
    version int NOT NULL,
    specimen nvarchar(32) NOT NULL,
    method nvarchar(32) NOT NULL,
    collected_at datetimeoffset NOT NULL,
    chain_of_custody_id nvarchar(64) NULL,
    status nvarchar(32) NOT NULL,
    invalid_reason nvarchar(32) NULL,
    overall_result nvarchar(32) NOT NULL,
    needs_confirmation bit NOT NULL,
    correction_reason nvarchar(1000) NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL,
    PRIMARY KEY (drug_test_id, version)
);

CREATE TABLE outcomes_drug_test_analyte (
    drug_test_id uniqueidentifier NOT NULL,
    version int NOT NULL,
    analyte nvarchar(32) NOT NULL,
    result nvarchar(32) NOT NULL,
    expected bit NOT NULL,
    PRIMARY KEY (drug_test_id, version, analyte),
    FOREIGN KEY (drug_test_id, version) REFERENCES outcomes_drug_test_version (drug_test_id, version)
);

CREATE TABLE outcomes_recovery_check (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    checked_at datetimeoffset NOT NULL,
    housing nvarchar(32) NOT NULL,
    employment nvarchar(32) NOT NULL,
    substance_free_income bit NOT NULL,
    support_network nvarchar(32) NOT NULL,
    notes nvarchar(2000) NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL
);
CREATE INDEX ix_outcomes_recovery_check_enrollment ON outcomes_recovery_check (enrollment_id, checked_at);

CREATE TABLE outcomes_support_activity (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    kind nvarchar(32) NOT NULL,
    activity_date date NOT NULL,
    notes nvarchar(2000) NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL
);
CREATE INDEX ix_outcomes_support_activity_enrollment ON outcomes_support_activity (enrollment_id, activity_date);

CREATE TABLE outcomes_milestone_achieved (
    enrollment_id uniqueidentifier NOT NULL,
    milestone nvarchar(32) NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    achieved_at datetimeoffset NOT NULL,
    PRIMARY KEY (enrollment_id, milestone)
);

CREATE TABLE outcomes_completion_override (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    reason nvarchar(2000) NOT NULL,
    overridden_by nvarchar(200) NOT NULL,
    overridden_at datetimeoffset NOT NULL
);
CREATE INDEX ix_outcomes_completion_override_enrollment ON outcomes_completion_override (enrollment_id, overridden_at);
