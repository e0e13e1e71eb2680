-- A note signed by its author and awaiting co-signature (pending_cosign) is frozen from the author's signature (issue
-- 19): the database refuses a DELETE and any UPDATE that changes its content. The only changes allowed are the two
-- the supervisor makes: co-sign (adds the co-signature and locks) and return for revision (status returned, comments).
CREATE FUNCTION clinical_notes_note_refuse_pending_cosign_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.status NOT IN ('cosigned', 'returned')
        OR (NEW.id, NEW.enrollment_id, NEW.patient_id, NEW.kind, NEW.format, NEW.session_id, NEW.group_note_id,
            NEW.service_date, NEW.start_time, NEW.end_time, NEW.sections, NEW.goal_ids, NEW.author_id, NEW.author_name,
            NEW.author_credentials, NEW.requires_cosign, NEW.due_at, NEW.created_at)
           IS DISTINCT FROM
           (OLD.id, OLD.enrollment_id, OLD.patient_id, OLD.kind, OLD.format, OLD.session_id, OLD.group_note_id,
            OLD.service_date, OLD.start_time, OLD.end_time, OLD.sections, OLD.goal_ids, OLD.author_id, OLD.author_name,
            OLD.author_credentials, OLD.requires_cosign, OLD.due_at, OLD.created_at)
    THEN
        RAISE EXCEPTION 'clinical_notes_note is signed and awaiting co-signature: % of its content is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER clinical_notes_note_pending_cosign_frozen BEFORE UPDATE OR DELETE ON clinical_notes_note
    FOR EACH ROW WHEN (OLD.status = 'pending_cosign') EXECUTE FUNCTION clinical_notes_note_refuse_pending_cosign_change();
