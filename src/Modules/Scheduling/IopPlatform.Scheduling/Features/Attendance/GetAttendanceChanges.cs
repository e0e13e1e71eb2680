using System.Text.Json;

namespace IopPlatform.Scheduling.Features.Attendance;

internal sealed record AttendanceChangeDto
{
    public required string ChangedBy { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    public required string Reason { get; init; }

    public required JsonElement OldValues { get; init; }

    public required JsonElement NewValues { get; init; }
}

internal sealed record GetAttendanceChangesQuery(Guid AttendanceId) : IRequest<IReadOnlyList<AttendanceChangeDto>>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetAttendanceChangesHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetAttendanceChangesQuery, IReadOnlyList<AttendanceChangeDto>>
{
    private const string SelectHistory = """
        SELECT changed_by AS ChangedBy, changed_at AS ChangedAt, reason, old_values AS OldValues, new_values AS NewValues
        FROM scheduling_attendance_history WHERE attendance_id = @AttendanceId ORDER BY changed_at, id
        """;

    public async Task<IReadOnlyList<AttendanceChangeDto>> Handle(GetAttendanceChangesQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(AttendanceStore.SelectById, request, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Attendance", request.AttendanceId);
        audit.TouchedPatient(found.PatientId);
        var rows = await connection.QueryAsync<HistoryRow>(new CommandDefinition(SelectHistory, request, cancellationToken: cancellationToken));
        return rows.Select(r => new AttendanceChangeDto
        {
            ChangedBy = r.ChangedBy,
            ChangedAt = r.ChangedAt,
            Reason = r.Reason,
            OldValues = JsonDocument.Parse(r.OldValues).RootElement.Clone(),
            NewValues = JsonDocument.Parse(r.NewValues).RootElement.Clone(),
        }).ToList();
    }

    private sealed class HistoryRow
    {
        public string ChangedBy { get; init; } = string.Empty;

        public DateTimeOffset ChangedAt { get; init; }

        public string Reason { get; init; } = string.Empty;

        public string OldValues { get; init; } = "{}";

        public string NewValues { get; init; } = "{}";
    }
}

internal static class GetAttendanceChangesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/attendance/{attendanceId:guid}/history", (Guid attendanceId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetAttendanceChangesQuery(attendanceId), ct), (_, position) => ListPage.Key(position)))
            .RequireRoles(Roles.Staff)
            .WithName("GetAttendanceCorrections")
            .WithSummary("Get an attendance record's corrections")
            .WithDescription("Lists every correction of an attendance record, oldest first: who, when, why, and the values before and after.")
            .Produces<CursorPage<AttendanceChangeDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
