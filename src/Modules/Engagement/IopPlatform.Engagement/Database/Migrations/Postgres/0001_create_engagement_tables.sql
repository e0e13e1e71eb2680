-- Engagement: drift alerts, outreach tasks and safety alerts with their history, the outreach log, and the outbox
-- the Integration module dispatches (webhooks, email). Enrollment ids are references to another module: no foreign key.
-- The alert tables of Enrollment's 0010 are not copied (README decision: pre-release data); Enrollment 0030 drops them.

CREATE TABLE engagement_alert (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL,
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
CREATE UNIQUE INDEX ux_engagement_alert_open_key ON engagement_alert (open_key);
CREATE INDEX ix_engagement_alert_case_manager ON engagement_alert (case_manager_id, status, id);
CREATE INDEX ix_engagement_alert_clinician ON engagement_alert (clinician_id, status, id);
CREATE INDEX ix_engagement_alert_enrollment ON engagement_alert (enrollment_id, rule_code, id);
CREATE INDEX ix_engagement_alert_status ON engagement_alert (status, raised_at);

CREATE TABLE engagement_alert_history (
    id uuid NOT NULL PRIMARY KEY,
    alert_id uuid NOT NULL REFERENCES engagement_alert (id),
    action varchar(32) NOT NULL,
    from_status varchar(32) NULL,
    to_status varchar(32) NOT NULL,
    severity varchar(16) NOT NULL,
    actor varchar(200) NOT NULL,
    at timestamptz NOT NULL,
    detail text NULL
);

CREATE INDEX ix_engagement_alert_history_alert ON engagement_alert_history (alert_id, id);

CREATE TABLE engagement_outreach_attempt (
    id uuid NOT NULL PRIMARY KEY,
    alert_id uuid NOT NULL REFERENCES engagement_alert (id),
    enrollment_id uuid NOT NULL,
    channel varchar(32) NOT NULL,
    outcome varchar(32) NOT NULL,
    barriers text NOT NULL,
    note text NULL,
    attempted_at timestamptz NOT NULL,
    recorded_by varchar(200) NOT NULL,
    recorded_at timestamptz NOT NULL
);

CREATE INDEX ix_engagement_outreach_attempt_enrollment ON engagement_outreach_attempt (enrollment_id, attempted_at);
CREATE INDEX ix_engagement_outreach_attempt_alert ON engagement_outreach_attempt (alert_id, id);

CREATE TABLE engagement_outbox (
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

CREATE INDEX ix_engagement_outbox_pending ON engagement_outbox (dispatched_at, id);
