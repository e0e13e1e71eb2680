-- Every version of every program's drift rule pack, kept: the one in force is the highest version; a program without a
-- row follows DriftRulePack.Default of the running release (version 0).
CREATE TABLE engagement_rule_pack_version (
    program_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    rule_pack TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (program_id, version)
);
