-- The audit trail (HIPAA 164.312(b), 42 CFR Part 2): append-only and hash-chained. The writer assigns sequence and
-- the chain; the triggers below make the table refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE platform_audit_event (
    id uuid NOT NULL PRIMARY KEY,
    sequence bigint NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    actor_id varchar(200) NOT NULL,
    actor_type varchar(32) NOT NULL,
    actor_name varchar(200) NULL,
    roles varchar(400) NOT NULL,
    patient_id uuid NULL,
    data_category varchar(64) NOT NULL,
    action varchar(64) NOT NULL,
    resource varchar(400) NOT NULL,
    resource_id varchar(200) NULL,
    outcome varchar(16) NOT NULL,
    status_code integer NOT NULL,
    client_address varchar(64) NULL,
    purpose varchar(64) NOT NULL,
    break_glass boolean NOT NULL DEFAULT false,
    break_glass_reason varchar(1000) NULL,
    trace_id varchar(64) NULL,
    previous_hash char(64) NOT NULL,
    hash char(64) NOT NULL
);

CREATE INDEX ix_platform_audit_event_patient ON platform_audit_event (patient_id, sequence);
CREATE INDEX ix_platform_audit_event_actor ON platform_audit_event (actor_id, sequence);
CREATE INDEX ix_platform_audit_event_occurred ON platform_audit_event (occurred_at);

CREATE FUNCTION platform_audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'platform_audit_event is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER platform_audit_event_no_update_delete BEFORE UPDATE OR DELETE ON platform_audit_event
    FOR EACH ROW EXECUTE FUNCTION platform_audit_event_refuse_change();

CREATE TRIGGER platform_audit_event_no_truncate BEFORE TRUNCATE ON platform_audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_event_refuse_change();
