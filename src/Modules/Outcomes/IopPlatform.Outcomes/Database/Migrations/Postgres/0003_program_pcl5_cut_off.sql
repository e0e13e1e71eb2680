-- Issue 18 item 5: the PCL-5 provisional-PTSD cut-off per program (31–33, Bovin et al. 2016); without a row the
-- platform setting Outcomes:Pcl5ProvisionalPtsdThreshold applies.
CREATE TABLE outcomes_program_pcl5_cut_off (
    program_id uuid NOT NULL PRIMARY KEY,
    threshold integer NOT NULL,
    updated_by varchar(200) NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
);
