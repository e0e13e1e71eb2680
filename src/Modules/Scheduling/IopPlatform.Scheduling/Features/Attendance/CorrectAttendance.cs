using System.Text.Json;
using FluentValidation.Results;

namespace IopPlatform.Scheduling.Features.Attendance;

/// <summary>A correction of recorded attendance; the previous values are kept in its history.</summary>
/// <param name="Status">The corrected status.</param>
/// <param name="Minutes">Attended minutes (same defaults as recording).</param>
/// <param name="CheckInAt">Check-in time (UTC).</param>
/// <param name="CheckOutAt">Check-out time (UTC).</param>
/// <param name="Telehealth">Attended remotely.</param>
/// <param name="NoticeGivenAt">For absent_excused: when notice was given.</param>
/// <param name="Note">Optional note.</param>
/// <param name="Reason">Why the record is corrected (required; kept in the history).</param>
internal sealed record CorrectAttendanceBody(
    string Status,
    int? Minutes,
    DateTimeOffset? CheckInAt,
    DateTimeOffset? CheckOutAt,
    bool? Telehealth,
    DateTimeOffset? NoticeGivenAt,
    string? Note,
    string? Reason);

internal sealed record CorrectAttendanceRequest(Guid AttendanceId, int Version, CorrectAttendanceBody Body) : IRequest<AttendanceDto>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class CorrectAttendanceValidator : AbstractValidator<CorrectAttendanceRequest>
{
    private static readonly AttendanceItemValidator ItemValidator = new();

    public CorrectAttendanceValidator() =>
        RuleFor(x => x.Body).Custom((body, context) =>
        {
            foreach (var failure in ItemValidator.Validate(AsItem(body)).Errors.Where(e => e.PropertyName != nameof(AttendanceItem.EnrollmentId)))
            {
                context.AddFailure(new ValidationFailure(failure.PropertyName, failure.ErrorMessage));
            }
            if (string.IsNullOrWhiteSpace(body.Reason))
            {
                context.AddFailure(new ValidationFailure(nameof(body.Reason), "A correction needs a reason; it is kept in the attendance history."));
            }
            else if (body.Reason.Length > 1000)
            {
                context.AddFailure(new ValidationFailure(nameof(body.Reason), "The reason may be at most 1000 characters."));
            }
        });

    public static AttendanceItem AsItem(CorrectAttendanceBody body) =>
        new(Guid.Empty, body.Status, body.Minutes, body.CheckInAt, body.CheckOutAt, body.Telehealth, body.NoticeGivenAt, body.Note);
}

/// <summary>The corrected values against the record's session (<see cref="AttendanceFitsSession"/>).</summary>
internal sealed class CorrectAttendanceFitsSessionValidator : AbstractValidator<CorrectAttendanceRequest>, IStoredDataValidator
{
    public CorrectAttendanceFitsSessionValidator(IDbConnectionFactory db, TimeProvider clock, SchedulingOptions options) =>
        RuleFor(x => x).CustomAsync(async (request, context, ct) =>
        {
            await using var connection = await db.OpenAsync(ct);
            var current = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(AttendanceStore.SelectById, request, cancellationToken: ct));
            var session = current is null || current.Version != request.Version ? null : await AttendanceStore.FindSessionAsync(connection, null, current.SessionId, ct);
            if (session is null)
            {
                return;
            }
            var failures = new List<ValidationFailure>();
            AttendanceFitsSession.Check(CorrectAttendanceValidator.AsItem(request.Body), session, clock.GetUtcNow(), options, string.Empty, failures);
            failures.ForEach(context.AddFailure);
        });
}

internal sealed class CorrectAttendanceHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, SchedulingOptions options, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<CorrectAttendanceRequest, AttendanceDto>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Update = """
        UPDATE scheduling_attendance SET status = @Status, minutes = @Minutes, check_in_at = @CheckInAt, check_out_at = @CheckOutAt,
               telehealth = @Telehealth, notice_given_at = @NoticeGivenAt, note = @Note, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertHistory = """
        INSERT INTO scheduling_attendance_history (id, attendance_id, changed_by, changed_at, reason, old_values, new_values)
        VALUES (@Id, @AttendanceId, @ChangedBy, @ChangedAt, @Reason, @OldValues, @NewValues)
        """;

    public async Task<AttendanceDto> Handle(CorrectAttendanceRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var item = CorrectAttendanceValidator.AsItem(body);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(AttendanceStore.SelectById, request, tx, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Attendance", request.AttendanceId);
        if (current.Version != request.Version)
        {
            throw new PreconditionFailedException($"Attendance '{request.AttendanceId}' is at version {current.Version}, not {request.Version}; read it again.");
        }
        var session = await AttendanceStore.SessionAsync(connection, tx, current.SessionId, cancellationToken);
        // The validators passed on what was stored a moment ago; inside the transaction the session is checked again.
        var values = AttendanceFitsSession.Check(item, session, now, options, string.Empty, [])
            ?? throw new ConflictException("The session changed while the correction was being checked; send it again.");
        var updated = current with
        {
            Status = values.Status,
            Minutes = values.Minutes,
            CheckInAt = values.CheckInAt,
            CheckOutAt = values.CheckOutAt,
            Telehealth = values.Telehealth,
            NoticeGivenAt = values.NoticeGivenAt,
            Note = values.Note,
            Version = current.Version + 1,
        };
        var changed = await connection.ExecuteAsync(new CommandDefinition(Update, new
        {
            current.Id,
            current.Version,
            values.Status,
            values.Minutes,
            values.CheckInAt,
            values.CheckOutAt,
            values.Telehealth,
            values.NoticeGivenAt,
            values.Note,
            Now = now,
        }, tx, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            throw new PreconditionFailedException($"Attendance '{request.AttendanceId}' changed meanwhile; read it again.");
        }
        await connection.ExecuteAsync(new CommandDefinition(InsertHistory, new
        {
            Id = Guid.CreateVersion7(),
            AttendanceId = current.Id,
            ChangedBy = caller.ActorId,
            ChangedAt = now,
            Reason = body.Reason!.Trim(),
            OldValues = Snapshot(current),
            NewValues = Snapshot(updated),
        }, tx, cancellationToken: cancellationToken));
        await AttendanceStore.WriteRecordedEventAsync(connection, tx, updated, session, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        audit.TouchedPatient(updated.PatientId);
        await mediator.Publish(AttendanceStore.Notification(updated, session, now), cancellationToken);
        return updated;
    }

    private static string Snapshot(AttendanceDto a) => JsonSerializer.Serialize(new
    {
        a.Status,
        a.Minutes,
        a.CheckInAt,
        a.CheckOutAt,
        a.Telehealth,
        a.NoticeGivenAt,
        a.Note,
        a.Version,
    }, Json);
}

internal static class CorrectAttendanceEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/attendance/{attendanceId:guid}", async (Guid attendanceId, CorrectAttendanceBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var corrected = await mediator.Send(new CorrectAttendanceRequest(attendanceId, ETag.RequireIfMatch(request), body), ct);
                ETag.Set(response, corrected.Version);
                return TypedResults.Ok(corrected);
            })
            .RequireRoles(Roles.Admin, Roles.Clinician, Roles.Supervisor)
            .WithName("CorrectAttendance")
            .WithSummary("Correct recorded attendance")
            .WithDescription("Replaces the values of an attendance record (If-Match and a reason required). The previous values, who changed them, when and why are kept in its history.")
            .Accepts<CorrectAttendanceBody>("application/json")
            .Produces<AttendanceDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
