using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Outbox;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>A patient's attendance at a session.</summary>
internal sealed record AttendanceDto
{
    public required Guid Id { get; init; }

    public required Guid SessionId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    /// <summary>present, late, left_early, absent_excused, absent_unexcused, cancelled_by_program.</summary>
    public required string Status { get; init; }

    public required int Minutes { get; init; }

    public DateTimeOffset? CheckInAt { get; init; }

    public DateTimeOffset? CheckOutAt { get; init; }

    public required bool Telehealth { get; init; }

    /// <summary>When the patient announced an excused absence.</summary>
    public DateTimeOffset? NoticeGivenAt { get; init; }

    public string? Note { get; init; }

    /// <summary><c>staff</c>, <c>kiosk</c> or <c>system</c> (the missed-session job).</summary>
    public required string Source { get; init; }

    public required string RecordedBy { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public required int Version { get; init; }
}

/// <summary>What a caller says about one patient at one session.</summary>
/// <param name="EnrollmentId">The booked enrollment.</param>
/// <param name="Status">present, late, left_early, absent_excused, absent_unexcused, cancelled_by_program.</param>
/// <param name="Minutes">Attended minutes (≤ the session's length). Defaults: the whole session for present, from check-in/out when both are given, 0 for absences.</param>
/// <param name="CheckInAt">Check-in time (UTC).</param>
/// <param name="CheckOutAt">Check-out time (UTC), after check-in.</param>
/// <param name="Telehealth">Attended remotely.</param>
/// <param name="NoticeGivenAt">For absent_excused: when the patient gave notice (default at least 24 h before the start).</param>
/// <param name="Note">Optional short note.</param>
internal sealed record AttendanceItem(
    Guid EnrollmentId,
    string Status,
    int? Minutes,
    DateTimeOffset? CheckInAt,
    DateTimeOffset? CheckOutAt,
    bool? Telehealth,
    DateTimeOffset? NoticeGivenAt,
    string? Note);

internal sealed class AttendanceItemValidator : AbstractValidator<AttendanceItem>
{
    public AttendanceItemValidator()
    {
        RuleFor(x => x.EnrollmentId).NotEmpty();
        RuleFor(x => x.Status).NotEmpty().IsOneOf(AttendanceStatus.All)
            .WithMessage(x => $"'{x.Status}' is not an attendance status; use one of {string.Join(", ", AttendanceStatus.All)}.");
        RuleFor(x => x.Minutes).GreaterThanOrEqualTo(0);
        RuleFor(x => x.CheckOutAt).Must((x, o) => o is null || x.CheckInAt is null || o > x.CheckInAt).WithMessage("Check-out must be after check-in.");
        RuleFor(x => x.Note).MaximumLength(1000);
    }
}

internal sealed class SessionFacts
{
    public Guid Id { get; init; }

    public Guid GroupId { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset EndsAt { get; init; }

    public string Status { get; init; } = string.Empty;

    public int LengthMinutes => (int)Math.Round((EndsAt - StartsAt).TotalMinutes);
}

internal sealed class BookingFacts
{
    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public string Status { get; init; } = string.Empty;

    public Guid? AttendanceId { get; init; }
}

/// <summary>The attendance values after defaults are applied, ready to store.</summary>
internal sealed record ResolvedAttendance(string Status, int Minutes, DateTimeOffset? CheckInAt, DateTimeOffset? CheckOutAt, bool Telehealth, DateTimeOffset? NoticeGivenAt, string? Note);

internal static class AttendanceStore
{
    public const string Columns = """
        id, session_id AS SessionId, enrollment_id AS EnrollmentId, patient_id AS PatientId, status, minutes, check_in_at AS CheckInAt,
        check_out_at AS CheckOutAt, telehealth, notice_given_at AS NoticeGivenAt, note, source, recorded_by AS RecordedBy,
        recorded_at AS RecordedAt, version
        """;

    /// <summary>One attendance record by <c>@AttendanceId</c>.</summary>
    public const string SelectById = $"SELECT {Columns} FROM scheduling_attendance WHERE id = @AttendanceId";

