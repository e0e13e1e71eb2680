-- Local copy of the enrollment facts Scheduling needs, kept current by Enrollment's notifications.
CREATE TABLE scheduling_enrollment (
    enrollment_id uniqueidentifier NOT NULL PRIMARY KEY,
    patient_id uniqueidentifier NOT NULL,
    program_id uniqueidentifier NOT NULL,
    site_id uniqueidentifier NOT NULL,
    status nvarchar(20) NOT NULL,
    required_minutes_per_week int NOT NULL,
    age_group nvarchar(20) NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE INDEX ix_scheduling_enrollment_patient ON scheduling_enrollment (patient_id);

CREATE TABLE scheduling_group (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    site_id uniqueidentifier NOT NULL,
    time_zone nvarchar(64) NOT NULL,
    name nvarchar(200) NOT NULL,
    track nvarchar(100) NULL,
    session_kind nvarchar(40) NOT NULL,
    capacity int NOT NULL CHECK (capacity >= 1),
    version int NOT NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE TABLE scheduling_group_facilitator (
    group_id uniqueidentifier NOT NULL REFERENCES scheduling_group (id),
    staff_id nvarchar(100) NOT NULL,
    PRIMARY KEY (group_id, staff_id)
);

CREATE INDEX ix_scheduling_group_facilitator_staff ON scheduling_group_facilitator (staff_id);

-- A recurrence is a chain of rules, each valid for a date range: changing it "from a date onward" closes one rule
-- and opens the next, so dates not yet materialised still get the right times.
CREATE TABLE scheduling_group_recurrence (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    group_id uniqueidentifier NOT NULL REFERENCES scheduling_group (id),
    valid_from date NOT NULL,
    valid_until date NULL,
    days_of_week nvarchar(80) NOT NULL,
    start_time time NOT NULL,
    end_time time NOT NULL,
    created_at datetimeoffset NOT NULL
);

CREATE INDEX ix_scheduling_group_recurrence_group ON scheduling_group_recurrence (group_id, valid_from);

CREATE TABLE scheduling_session (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    group_id uniqueidentifier NOT NULL REFERENCES scheduling_group (id),
    local_date date NOT NULL,
    starts_at datetimeoffset NOT NULL,
    ends_at datetimeoffset NOT NULL,
    status nvarchar(20) NOT NULL,
    status_reason nvarchar(500) NULL,
    missed_checked_at datetimeoffset NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_session_group_date ON scheduling_session (group_id, local_date);
CREATE INDEX ix_scheduling_session_ends ON scheduling_session (ends_at);
CREATE INDEX ix_scheduling_session_group_starts ON scheduling_session (group_id, starts_at);

CREATE TABLE scheduling_group_member (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    group_id uniqueidentifier NOT NULL REFERENCES scheduling_group (id),
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    status nvarchar(20) NOT NULL,
    joined_at datetimeoffset NOT NULL,
    version int NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_group_member ON scheduling_group_member (group_id, enrollment_id);
CREATE INDEX ix_scheduling_group_member_enrollment ON scheduling_group_member (enrollment_id);

CREATE TABLE scheduling_booking (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    session_id uniqueidentifier NOT NULL REFERENCES scheduling_session (id),
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    source nvarchar(10) NOT NULL,
    status nvarchar(20) NOT NULL,
    cancel_reason nvarchar(40) NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_booking ON scheduling_booking (session_id, enrollment_id);
CREATE INDEX ix_scheduling_booking_enrollment ON scheduling_booking (enrollment_id);

CREATE TABLE scheduling_attendance (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    session_id uniqueidentifier NOT NULL REFERENCES scheduling_session (id),
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    status nvarchar(30) NOT NULL,
    minutes int NOT NULL,
    check_in_at datetimeoffset NULL,
    check_out_at datetimeoffset NULL,
    telehealth bit NOT NULL,
    notice_given_at datetimeoffset NULL,
    note nvarchar(1000) NULL,
    source nvarchar(20) NOT NULL,
    recorded_by nvarchar(100) NOT NULL,
    recorded_at datetimeoffset NOT NULL,
    version int NOT NULL,
    updated_at datetimeoffset NOT NULL
);

-- One attendance per patient per session: makes the missed-session job idempotent across runs and servers.
CREATE UNIQUE INDEX ux_scheduling_attendance ON scheduling_attendance (session_id, enrollment_id);
CREATE INDEX ix_scheduling_attendance_enrollment ON scheduling_attendance (enrollment_id);

CREATE TABLE scheduling_attendance_history (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    attendance_id uniqueidentifier NOT NULL REFERENCES scheduling_attendance (id),
    changed_by nvarchar(100) NOT NULL,
    changed_at datetimeoffset NOT NULL,
    reason nvarchar(1000) NOT NULL,
    old_values nvarchar(max) NOT NULL,
    new_values nvarchar(max) NOT NULL
);

CREATE INDEX ix_scheduling_attendance_history ON scheduling_attendance_history (attendance_id, changed_at);

CREATE TABLE scheduling_attendance_not_taken (
    session_id uniqueidentifier NOT NULL PRIMARY KEY REFERENCES scheduling_session (id),
    group_id uniqueidentifier NOT NULL,
    flagged_at datetimeoffset NOT NULL,
    resolved_at datetimeoffset NULL
);

CREATE TABLE scheduling_appointment (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    kind nvarchar(40) NOT NULL,
    clinician_id nvarchar(100) NOT NULL,
    enrollment_id uniqueidentifier NOT NULL,
    patient_id uniqueidentifier NOT NULL,
    site_id uniqueidentifier NOT NULL,
    starts_at datetimeoffset NOT NULL,
    ends_at datetimeoffset NOT NULL,
    status nvarchar(20) NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL
);

CREATE INDEX ix_scheduling_appointment_clinician ON scheduling_appointment (clinician_id, starts_at);
CREATE INDEX ix_scheduling_appointment_patient ON scheduling_appointment (patient_id, starts_at);

CREATE TABLE scheduling_outbox (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    event_type nvarchar(100) NOT NULL,
    payload nvarchar(max) NOT NULL,
    occurred_at datetimeoffset NOT NULL,
    dispatched_at datetimeoffset NULL
);

CREATE INDEX ix_scheduling_outbox_pending ON scheduling_outbox (dispatched_at, id);
