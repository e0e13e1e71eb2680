-- The drift rule pack moved to the Engagement module (GET/PUT /programs/{id}/rule-pack, every version kept there). Packs
-- stored here are not copied (one module's migration does not name another's tables): such a program follows the
-- defaults until a PUT sets its pack again.
ALTER TABLE enrollment_program DROP COLUMN rule_pack;
