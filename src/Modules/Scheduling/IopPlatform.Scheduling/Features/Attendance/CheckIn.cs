using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>A patient arriving at (or leaving) a session, from a kiosk or partner app.</summary>
/// <param name="EnrollmentId">The booked enrollment.</param>
/// <param name="Telehealth">Joined remotely (check-in only).</param>
internal sealed record CheckInBody(Guid EnrollmentId, bool? Telehealth);

internal sealed record CheckInRequest(Guid SessionId, Guid EnrollmentId, bool Telehealth) : IRequest<AttendanceDto>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed record CheckOutRequest(Guid SessionId, Guid EnrollmentId) : IRequest<AttendanceDto>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class CheckInValidator : AbstractValidator<CheckInRequest>
{
    public CheckInValidator() => RuleFor(x => x.EnrollmentId).NotEmpty();
}

internal sealed class CheckOutValidator : AbstractValidator<CheckOutRequest>
{
    public CheckOutValidator() => RuleFor(x => x.EnrollmentId).NotEmpty();
}

/// <summary>
/// Check-in records <c>present</c> (or <c>late</c> past the grace minutes) with minutes up to the session's end;
/// check-out trims the minutes to the time actually spent and marks <c>left_early</c> when the patient left before the end.
/// </summary>
internal sealed class CheckInHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, SchedulingOptions options, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<CheckInRequest, AttendanceDto>, IRequestHandler<CheckOutRequest, AttendanceDto>
{
    private const string SelectAttendance = $"SELECT {AttendanceStore.Columns} FROM scheduling_attendance WHERE session_id = @SessionId AND enrollment_id = @EnrollmentId";

