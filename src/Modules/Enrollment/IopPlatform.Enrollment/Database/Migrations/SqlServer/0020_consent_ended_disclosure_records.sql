-- A consent that ended on its expiry event keeps the moment it ended, so a later referral never revives it; each
-- accounting entry names the records disclosed and the purpose the recipient declared next to the consent's purpose.

ALTER TABLE enrollment_consent ADD ended_at datetimeoffset NULL;
ALTER TABLE enrollment_disclosure ADD records nvarchar(max) NULL;
ALTER TABLE enrollment_disclosure ADD purpose_of_use nvarchar(64) NULL;
ALTER TABLE enrollment_disclosure ALTER COLUMN purpose nvarchar(500) NOT NULL;
GO

UPDATE enrollment_consent SET ended_at = (
    SELECT MIN(h.changed_at) FROM enrollment_status_history h JOIN enrollment_enrollment e ON e.id = h.enrollment_id
    WHERE e.patient_id = enrollment_consent.patient_id AND h.to_status = 'discharged' AND h.changed_at >= enrollment_consent.signed_at)
WHERE expiry_event IS NOT NULL;
