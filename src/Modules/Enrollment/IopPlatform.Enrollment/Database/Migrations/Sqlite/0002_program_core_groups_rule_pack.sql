ALTER TABLE enrollment_program ADD COLUMN rule_pack TEXT NULL;

CREATE TABLE enrollment_program_core_group (
    program_id TEXT NOT NULL REFERENCES enrollment_program (id),
    group_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (program_id, group_id)
);
