using FluentValidation.Results;
using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>Attendance of one booked patient at a session.</summary>
internal sealed record RecordAttendanceRequest(Guid SessionId, AttendanceItem Item) : IRequest<AttendanceDto>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

/// <summary>The facilitator's roster screen: attendance of many booked patients at one session, all or nothing.</summary>
/// <param name="Items">One entry per patient (1–200, each enrollment once).</param>
internal sealed record RecordSessionAttendanceBody(IReadOnlyList<AttendanceItem>? Items);

internal sealed record RecordSessionAttendanceRequest(Guid SessionId, IReadOnlyList<AttendanceItem>? Items) : IRequest<IReadOnlyList<AttendanceDto>>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class RecordSessionAttendanceValidator : AbstractValidator<RecordSessionAttendanceRequest>
{
    public RecordSessionAttendanceValidator()
    {
        // Entries are checked one by one against the session (RecordSessionAttendanceEntriesValidator), so every error names its entry.
        RuleFor(x => x.Items).Cascade(CascadeMode.Stop).NotEmpty().Must(i => i!.Count <= 200).WithMessage("At most 200 entries per call.");
    }
}

/// <summary>The entries against the session and its roster: every error names its entry (e.g. <c>items[2].minutes</c>).</summary>
internal sealed class RecordAttendanceValidator : AbstractValidator<RecordAttendanceRequest>, IStoredDataValidator
{
    public RecordAttendanceValidator(IDbConnectionFactory db, TimeProvider clock, SchedulingOptions options) =>
        RuleFor(x => x).CustomAsync(async (request, context, ct) =>
        {
            foreach (var failure in await AttendanceEntries.CheckAsync(db, request.SessionId, [request.Item], single: true, clock.GetUtcNow(), options, ct))
            {
                context.AddFailure(failure);
            }
        });
}

internal sealed class RecordSessionAttendanceEntriesValidator : AbstractValidator<RecordSessionAttendanceRequest>, IStoredDataValidator
{
    public RecordSessionAttendanceEntriesValidator(IDbConnectionFactory db, TimeProvider clock, SchedulingOptions options) =>
        RuleFor(x => x).CustomAsync(async (request, context, ct) =>
        {
            foreach (var failure in await AttendanceEntries.CheckAsync(db, request.SessionId, request.Items!, single: false, clock.GetUtcNow(), options, ct))
            {
                context.AddFailure(failure);
            }
        });
}

/// <summary>
/// Each entry: its shape, once per enrollment, booked into the session, not yet recorded, and fitting the session
/// (<see cref="AttendanceFitsSession"/>). One patient recorded twice is a 409 for the single call (the handler answers
/// it), an entry error for the roster call.
/// </summary>
internal static class AttendanceEntries
{
    private static readonly AttendanceItemValidator ItemValidator = new();

    public static async Task<IReadOnlyList<ValidationFailure>> CheckAsync(
        IDbConnectionFactory db, Guid sessionId, IReadOnlyList<AttendanceItem> items, bool single, DateTimeOffset now, SchedulingOptions options, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var session = await AttendanceStore.FindSessionAsync(connection, null, sessionId, ct);
        if (session is null)
        {
            return [];
        }
        var bookings = await AttendanceStore.BookingsAsync(connection, null, sessionId, ct);
        return Check(items, single, session, bookings, now, options).Failures;
    }

    public static (List<ValidationFailure> Failures, List<(BookingFacts Booking, ResolvedAttendance Values)> Resolved) Check(
        IReadOnlyList<AttendanceItem> items, bool single, SessionFacts session, IReadOnlyDictionary<Guid, BookingFacts> bookings, DateTimeOffset now, SchedulingOptions options)
    {
        var failures = new List<ValidationFailure>();
        var resolved = new List<(BookingFacts Booking, ResolvedAttendance Values)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var prefix = single ? string.Empty : $"Items[{i}].";
            if (item is null)
            {
                failures.Add(new ValidationFailure($"Items[{i}]", "An entry cannot be null."));
                continue;
            }
            var shape = ItemValidator.Validate(item);
            if (!shape.IsValid)
            {
                failures.AddRange(shape.Errors.Select(e => new ValidationFailure(prefix + e.PropertyName, e.ErrorMessage)));
                continue;
            }
            if (items.Take(i).Any(other => other?.EnrollmentId == item.EnrollmentId))
            {
                failures.Add(new ValidationFailure(prefix + "EnrollmentId", "Each enrollment may appear once."));
                continue;
            }
            if (!bookings.TryGetValue(item.EnrollmentId, out var booking) || (booking.Status != BookingStatus.Booked && booking.AttendanceId is null))
            {
                failures.Add(new ValidationFailure(prefix + "EnrollmentId", $"Enrollment '{item.EnrollmentId}' is not booked into this session."));
                continue;
            }
            if (booking.AttendanceId is not null)
            {
                if (!single)
                {
                    failures.Add(new ValidationFailure(prefix + "EnrollmentId", $"Attendance is already recorded (id {booking.AttendanceId}); correct it instead."));
                }
                continue;
            }
            var values = AttendanceFitsSession.Check(item, session, now, options, prefix, failures);
            if (values is not null)
            {
                resolved.Add((booking, values));
            }
        }
        return (failures, resolved);
    }
}

