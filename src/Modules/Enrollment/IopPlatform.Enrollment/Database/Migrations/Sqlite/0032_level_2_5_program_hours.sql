-- Required weekly hours follow the level of care (issue 18 item 6): ASAM level 2.5 (partial hospitalisation /
-- high-intensity outpatient) is at least 20 hours a week. Programs at 2.5 created before this release without hours were
-- given the level 2.1 defaults (9 adult / 6 adolescent); a 2.5 program that still carries exactly that pair is taken
-- to have been defaulted and is set to 20 / 20. Any other explicit value is kept.
UPDATE enrollment_program SET required_hours_adult = 20, required_hours_adolescent = 20, version = version + 1
WHERE level_of_care LIKE 'asam-%:2.5' AND required_hours_adult = 9 AND required_hours_adolescent = 6;
