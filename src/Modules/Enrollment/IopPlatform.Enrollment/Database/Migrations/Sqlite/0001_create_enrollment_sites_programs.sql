CREATE TABLE enrollment_site (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE enrollment_program (
    id TEXT NOT NULL PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES enrollment_site (id),
    name TEXT NOT NULL,
    level_of_care TEXT NOT NULL,
    required_hours_adult NUMERIC NOT NULL,
    required_hours_adolescent NUMERIC NOT NULL,
    expected_length_weeks INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_enrollment_program_site ON enrollment_program (site_id, id);
