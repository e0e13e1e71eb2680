-- Engagement: drift alerts, outreach tasks and safety alerts with their history, the outreach log, and the outbox
-- the Integration module dispatches (webhooks, email).

CREATE TABLE enrollment_alert (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL REFERENCES enrollment_enrollment (id),
    patient_id uuid NOT NULL,
    program_id uuid NOT NULL,
    alert_type varchar(32) NOT NULL,
    rule_code varchar(64) NOT NULL,
    severity varchar(16) NOT NULL,
    status varchar(32) NOT NULL,
    open_key varchar(120) NULL,
    flags text NOT NULL,
    basis text NOT NULL,
    inputs text NOT NULL,
    evidence text NOT NULL,
    case_manager_id varchar(200) NULL,
    case_manager_name varchar(200) NULL,
    supervisor_id varchar(200) NULL,
    supervisor_name varchar(200) NULL,
    clinician_id varchar(200) NULL,
    due_at timestamptz NULL,
    source_id uuid NULL,
    raised_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    acknowledged_at timestamptz NULL,
    acknowledged_by varchar(200) NULL,
    escalated_at timestamptz NULL,
    resolved_at timestamptz NULL,
    resolved_by varchar(200) NULL,
    resolution text NULL,
    version integer NOT NULL
);

-- At most one unresolved alert per enrollment and rule: open_key is '<enrollment id>|<rule>' until resolved, then NULL.
CREATE UNIQUE INDEX ux_enrollment_alert_open_key ON enrollment_alert (open_key);
CREATE INDEX ix_enrollment_alert_case_manager ON enrollment_alert (case_manager_id, status, id);
CREATE INDEX ix_enrollment_alert_clinician ON enrollment_alert (clinician_id, status, id);
CREATE INDEX ix_enrollment_alert_enrollment ON enrollment_alert (enrollment_id, rule_code, id);
CREATE INDEX ix_enrollment_alert_status ON enrollment_alert (status, raised_at);

CREATE TABLE enrollment_alert_history (
    id uuid NOT NULL PRIMARY KEY,
    alert_id uuid NOT NULL REFERENCES enrollment_alert (id),
    action varchar(32) NOT NULL,
    from_status varchar(32) NULL,
    to_status varchar(32) NOT NULL,
    severity varchar(16) NOT NULL,
    actor varchar(200) NOT NULL,
    at timestamptz NOT NULL,
    detail text NULL
);

CREATE INDEX ix_enrollment_alert_history_alert ON enrollment_alert_history (alert_id, id);

CREATE TABLE enrollment_outreach_attempt (
    id uuid NOT NULL PRIMARY KEY,
    alert_id uuid NOT NULL REFERENCES enrollment_alert (id),
    enrollment_id uuid NOT NULL REFERENCES enrollment_enrollment (id),
    channel varchar(32) NOT NULL,
    outcome varchar(32) NOT NULL,
    barriers text NOT NULL,
    note text NULL,
    attempted_at timestamptz NOT NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL
);

CREATE INDEX ix_enrollment_outreach_attempt_enrollment ON enrollment_outreach_attempt (enrollment_id, attempted_at);
CREATE INDEX ix_enrollment_outreach_attempt_alert ON enrollment_outreach_attempt (alert_id, id);

CREATE TABLE enrollment_outbox (
    id uuid NOT NULL PRIMARY KEY,
    event_type varchar(100) NOT NULL,
    aggregate_id uuid NOT NULL,
    patient_id uuid NULL,
    notify_user_ids text NOT NULL,
    severity varchar(16) NULL,
    payload text NOT NULL,
    occurred_at timestamptz NOT NULL,
    dispatched_at timestamptz NULL
);

CREATE INDEX ix_enrollment_outbox_pending ON enrollment_outbox (dispatched_at, id);
