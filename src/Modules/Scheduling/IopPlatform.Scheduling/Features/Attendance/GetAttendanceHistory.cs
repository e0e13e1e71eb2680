using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Attendance;

internal sealed class GetAttendanceHistoryValidator : AbstractValidator<GetAttendanceHistoryQuery>
{
    public GetAttendanceHistoryValidator()
    {
        RuleFor(x => x.EnrollmentIds).NotNull();
        RuleFor(x => x.To).GreaterThan(x => x.From);
    }
}

/// <summary>
/// One set-based query per 1,000 enrollments (IN lists stay under SQL Server's 2,100-parameter limit), never one per
/// patient: the drift job asks for every active enrollment at once. Each page must cost what its own enrollments cost,
/// not what the whole table costs (measured with build/bench; the previous query grew with pages × table size):
/// - The IN list is repeated on the attendance side: PostgreSQL does not carry an IN list across a join, and without
///   it the plan hashed the entire attendance table once per page. With it, PostgreSQL hashes the window's sessions
///   (ix_scheduling_session_starts), the page's bookings and the page's attendance — the window's sessions are still
///   read once per page, which is what remains of the growth at 100k enrollments.
/// - <c>CROSS JOIN</c> + the join condition in WHERE is an inner join everywhere, but SQLite takes it as "bookings
///   drive": without it SQLite walked every session of the window and probed ux_scheduling_booking with the whole
///   1,000-value IN list for each (24,000 × 1,000 probes per page at 10k enrollments).
/// </summary>
internal sealed class GetAttendanceHistoryHandler(IDbConnectionFactory db) : IRequestHandler<GetAttendanceHistoryQuery, IReadOnlyList<AttendanceHistoryItemDto>>
{
    private const int ChunkSize = 1000;

    private const string Select = """
        SELECT b.enrollment_id AS EnrollmentId, b.patient_id AS PatientId, s.id AS SessionId, s.group_id AS GroupId,
               s.starts_at AS StartsAt, s.ends_at AS EndsAt, a.status, COALESCE(a.minutes, 0) AS Minutes,
               COALESCE(a.telehealth, @False) AS Telehealth
        FROM scheduling_booking b
        CROSS JOIN scheduling_session s
        LEFT JOIN scheduling_attendance a ON a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id
            AND {0}
        WHERE s.id = b.session_id AND {1} AND s.starts_at >= @From AND s.starts_at < @To
          AND (a.id IS NOT NULL OR (b.status = 'booked' AND s.status <> 'cancelled'))
        ORDER BY b.enrollment_id, s.starts_at
        """;

    public async Task<IReadOnlyList<AttendanceHistoryItemDto>> Handle(GetAttendanceHistoryQuery request, CancellationToken cancellationToken)
    {
        var result = new List<AttendanceHistoryItemDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return result;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(ChunkSize))
        {
            var parameters = new DynamicParameters(new { request.From, request.To, False = false });
            // The same parameters twice: named parameters may repeat on every engine and count once.
            var list = SqlList.Parameters(chunk, "Id", parameters);
            var sql = Select.Replace("{0}", $"a.enrollment_id IN ({list})", StringComparison.Ordinal)
                .Replace("{1}", $"b.enrollment_id IN ({list})", StringComparison.Ordinal);
            result.AddRange(await connection.QueryAsync<AttendanceHistoryItemDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return result;
    }
}
