namespace IopPlatform.Integration.Features.ApiClients;

internal sealed record GetApiClientQuery(Guid ApiClientId) : IRequest<ApiClientDto?>;

internal sealed class GetApiClientHandler(IDbConnectionFactory db) : IRequestHandler<GetApiClientQuery, ApiClientDto?>
{
    private const string Select = $"SELECT {ApiClientRow.Columns} FROM integration_api_client WHERE id = @ApiClientId";

    public async Task<ApiClientDto?> Handle(GetApiClientQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
        return row?.ToDto();
    }
}

internal static class GetApiClientEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/api-clients/{apiClientId:guid}", async (Guid apiClientId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var client = await mediator.Send(new GetApiClientQuery(apiClientId), ct) ?? throw new NotFoundException("API client", apiClientId);
                ETag.Set(response, client.Version);
                return TypedResults.Ok(client);
            })
            .WithName("GetApiClient")
            .WithSummary("Get an API client (admin)")
            .WithDescription("Returns one API client: name, roles, key prefix and whether it is revoked. Never the key or its hash.")
            .Produces<ApiClientDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
