namespace IopPlatform.Enrollment.Features.Sites;

internal sealed class GetSiteHandler(IDbConnectionFactory db) : IRequestHandler<GetSiteQuery, SiteDto?>
{
    private const string Select = """
        SELECT id, name, time_zone AS TimeZone, version, created_at AS CreatedAt
        FROM enrollment_site WHERE id = @SiteId
        """;

    public async Task<SiteDto?> Handle(GetSiteQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SiteDto>(new CommandDefinition(Select, request, cancellationToken: cancellationToken));
    }
}

internal static class GetSiteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/sites/{siteId:guid}", async (Guid siteId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var site = await mediator.Send(new GetSiteQuery(siteId), ct) ?? throw new NotFoundException("Site", siteId);
                ETag.Set(response, site.Version);
                return TypedResults.Ok(site);
            })
            .WithName("GetSite")
            .CarriesNoPatientData("Program and site settings: no patient in them.")
            .WithSummary("Get a site")
            .WithDescription("Returns one site with its time zone. The ETag header carries its version.")
            .Produces<SiteDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
