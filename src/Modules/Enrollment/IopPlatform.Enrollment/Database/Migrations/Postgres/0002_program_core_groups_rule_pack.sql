ALTER TABLE enrollment_program ADD COLUMN rule_pack text NULL;

CREATE TABLE enrollment_program_core_group (
    program_id uuid NOT NULL REFERENCES enrollment_program (id),
    group_id uuid NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (program_id, group_id)
);
