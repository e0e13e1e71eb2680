-- Truncation evidence for the audit trail (issue 19). platform_audit_head is the chain's counter: the writer takes the
-- next sequence and previous hash from it, never from the newest stored row, so deleting the newest rows leaves a gap
-- that verify reports instead of a shorter chain that still verifies, and sequence numbers are never reused.
-- platform_audit_checkpoint holds signed heads (signed with a key the database does not hold): a checkpoint newer
-- than the chain's end proves rows were removed even if the counter was reset too.
CREATE TABLE platform_audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO platform_audit_head (id, sequence, hash)
SELECT 1,
       COALESCE((SELECT MAX(sequence) FROM platform_audit_event), 0),
       COALESCE((SELECT hash FROM platform_audit_event ORDER BY sequence DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER platform_audit_head_forward_only BEFORE UPDATE ON platform_audit_head
WHEN NEW.sequence <= OLD.sequence OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_head only moves forward');
END;

CREATE TRIGGER platform_audit_head_no_delete BEFORE DELETE ON platform_audit_head
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_head cannot be deleted');
END;

CREATE TABLE platform_audit_checkpoint (
    sequence INTEGER NOT NULL PRIMARY KEY,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);

CREATE TRIGGER platform_audit_checkpoint_no_update BEFORE UPDATE ON platform_audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_checkpoint is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER platform_audit_checkpoint_no_delete BEFORE DELETE ON platform_audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'platform_audit_checkpoint is append-only: DELETE is not allowed');
END;
