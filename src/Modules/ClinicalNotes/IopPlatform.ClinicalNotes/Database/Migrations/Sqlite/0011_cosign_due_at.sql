-- A note awaiting co-signature has a deadline of its own (issue 18 item 8): ClinicalNotes:CosignDueHours (default 72 h)
-- after the author's signature, fixed when the note is signed so a later change of the setting does not move it.
-- Notes already pending are not backfilled (migration 0010 freezes them): readers take the default 72 h from their
-- signature while cosign_due_at is NULL.
ALTER TABLE clinical_notes_note ADD COLUMN cosign_due_at TEXT NULL;

CREATE INDEX ix_clinical_notes_note_cosign_due ON clinical_notes_note (status, cosign_due_at);
