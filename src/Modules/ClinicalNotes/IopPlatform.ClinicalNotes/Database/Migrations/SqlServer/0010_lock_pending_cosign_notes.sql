-- A note signed by its author and awaiting co-signature (pending_cosign) is frozen from the author's signature (issue
-- 19): the database refuses a DELETE and any UPDATE that changes its content. The only changes allowed are the two
-- the supervisor makes: co-sign (adds the co-signature and locks) and return for revision (status returned, comments).
-- THROW in an AFTER trigger rolls the whole statement back.
CREATE TRIGGER clinical_notes_note_pending_cosign_frozen ON clinical_notes_note
AFTER UPDATE, DELETE
AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (
        SELECT 1 FROM deleted d
        WHERE d.status = 'pending_cosign'
          AND (
              NOT EXISTS (SELECT 1 FROM inserted i WHERE i.id = d.id AND i.status IN ('cosigned', 'returned'))
              OR EXISTS (
                  SELECT d.enrollment_id, d.patient_id, d.kind, d.format, d.session_id, d.group_note_id, d.service_date,
                         d.start_time, d.end_time, d.sections, d.goal_ids, d.author_id, d.author_name, d.author_credentials,
                         d.requires_cosign, d.due_at, d.created_at
                  EXCEPT
                  SELECT i.enrollment_id, i.patient_id, i.kind, i.format, i.session_id, i.group_note_id, i.service_date,
                         i.start_time, i.end_time, i.sections, i.goal_ids, i.author_id, i.author_name, i.author_credentials,
                         i.requires_cosign, i.due_at, i.created_at
                  FROM inserted i WHERE i.id = d.id)))
        THROW 51002, 'clinical_notes_note is signed and awaiting co-signature: its content cannot be changed', 1;
END;
GO
