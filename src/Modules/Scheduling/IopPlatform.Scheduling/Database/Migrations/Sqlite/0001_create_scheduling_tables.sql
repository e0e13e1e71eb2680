-- Local copy of the enrollment facts Scheduling needs, kept current by Enrollment's notifications.
CREATE TABLE scheduling_enrollment (
    enrollment_id TEXT NOT NULL PRIMARY KEY,
    patient_id TEXT NOT NULL,
    program_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    status TEXT NOT NULL,
    required_minutes_per_week INTEGER NOT NULL,
    age_group TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_scheduling_enrollment_patient ON scheduling_enrollment (patient_id);

CREATE TABLE scheduling_group (
    id TEXT NOT NULL PRIMARY KEY,
    site_id TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    name TEXT NOT NULL,
    track TEXT NULL,
    session_kind TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE scheduling_group_facilitator (
    group_id TEXT NOT NULL REFERENCES scheduling_group (id),
    staff_id TEXT NOT NULL,
    PRIMARY KEY (group_id, staff_id)
);

CREATE INDEX ix_scheduling_group_facilitator_staff ON scheduling_group_facilitator (staff_id);

-- A recurrence is a chain of rules, each valid for a date range: changing it "from a date onward" closes one rule
-- and opens the next, so dates not yet materialised still get the right times.
CREATE TABLE scheduling_group_recurrence (
    id TEXT NOT NULL PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES scheduling_group (id),
    valid_from TEXT NOT NULL,
    valid_until TEXT NULL,
    days_of_week TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_scheduling_group_recurrence_group ON scheduling_group_recurrence (group_id, valid_from);

CREATE TABLE scheduling_session (
    id TEXT NOT NULL PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES scheduling_group (id),
    local_date TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT NULL,
    missed_checked_at TEXT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_session_group_date ON scheduling_session (group_id, local_date);
CREATE INDEX ix_scheduling_session_ends ON scheduling_session (ends_at);
CREATE INDEX ix_scheduling_session_group_starts ON scheduling_session (group_id, starts_at);

CREATE TABLE scheduling_group_member (
    id TEXT NOT NULL PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES scheduling_group (id),
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_group_member ON scheduling_group_member (group_id, enrollment_id);
CREATE INDEX ix_scheduling_group_member_enrollment ON scheduling_group_member (enrollment_id);

CREATE TABLE scheduling_booking (
    id TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES scheduling_session (id),
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    cancel_reason TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_scheduling_booking ON scheduling_booking (session_id, enrollment_id);
CREATE INDEX ix_scheduling_booking_enrollment ON scheduling_booking (enrollment_id);

CREATE TABLE scheduling_attendance (
    id TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES scheduling_session (id),
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    check_in_at TEXT NULL,
    check_out_at TEXT NULL,
    telehealth INTEGER NOT NULL,
    notice_given_at TEXT NULL,
    note TEXT NULL,
    source TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- One attendance per patient per session: makes the missed-session job idempotent across runs and servers.
CREATE UNIQUE INDEX ux_scheduling_attendance ON scheduling_attendance (session_id, enrollment_id);
CREATE INDEX ix_scheduling_attendance_enrollment ON scheduling_attendance (enrollment_id);

CREATE TABLE scheduling_attendance_history (
    id TEXT NOT NULL PRIMARY KEY,
    attendance_id TEXT NOT NULL REFERENCES scheduling_attendance (id),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    old_values TEXT NOT NULL,
    new_values TEXT NOT NULL
);

CREATE INDEX ix_scheduling_attendance_history ON scheduling_attendance_history (attendance_id, changed_at);

CREATE TABLE scheduling_attendance_not_taken (
    session_id TEXT NOT NULL PRIMARY KEY REFERENCES scheduling_session (id),
    group_id TEXT NOT NULL,
    flagged_at TEXT NOT NULL,
    resolved_at TEXT NULL
);

CREATE TABLE scheduling_appointment (
    id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    clinician_id TEXT NOT NULL,
    enrollment_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    site_id TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_scheduling_appointment_clinician ON scheduling_appointment (clinician_id, starts_at);
CREATE INDEX ix_scheduling_appointment_patient ON scheduling_appointment (patient_id, starts_at);

CREATE TABLE scheduling_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    dispatched_at TEXT NULL
);

CREATE INDEX ix_scheduling_outbox_pending ON scheduling_outbox (dispatched_at, id);
