using IopPlatform.Scheduling.Domain;
using IopPlatform.Scheduling.Features.Rosters;

namespace IopPlatform.Scheduling.Features.Appointments;

/// <summary>An individual appointment between a clinician and a patient.</summary>
internal sealed record AppointmentDto
{
    public required Guid Id { get; init; }

    /// <summary>individual_counselling, individual_therapy, family_therapy, medical_checkup, drug_test_visit.</summary>
    public required string Kind { get; init; }

    public required string ClinicianId { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required Guid SiteId { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    /// <summary><c>scheduled</c> or <c>cancelled</c>.</summary>
    public required string Status { get; init; }

    public required int Version { get; init; }
}

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

internal sealed record CancelAppointmentRequest(Guid AppointmentId, int Version) : IRequest<AppointmentDto>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed record GetAppointmentQuery(Guid AppointmentId) : IRequest<AppointmentDto?>, IAuditedRequest
{
    public string AuditCategory => "schedule";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class AppointmentHandler(IDbConnectionFactory db, TimeProvider clock, IAuditScope audit) :
    IRequestHandler<CreateAppointmentRequest, AppointmentDto>,
    IRequestHandler<CancelAppointmentRequest, AppointmentDto>,
    IRequestHandler<GetAppointmentQuery, AppointmentDto?>
{
    private const string Columns = """
        id, kind, clinician_id AS ClinicianId, enrollment_id AS EnrollmentId, patient_id AS PatientId, site_id AS SiteId,
        starts_at AS StartsAt, ends_at AS EndsAt, status, version
        """;

    // Half-open intervals: back-to-back appointments (one ends at 10:00, the next starts at 10:00) do not clash.
    private const string Conflicts = $"""
        SELECT {Columns} FROM scheduling_appointment
        WHERE status = 'scheduled' AND starts_at < @EndsAt AND ends_at > @StartsAt
          AND (clinician_id = @ClinicianId OR patient_id = @PatientId)
        """;

    private const string Insert = """
        INSERT INTO scheduling_appointment (id, kind, clinician_id, enrollment_id, patient_id, site_id, starts_at, ends_at, status, version, created_at)
        VALUES (@Id, @Kind, @ClinicianId, @EnrollmentId, @PatientId, @SiteId, @StartsAt, @EndsAt, @Status, @Version, @Now)
        """;

    private const string Select = $"SELECT {Columns} FROM scheduling_appointment WHERE id = @AppointmentId";

    private const string Cancel = "UPDATE scheduling_appointment SET status = 'cancelled', version = version + 1 WHERE id = @AppointmentId AND version = @Version AND status = 'scheduled'";

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

    public async Task<AppointmentDto> Handle(CancelAppointmentRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AppointmentDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
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

    public async Task<AppointmentDto?> Handle(GetAppointmentQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AppointmentDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
        if (found is not null)
        {
            audit.TouchedPatient(found.PatientId);
        }
        return found;
    }
}

internal static class AppointmentsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
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
}
