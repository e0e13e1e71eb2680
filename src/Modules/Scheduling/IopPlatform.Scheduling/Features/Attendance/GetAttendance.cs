namespace IopPlatform.Scheduling.Features.Attendance;

internal sealed record GetAttendanceQuery(Guid AttendanceId) : IRequest<AttendanceDto?>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetAttendanceHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetAttendanceQuery, AttendanceDto?>
{
    public async Task<AttendanceDto?> Handle(GetAttendanceQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(AttendanceStore.SelectById, request, cancellationToken: cancellationToken));
        if (found is not null)
        {
            audit.TouchedPatient(found.PatientId);
        }
        return found;
    }
}

internal static class GetAttendanceEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/attendance/{attendanceId:guid}", async (Guid attendanceId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var found = await mediator.Send(new GetAttendanceQuery(attendanceId), ct) ?? throw new NotFoundException("Attendance", attendanceId);
                ETag.Set(response, found.Version);
                return TypedResults.Ok(found);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetAttendance")
            .WithSummary("Get an attendance record")
            .WithDescription("Returns one attendance record. The ETag header carries its version (send it as If-Match to correct it).")
            .Produces<AttendanceDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
