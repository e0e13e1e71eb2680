namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>Replaces a program's rule pack if it is still at the version the caller read; the old version is kept.</summary>
/// <param name="ProgramId">The program.</param>
/// <param name="ExpectedVersion">The version from If-Match (0 while the defaults apply).</param>
/// <param name="RulePack">The new thresholds (the whole pack).</param>
internal sealed record ReplaceRulePackRequest(Guid ProgramId, int ExpectedVersion, DriftRulePack RulePack) : IRequest<RulePackDto>, IAuditedRequest
{
    public string AuditCategory => RulePackAudit.Category;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal static class RulePackAudit
{
    /// <summary>Program configuration that decides which patients reach a case manager's inbox.</summary>
    public const string Category = "rule_pack";
}

internal sealed class ReplaceRulePackValidator : AbstractValidator<ReplaceRulePackRequest>
{
    // The body is the pack itself: its fields are named from the body's root ("attendanceRatio.minimumRatio").
    public ReplaceRulePackValidator() => RuleFor(x => x.RulePack).Custom((pack, context) => DriftRulePackValidator.Check(pack, context, string.Empty));
}

internal sealed class ReplaceRulePackHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<ReplaceRulePackRequest, RulePackDto>
{
    public async Task<RulePackDto> Handle(ReplaceRulePackRequest request, CancellationToken cancellationToken)
    {
        await RulePackPrograms.RequireAsync(mediator, request.ProgramId, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await RulePackStore.CurrentAsync(connection, request.ProgramId, cancellationToken, transaction);
        var next = request.ExpectedVersion + 1;
        if (current.Version != request.ExpectedVersion
            || !await RulePackStore.InsertAsync(connection, transaction, dialect, request.ProgramId, next, request.RulePack, caller.ActorId, clock.GetUtcNow(), cancellationToken))
        {
            throw new PreconditionFailedException(
                $"The rule pack of program '{request.ProgramId}' is at version {current.Version}, not {request.ExpectedVersion}; read it again and reapply your change.");
        }
        var stored = await RulePackStore.CurrentAsync(connection, request.ProgramId, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
        audit.Resource($"program/{request.ProgramId}/rule-pack/{stored.Version}");
        return stored;
    }
}

internal static class ReplaceRulePackEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/programs/{programId:guid}/rule-pack", async (Guid programId, DriftRulePack body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var expected = ETag.RequireIfMatch(request);
                var pack = await mediator.Send(new ReplaceRulePackRequest(programId, expected, body), ct);
                ETag.Set(response, pack.Version);
                return TypedResults.Ok(pack);
            })
            .RequireRoles(RulePackPrograms.Writers)
            .CarriesNoPatientData("A program's drift thresholds; no patient's records.")
            .WithName("ReplaceRulePack")
            .WithSummary("Replace a program's drift rule pack (supervisor, admin)")
            .WithDescription("Stores the whole pack as a new version (every version is kept with who set it and when, and audited); the drift job applies it from its next run. " +
                             "Needs If-Match with the ETag of the last read (\"0\" while the defaults apply): 428 without it, 412 when the pack changed since. " +
                             "Each threshold has bounds (see the schema); a value outside is a 400 naming the field. Try a pack first with POST .../rule-pack/backtest.")
            .Accepts<DriftRulePack>("application/json")
            .Produces<RulePackDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
