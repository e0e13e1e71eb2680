namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>Revokes an API client's key at once; revoking a revoked client changes nothing.</summary>
/// <param name="ApiClientId">The API client to revoke.</param>
internal sealed record RevokeApiClientRequest(Guid ApiClientId) : IRequest<ApiClientDto>;

internal sealed class RevokeApiClientHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<RevokeApiClientRequest, ApiClientDto>
{
    // No If-Match: revoking is idempotent and must not be slowed down by a stale read during an incident.
    private const string Revoke = """
        UPDATE integration_api_client
        SET revoked_at = @Now, revoked_by = @RevokedBy, version = version + 1
        WHERE id = @ApiClientId AND revoked_at IS NULL
        """;

    private const string Select = $"SELECT {ApiClientRow.Columns} FROM integration_api_client WHERE id = @ApiClientId";

    public async Task<ApiClientDto> Handle(RevokeApiClientRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Revoke, new { request.ApiClientId, Now = clock.GetUtcNow(), RevokedBy = caller.ActorId }, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleOrDefaultAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
                  ?? throw new NotFoundException("API client", request.ApiClientId);
        return row.ToDto();
    }
}

internal static class RevokeApiClientEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/api-clients/{apiClientId:guid}/revoke", async (Guid apiClientId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var client = await mediator.Send(new RevokeApiClientRequest(apiClientId), ct);
                ETag.Set(response, client.Version);
                return TypedResults.Ok(client);
            })
            .WithName("RevokeApiClient")
            .WithSummary("Revoke an API client (admin)")
            .WithDescription("Revokes the client's key: the next request with it is refused with 401. " +
                             "Idempotent: revoking a revoked client returns it unchanged. Keys cannot be un-revoked; create a new client instead.")
            .Produces<ApiClientDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
