namespace IopPlatform.Enrollment.Features.Sites;

internal sealed record ListSitesQuery(int Limit, string? Cursor) : IRequest<CursorPage<SiteDto>>;

internal sealed class ListSitesValidator : AbstractValidator<ListSitesQuery>
{
    public ListSitesValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListSitesHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<ListSitesQuery, CursorPage<SiteDto>>
{
    public async Task<CursorPage<SiteDto>> Handle(ListSitesQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var sql = $"""
            SELECT id, name, time_zone AS TimeZone, version, created_at AS CreatedAt
            FROM enrollment_site
            {(after is null ? string.Empty : "WHERE id > @After")}
            ORDER BY id
            {dialect.Limit("@Take")}
            """;
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SiteDto>(new CommandDefinition(sql, new { After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        return Cursor.Page(rows.AsList(), request.Limit, s => s.Id);
    }
}

internal static class ListSitesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/sites", (IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListSitesQuery(limit, cursor), ct))
            .WithName("ListSites")
            .CarriesNoPatientData("Program and site settings: no patient in them.")
            .WithSummary("List sites")
            .WithDescription("Lists sites in creation order, a page at a time: pass the nextCursor of one page as cursor for the next.")
            .Produces<CursorPage<SiteDto>>()
            .ProducesValidationProblem();
}
