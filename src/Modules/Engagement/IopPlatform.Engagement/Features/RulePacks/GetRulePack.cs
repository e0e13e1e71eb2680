namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>The rule pack in force for a program.</summary>
/// <param name="ProgramId">The program.</param>
internal sealed record GetRulePackQuery(Guid ProgramId) : IRequest<RulePackDto>;

internal sealed class GetRulePackHandler(IDbConnectionFactory db, IMediator mediator)
    : IRequestHandler<GetRulePackQuery, RulePackDto>
{
    public async Task<RulePackDto> Handle(GetRulePackQuery request, CancellationToken cancellationToken)
    {
        await RulePackPrograms.RequireAsync(mediator, request.ProgramId, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await RulePackStore.CurrentAsync(connection, request.ProgramId, cancellationToken);
    }
}

/// <summary>Who may read and who may change a program's rule pack.</summary>
internal static class RulePackPrograms
{
    /// <summary>Staff who see alerts and flags read the thresholds behind them.</summary>
    public static readonly string[] Readers = [Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin];

    /// <summary>Program configuration: admins and clinical supervisors (as for the measure cadence).</summary>
    public static readonly string[] Writers = [Roles.Supervisor, Roles.Admin];

    public static async Task RequireAsync(IMediator mediator, Guid programId, CancellationToken ct)
    {
        if (await mediator.Send(new GetProgramQuery(programId), ct) is null)
        {
            throw new NotFoundException("Program", programId);
        }
    }
}

internal static class GetRulePackEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/programs/{programId:guid}/rule-pack", async (Guid programId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var pack = await mediator.Send(new GetRulePackQuery(programId), ct);
                ETag.Set(response, pack.Version);
                return TypedResults.Ok(pack);
            })
            .RequireRoles(RulePackPrograms.Readers)
            .CarriesNoPatientData("A program's drift thresholds; no patient's records.")
            .WithName("GetRulePack")
            .WithSummary("Get the drift rule pack in force for a program")
            .WithDescription("The thresholds the drift job applies to this program, with their version and who set them; the ETag is the version. " +
                             "A program that never set a pack follows the defaults of the running release: version 0, isDefault true, ETag \"0\".")
            .Produces<RulePackDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
