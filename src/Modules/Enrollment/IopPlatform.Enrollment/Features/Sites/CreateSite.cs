namespace IopPlatform.Enrollment.Features.Sites;

/// <summary>Creates a treatment site.</summary>
/// <param name="Name">Display name (1–200 characters).</param>
/// <param name="TimeZone">IANA time zone id of the site, e.g. "America/New_York".</param>
internal sealed record CreateSiteRequest(string Name, string TimeZone) : IRequest<SiteDto>;

internal sealed class CreateSiteValidator : AbstractValidator<CreateSiteRequest>
{
    public CreateSiteValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.TimeZone).NotEmpty().MaximumLength(64)
            .Must(TimeZones.IsIana).WithMessage("'{PropertyValue}' is not an IANA time zone id (e.g. America/Chicago).");
    }
}

internal sealed class CreateSiteHandler(IDbConnectionFactory db, TimeProvider clock) : IRequestHandler<CreateSiteRequest, SiteDto>
{
    private const string Insert = """
        INSERT INTO enrollment_site (id, name, time_zone, version, created_at)
        VALUES (@Id, @Name, @TimeZone, @Version, @CreatedAt)
        """;

    public async Task<SiteDto> Handle(CreateSiteRequest request, CancellationToken cancellationToken)
    {
        var site = new SiteDto { Id = Guid.CreateVersion7(), Name = request.Name.Trim(), TimeZone = request.TimeZone, Version = 1, CreatedAt = clock.GetUtcNow() };
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, site, cancellationToken: cancellationToken));
        return site;
    }
}

internal static class CreateSiteEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/sites", async (CreateSiteRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var site = await mediator.Send(body, ct);
                ETag.Set(response, site.Version);
                return TypedResults.Created($"/api/v1/sites/{site.Id}", site);
            })
            .WithName("CreateSite")
            .WithSummary("Create a site (admin)")
            .WithDescription("Creates a treatment site with the IANA time zone in which its sessions are scheduled. " +
                             "Send an Idempotency-Key header to make retries safe: the first response is replayed.")
            .RequireRoles(Roles.Admin)
            .Accepts<CreateSiteRequest>("application/json")
            .Produces<SiteDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithIdempotency();
}
