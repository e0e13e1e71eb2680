using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Sessions;

/// <summary>Cancels one session of a group.</summary>
/// <param name="Reason">Why (shown to staff and patients).</param>
internal sealed record CancelSessionBody(string Reason);

/// <summary>Moves one session of a group to another local date and time at the same site.</summary>
/// <param name="Date">New local date.</param>
/// <param name="StartTime">New local start time.</param>
/// <param name="EndTime">New local end time, after the start.</param>
/// <param name="Reason">Optional reason.</param>
internal sealed record RescheduleSessionBody(DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, string? Reason);

internal sealed record CancelSessionRequest(Guid SessionId, int Version, string Reason) : IRequest<SessionDto>;

internal sealed record RescheduleSessionRequest(Guid SessionId, int Version, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, string? Reason)
    : IRequest<SessionDto>;

internal sealed class CancelSessionValidator : AbstractValidator<CancelSessionRequest>
{
    public CancelSessionValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(500);
}

internal sealed class RescheduleSessionValidator : AbstractValidator<RescheduleSessionRequest>
{
    public RescheduleSessionValidator()
    {
        RuleFor(x => x.Date).NotEqual(default(DateOnly)).WithMessage("Give the new local date.");
        RuleFor(x => x.EndTime).Must((x, e) => e > x.StartTime).WithMessage("The end time must be after the start time on the same day.");
        RuleFor(x => x.Reason).MaximumLength(500);
    }
}

/// <summary>Cancel and reschedule share their checks: the session exists, nobody attended yet, the version matches.</summary>
internal static class SessionChange
{
    private const string HasAttendance = "SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @SessionId";

    public static async Task<SessionDto> LoadChangeableAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, Guid sessionId, int version, CancellationToken ct)
    {
        var session = await connection.QuerySingleOrDefaultAsync<SessionDto>(new CommandDefinition(
            $"{Groups.SessionSql.Select} WHERE s.id = @SessionId", new { SessionId = sessionId }, tx, cancellationToken: ct))
            ?? throw new NotFoundException("Session", sessionId);
        if (session.Version != version)
        {
            throw new PreconditionFailedException($"Session '{sessionId}' is at version {session.Version}, not {version}; read it again.");
        }
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(HasAttendance, new { SessionId = sessionId }, tx, cancellationToken: ct)) > 0)
        {
            throw new ConflictException("Attendance has already been recorded for this session; it cannot be cancelled or moved.");
        }
        return session;
    }

    public const string Update = """
        UPDATE scheduling_session SET status = @Status, status_reason = @Reason, starts_at = @StartsAt, ends_at = @EndsAt,
               version = version + 1, updated_at = @Now
        WHERE id = @SessionId AND version = @Version
        """;
}

internal sealed class CancelSessionHandler(IDbConnectionFactory db, TimeProvider clock) : IRequestHandler<CancelSessionRequest, SessionDto>
{
    public async Task<SessionDto> Handle(CancelSessionRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var session = await SessionChange.LoadChangeableAsync(connection, tx, request.SessionId, request.Version, cancellationToken);
        if (session.Status == SessionStatus.Cancelled)
        {
            throw new ConflictException("The session is already cancelled.");
        }
        var updated = await connection.ExecuteAsync(new CommandDefinition(SessionChange.Update, new
        {
            request.SessionId,
            request.Version,
            Status = SessionStatus.Cancelled,
            Reason = request.Reason.Trim(),
            session.StartsAt,
            session.EndsAt,
            Now = clock.GetUtcNow(),
        }, tx, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            throw new PreconditionFailedException($"Session '{request.SessionId}' changed meanwhile; read it again.");
        }
        await tx.CommitAsync(cancellationToken);
        return session with { Status = SessionStatus.Cancelled, StatusReason = request.Reason.Trim(), Version = session.Version + 1 };
    }
}

internal sealed class RescheduleSessionHandler(IDbConnectionFactory db, TimeProvider clock) : IRequestHandler<RescheduleSessionRequest, SessionDto>
{
    public async Task<SessionDto> Handle(RescheduleSessionRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var session = await SessionChange.LoadChangeableAsync(connection, tx, request.SessionId, request.Version, cancellationToken);
        if (session.Status == SessionStatus.Cancelled)
        {
            throw new ConflictException("A cancelled session cannot be rescheduled.");
        }
        var zone = SessionCalendar.FindZone(session.TimeZone)
            ?? throw new UnprocessableException($"The group's time zone '{session.TimeZone}' is not known on this server.");
        var startsAt = SessionCalendar.ToUtc(request.Date, request.StartTime, zone);
        var endsAt = SessionCalendar.ToUtc(request.Date, request.EndTime, zone);
        if (startsAt <= now)
        {
            throw new BadRequestException("date", "A session can only be moved to a time in the future.");
        }
        await connection.ExecuteAsync(new CommandDefinition(SessionChange.Update, new
        {
            request.SessionId,
            request.Version,
            Status = SessionStatus.Rescheduled,
            Reason = request.Reason?.Trim(),
            StartsAt = startsAt,
            EndsAt = endsAt,
            Now = now,
        }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return session with { Status = SessionStatus.Rescheduled, StatusReason = request.Reason?.Trim(), StartsAt = startsAt, EndsAt = endsAt, Version = session.Version + 1 };
    }
}

internal static class ChangeSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/sessions/{sessionId:guid}/cancel", async (Guid sessionId, CancelSessionBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var session = await mediator.Send(new CancelSessionRequest(sessionId, ETag.RequireIfMatch(request), body.Reason ?? string.Empty), ct);
                ETag.Set(response, session.Version);
                return TypedResults.Ok(session);
            })
            .RequireRoles(Roles.Admin, Roles.Clinician, Roles.Supervisor)
            .WithName("CancelSession")
            .WithSummary("Cancel one session")
            .WithDescription("Cancels a single session of a group (If-Match required). Bookings stay so the roster can be told; the missed-session job ignores cancelled sessions. 409 once attendance is recorded.")
            .Accepts<CancelSessionBody>("application/json")
            .Produces<SessionDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapPost("/sessions/{sessionId:guid}/reschedule", async (Guid sessionId, RescheduleSessionBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var session = await mediator.Send(new RescheduleSessionRequest(sessionId, ETag.RequireIfMatch(request), body.Date, body.StartTime, body.EndTime, body.Reason), ct);
                ETag.Set(response, session.Version);
                return TypedResults.Ok(session);
            })
            .RequireRoles(Roles.Admin, Roles.Clinician, Roles.Supervisor)
            .WithName("RescheduleSession")
            .WithSummary("Reschedule one session")
            .WithDescription("Moves a single session to another local date and time in its site's zone (If-Match required); its bookings move with it. The recurrence date it was generated for stays its key.")
            .Accepts<RescheduleSessionBody>("application/json")
            .Produces<SessionDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
