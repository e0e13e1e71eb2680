-- Issue 18 item 5: the PCL-5 provisional-PTSD cut-off per program (31–33, Bovin et al. 2016); without a row the
-- platform setting Outcomes:Pcl5ProvisionalPtsdThreshold applies.
CREATE TABLE outcomes_program_pcl5_cut_off (
    program_id uniqueidentifier NOT NULL PRIMARY KEY,
    threshold int NOT NULL,
    updated_by nvarchar(200) NOT NULL,
    updated_at datetimeoffset NOT NULL,
    version int NOT NULL
);
