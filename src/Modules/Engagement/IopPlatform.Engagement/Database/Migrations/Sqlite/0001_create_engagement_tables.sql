-- Engagement: drift alerts, outreach tasks and safety alerts with their history, the outreach log, and the outbox
-- the Integration module dispatches (webhooks, email). Enrollment ids are references to another module: no foreign key.
-- The alert tables of Enrollment's 0010 are not copied (README decision: pre-release data); Enrollment 0030 drops them.

CREATE TABLE engagement_alert (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    alert_type TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    open_key TEXT NULL,
    flags TEXT NOT NULL,
    basis TEXT NOT NULL,
    inputs TEXT NOT NULL,
    evidence TEXT NOT NULL,
    case_manager_id TEXT NULL,
    case_manager_name TEXT NULL,
    supervisor_id TEXT NULL,
    supervisor_name TEXT NULL,
    clinician_id TEXT NULL,
    due_at TEXT NULL,
    source_id TEXT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    acknowledged_at TEXT NULL,
    acknowledged_by TEXT NULL,
    escalated_at TEXT NULL,
    resolved_at TEXT NULL,
    resolved_by TEXT NULL,
    resolution TEXT NULL,
    version INTEGER NOT NULL
);

-- At most one unresolved alert per enrollment and rule: open_key is '<enrollment id>|<rule>' until resolved, then NULL.
CREATE UNIQUE INDEX ux_engagement_alert_open_key ON engagement_alert (open_key);
CREATE INDEX ix_engagement_alert_case_manager ON engagement_alert (case_manager_id, status, id);
CREATE INDEX ix_engagement_alert_clinician ON engagement_alert (clinician_id, status, id);
CREATE INDEX ix_engagement_alert_enrollment ON engagement_alert (enrollment_id, rule_code, id);
CREATE INDEX ix_engagement_alert_status ON engagement_alert (status, raised_at);

CREATE TABLE engagement_alert_history (
    id TEXT NOT NULL PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES engagement_alert (id),
    action TEXT NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NOT NULL,
    severity TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NULL
);

CREATE INDEX ix_engagement_alert_history_alert ON engagement_alert_history (alert_id, id);

CREATE TABLE engagement_outreach_attempt (
    id TEXT NOT NULL PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES engagement_alert (id),
    enrollment_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL,
    barriers TEXT NOT NULL,
    note TEXT NULL,
    attempted_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE INDEX ix_engagement_outreach_attempt_enrollment ON engagement_outreach_attempt (enrollment_id, attempted_at);
CREATE INDEX ix_engagement_outreach_attempt_alert ON engagement_outreach_attempt (alert_id, id);

CREATE TABLE engagement_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    event_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    patient_id TEXT NULL,
    notify_user_ids TEXT NOT NULL,
    severity TEXT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    dispatched_at TEXT NULL
);

CREATE INDEX ix_engagement_outbox_pending ON engagement_outbox (dispatched_at, id);
