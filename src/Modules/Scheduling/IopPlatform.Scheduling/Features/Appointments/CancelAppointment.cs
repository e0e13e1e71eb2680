using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Appointments;

internal sealed record CancelAppointmentRequest(Guid AppointmentId, int Version) : IRequest<AppointmentDto>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class CancelAppointmentHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<CancelAppointmentRequest, AppointmentDto>
{
    private const string Cancel = "UPDATE scheduling_appointment SET status = 'cancelled', version = version + 1 WHERE id = @AppointmentId AND version = @Version AND status = 'scheduled'";

    public async Task<AppointmentDto> Handle(CancelAppointmentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AppointmentDto>(new CommandDefinition(AppointmentSql.Select, request, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Appointment", request.AppointmentId);
        if (current.Version != request.Version)
        {
            throw new PreconditionFailedException($"Appointment '{request.AppointmentId}' is at version {current.Version}, not {request.Version}.");
        }
        if (current.Status != SessionStatus.Scheduled || await connection.ExecuteAsync(new CommandDefinition(Cancel, request, cancellationToken: cancellationToken)) == 0)
        {
            throw new ConflictException("The appointment is already cancelled.");
        }
        audit.TouchedPatient(current.PatientId);
        return current with { Status = SessionStatus.Cancelled, Version = current.Version + 1 };
    }
}

internal static class CancelAppointmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/appointments/{appointmentId:guid}/cancel", async (Guid appointmentId, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var cancelled = await mediator.Send(new CancelAppointmentRequest(appointmentId, ETag.RequireIfMatch(request)), ct);
                ETag.Set(response, cancelled.Version);
                return TypedResults.Ok(cancelled);
            })
            .RequireRoles(Roles.Staff)
            .WithName("CancelAppointment")
            .WithSummary("Cancel an appointment")
            .WithDescription("Cancels an appointment (If-Match required); its time becomes free for the clinician and the patient.")
            .Produces<AppointmentDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
