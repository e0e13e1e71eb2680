namespace IopPlatform.Scheduling.Contracts;

/// <summary>Attendance was recorded or corrected for a patient at a session (by staff, a kiosk or the missed-session job).</summary>
/// <param name="AttendanceId">Attendance record id.</param>
/// <param name="SessionId">The session.</param>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="Status"><c>present</c>, <c>late</c>, <c>left_early</c>, <c>absent_excused</c>, <c>absent_unexcused</c> or <c>cancelled_by_program</c>.</param>
/// <param name="Minutes">Attended minutes.</param>
/// <param name="SessionStartsAt">When the session started (UTC).</param>
/// <param name="At">When it was recorded (UTC).</param>
public sealed record AttendanceRecorded(
    Guid AttendanceId,
    Guid SessionId,
    Guid EnrollmentId,
    Guid PatientId,
    string Status,
    int Minutes,
    DateTimeOffset SessionStartsAt,
    DateTimeOffset At) : INotification;

/// <summary>
/// A booked patient did not attend and nobody recorded anything for them: the missed-session job marked them
/// <c>absent_unexcused</c>. Published once per session and enrollment, after the change committed.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="GroupId">The session's group.</param>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="SessionStartsAt">Session start (UTC).</param>
/// <param name="SessionEndsAt">Session end (UTC).</param>
/// <param name="At">When the job marked it (UTC).</param>
public sealed record SessionMissed(
    Guid SessionId,
    Guid GroupId,
    Guid EnrollmentId,
    Guid PatientId,
    DateTimeOffset SessionStartsAt,
    DateTimeOffset SessionEndsAt,
    DateTimeOffset At) : INotification;

/// <summary>A booked session of an enrollment, with its attendance when recorded.</summary>
public sealed record AttendanceHistoryItemDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>The session.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>The session's group.</summary>
    public required Guid GroupId { get; init; }

    /// <summary>Session start (UTC).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Session end (UTC).</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>Attendance status, or null while nothing is recorded yet.</summary>
    public string? Status { get; init; }

    /// <summary>Attended minutes (0 when absent or not recorded).</summary>
    public required int Minutes { get; init; }

    /// <summary>Attended by telehealth.</summary>
    public required bool Telehealth { get; init; }
}

/// <summary>
/// Booked sessions and attendance of a set of enrollments for sessions starting in [From, To): one set-based query
/// (for the drift job). Cancelled sessions and cancelled bookings without attendance are left out.
/// </summary>
/// <param name="EnrollmentIds">The enrollments (any number; queried in chunks).</param>
/// <param name="From">Window start (inclusive, UTC).</param>
/// <param name="To">Window end (exclusive, UTC).</param>
public sealed record GetAttendanceHistoryQuery(IReadOnlyCollection<Guid> EnrollmentIds, DateTimeOffset From, DateTimeOffset To)
    : IRequest<IReadOnlyList<AttendanceHistoryItemDto>>;

/// <summary>
/// Every enrollment's booked sessions and attendance for sessions starting in [From, To), in one ordered pass (the
/// drift job's scan of all active enrollments): rows come ordered by enrollment, then session start, so one
/// enrollment's rows are contiguous. The rows of <see cref="GetAttendanceHistoryQuery"/> (fewer columns), for every enrollment with a
/// session in the window, whatever its status (the caller decides who is active). The stream holds a database
/// connection until it is enumerated to the end or disposed; enumerate it once.
/// </summary>
/// <param name="ProgramId">Only this program's enrollments, when set.</param>
/// <param name="From">Window start (inclusive, UTC).</param>
/// <param name="To">Window end (exclusive, UTC).</param>
public sealed record StreamAttendanceHistoryQuery(Guid? ProgramId, DateTimeOffset From, DateTimeOffset To)
    : IRequest<IAsyncEnumerable<AttendanceStreamItemDto>>;

/// <summary>One booked session of an enrollment in <see cref="StreamAttendanceHistoryQuery"/>: only what the drift rules read.</summary>
public sealed record AttendanceStreamItemDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The session.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>Session start (UTC).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Session end (UTC).</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>Attendance status, or null while nothing is recorded yet.</summary>
    public string? Status { get; init; }

    /// <summary>Attended minutes (0 when absent or not recorded).</summary>
    public required int Minutes { get; init; }
}

/// <summary>
/// Marks the booked patients of sessions past their grace period with nothing recorded as unexcused no-shows (recurring
/// job <c>scheduling:flag-missed-sessions</c>, every 15 minutes by default). Idempotent by the attendance key, so any
/// module may send it before it reads attendance, e.g. the drift job at the site's evening run.
/// </summary>
public sealed record FlagMissedSessionsCommand : MediatR.IRequest<MediatR.Unit>;
