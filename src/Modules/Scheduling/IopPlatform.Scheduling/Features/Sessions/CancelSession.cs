using IopPlatform.Scheduling.Domain;

namespace IopPlatform.Scheduling.Features.Sessions;

/// <summary>Cancels one session of a group.</summary>
/// <param name="Reason">Why (shown to staff and patients).</param>
internal sealed record CancelSessionBody(string Reason);

internal sealed record CancelSessionRequest(Guid SessionId, int Version, string Reason) : IRequest<SessionDto>;

internal sealed class CancelSessionValidator : AbstractValidator<CancelSessionRequest>
{
    public CancelSessionValidator() => RuleFor(x => x.Reason).NotEmpty().MaximumLength(500);
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

internal static class CancelSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
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
}
