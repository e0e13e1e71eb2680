namespace IopPlatform.Scheduling.Features.Rosters;

/// <summary>One line of a session's roster: the booking and, when recorded, the attendance.</summary>
internal sealed record RosterEntryDto
{
    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required string Source { get; init; }

    public required string BookingStatus { get; init; }

    public Guid? AttendanceId { get; init; }

    public string? AttendanceStatus { get; init; }

    public int? Minutes { get; init; }

    public int? AttendanceVersion { get; init; }
}

internal sealed record GetRosterQuery(Guid SessionId) : IRequest<IReadOnlyList<RosterEntryDto>>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetRosterHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetRosterQuery, IReadOnlyList<RosterEntryDto>>
{
    private const string Exists = "SELECT COUNT(*) FROM scheduling_session WHERE id = @SessionId";

    private const string Select = """
        SELECT b.enrollment_id AS EnrollmentId, b.patient_id AS PatientId, b.source, b.status AS BookingStatus,
               a.id AS AttendanceId, a.status AS AttendanceStatus, a.minutes, a.version AS AttendanceVersion
        FROM scheduling_booking b
        LEFT JOIN scheduling_attendance a ON a.session_id = b.session_id AND a.enrollment_id = b.enrollment_id
        WHERE b.session_id = @SessionId AND (b.status = 'booked' OR a.id IS NOT NULL)
        ORDER BY b.created_at, b.id
        """;

    public async Task<IReadOnlyList<RosterEntryDto>> Handle(GetRosterQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Exists, request, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Session", request.SessionId);
        }
        var rows = (await connection.QueryAsync<RosterEntryDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))).AsList();
        foreach (var row in rows)
        {
            audit.TouchedPatient(row.PatientId);
        }
        return rows;
    }
}
