-- The audit trail (HIPAA 164.312(b), 42 CFR Part 2): append-only and hash-chained. The writer assigns sequence and
-- the chain; the trigger below makes the table refuse UPDATE and DELETE.
CREATE TABLE platform_audit_event (
    id uniqueidentifier NOT NULL CONSTRAINT pk_platform_audit_event PRIMARY KEY NONCLUSTERED,
    sequence bigint NOT NULL,
    occurred_at datetimeoffset(7) NOT NULL,
    actor_id nvarchar(200) NOT NULL,
    actor_type nvarchar(32) NOT NULL,
    actor_name nvarchar(200) NULL,
    roles nvarchar(400) NOT NULL,
    patient_id uniqueidentifier NULL,
    data_category nvarchar(64) NOT NULL,
    action nvarchar(64) NOT NULL,
    resource nvarchar(400) NOT NULL,
    resource_id nvarchar(200) NULL,
    outcome nvarchar(16) NOT NULL,
    status_code int NOT NULL,
    client_address nvarchar(64) NULL,
    purpose nvarchar(64) NOT NULL,
    break_glass bit NOT NULL CONSTRAINT df_platform_audit_event_break_glass DEFAULT 0,
    break_glass_reason nvarchar(1000) NULL,
    trace_id nvarchar(64) NULL,
    previous_hash char(64) NOT NULL,
    hash char(64) NOT NULL,
    CONSTRAINT ux_platform_audit_event_sequence UNIQUE CLUSTERED (sequence)
);

CREATE INDEX ix_platform_audit_event_patient ON platform_audit_event (patient_id, sequence);
CREATE INDEX ix_platform_audit_event_actor ON platform_audit_event (actor_id, sequence);
CREATE INDEX ix_platform_audit_event_occurred ON platform_audit_event (occurred_at);
GO

-- TRUNCATE does not fire triggers on SQL Server; the application's login must not hold ALTER on the table.
CREATE TRIGGER platform_audit_event_refuse_change ON platform_audit_event
INSTEAD OF UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    THROW 51000, 'platform_audit_event is append-only: UPDATE and DELETE are not allowed', 1;
END;
GO
