-- Truncation evidence for the audit trail (issue 19). platform_audit_head is the chain's counter: the writer takes the
-- next sequence and previous hash from it, never from the newest stored row, so deleting the newest rows leaves a gap
-- that verify reports instead of a shorter chain that still verifies, and sequence numbers are never reused.
-- platform_audit_checkpoint holds signed heads (signed with a key the database does not hold): a checkpoint newer
-- than the chain's end proves rows were removed even if the counter was reset too.
CREATE TABLE platform_audit_head (
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    sequence bigint NOT NULL,
    hash char(64) NOT NULL
);

INSERT INTO platform_audit_head (id, sequence, hash)
SELECT 1,
       COALESCE((SELECT MAX(sequence) FROM platform_audit_event), 0),
       COALESCE((SELECT hash FROM platform_audit_event ORDER BY sequence DESC LIMIT 1), repeat('0', 64));

CREATE FUNCTION platform_audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.sequence <= OLD.sequence OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'platform_audit_head only moves forward: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER platform_audit_head_forward_only BEFORE UPDATE OR DELETE ON platform_audit_head
    FOR EACH ROW EXECUTE FUNCTION platform_audit_head_forward_only();

CREATE TRIGGER platform_audit_head_no_truncate BEFORE TRUNCATE ON platform_audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_event_refuse_change();

CREATE TABLE platform_audit_checkpoint (
    sequence bigint NOT NULL PRIMARY KEY,
    hash char(64) NOT NULL,
    created_at timestamptz NOT NULL,
    key_id varchar(64) NOT NULL,
    signature text NOT NULL
);

CREATE TRIGGER platform_audit_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON platform_audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION platform_audit_event_refuse_change();

CREATE TRIGGER platform_audit_checkpoint_no_truncate BEFORE TRUNCATE ON platform_audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_event_refuse_change();
