-- Local copy of the enrollment facts Scheduling needs, kept current by Enrollment's notifications.
CREATE TABLE scheduling_enrollment (
    enrollment_id uuid NOT NULL PRIMARY KEY,
    patient_id uuid NOT NULL,
    program_id uuid NOT NULL,
    site_id uuid NOT NULL,
    status varchar(20) NOT NULL,
    required_minutes_per_week integer NOT NULL,
    age_group varchar(20) NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ix_scheduling_enrollment_patient ON scheduling_enrollment (patient_id);

CREATE TABLE scheduling_group (
    id uuid NOT NULL PRIMARY KEY,
    site_id uuid NOT NULL,
    time_zone varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    track varchar(100) NULL,
    session_kind varchar(40) NOT NULL,
    capacity integer NOT NULL CHECK (capacity >= 1),
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE scheduling_group_facilitator (
    group_id uuid NOT NULL REFERENCES scheduling_group (id),
    staff_id varchar(100) NOT NULL,
    PRIMARY KEY (group_id, staff_id)
);

CREATE INDEX ix_scheduling_group_facilitator_staff ON scheduling_group_facilitator (staff_id);

-- A recurrence is a chain of rules, each valid for a date range: changing it "from a date onward" closes one rule
-- and opens the next, so dates not yet materialised still get the right times.
CREATE TABLE scheduling_group_recurrence (
    id uuid NOT NULL PRIMARY KEY,
    group_id uuid NOT NULL REFERENCES scheduling_group (id),
    valid_from date NOT NULL,
    valid_until date NULL,
    days_of_week varchar(80) NOT NULL,
    start_time time NOT NULL,
    end_time time NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX ix_scheduling_group_recurrence_group ON scheduling_group_recurrence (group_id, valid_from);

CREATE TABLE scheduling_session (
    id uuid NOT NULL PRIMARY KEY,
    group_id uuid NOT NULL REFERENCES scheduling_group (id),
    local_date date NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    status varchar(20) NOT NULL,
    status_reason varchar(500) NULL,
    missed_checked_at timestamptz NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_session_group_date ON scheduling_session (group_id, local_date);
CREATE INDEX ix_scheduling_session_ends ON scheduling_session (ends_at);
CREATE INDEX ix_scheduling_session_group_starts ON scheduling_session (group_id, starts_at);

CREATE TABLE scheduling_group_member (
    id uuid NOT NULL PRIMARY KEY,
    group_id uuid NOT NULL REFERENCES scheduling_group (id),
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    status varchar(20) NOT NULL,
    joined_at timestamptz NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_group_member ON scheduling_group_member (group_id, enrollment_id);
CREATE INDEX ix_scheduling_group_member_enrollment ON scheduling_group_member (enrollment_id);

CREATE TABLE scheduling_booking (
    id uuid NOT NULL PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES scheduling_session (id),
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    source varchar(10) NOT NULL,
    status varchar(20) NOT NULL,
    cancel_reason varchar(40) NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_booking ON scheduling_booking (session_id, enrollment_id);
CREATE INDEX ix_scheduling_booking_enrollment ON scheduling_booking (enrollment_id);

CREATE TABLE scheduling_attendance (
    id uuid NOT NULL PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES scheduling_session (id),
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    status varchar(30) NOT NULL,
    minutes integer NOT NULL,
    check_in_at timestamptz NULL,
    check_out_at timestamptz NULL,
    telehealth boolean NOT NULL,
    notice_given_at timestamptz NULL,
    note varchar(1000) NULL,
    source varchar(20) NOT NULL,
    recorded_by varchar(100) NOT NULL,
    recorded_at timestamptz NOT NULL,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL
);

-- One attendance per patient per session: makes the missed-session job idempotent across runs and servers.
CREATE UNIQUE INDEX ux_scheduling_attendance ON scheduling_attendance (session_id, enrollment_id);
CREATE INDEX ix_scheduling_attendance_enrollment ON scheduling_attendance (enrollment_id);

CREATE TABLE scheduling_attendance_history (
    id uuid NOT NULL PRIMARY KEY,
    attendance_id uuid NOT NULL REFERENCES scheduling_attendance (id),
    changed_by varchar(100) NOT NULL,
    changed_at timestamptz NOT NULL,
    reason varchar(1000) NOT NULL,
    old_values text NOT NULL,
    new_values text NOT NULL
);

CREATE INDEX ix_scheduling_attendance_history ON scheduling_attendance_history (attendance_id, changed_at);

CREATE TABLE scheduling_attendance_not_taken (
    session_id uuid NOT NULL PRIMARY KEY REFERENCES scheduling_session (id),
    group_id uuid NOT NULL,
    flagged_at timestamptz NOT NULL,
    resolved_at timestamptz NULL
);

CREATE TABLE scheduling_appointment (
    id uuid NOT NULL PRIMARY KEY,
    kind varchar(40) NOT NULL,
    clinician_id varchar(100) NOT NULL,
    enrollment_id uuid NOT NULL,
    patient_id uuid NOT NULL,
    site_id uuid NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    status varchar(20) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX ix_scheduling_appointment_clinician ON scheduling_appointment (clinician_id, starts_at);
CREATE INDEX ix_scheduling_appointment_patient ON scheduling_appointment (patient_id, starts_at);

CREATE TABLE scheduling_outbox (
    id uuid NOT NULL PRIMARY KEY,
    event_type varchar(100) NOT NULL,
    payload text NOT NULL,
    occurred_at timestamptz NOT NULL,
    dispatched_at timestamptz NULL
);

CREATE INDEX ix_scheduling_outbox_pending ON scheduling_outbox (dispatched_at, id);
