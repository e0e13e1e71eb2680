-- A note signed by its author and awaiting co-signature (pending_cosign) is frozen from the author's signature (issue
-- 19): the database refuses a DELETE and any UPDATE that changes its content. The only changes allowed are the two
-- the supervisor makes: co-sign (adds the co-signature and locks) and return for revision (status returned, comments).
CREATE TRIGGER clinical_notes_note_pending_cosign_frozen BEFORE UPDATE ON clinical_notes_note
WHEN OLD.status = 'pending_cosign' AND (
    NEW.status NOT IN ('cosigned', 'returned')
    OR NEW.id IS NOT OLD.id OR NEW.enrollment_id IS NOT OLD.enrollment_id OR NEW.patient_id IS NOT OLD.patient_id
    OR NEW.kind IS NOT OLD.kind OR NEW.format IS NOT OLD.format OR NEW.session_id IS NOT OLD.session_id
    OR NEW.group_note_id IS NOT OLD.group_note_id OR NEW.service_date IS NOT OLD.service_date
    OR NEW.start_time IS NOT OLD.start_time OR NEW.end_time IS NOT OLD.end_time OR NEW.sections IS NOT OLD.sections
    OR NEW.goal_ids IS NOT OLD.goal_ids OR NEW.author_id IS NOT OLD.author_id OR NEW.author_name IS NOT OLD.author_name
    OR NEW.author_credentials IS NOT OLD.author_credentials OR NEW.requires_cosign IS NOT OLD.requires_cosign
    OR NEW.due_at IS NOT OLD.due_at OR NEW.created_at IS NOT OLD.created_at)
BEGIN
    SELECT RAISE(ABORT, 'clinical_notes_note is signed and awaiting co-signature: its content cannot be changed');
END;

CREATE TRIGGER clinical_notes_note_pending_cosign_no_delete BEFORE DELETE ON clinical_notes_note
WHEN OLD.status = 'pending_cosign'
BEGIN
    SELECT RAISE(ABORT, 'clinical_notes_note is signed and awaiting co-signature: it cannot be deleted');
END;