    private const string SelectSession = "SELECT id, group_id AS GroupId, starts_at AS StartsAt, ends_at AS EndsAt, status FROM scheduling_session WHERE id = @SessionId";

    private const string SelectBookings = """
        SELECT b.enrollment_id AS EnrollmentId, b.patient_id AS PatientId, b.status, a.id AS AttendanceId
        FROM scheduling_booking b
        LEFT JOIN scheduling_attendance a ON a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id
        WHERE b.session_id = @SessionId
        """;

    private const string Insert = """
        INSERT INTO scheduling_attendance (id, session_id, enrollment_id, patient_id, status, minutes, check_in_at, check_out_at, telehealth,
                                           notice_given_at, note, source, recorded_by, recorded_at, version, updated_at)
        VALUES (@Id, @SessionId, @EnrollmentId, @PatientId, @Status, @Minutes, @CheckInAt, @CheckOutAt, @Telehealth,
                @NoticeGivenAt, @Note, @Source, @RecordedBy, @RecordedAt, 1, @RecordedAt)
        """;

    private const string ResolveNotTaken = "UPDATE scheduling_attendance_not_taken SET resolved_at = @Now WHERE session_id = @SessionId AND resolved_at IS NULL";

    public static async Task<SessionFacts> SessionAsync(DbConnection connection, DbTransaction? tx, Guid sessionId, CancellationToken ct) =>
        await FindSessionAsync(connection, tx, sessionId, ct) ?? throw new NotFoundException("Session", sessionId);

    public static Task<SessionFacts?> FindSessionAsync(DbConnection connection, DbTransaction? tx, Guid sessionId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<SessionFacts>(new CommandDefinition(SelectSession, new { SessionId = sessionId }, tx, cancellationToken: ct));

    public static async Task<Dictionary<Guid, BookingFacts>> BookingsAsync(DbConnection connection, DbTransaction? tx, Guid sessionId, CancellationToken ct) =>
        (await connection.QueryAsync<BookingFacts>(new CommandDefinition(SelectBookings, new { SessionId = sessionId }, tx, cancellationToken: ct)))
        .ToDictionary(b => b.EnrollmentId);

    public static async Task<AttendanceDto> InsertAsync(
        DbConnection connection, DbTransaction tx, SessionFacts session, BookingFacts booking, ResolvedAttendance values, string source, string recordedBy, DateTimeOffset now, CancellationToken ct)
    {
        var dto = new AttendanceDto
        {
            Id = Guid.CreateVersion7(),
            SessionId = session.Id,
            EnrollmentId = booking.EnrollmentId,
            PatientId = booking.PatientId,
            Status = values.Status,
            Minutes = values.Minutes,
            CheckInAt = values.CheckInAt,
            CheckOutAt = values.CheckOutAt,
            Telehealth = values.Telehealth,
            NoticeGivenAt = values.NoticeGivenAt,
            Note = values.Note,
            Source = source,
            RecordedBy = recordedBy,
            RecordedAt = now,
            Version = 1,
        };
        await connection.ExecuteAsync(new CommandDefinition(Insert, dto, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(ResolveNotTaken, new { SessionId = session.Id, Now = now }, tx, cancellationToken: ct));
        await WriteRecordedEventAsync(connection, tx, dto, session, now, ct);
        return dto;
    }

    public static Task WriteRecordedEventAsync(DbConnection connection, DbTransaction tx, AttendanceDto dto, SessionFacts session, DateTimeOffset now, CancellationToken ct) =>
        SchedulingOutbox.WriteAsync(connection, tx, SchedulingOutbox.AttendanceRecorded, new
        {
            attendanceId = dto.Id,
            sessionId = dto.SessionId,
            groupId = session.GroupId,
            enrollmentId = dto.EnrollmentId,
            patientId = dto.PatientId,
            status = dto.Status,
            minutes = dto.Minutes,
            sessionStartsAt = session.StartsAt,
        }, now, ct);

    public static Contracts.AttendanceRecorded Notification(AttendanceDto dto, SessionFacts session, DateTimeOffset now) =>
        new(dto.Id, dto.SessionId, dto.EnrollmentId, dto.PatientId, dto.Status, dto.Minutes, session.StartsAt, now);
}