internal sealed class RecordAttendanceHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, SchedulingOptions options, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<RecordAttendanceRequest, AttendanceDto>, IRequestHandler<RecordSessionAttendanceRequest, IReadOnlyList<AttendanceDto>>
{
    public async Task<AttendanceDto> Handle(RecordAttendanceRequest request, CancellationToken cancellationToken)
    {
        var recorded = await RecordAsync(request.SessionId, [request.Item], single: true, cancellationToken);
        return recorded[0];
    }

    public Task<IReadOnlyList<AttendanceDto>> Handle(RecordSessionAttendanceRequest request, CancellationToken cancellationToken) =>
        RecordAsync(request.SessionId, request.Items!, single: false, cancellationToken);

    private async Task<IReadOnlyList<AttendanceDto>> RecordAsync(Guid sessionId, IReadOnlyList<AttendanceItem> items, bool single, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var session = await AttendanceStore.SessionAsync(connection, tx, sessionId, ct);
        var bookings = await AttendanceStore.BookingsAsync(connection, tx, sessionId, ct);
        if (single && bookings.TryGetValue(items[0].EnrollmentId, out var booked) && booked.AttendanceId is not null)
        {
            var conflict = new ConflictException("Attendance is already recorded for this patient at this session; correct it with PUT /api/v1/attendance/{id} and If-Match.");
            conflict.Extensions["attendanceId"] = booked.AttendanceId;
            throw conflict;
        }
        // The validators passed on what was stored a moment ago; what holds inside the transaction is checked again.
        var (failures, resolved) = AttendanceEntries.Check(items, single, session, bookings, now, options);
        if (failures.Count > 0)
        {
            throw new ConflictException("The session or its roster changed while the attendance was being checked; send it again.");
        }
        var source = caller.IsInRole(Roles.Partner) ? "kiosk" : "staff";
        var stored = new List<AttendanceDto>();
        foreach (var (booking, values) in resolved)
        {
            stored.Add(await AttendanceStore.InsertAsync(connection, tx, session, booking, values, source, caller.ActorId, now, ct));
        }
        await tx.CommitAsync(ct);
        foreach (var dto in stored)
        {
            audit.TouchedPatient(dto.PatientId);
            await mediator.Publish(AttendanceStore.Notification(dto, session, now), ct);
        }
        return stored;
    }
}

internal static class RecordAttendanceEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/sessions/{sessionId:guid}/attendance", async (Guid sessionId, AttendanceItem body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var recorded = await mediator.Send(new RecordAttendanceRequest(sessionId, body), ct);
                ETag.Set(response, recorded.Version);
                return TypedResults.Created($"/api/v1/attendance/{recorded.Id}", recorded);
            })
            .RequireRoles(Roles.Admin, Roles.Clinician, Roles.Supervisor)
            .WithName("RecordAttendance")
            .WithSummary("Record one patient's attendance")
            .WithDescription("Records attendance of a booked patient at a session. Minutes may not exceed the session; an excused absence needs notice (default 24 h). 409 when already recorded: send a correction instead.")
            .Accepts<AttendanceItem>("application/json")
            .Produces<AttendanceDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/sessions/{sessionId:guid}/attendance/bulk", (Guid sessionId, RecordSessionAttendanceBody body, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new RecordSessionAttendanceRequest(sessionId, body.Items), ct))
            .RequireRoles(Roles.Admin, Roles.Clinician, Roles.Supervisor)
            .WithName("RecordSessionAttendance")
            .WithSummary("Record attendance for a whole session")
            .WithDescription("Records attendance for many booked patients in one transaction: when any entry is wrong nothing is stored and the 400 names each bad entry (e.g. items[2].minutes).")
            .Accepts<RecordSessionAttendanceBody>("application/json")
            .Produces<IReadOnlyList<AttendanceDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
