using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Sessions;

/// <summary>Moves one session of a group to another local date and time at the same site.</summary>
/// <param name="Date">New local date.</param>
/// <param name="StartTime">New local start time.</param>
/// <param name="EndTime">New local end time, after the start.</param>
/// <param name="Reason">Optional reason.</param>
internal sealed record RescheduleSessionBody(DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, string? Reason);

internal sealed record RescheduleSessionRequest(Guid SessionId, int Version, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, string? Reason)
    : IRequest<SessionDto>;

internal sealed class RescheduleSessionValidator : AbstractValidator<RescheduleSessionRequest>
{
    public RescheduleSessionValidator()
    {
        RuleFor(x => x.Date).NotEqual(default(DateOnly)).WithMessage("Give the new local date.");
        RuleFor(x => x.EndTime).Must((x, e) => e > x.StartTime).WithMessage("The end time must be after the start time on the same day.");
        RuleFor(x => x.Reason).MaximumLength(500);
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

internal static class RescheduleSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
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
