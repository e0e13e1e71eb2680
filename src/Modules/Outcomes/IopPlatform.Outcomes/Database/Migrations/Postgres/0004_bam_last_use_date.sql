-- Issue 18 item 1: a BAM may carry the patient's self-reported date of last use, which dates the use its 30-day look-back
-- reports (sustained-abstinence milestone); null when not given.
ALTER TABLE outcomes_measure ADD COLUMN last_use_on date NULL;
