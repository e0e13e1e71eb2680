-- ClinicalNotes: clinician credentials, progress and group notes (locked by triggers once signed), linked entries,
-- signature history, counselling notes (stored apart), treatment plans, relapse-prevention plans, overdue flags, outbox.

CREATE TABLE clinical_notes_clinician (
    actor_id nvarchar(200) NOT NULL PRIMARY KEY,
    display_name nvarchar(200) NOT NULL,
    credentials nvarchar(200) NOT NULL,
    requires_cosign bit NOT NULL,
    updated_by nvarchar(200) NOT NULL,
    updated_at datetimeoffset NOT NULL,
    version int NOT NULL
);

CREATE TABLE clinical_notes_group_note (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    session_id uniqueidentifier NOT NULL,
    format nvarchar(200) NOT NULL,
    topic nvarchar(max) NOT NULL,
    modality nvarchar(200) NOT NULL,
    facilitators nvarchar(max) NOT NULL,
    duration_minutes int NOT NULL,
    author_id nvarchar(200) NOT NULL,
    created_at datetimeoffset NOT NULL
);
CREATE INDEX ix_clinical_notes_group_note_session ON clinical_notes_group_note (session_id);

CREATE TABLE clinical_notes_note (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    kind nvarchar(200) NOT NULL,
    format nvarchar(200) NOT NULL,
    session_id uniqueidentifier NULL,
    group_note_id uniqueidentifier NULL REFERENCES clinical_notes_group_note (id),
    service_date date NOT NULL,
    start_time time NOT NULL,
    end_time time NOT NULL,
    sections nvarchar(max) NOT NULL,
    goal_ids nvarchar(max) NOT NULL,
    status nvarchar(200) NOT NULL,
    locked bit NOT NULL,
    author_id nvarchar(200) NOT NULL,
    author_name nvarchar(200) NOT NULL,
    author_credentials nvarchar(200) NOT NULL,
    requires_cosign bit NOT NULL,
    return_comments nvarchar(max) NULL,
    signed_at datetimeoffset NULL,
    cosigned_by nvarchar(200) NULL,
    cosigned_at datetimeoffset NULL,
    due_at datetimeoffset NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);
CREATE INDEX ix_clinical_notes_note_enrollment ON clinical_notes_note (enrollment_id, id);
CREATE INDEX ix_clinical_notes_note_due ON clinical_notes_note (signed_at, due_at);

GO

-- A locked (signed or co-signed) note is immutable: the database refuses the change whoever sends it. THROW in an
-- AFTER trigger rolls the whole statement back, so one statement touching a locked row changes nothing.
CREATE TRIGGER clinical_notes_note_refuse_locked ON clinical_notes_note
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (SELECT 1 FROM deleted WHERE locked = 1)
        THROW 51001, 'clinical_notes_note is locked: a signed note cannot be changed', 1;
END;
GO

CREATE TABLE clinical_notes_group_member (
    group_note_id uniqueidentifier NOT NULL REFERENCES clinical_notes_group_note (id),
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    attendance_status nvarchar(200) NOT NULL,
    note_id uniqueidentifier NULL REFERENCES clinical_notes_note (id),
    PRIMARY KEY (group_note_id, enrollment_id)
);

CREATE TABLE clinical_notes_entry (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    note_id uniqueidentifier NOT NULL REFERENCES clinical_notes_note (id),
    kind nvarchar(200) NOT NULL,
    reason nvarchar(max) NOT NULL,
    text nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NULL,
    author_id nvarchar(200) NOT NULL,
    author_name nvarchar(200) NOT NULL,
    author_credentials nvarchar(200) NOT NULL,
    entered_at datetimeoffset NOT NULL
);
CREATE INDEX ix_clinical_notes_entry_note ON clinical_notes_entry (note_id, entered_at);

