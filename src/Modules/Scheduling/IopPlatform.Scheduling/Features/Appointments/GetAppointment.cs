using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Appointments;

internal sealed record GetAppointmentQuery(Guid AppointmentId) : IRequest<AppointmentDto?>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetAppointmentHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetAppointmentQuery, AppointmentDto?>
{
    public async Task<AppointmentDto?> Handle(GetAppointmentQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AppointmentDto>(new CommandDefinition(AppointmentSql.Select, request, cancellationToken: cancellationToken));
        if (found is not null)
        {
            audit.TouchedPatient(found.PatientId);
        }
        return found;
    }
}

internal static class GetAppointmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/appointments/{appointmentId:guid}", async (Guid appointmentId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var found = await mediator.Send(new GetAppointmentQuery(appointmentId), ct) ?? throw new NotFoundException("Appointment", appointmentId);
                ETag.Set(response, found.Version);
                return TypedResults.Ok(found);
            })
            .RequireRoles(Roles.Staff)
            .WithName("GetAppointment")
            .WithSummary("Get an appointment")
            .WithDescription("Returns one appointment. The ETag header carries its version.")
            .Produces<AppointmentDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
