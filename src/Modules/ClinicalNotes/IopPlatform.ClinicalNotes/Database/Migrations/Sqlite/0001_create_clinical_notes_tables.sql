-- ClinicalNotes: clinician credentials, progress and group notes (locked by triggers once signed), linked entries,
-- signature history, counselling notes (stored apart), treatment plans, relapse-prevention plans, overdue flags, outbox.

CREATE TABLE clinical_notes_clinician (
    actor_id TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    credentials TEXT NOT NULL,
    requires_cosign INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE clinical_notes_group_note (
    id TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL,
    format TEXT NOT NULL,
    topic TEXT NOT NULL,
    modality TEXT NOT NULL,
    facilitators TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_group_note_session ON clinical_notes_group_note (session_id);

CREATE TABLE clinical_notes_note (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    session_id TEXT NULL,
    group_note_id TEXT NULL REFERENCES clinical_notes_group_note (id),
    service_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    sections TEXT NOT NULL,
    goal_ids TEXT NOT NULL,
    status TEXT NOT NULL,
    locked INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_credentials TEXT NOT NULL,
    requires_cosign INTEGER NOT NULL,
    return_comments TEXT NULL,
    signed_at TEXT NULL,
    cosigned_by TEXT NULL,
    cosigned_at TEXT NULL,
    due_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_note_enrollment ON clinical_notes_note (enrollment_id, id);
CREATE INDEX ix_clinical_notes_note_due ON clinical_notes_note (signed_at, due_at);

-- A locked (signed or co-signed) note is immutable: the database refuses the change whoever sends it.
CREATE TRIGGER clinical_notes_note_locked_no_update BEFORE UPDATE ON clinical_notes_note
WHEN OLD.locked = 1
BEGIN
    SELECT RAISE(ABORT, 'clinical_notes_note is locked: a signed note cannot be changed');
END;

CREATE TRIGGER clinical_notes_note_locked_no_delete BEFORE DELETE ON clinical_notes_note
WHEN OLD.locked = 1
BEGIN
    SELECT RAISE(ABORT, 'clinical_notes_note is locked: a signed note cannot be deleted');
END;

CREATE TABLE clinical_notes_group_member (
    group_note_id TEXT NOT NULL REFERENCES clinical_notes_group_note (id),
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    attendance_status TEXT NOT NULL,
    note_id TEXT NULL REFERENCES clinical_notes_note (id),
    PRIMARY KEY (group_note_id, enrollment_id)
);

CREATE TABLE clinical_notes_entry (
    id TEXT NOT NULL PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES clinical_notes_note (id),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    text TEXT NOT NULL,
    occurred_at TEXT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_credentials TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_entry_note ON clinical_notes_entry (note_id, entered_at);

CREATE TABLE clinical_notes_signature (
    id TEXT NOT NULL PRIMARY KEY,
    note_id TEXT NOT NULL REFERENCES clinical_notes_note (id),
    action TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_credentials TEXT NOT NULL,
    comments TEXT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_signature_note ON clinical_notes_signature (note_id, at);

CREATE TABLE clinical_notes_overdue_flag (
    note_id TEXT NOT NULL PRIMARY KEY REFERENCES clinical_notes_note (id),
    author_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    flagged_at TEXT NOT NULL
);

CREATE TABLE clinical_notes_counselling_note (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    service_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_counselling_note_enrollment ON clinical_notes_counselling_note (enrollment_id, id);

CREATE TABLE clinical_notes_counselling_access (
    note_id TEXT NOT NULL REFERENCES clinical_notes_counselling_note (id),
    clinician_id TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (note_id, clinician_id)
);

CREATE TABLE clinical_notes_treatment_plan (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL,
    problems TEXT NOT NULL,
    due_at TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_reviewed_at TEXT NULL,
    next_review_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE clinical_notes_goal (
    id TEXT NOT NULL PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    enrollment_id TEXT NOT NULL,
    problem TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    measurable_target TEXT NOT NULL,
    objectives TEXT NOT NULL,
    interventions TEXT NOT NULL,
    status TEXT NOT NULL,
    status_changed_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_enrollment ON clinical_notes_goal (enrollment_id, id);

CREATE TABLE clinical_notes_goal_status (
    id TEXT NOT NULL PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES clinical_notes_goal (id),
    status TEXT NOT NULL,
    comment TEXT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_status_goal ON clinical_notes_goal_status (goal_id, changed_at);

CREATE TABLE clinical_notes_plan_review (
    id TEXT NOT NULL PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    reviewed_by TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE TABLE clinical_notes_relapse_plan (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL,
    triggers TEXT NOT NULL,
    warning_signs TEXT NOT NULL,
    coping_strategies TEXT NOT NULL,
    support_contacts TEXT NOT NULL,
    lapse_plan TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE clinical_notes_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    event_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    dispatched_at TEXT NULL
);
CREATE INDEX ix_clinical_notes_outbox_pending ON clinical_notes_outbox (dispatched_at, occurred_at);