CREATE TABLE clinical_notes_signature (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    note_id uniqueidentifier NOT NULL REFERENCES clinical_notes_note (id),
    action nvarchar(200) NOT NULL,
    actor_id nvarchar(200) NOT NULL,
    actor_name nvarchar(200) NOT NULL,
    actor_credentials nvarchar(200) NOT NULL,
    comments nvarchar(max) NULL,
    at nvarchar(200) NOT NULL
);
CREATE INDEX ix_clinical_notes_signature_note ON clinical_notes_signature (note_id, at);

CREATE TABLE clinical_notes_overdue_flag (
    note_id uniqueidentifier NOT NULL PRIMARY KEY REFERENCES clinical_notes_note (id),
    author_id nvarchar(200) NOT NULL,
    due_at datetimeoffset NOT NULL,
    flagged_at datetimeoffset NOT NULL
);

CREATE TABLE clinical_notes_counselling_note (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    author_id nvarchar(200) NOT NULL,
    author_name nvarchar(200) NOT NULL,
    text nvarchar(max) NOT NULL,
    service_date date NOT NULL,
    created_at datetimeoffset NOT NULL
);
CREATE INDEX ix_clinical_notes_counselling_note_enrollment ON clinical_notes_counselling_note (enrollment_id, id);

CREATE TABLE clinical_notes_counselling_access (
    note_id uniqueidentifier NOT NULL REFERENCES clinical_notes_counselling_note (id),
    clinician_id nvarchar(200) NOT NULL,
    granted_by nvarchar(200) NOT NULL,
    granted_at datetimeoffset NOT NULL,
    PRIMARY KEY (note_id, clinician_id)
);

CREATE TABLE clinical_notes_treatment_plan (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL UNIQUE,
    patient_id uniqueidentifier NOT NULL,
    problems nvarchar(max) NOT NULL,
    due_at datetimeoffset NULL,
    created_by nvarchar(200) NOT NULL,
    created_at datetimeoffset NOT NULL,
    last_reviewed_at datetimeoffset NULL,
    next_review_at datetimeoffset NOT NULL,
    version int NOT NULL
);

CREATE TABLE clinical_notes_goal (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    plan_id uniqueidentifier NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    enrollment_id uniqueidentifier NOT NULL,
    problem nvarchar(max) NOT NULL,
    category nvarchar(200) NOT NULL,
    description nvarchar(max) NOT NULL,
    measurable_target nvarchar(max) NOT NULL,
    objectives nvarchar(max) NOT NULL,
    interventions nvarchar(max) NOT NULL,
    status nvarchar(200) NOT NULL,
    status_changed_at datetimeoffset NOT NULL,
    version int NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_enrollment ON clinical_notes_goal (enrollment_id, id);

CREATE TABLE clinical_notes_goal_status (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    goal_id uniqueidentifier NOT NULL REFERENCES clinical_notes_goal (id),
    status nvarchar(200) NOT NULL,
    comment nvarchar(max) NULL,
    changed_by nvarchar(200) NOT NULL,
    changed_at datetimeoffset NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_status_goal ON clinical_notes_goal_status (goal_id, changed_at);

CREATE TABLE clinical_notes_plan_review (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    plan_id uniqueidentifier NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    reviewed_by nvarchar(200) NOT NULL,
    reviewed_at datetimeoffset NOT NULL,
    summary nvarchar(max) NOT NULL
);

CREATE TABLE clinical_notes_relapse_plan (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL UNIQUE,
    patient_id uniqueidentifier NOT NULL,
    triggers nvarchar(max) NOT NULL,
    warning_signs nvarchar(max) NOT NULL,
    coping_strategies nvarchar(max) NOT NULL,
    support_contacts nvarchar(max) NOT NULL,
    lapse_plan nvarchar(max) NOT NULL,
    reviewed_by nvarchar(200) NOT NULL,
    reviewed_at datetimeoffset NOT NULL,
    version int NOT NULL
);

CREATE TABLE clinical_notes_outbox (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_type nvarchar(200) NOT NULL,
    aggregate_id uniqueidentifier NOT NULL,
    payload nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NOT NULL,
    dispatched_at datetimeoffset NULL
);
CREATE INDEX ix_clinical_notes_outbox_pending ON clinical_notes_outbox (dispatched_at, occurred_at);
