-- The audit trail (HIPAA 164.312(b), 42 CFR Part 2): append-only and hash-chained. The writer assigns sequence and
-- the chain; the triggers below make the table refuse UPDATE and DELETE (SQLite has no TRUNCATE: a DELETE without
-- WHERE still fires the trigger because triggers disable the truncate optimisation).
CREATE TABLE platform_audit_event (
    id TEXT NOT NULL PRIMARY KEY,
    sequence INTEGER NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_name TEXT NULL,
    roles TEXT NOT NULL,
    patient_id TEXT NULL,
    data_category TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_id TEXT NULL,
    outcome TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    client_address TEXT NULL,
    purpose TEXT NOT NULL,
    break_glass INTEGER NOT NULL DEFAULT 0,
    break_glass_reason TEXT NULL,
    trace_id TEXT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX ix_platform_audit_event_patient ON platform_audit_event (patient_id, sequence);
CREATE INDEX ix_platform_audit_event_actor ON platform_audit_event (actor_id, sequence);
CREATE INDEX ix_platform_audit_event_occurred ON platform_audit_event (occurred_at);

CREATE TRIGGER platform_audit_event_no_update BEFORE UPDATE ON platform_audit_event
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_event is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER platform_audit_event_no_delete BEFORE DELETE ON platform_audit_event
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_event is append-only: DELETE is not allowed');
END;
