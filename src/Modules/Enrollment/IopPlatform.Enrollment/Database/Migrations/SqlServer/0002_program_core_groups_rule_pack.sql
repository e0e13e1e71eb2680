ALTER TABLE enrollment_program ADD rule_pack nvarchar(max) NULL;

CREATE TABLE enrollment_program_core_group (
    program_id uniqueidentifier NOT NULL REFERENCES enrollment_program (id),
    group_id uniqueidentifier NOT NULL,
    position int NOT NULL,
    PRIMARY KEY (program_id, group_id)
);
