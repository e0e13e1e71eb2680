using IopPlatform.Scheduling.Domain;
using EnrollmentStatus = IopPlatform.Scheduling.Domain.EnrollmentStatus;

namespace IopPlatform.Scheduling.Features.Rosters;

/// <summary>Scheduling's copy of an enrollment (kept by the Enrollment notification handlers).</summary>
internal sealed class EnrollmentRow
{
    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public Guid ProgramId { get; init; }

    public Guid SiteId { get; init; }

    public string Status { get; init; } = string.Empty;

    public int RequiredMinutesPerWeek { get; init; }

    public string AgeGroup { get; init; } = string.Empty;
}

/// <summary>Bookings: who is expected at which session. Shared by the roster endpoints and the enrollment reactions.</summary>
internal static class RosterStore
{
    public const string EnrollmentColumns = """
        enrollment_id AS EnrollmentId, patient_id AS PatientId, program_id AS ProgramId, site_id AS SiteId, status,
        required_minutes_per_week AS RequiredMinutesPerWeek, age_group AS AgeGroup
        """;

    private const string SelectEnrollment = $"SELECT {EnrollmentColumns} FROM scheduling_enrollment WHERE enrollment_id = @EnrollmentId";

    private const string FutureSessions = """
        SELECT s.id AS SessionId, s.local_date AS LocalDate,
               (SELECT COUNT(*) FROM scheduling_booking b WHERE b.session_id = s.id AND b.status = 'booked') AS Booked,
               (SELECT b.status FROM scheduling_booking b WHERE b.session_id = s.id AND b.enrollment_id = @EnrollmentId) AS Mine
        FROM scheduling_session s
        WHERE s.group_id = @GroupId AND s.starts_at > @Now AND s.status <> 'cancelled'
        ORDER BY s.starts_at
        """;

    private const string InsertBooking = """
        INSERT INTO scheduling_booking (id, session_id, enrollment_id, patient_id, source, status, cancel_reason, created_at, updated_at)
        VALUES (@Id, @SessionId, @EnrollmentId, @PatientId, @Source, 'booked', NULL, @Now, @Now)
        """;

    private const string Rebook = """
        UPDATE scheduling_booking SET status = 'booked', source = @Source, cancel_reason = NULL, updated_at = @Now
        WHERE session_id = @SessionId AND enrollment_id = @EnrollmentId
        """;

    public static async Task<EnrollmentRow?> FindEnrollmentAsync(DbConnection connection, DbTransaction? tx, Guid enrollmentId, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<EnrollmentRow>(new CommandDefinition(SelectEnrollment, new { EnrollmentId = enrollmentId }, tx, cancellationToken: ct));

    /// <summary>The enrollment, when it may be booked: known to Scheduling (activated once) and active now.</summary>
    public static async Task<EnrollmentRow> RequireBookableAsync(DbConnection connection, DbTransaction? tx, Guid enrollmentId, CancellationToken ct)
    {
        var enrollment = await FindEnrollmentAsync(connection, tx, enrollmentId, ct)
            ?? throw new BadRequestException("enrollmentId", $"Enrollment '{enrollmentId}' is not active in any program (Scheduling has not seen it activated).");
        if (enrollment.Status != EnrollmentStatus.Active)
        {
            var conflict = new ConflictException($"Enrollment '{enrollmentId}' is {enrollment.Status.Replace('_', ' ')}; only active enrollments can be booked.");
            conflict.Extensions["enrollmentStatus"] = enrollment.Status;
            throw conflict;
        }
        return enrollment;
    }

    /// <summary>
    /// Books the enrollment into the group's sessions that have not started. Returns the local dates of sessions that
    /// were full (and so not booked); callers decide whether that is an error. The caller holds the group lock.
    /// </summary>
    public static async Task<IReadOnlyList<DateOnly>> BookFutureSessionsAsync(
        DbConnection connection, DbTransaction tx, Guid groupId, int capacity, EnrollmentRow enrollment, DateTimeOffset now, bool dryRun, CancellationToken ct)
    {
        var sessions = await connection.QueryAsync<FutureSession>(new CommandDefinition(
            FutureSessions, new { GroupId = groupId, enrollment.EnrollmentId, Now = now }, tx, cancellationToken: ct));
        var full = new List<DateOnly>();
        foreach (var session in sessions)
        {
            if (session.Mine == BookingStatus.Booked)
            {
                continue;
            }
            if (session.Booked >= capacity)
            {
                full.Add(session.LocalDate);
                continue;
            }
            if (!dryRun)
            {
                await BookAsync(connection, tx, session.SessionId, enrollment, session.Mine is null, "group", now, ct);
            }
        }
        return full;
    }

    public static Task BookAsync(DbConnection connection, DbTransaction tx, Guid sessionId, EnrollmentRow enrollment, bool isNew, string source, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(isNew ? InsertBooking : Rebook, new
        {
            Id = Guid.CreateVersion7(),
            SessionId = sessionId,
            enrollment.EnrollmentId,
            enrollment.PatientId,
            Source = source,
            Now = now,
        }, tx, cancellationToken: ct));

    private sealed class FutureSession
    {
        public Guid SessionId { get; init; }

        public DateOnly LocalDate { get; init; }

        public long Booked { get; init; }

        public string? Mine { get; init; }
    }
}
