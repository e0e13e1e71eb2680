-- Engagement: drift alerts, outreach tasks and safety alerts with their history, the outreach log, and the outbox
-- the Integration module dispatches (webhooks, email).

CREATE TABLE enrollment_alert (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL REFERENCES enrollment_enrollment (id),
    patient_id uniqueidentifier NOT NULL,
    program_id uniqueidentifier NOT NULL,
    alert_type nvarchar(32) NOT NULL,
    rule_code nvarchar(64) NOT NULL,
    severity nvarchar(16) NOT NULL,
    status nvarchar(32) NOT NULL,
    open_key nvarchar(120) NULL,
    flags nvarchar(max) NOT NULL,
    basis nvarchar(max) NOT NULL,
    inputs nvarchar(max) NOT NULL,
    evidence nvarchar(max) NOT NULL,
    case_manager_id nvarchar(200) NULL,
    case_manager_name nvarchar(200) NULL,
    supervisor_id nvarchar(200) NULL,
    supervisor_name nvarchar(200) NULL,
    clinician_id nvarchar(200) NULL,
    due_at datetimeoffset NULL,
    source_id uniqueidentifier NULL,
    raised_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL,
    acknowledged_at datetimeoffset NULL,
    acknowledged_by nvarchar(200) NULL,
    escalated_at datetimeoffset NULL,
    resolved_at datetimeoffset NULL,
    resolved_by nvarchar(200) NULL,
    resolution nvarchar(max) NULL,
    version int NOT NULL
);

-- At most one unresolved alert per enrollment and rule: open_key is '<enrollment id>|<rule>' until resolved, then NULL.
CREATE UNIQUE INDEX ux_enrollment_alert_open_key ON enrollment_alert (open_key) WHERE open_key IS NOT NULL;
CREATE INDEX ix_enrollment_alert_case_manager ON enrollment_alert (case_manager_id, status, id);
CREATE INDEX ix_enrollment_alert_clinician ON enrollment_alert (clinician_id, status, id);
CREATE INDEX ix_enrollment_alert_enrollment ON enrollment_alert (enrollment_id, rule_code, id);
CREATE INDEX ix_enrollment_alert_status ON enrollment_alert (status, raised_at);

CREATE TABLE enrollment_alert_history (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    alert_id uniqueidentifier NOT NULL REFERENCES enrollment_alert (id),
    action nvarchar(32) NOT NULL,
    from_status nvarchar(32) NULL,
    to_status nvarchar(32) NOT NULL,
    severity nvarchar(16) NOT NULL,
    actor nvarchar(200) NOT NULL,
    at datetimeoffset NOT NULL,
    detail nvarchar(max) NULL
);

CREATE INDEX ix_enrollment_alert_history_alert ON enrollment_alert_history (alert_id, id);

CREATE TABLE enrollment_outreach_attempt (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    alert_id uniqueidentifier NOT NULL REFERENCES enrollment_alert (id),
    enrollment_id uniqueidentifier NOT NULL REFERENCES enrollment_enrollment (id),
    channel nvarchar(32) NOT NULL,
    outcome nvarchar(32) NOT NULL,
    barriers nvarchar(max) NOT NULL,
    note nvarchar(max) NULL,
    attempted_at datetimeoffset NOT NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL
);

CREATE INDEX ix_enrollment_outreach_attempt_enrollment ON enrollment_outreach_attempt (enrollment_id, attempted_at);
CREATE INDEX ix_enrollment_outreach_attempt_alert ON enrollment_outreach_attempt (alert_id, id);

CREATE TABLE enrollment_outbox (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_type nvarchar(100) NOT NULL,
    aggregate_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NULL,
    notify_user_ids nvarchar(max) NOT NULL,
    severity nvarchar(16) NULL,
    payload nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NOT NULL,
    dispatched_at datetimeoffset NULL
);

CREATE INDEX ix_enrollment_outbox_pending ON enrollment_outbox (dispatched_at, id);
