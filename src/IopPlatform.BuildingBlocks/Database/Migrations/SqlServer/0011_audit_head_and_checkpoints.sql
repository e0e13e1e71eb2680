-- Truncation evidence for the audit trail (issue 19). platform_audit_head is the chain's counter: the writer takes the
-- next sequence and previous hash from it, never from the newest stored row, so deleting the newest rows leaves a gap
-- that verify reports instead of a shorter chain that still verifies, and sequence numbers are never reused.
-- platform_audit_checkpoint holds signed heads (signed with a key the database does not hold): a checkpoint newer
-- than the chain's end proves rows were removed even if the counter was reset too.
CREATE TABLE platform_audit_head (
    id int NOT NULL CONSTRAINT pk_platform_audit_head PRIMARY KEY CONSTRAINT ck_platform_audit_head_single CHECK (id = 1),
    sequence bigint NOT NULL,
    hash char(64) NOT NULL
);

INSERT INTO platform_audit_head (id, sequence, hash)
SELECT 1,
       COALESCE((SELECT MAX(sequence) FROM platform_audit_event), 0),
       COALESCE((SELECT TOP (1) hash FROM platform_audit_event ORDER BY sequence DESC), REPLICATE('0', 64));
GO

CREATE TRIGGER platform_audit_head_forward_only ON platform_audit_head
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    IF NOT EXISTS (SELECT 1 FROM inserted)
       OR EXISTS (SELECT 1 FROM inserted i JOIN deleted d ON d.id = i.id WHERE i.sequence <= d.sequence)
       OR EXISTS (SELECT 1 FROM deleted d WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.id = d.id))
        THROW 51000, 'platform_audit_head only moves forward', 1;
END;
GO

CREATE TABLE platform_audit_checkpoint (
    sequence bigint NOT NULL CONSTRAINT pk_platform_audit_checkpoint PRIMARY KEY,
    hash char(64) NOT NULL,
    created_at datetimeoffset(7) NOT NULL,
    key_id nvarchar(64) NOT NULL,
    signature nvarchar(max) NOT NULL
);
GO

CREATE TRIGGER platform_audit_checkpoint_refuse_change ON platform_audit_checkpoint
INSTEAD OF UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    THROW 51000, 'platform_audit_checkpoint is append-only: UPDATE and DELETE are not allowed', 1;
END;
GO
