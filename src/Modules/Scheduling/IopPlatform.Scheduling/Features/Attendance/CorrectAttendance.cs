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

internal sealed record AttendanceChangeDto
{
    public required string ChangedBy { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    public required string Reason { get; init; }

    public required JsonElement OldValues { get; init; }

    public required JsonElement NewValues { get; init; }
}

internal sealed record GetAttendanceQuery(Guid AttendanceId) : IRequest<AttendanceDto?>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed record GetAttendanceChangesQuery(Guid AttendanceId) : IRequest<IReadOnlyList<AttendanceChangeDto>>, IAuditedRequest
{
    public string AuditCategory => "attendance";

    public string AuditAction => "read";

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
            var current = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(CorrectAttendanceHandler.Select, request, cancellationToken: ct));
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
    : IRequestHandler<CorrectAttendanceRequest, AttendanceDto>, IRequestHandler<GetAttendanceQuery, AttendanceDto?>, IRequestHandler<GetAttendanceChangesQuery, IReadOnlyList<AttendanceChangeDto>>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string Select = $"SELECT {AttendanceStore.Columns} FROM scheduling_attendance WHERE id = @AttendanceId";

    private const string Update = """
        UPDATE scheduling_attendance SET status = @Status, minutes = @Minutes, check_in_at = @CheckInAt, check_out_at = @CheckOutAt,
               telehealth = @Telehealth, notice_given_at = @NoticeGivenAt, note = @Note, version = version + 1, updated_at = @Now
        WHERE id = @Id AND version = @Version
        """;

    private const string InsertHistory = """
        INSERT INTO scheduling_attendance_history (id, attendance_id, changed_by, changed_at, reason, old_values, new_values)
        VALUES (@Id, @AttendanceId, @ChangedBy, @ChangedAt, @Reason, @OldValues, @NewValues)
        """;

    private const string SelectHistory = """
        SELECT changed_by AS ChangedBy, changed_at AS ChangedAt, reason, old_values AS OldValues, new_values AS NewValues
        FROM scheduling_attendance_history WHERE attendance_id = @AttendanceId ORDER BY changed_at, id
        """;

    public async Task<AttendanceDto> Handle(CorrectAttendanceRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var item = CorrectAttendanceValidator.AsItem(body);
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(Select, request, tx, cancellationToken: cancellationToken))
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

    public async Task<AttendanceDto?> Handle(GetAttendanceQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
        if (found is not null)
        {
            audit.TouchedPatient(found.PatientId);
        }
        return found;
    }

    public async Task<IReadOnlyList<AttendanceChangeDto>> Handle(GetAttendanceChangesQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<AttendanceDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
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

    private sealed class HistoryRow
    {
        public string ChangedBy { get; init; } = string.Empty;

        public DateTimeOffset ChangedAt { get; init; }

        public string Reason { get; init; } = string.Empty;

        public string OldValues { get; init; } = "{}";

        public string NewValues { get; init; } = "{}";
    }
}

internal static class CorrectAttendanceEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
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
}
