CREATE TABLE enrollment_site (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    name nvarchar(200) NOT NULL,
    time_zone nvarchar(64) NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL
);

CREATE TABLE enrollment_program (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    site_id uniqueidentifier NOT NULL REFERENCES enrollment_site (id),
    name nvarchar(200) NOT NULL,
    level_of_care nvarchar(32) NOT NULL,
    required_hours_adult decimal(5, 2) NOT NULL,
    required_hours_adolescent decimal(5, 2) NOT NULL,
    expected_length_weeks int NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL
);

CREATE INDEX ix_enrollment_program_site ON enrollment_program (site_id, id);
