-- Engagement: drift alerts, outreach tasks and safety alerts with their history, the outreach log, and the outbox
-- the Integration module dispatches (webhooks, email). Enrollment ids are references to another module: no foreign key.
-- The alert tables of Enrollment's 0010 are not copied (README decision: pre-release data); Enrollment 0030 drops them.

CREATE TABLE engagement_alert (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL,
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
CREATE UNIQUE INDEX ux_engagement_alert_open_key ON engagement_alert (open_key) WHERE open_key IS NOT NULL;
CREATE INDEX ix_engagement_alert_case_manager ON engagement_alert (case_manager_id, status, id);
CREATE INDEX ix_engagement_alert_clinician ON engagement_alert (clinician_id, status, id);
CREATE INDEX ix_engagement_alert_enrollment ON engagement_alert (enrollment_id, rule_code, id);
CREATE INDEX ix_engagement_alert_status ON engagement_alert (status, raised_at);

CREATE TABLE engagement_alert_history (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    alert_id uniqueidentifier NOT NULL REFERENCES engagement_alert (id),
    action nvarchar(32) NOT NULL,
    from_status nvarchar(32) NULL,
    to_status nvarchar(32) NOT NULL,
    severity nvarchar(16) NOT NULL,
    actor nvarchar(200) NOT NULL,
    at datetimeoffset NOT NULL,
    detail nvarchar(max) NULL
);

CREATE INDEX ix_engagement_alert_history_alert ON engagement_alert_history (alert_id, id);

CREATE TABLE engagement_outreach_attempt (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    alert_id uniqueidentifier NOT NULL REFERENCES engagement_alert (id),
    enrollment_id uniqueidentifier NOT NULL,
    channel nvarchar(32) NOT NULL,
    outcome nvarchar(32) NOT NULL,
    barriers nvarchar(max) NOT NULL,
    note nvarchar(max) NULL,
    attempted_at datetimeoffset NOT NULL,
    recorded_by nvarchar(200) NOT NULL,
    recorded_at datetimeoffset NOT NULL
);

CREATE INDEX ix_engagement_outreach_attempt_enrollment ON engagement_outreach_attempt (enrollment_id, attempted_at);
CREATE INDEX ix_engagement_outreach_attempt_alert ON engagement_outreach_attempt (alert_id, id);

CREATE TABLE engagement_outbox (
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

CREATE INDEX ix_engagement_outbox_pending ON engagement_outbox (dispatched_at, id);
