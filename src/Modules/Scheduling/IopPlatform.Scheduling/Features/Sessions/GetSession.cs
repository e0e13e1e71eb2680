using IopPlatform.Scheduling.Features.Groups;

namespace IopPlatform.Scheduling.Features.Sessions;

internal sealed class GetSessionHandler(IDbConnectionFactory db) : IRequestHandler<GetSessionQuery, SessionDto?>
{
    private const string Select = $"{SessionSql.Select} WHERE s.id = @SessionId";

    public async Task<SessionDto?> Handle(GetSessionQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SessionDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
    }
}

internal static class GetSessionEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/sessions/{sessionId:guid}", async (Guid sessionId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var session = await mediator.Send(new GetSessionQuery(sessionId), ct) ?? throw new NotFoundException("Session", sessionId);
                ETag.Set(response, session.Version);
                return TypedResults.Ok(session);
            })
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .CarriesNoPatientData("A group session's time, place and kind: no patient, roster or attendance in it.")
            .WithName("GetSession")
            .WithSummary("Get a session")
            .WithDescription("Returns one session with its UTC instants and its site's time zone. The ETag header carries its version. Carries no patient data (no roster, no attendance), so kiosks and partner apps read it without a consent.")
            .Produces<SessionDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
