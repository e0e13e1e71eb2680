-- Every version of every program's drift rule pack, kept: the one in force is the highest version; a program without a
-- row follows DriftRulePack.Default of the running release (version 0).
CREATE TABLE engagement_rule_pack_version (
    program_id uuid NOT NULL,
    version integer NOT NULL,
    rule_pack text NOT NULL,
    changed_by varchar(200) NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (program_id, version)
);
