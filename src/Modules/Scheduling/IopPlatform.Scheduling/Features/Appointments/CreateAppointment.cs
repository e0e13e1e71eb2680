using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Appointments;

/// <summary>Schedules an individual appointment.</summary>
/// <param name="Kind">individual_counselling, individual_therapy, family_therapy, medical_checkup, drug_test_visit.</param>
/// <param name="ClinicianId">Staff id (token subject) of the clinician.</param>
/// <param name="EnrollmentId">The patient's active enrollment.</param>
/// <param name="SiteId">Where it takes place; defaults to the enrollment's site.</param>
/// <param name="StartsAt">Start (an instant, any offset).</param>
/// <param name="EndsAt">End, after the start (at most 8 hours later).</param>
internal sealed record CreateAppointmentRequest(string Kind, string ClinicianId, Guid EnrollmentId, Guid? SiteId, DateTimeOffset StartsAt, DateTimeOffset EndsAt)
    : IRequest<AppointmentDto>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class CreateAppointmentValidator : AbstractValidator<CreateAppointmentRequest>
{
    public CreateAppointmentValidator()
    {
        RuleFor(x => x.Kind).NotEmpty().IsOneOf(AppointmentKinds.All)
            .WithMessage(x => $"'{x.Kind}' is not an appointment kind; use one of {string.Join(", ", AppointmentKinds.All)}.");
        RuleFor(x => x.ClinicianId).NotEmpty().MaximumLength(100);
        RuleFor(x => x.EnrollmentId).NotEmpty();
        RuleFor(x => x.StartsAt).NotEqual(default(DateTimeOffset));
        RuleFor(x => x.EndsAt).GreaterThan(x => x.StartsAt).WithMessage("The end must be after the start.")
            .Must((x, e) => e - x.StartsAt <= TimeSpan.FromHours(8)).WithMessage("An appointment lasts at most 8 hours.");
    }
}

internal sealed class CreateAppointmentHandler(IDbConnectionFactory db, TimeProvider clock, IAuditScope audit) : IRequestHandler<CreateAppointmentRequest, AppointmentDto>
{
    // Half-open intervals: back-to-back appointments (one ends at 10:00, the next starts at 10:00) do not clash.
    private const string Conflicts = $"""
        SELECT {AppointmentSql.Columns} FROM scheduling_appointment
        WHERE status = 'scheduled' AND starts_at < @EndsAt AND ends_at > @StartsAt
          AND (clinician_id = @ClinicianId OR patient_id = @PatientId)
        """;

    private const string Insert = """
        INSERT INTO scheduling_appointment (id, kind, clinician_id, enrollment_id, patient_id, site_id, starts_at, ends_at, status, version, created_at)
        VALUES (@Id, @Kind, @ClinicianId, @EnrollmentId, @PatientId, @SiteId, @StartsAt, @EndsAt, @Status, @Version, @Now)
        """;

    public async Task<AppointmentDto> Handle(CreateAppointmentRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (request.StartsAt <= now)
        {
            throw new BadRequestException(nameof(request.StartsAt), "An appointment must start in the future.");
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var enrollment = await RosterStore.RequireBookableAsync(connection, tx, request.EnrollmentId, cancellationToken);
        var appointment = new AppointmentDto
        {
            Id = Guid.CreateVersion7(),
            Kind = request.Kind,
            ClinicianId = request.ClinicianId.Trim(),
            EnrollmentId = enrollment.EnrollmentId,
            PatientId = enrollment.PatientId,
            SiteId = request.SiteId ?? enrollment.SiteId,
            StartsAt = request.StartsAt.ToUniversalTime(),
            EndsAt = request.EndsAt.ToUniversalTime(),
            Status = SessionStatus.Scheduled,
            Version = 1,
        };
        var clashes = (await connection.QueryAsync<AppointmentDto>(new CommandDefinition(Conflicts, appointment, tx, cancellationToken: cancellationToken))).AsList();
        if (clashes.Count > 0)
        {
            var who = clashes.Any(c => c.ClinicianId == appointment.ClinicianId) ? "The clinician" : "The patient";
            var conflict = new ConflictException($"{who} already has an appointment from {clashes[0].StartsAt:u} to {clashes[0].EndsAt:u}.");
            conflict.Extensions["conflictingAppointmentIds"] = clashes.Select(c => c.Id).ToList();
            throw conflict;
        }
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            appointment.Id,
            appointment.Kind,
            appointment.ClinicianId,
            appointment.EnrollmentId,
            appointment.PatientId,
            appointment.SiteId,
            appointment.StartsAt,
            appointment.EndsAt,
            appointment.Status,
            appointment.Version,
            Now = now,
        }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(appointment.PatientId);
        return appointment;
    }
}

internal static class CreateAppointmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/appointments", async (CreateAppointmentRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var created = await mediator.Send(body, ct);
                ETag.Set(response, created.Version);
                return TypedResults.Created($"/api/v1/appointments/{created.Id}", created);
            })
            .RequireRoles(Roles.Staff)
            .WithName("CreateAppointment")
            .WithSummary("Schedule an individual appointment")
            .WithDescription("Schedules counselling, therapy, a medical check-up or a drug-test visit for an active enrollment. 409 when the clinician or the patient already has an overlapping appointment.")
            .Accepts<CreateAppointmentRequest>("application/json")
            .Produces<AppointmentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
}
