-- One analyte vocabulary (issue 18 item 3): screening's prescribed analytes now use the drug-test panel's codes.
-- The only screening name the panel spelled differently is "cannabinoids", now "cannabis_thc" (what a THC
-- immunoassay reports; dronabinol and nabilone screen positive on it). The codes are stored as a JSON array of strings,
-- so the quoted name is replaced where it stands.
UPDATE enrollment_enrollment SET expected_positive_analytes = REPLACE(expected_positive_analytes, '"cannabinoids"', '"cannabis_thc"')
WHERE expected_positive_analytes LIKE '%"cannabinoids"%';
