namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>The H0015 thresholds of a program's rule pack in force, for Scheduling's weekly-hours billing-risk flag.</summary>
internal sealed class GetProgramBillingThresholdsHandler(IDbConnectionFactory db) : IRequestHandler<GetProgramBillingThresholdsQuery, ProgramBillingThresholds>
{
    public async Task<ProgramBillingThresholds> Handle(GetProgramBillingThresholdsQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var current = await RulePackStore.CurrentAsync(connection, request.ProgramId, cancellationToken);
        var rule = current.RulePack.BelowIntensity;
        return new ProgramBillingThresholds(rule.BillingMinDaysPerWeek, rule.BillingMinHoursPerDay, current.Version);
    }
}
