-- Issue 18 item 5: the PCL-5 provisional-PTSD cut-off per program (31–33, Bovin et al. 2016); without a row the
-- platform setting Outcomes:Pcl5ProvisionalPtsdThreshold applies.
CREATE TABLE outcomes_program_pcl5_cut_off (
    program_id TEXT NOT NULL PRIMARY KEY,
    threshold INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
