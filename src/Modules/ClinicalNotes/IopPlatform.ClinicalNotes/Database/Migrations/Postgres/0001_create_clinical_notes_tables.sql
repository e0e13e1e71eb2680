-- ClinicalNotes: clinician credentials, progress and group notes (locked by triggers once signed), linked entries,
-- signature history, counselling notes (stored apart), treatment plans, relapse-prevention plans, overdue flags, outbox.

CREATE TABLE clinical_notes_clinician (
    actor_id varchar(200) NOT NULL PRIMARY KEY,
    display_name varchar(200) NOT NULL,
    credentials varchar(200) NOT NULL,
    requires_cosign boolean NOT NULL,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
);

CREATE TABLE clinical_notes_group_note (
    id uuid NOT NULL PRIMARY KEY,
    session_id uuid NOT NULL,
    format varchar(200) NOT NULL,
    topic text NOT NULL,
    modality varchar(200) NOT NULL,
    facilitators text NOT NULL,
    duration_minutes integer NOT NULL,
    author_id varchar(200) NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_clinical_notes_group_note_session ON clinical_notes_group_note (session_id);

CREATE TABLE clinical_notes_note (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    kind varchar(200) NOT NULL,
    format varchar(200) NOT NULL,
    session_id uuid NULL,
    group_note_id uuid NULL REFERENCES clinical_notes_group_note (id),
    service_date date NOT NULL,
    start_time time NOT NULL,
    end_time time NOT NULL,
    sections text NOT NULL,
    goal_ids text NOT NULL,
    status varchar(200) NOT NULL,
    locked boolean NOT NULL,
    author_id varchar(200) NOT NULL,
    author_name varchar(200) NOT NULL,
    author_credentials varchar(200) NOT NULL,
    requires_cosign boolean NOT NULL,
    return_comments text NULL,
    signed_at timestamptz NULL,
    cosigned_by varchar(200) NULL,
    cosigned_at timestamptz NULL,
    due_at timestamptz NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX ix_clinical_notes_note_enrollment ON clinical_notes_note (enrollment_id, id);
CREATE INDEX ix_clinical_notes_note_due ON clinical_notes_note (signed_at, due_at);

-- A locked (signed or co-signed) note is immutable: the database refuses the change whoever sends it.
CREATE FUNCTION clinical_notes_note_refuse_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'clinical_notes_note is locked: a signed note cannot be changed (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER clinical_notes_note_locked_no_change BEFORE UPDATE OR DELETE ON clinical_notes_note
    FOR EACH ROW WHEN (OLD.locked) EXECUTE FUNCTION clinical_notes_note_refuse_locked();

CREATE TABLE clinical_notes_group_member (
    group_note_id uuid NOT NULL REFERENCES clinical_notes_group_note (id),
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    attendance_status varchar(200) NOT NULL,
    note_id uuid NULL REFERENCES clinical_notes_note (id),
    PRIMARY KEY (group_note_id, enrollment_id)
);

CREATE TABLE clinical_notes_entry (
    id uuid NOT NULL PRIMARY KEY,
    note_id uuid NOT NULL REFERENCES clinical_notes_note (id),
    kind varchar(200) NOT NULL,
    reason text NOT NULL,
    text text NOT NULL,
    occurred_at timestamptz NULL,
    author_id varchar(200) NOT NULL,
    author_name varchar(200) NOT NULL,
    author_credentials varchar(200) NOT NULL,
    entered_at timestamptz NOT NULL
);
CREATE INDEX ix_clinical_notes_entry_note ON clinical_notes_entry (note_id, entered_at);

CREATE TABLE clinical_notes_signature (
    id uuid NOT NULL PRIMARY KEY,
    note_id uuid NOT NULL REFERENCES clinical_notes_note (id),
    action varchar(200) NOT NULL,
    actor_id varchar(200) NOT NULL,
    actor_name varchar(200) NOT NULL,
    actor_credentials varchar(200) NOT NULL,
    comments text NULL,
    at varchar(200) NOT NULL
);
CREATE INDEX ix_clinical_notes_signature_note ON clinical_notes_signature (note_id, at);

CREATE TABLE clinical_notes_overdue_flag (
    note_id uuid NOT NULL PRIMARY KEY REFERENCES clinical_notes_note (id),
    author_id varchar(200) NOT NULL,
    due_at timestamptz NOT NULL,
    flagged_at timestamptz NOT NULL
);

CREATE TABLE clinical_notes_counselling_note (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    author_id varchar(200) NOT NULL,
    author_name varchar(200) NOT NULL,
    text text NOT NULL,
    service_date date NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX ix_clinical_notes_counselling_note_enrollment ON clinical_notes_counselling_note (enrollment_id, id);

CREATE TABLE clinical_notes_counselling_access (
    note_id uuid NOT NULL REFERENCES clinical_notes_counselling_note (id),
    clinician_id varchar(200) NOT NULL,
    granted_by varchar(200) NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (note_id, clinician_id)
);

CREATE TABLE clinical_notes_treatment_plan (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL UNIQUE,
    patient_id uuid NOT NULL,
    problems text NOT NULL,
    due_at timestamptz NULL,
    created_by varchar(200) NOT NULL,
    created_at timestamptz NOT NULL,
    last_reviewed_at timestamptz NULL,
    next_review_at timestamptz NOT NULL,
    version integer NOT NULL
);

CREATE TABLE clinical_notes_goal (
    id uuid NOT NULL PRIMARY KEY,
    plan_id uuid NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    enrollment_id uuid NOT NULL,
    problem text NOT NULL,
    category varchar(200) NOT NULL,
    description text NOT NULL,
    measurable_target text NOT NULL,
    objectives text NOT NULL,
    interventions text NOT NULL,
    status varchar(200) NOT NULL,
    status_changed_at timestamptz NOT NULL,
    version integer NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_enrollment ON clinical_notes_goal (enrollment_id, id);

CREATE TABLE clinical_notes_goal_status (
    id uuid NOT NULL PRIMARY KEY,
    goal_id uuid NOT NULL REFERENCES clinical_notes_goal (id),
    status varchar(200) NOT NULL,
    comment text NULL,
    changed_by varchar(200) NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX ix_clinical_notes_goal_status_goal ON clinical_notes_goal_status (goal_id, changed_at);

CREATE TABLE clinical_notes_plan_review (
    id uuid NOT NULL PRIMARY KEY,
    plan_id uuid NOT NULL REFERENCES clinical_notes_treatment_plan (id),
    reviewed_by varchar(200) NOT NULL,
    reviewed_at timestamptz NOT NULL,
    summary text NOT NULL
);

CREATE TABLE clinical_notes_relapse_plan (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL UNIQUE,
    patient_id uuid NOT NULL,
    triggers text NOT NULL,
    warning_signs text NOT NULL,
    coping_strategies text NOT NULL,
    support_contacts text NOT NULL,
    lapse_plan text NOT NULL,
    reviewed_by varchar(200) NOT NULL,
    reviewed_at timestamptz NOT NULL,
    version integer NOT NULL
);

CREATE TABLE clinical_notes_outbox (
    id uuid NOT NULL PRIMARY KEY,
    event_type varchar(200) NOT NULL,
    aggregate_id uuid NOT NULL,
    payload text NOT NULL,
    occurred_at timestamptz NOT NULL,
    dispatched_at timestamptz NULL
);
CREATE INDEX ix_clinical_notes_outbox_pending ON clinical_notes_outbox (dispatched_at, occurred_at);