    private const string CheckOut = """
        UPDATE scheduling_attendance SET check_out_at = @Now, minutes = @Minutes, status = @Status, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    public async Task<AttendanceDto> Handle(CheckInRequest request, CancellationToken cancellationToken)
    {
        // Decided before the transaction (the door writes on its own connection; SQLite has one writer) and before any
        // answer that depends on the booking, so a partner without consent learns nothing about the patient.
        var patientId = await PatientBehindAsync(request.EnrollmentId, cancellationToken);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var session = await AttendanceStore.SessionAsync(connection, tx, request.SessionId, cancellationToken);
        if (session.Status == SessionStatus.Cancelled)
        {
            throw new ConflictException("The session is cancelled.");
        }
        var opens = session.StartsAt.AddMinutes(-options.CheckInOpensMinutesBefore);
        if (now < opens || now >= session.EndsAt)
        {
            var closed = new ConflictException($"Check-in for this session is open from {opens:u} until it ends at {session.EndsAt:u}.");
            closed.Extensions["opensAt"] = opens;
            closed.Extensions["endsAt"] = session.EndsAt;
            throw closed;
        }
        var bookings = await AttendanceStore.BookingsAsync(connection, tx, request.SessionId, cancellationToken);
        if (!bookings.TryGetValue(request.EnrollmentId, out var booking) || booking.Status != BookingStatus.Booked)
        {
            throw new BadRequestException("enrollmentId", $"Enrollment '{request.EnrollmentId}' is not booked into this session.");
        }
        if (booking.AttendanceId is not null)
        {
            var twice = new ConflictException("This patient is already checked in (or has attendance recorded) for this session.");
            twice.Extensions["attendanceId"] = booking.AttendanceId;
            throw twice;
        }
        var status = now > session.StartsAt.AddMinutes(options.LateAfterMinutes) ? AttendanceStatus.Late : AttendanceStatus.Present;
        var values = new ResolvedAttendance(status, AttendedMinutes.Overlap(now, session.EndsAt, session), now, null, request.Telehealth, null, null);
        // An app checking patients in (the clinic's kiosk or a partner app) rather than a staff member at a desk.
        var source = caller.IsInRole(Roles.Partner) || caller.ApiClientId is not null ? "kiosk" : "staff";
        var dto = await AttendanceStore.InsertAsync(connection, tx, session, booking, values, source, caller.ActorId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(dto.PatientId);
        await mediator.Publish(AttendanceStore.Notification(dto, session, now), cancellationToken);
        await DiscloseAsync(patientId, request.SessionId, dto, cancellationToken);
        return dto;
    }

    public async Task<AttendanceDto> Handle(CheckOutRequest request, CancellationToken cancellationToken)
    {
        var patientId = await PatientBehindAsync(request.EnrollmentId, cancellationToken);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var session = await AttendanceStore.SessionAsync(connection, tx, request.SessionId, cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(SelectAttendance, request, tx, cancellationToken: cancellationToken));
        if (current?.CheckInAt is null)
        {
            throw new ConflictException("This patient has not checked in to this session.");
        }
        if (current.CheckOutAt is not null)
        {
            throw new ConflictException("This patient has already checked out of this session.");
        }
        var minutes = AttendedMinutes.Overlap(current.CheckInAt.Value, now, session);
        var status = now < session.EndsAt.AddMinutes(-options.LateAfterMinutes) ? AttendanceStatus.LeftEarly : current.Status;
        await connection.ExecuteAsync(new CommandDefinition(CheckOut, new { current.Id, current.Version, Now = now, Minutes = minutes, Status = status }, tx, cancellationToken: cancellationToken));
        var dto = current with { CheckOutAt = now, Minutes = minutes, Status = status, Version = current.Version + 1 };
        await AttendanceStore.WriteRecordedEventAsync(connection, tx, dto, session, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(dto.PatientId);
        await mediator.Publish(AttendanceStore.Notification(dto, session, now), cancellationToken);
        await DiscloseAsync(patientId, request.SessionId, dto, cancellationToken);
        return dto;
    }

    /// <summary>The enrollment's patient when the caller may see its attendance; the same 404 as a missing enrollment otherwise.</summary>
    private async Task<Guid?> PatientBehindAsync(Guid enrollmentId, CancellationToken ct)
    {
        if (!caller.IsExternalRecipient())
        {
            return null;
        }
        var enrollment = await mediator.Send(new GetEnrollmentSummaryQuery(enrollmentId), ct) ?? throw new NotFoundException("Enrollment", enrollmentId);
        await mediator.Send(new DiscloseRecordsCommand(enrollment.PatientId, InformationCategories.Attendance, []) { RefusedAs = new("Enrollment", enrollmentId) }, ct);
        return enrollment.PatientId;
    }

    /// <summary>The attendance returned to a partner is a disclosure: accounted for, with the §2.32 headers.</summary>
    private async Task DiscloseAsync(Guid? patientId, Guid sessionId, AttendanceDto dto, CancellationToken ct)
    {
        if (patientId is { } id)
        {
            await mediator.Send(new DiscloseRecordsCommand(id, InformationCategories.Attendance, [$"attendance/{dto.Id}"]) { RefusedAs = new("Session", sessionId) }, ct);
        }
    }
}

internal static class CheckInEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/sessions/{sessionId:guid}/check-ins", async (Guid sessionId, CheckInBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var recorded = await mediator.Send(new CheckInRequest(sessionId, body.EnrollmentId, body.Telehealth ?? false), ct);
                ETag.Set(response, recorded.Version);
                return TypedResults.Created($"/api/v1/attendance/{recorded.Id}", recorded);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Attendance)
            .WithName("CheckIn")
            .WithSummary("Check a patient in (kiosk)")
            .WithDescription("Checks a booked patient in from a kiosk or partner app: present, or late after the grace minutes. Open from an hour before the start until the end. 409 when already checked in. " +
                             "A partner app needs a consent covering 'attendance' for the enrollment's patient (404 otherwise, before anything else is checked) and X-Purpose-Of-Use; its response carries the §2.32 headers and is accounted for.")
            .Accepts<CheckInBody>("application/json")
            .Produces<AttendanceDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/sessions/{sessionId:guid}/check-outs", async (Guid sessionId, CheckInBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var recorded = await mediator.Send(new CheckOutRequest(sessionId, body.EnrollmentId), ct);
                ETag.Set(response, recorded.Version);
                return TypedResults.Ok(recorded);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Attendance)
            .WithName("CheckOut")
            .WithSummary("Check a patient out (kiosk)")
            .WithDescription("Checks a patient out: attended minutes become the time spent within the session, and leaving before the end records left_early. " +
                             "A partner app needs a consent covering 'attendance' (404 otherwise); its response carries the §2.32 headers and is accounted for.")
            .Accepts<CheckInBody>("application/json")
            .Produces<AttendanceDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
