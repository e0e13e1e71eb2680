-- Every version of every program's drift rule pack, kept: the one in force is the highest version; a program without a
-- row follows DriftRulePack.Default of the running release (version 0).
CREATE TABLE engagement_rule_pack_version (
    program_id uniqueidentifier NOT NULL,
    version int NOT NULL,
    rule_pack nvarchar(max) NOT NULL,
    changed_by nvarchar(200) NOT NULL,
    changed_at datetimeoffset NOT NULL,
    PRIMARY KEY (program_id, version)
);
