-- Outcomes: measures, safety alerts, drug tests (versioned), recovery checks, support activities, milestones, outbox.

CREATE TABLE outcomes_measure (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    instrument TEXT NOT NULL,
    administered_at TEXT NOT NULL,
    answers TEXT NOT NULL,
    sex TEXT NULL,
    total INTEGER NULL,
    band TEXT NULL,
    flags TEXT NOT NULL,
    bam_use INTEGER NULL,
    bam_risk INTEGER NULL,
    bam_protective INTEGER NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_outcomes_measure_enrollment ON outcomes_measure (enrollment_id, instrument, administered_at);

CREATE TABLE outcomes_safety_alert (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    measure_id TEXT NOT NULL UNIQUE,
    item_score INTEGER NOT NULL,
    status TEXT NOT NULL,
    case_manager_id TEXT NULL,
    primary_counsellor_id TEXT NULL,
    raised_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ix_outcomes_safety_alert_enrollment ON outcomes_safety_alert (enrollment_id, raised_at);

CREATE TABLE outcomes_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    event_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    dispatched_at TEXT NULL
);
CREATE INDEX ix_outcomes_outbox_pending ON outcomes_outbox (dispatched_at, occurred_at);

CREATE TABLE outcomes_program_cadence (
    program_id TEXT NOT NULL,
    instrument TEXT NOT NULL,
    interval_days INTEGER NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (program_id, instrument)
);

CREATE TABLE outcomes_drug_test (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_outcomes_drug_test_enrollment ON outcomes_drug_test (enrollment_id, id);

CREATE TABLE outcomes_drug_test_version (
    drug_test_id TEXT NOT NULL REFERENCES outcomes_drug_test (id),
    version INTEGER NOT NULL,
    specimen TEXT NOT NULL,
    method TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    chain_of_custody_id TEXT NULL,
    status TEXT NOT NULL,
    invalid_reason TEXT NULL,
    overall_result TEXT NOT NULL,
    needs_confirmation INTEGER NOT NULL,
    correction_reason TEXT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (drug_test_id, version)
);

CREATE TABLE outcomes_drug_test_analyte (
    drug_test_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    analyte TEXT NOT NULL,
    result TEXT NOT NULL,
    expected INTEGER NOT NULL,
    PRIMARY KEY (drug_test_id, version, analyte),
    FOREIGN KEY (drug_test_id, version) REFERENCES outcomes_drug_test_version (drug_test_id, version)
);

CREATE TABLE outcomes_recovery_check (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    housing TEXT NOT NULL,
    employment TEXT NOT NULL,
    substance_free_income INTEGER NOT NULL,
    support_network TEXT NOT NULL,
    notes TEXT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_outcomes_recovery_check_enrollment ON outcomes_recovery_check (enrollment_id, checked_at);

CREATE TABLE outcomes_support_activity (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    activity_date TEXT NOT NULL,
    notes TEXT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_outcomes_support_activity_enrollment ON outcomes_support_activity (enrollment_id, activity_date);

CREATE TABLE outcomes_milestone_achieved (
    enrollment_id TEXT NOT NULL,
    milestone TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    achieved_at TEXT NOT NULL,
    PRIMARY KEY (enrollment_id, milestone)
);

CREATE TABLE outcomes_completion_override (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    overridden_by TEXT NOT NULL,
    overridden_at TEXT NOT NULL
);
CREATE INDEX ix_outcomes_completion_override_enrollment ON outcomes_completion_override (enrollment_id, overridden_at);
