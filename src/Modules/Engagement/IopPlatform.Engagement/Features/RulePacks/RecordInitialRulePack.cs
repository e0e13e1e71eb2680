namespace IopPlatform.Engagement.Features.RulePacks;

internal sealed class RecordInitialRulePackValidator : AbstractValidator<RecordInitialRulePackCommand>
{
    // Named as in the create-program body: "rulePack.attendanceRatio.minimumRatio".
    public RecordInitialRulePackValidator() => RuleFor(x => x.RulePack).Custom((pack, context) => DriftRulePackValidator.Check(pack, context, "rulePack."));
}

internal sealed class RecordInitialRulePackHandler(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<RecordInitialRulePackCommand, int>
{
    public async Task<int> Handle(RecordInitialRulePackCommand request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RulePackStore.InsertAsync(connection, transaction, dialect, request.ProgramId, 1, request.RulePack, caller.ActorId, clock.GetUtcNow(), cancellationToken);
        var current = await RulePackStore.CurrentAsync(connection, request.ProgramId, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
        return current.Version;
    }
}
