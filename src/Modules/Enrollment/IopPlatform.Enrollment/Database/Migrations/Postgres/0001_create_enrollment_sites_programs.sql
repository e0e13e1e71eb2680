CREATE TABLE enrollment_site (
    id uuid NOT NULL PRIMARY KEY,
    name varchar(200) NOT NULL,
    time_zone varchar(64) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE enrollment_program (
    id uuid NOT NULL PRIMARY KEY,
    site_id uuid NOT NULL REFERENCES enrollment_site (id),
    name varchar(200) NOT NULL,
    level_of_care varchar(32) NOT NULL,
    required_hours_adult numeric(5, 2) NOT NULL,
    required_hours_adolescent numeric(5, 2) NOT NULL,
    expected_length_weeks integer NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX ix_enrollment_program_site ON enrollment_program (site_id, id);
