namespace IopPlatform.Outcomes.Features.Milestones;

/// <summary>Answers Enrollment's discharge: ready when all six milestones are met or a clinician has overridden with a reason.</summary>
internal sealed class GetCompletionReadinessHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator)
    : IRequestHandler<GetCompletionReadinessQuery, CompletionReadinessDto>
{
    private sealed class OverrideRow
    {
        public string Reason { get; init; } = string.Empty;

        public string OverriddenBy { get; init; } = string.Empty;

        public DateTimeOffset OverriddenAt { get; init; }
    }

    public async Task<CompletionReadinessDto> Handle(GetCompletionReadinessQuery request, CancellationToken cancellationToken)
    {
        var milestones = await mediator.Send(new EvaluateMilestonesQuery(request.EnrollmentId), cancellationToken);
        var sql = $"""
            SELECT reason, overridden_by AS OverriddenBy, overridden_at AS OverriddenAt FROM outcomes_completion_override
            WHERE enrollment_id = @EnrollmentId ORDER BY overridden_at DESC, id DESC {dialect.Limit("@One")}
            """;
        OverrideRow? latest;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            latest = await connection.QuerySingleOrDefaultAsync<OverrideRow>(new CommandDefinition(sql, new { request.EnrollmentId, One = 1 }, cancellationToken: cancellationToken));
        }
        var unmet = milestones.Milestones.Where(m => !m.Met).Select(m => $"{m.Number}. {m.Basis}").ToList();
        if (unmet.Count == 0)
        {
            return new CompletionReadinessDto { EnrollmentId = request.EnrollmentId, Ready = true, Reasons = ["All six milestones are met."], Overridden = false };
        }
        if (latest is not null)
        {
            return new CompletionReadinessDto
            {
                EnrollmentId = request.EnrollmentId,
                Ready = true,
                Reasons = [$"Clinician override: {latest.Reason}", .. unmet],
                Overridden = true,
                OverriddenBy = latest.OverriddenBy,
                OverriddenAt = latest.OverriddenAt,
            };
        }
        return new CompletionReadinessDto { EnrollmentId = request.EnrollmentId, Ready = false, Reasons = unmet, Overridden = false };
    }
}
