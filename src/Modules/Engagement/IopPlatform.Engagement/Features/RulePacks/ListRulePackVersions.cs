namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>Every stored version of a program's rule pack, newest first.</summary>
/// <param name="ProgramId">The program.</param>
internal sealed record ListRulePackVersionsQuery(Guid ProgramId) : IRequest<IReadOnlyList<RulePackDto>>;

internal sealed class ListRulePackVersionsHandler(IDbConnectionFactory db, IMediator mediator)
    : IRequestHandler<ListRulePackVersionsQuery, IReadOnlyList<RulePackDto>>
{
    public async Task<IReadOnlyList<RulePackDto>> Handle(ListRulePackVersionsQuery request, CancellationToken cancellationToken)
    {
        await RulePackPrograms.RequireAsync(mediator, request.ProgramId, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await RulePackStore.VersionsAsync(connection, request.ProgramId, cancellationToken);
    }
}

internal static class ListRulePackVersionsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/programs/{programId:guid}/rule-pack/versions", (Guid programId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListRulePackVersionsQuery(programId), ct), v => ListPage.Key(v.Version), descending: true))
            .RequireRoles(RulePackPrograms.Readers)
            .CarriesNoPatientData("A program's drift thresholds over time; no patient's records.")
            .WithName("ListRulePackVersions")
            .WithSummary("Every version of a program's drift rule pack")
            .WithDescription("Every stored version, newest first, with who set it and when; empty while the program follows the defaults.")
            .Produces<CursorPage<RulePackDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
