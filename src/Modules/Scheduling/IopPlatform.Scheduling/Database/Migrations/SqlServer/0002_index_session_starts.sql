-- GetAttendanceHistoryQuery (the drift scan): PostgreSQL restricts the sessions by their start in [From, To) before it
-- joins the bookings of a page of enrollments.
CREATE INDEX ix_scheduling_session_starts ON scheduling_session (starts_at);
