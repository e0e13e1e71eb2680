namespace IopPlatform.Integration.Features.ApiClients;

internal sealed record ListApiClientsQuery(int Limit, string? Cursor) : IRequest<CursorPage<ApiClientDto>>;

internal sealed class ListApiClientsValidator : AbstractValidator<ListApiClientsQuery>
{
    public ListApiClientsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListApiClientsHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<ListApiClientsQuery, CursorPage<ApiClientDto>>
{
    public async Task<CursorPage<ApiClientDto>> Handle(ListApiClientsQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var sql = $"""
            SELECT {ApiClientRow.Columns}
            FROM integration_api_client
            {(after is null ? string.Empty : "WHERE id > @After")}
            ORDER BY id
            {dialect.Limit("@Take")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiClientRow>(new CommandDefinition(sql, new { After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        return Cursor.Page(rows.Select(r => r.ToDto()).ToList(), request.Limit, c => c.Id);
    }
}

internal static class ListApiClientsEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/api-clients", (IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListApiClientsQuery(limit, cursor), ct))
            .WithName("ListApiClients")
            .WithSummary("List API clients (admin)")
            .WithDescription("Lists API clients, active and revoked, in creation order, a page at a time. Keys and their hashes are never returned.")
            .Produces<CursorPage<ApiClientDto>>()
            .ProducesValidationProblem();
}
