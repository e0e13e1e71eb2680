namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>
/// Set-based: current drug-test results of many enrollments in a period, one query per 1,000 ids (for the drift job).
/// A presumptive point-of-care positive stops waiting for its confirmation after the configured days (issue 18 item 4).
/// </summary>
internal sealed class GetDrugTestSignalsHandler(IDbConnectionFactory db, OutcomesSettings settings, TimeProvider clock) : IRequestHandler<GetDrugTestSignalsQuery, IReadOnlyList<DrugTestSignalDto>>
{
    private sealed class SignalRow
    {
        public Guid DrugTestId { get; init; }

        public Guid EnrollmentId { get; init; }

        public DateTimeOffset CollectedAt { get; init; }

        public string OverallResult { get; init; } = string.Empty;

        public bool NeedsConfirmation { get; init; }

        public string Method { get; init; } = string.Empty;
    }

    public async Task<IReadOnlyList<DrugTestSignalDto>> Handle(GetDrugTestSignalsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.EnrollmentIds);
        var results = new List<DrugTestSignalDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return results;
        }
        var presumptiveUntil = clock.GetUtcNow().AddDays(-settings.PresumptivePositiveCountsAfterDays);
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            parameters.Add("From", request.From.ToUniversalTime());
            parameters.Add("To", request.To.ToUniversalTime());
            var sql = $"""
                SELECT t.id AS DrugTestId, t.enrollment_id AS EnrollmentId, v.collected_at AS CollectedAt, v.overall_result AS OverallResult, v.needs_confirmation AS NeedsConfirmation, v.method
                {DrugTestRow.FromCurrent}
                WHERE t.enrollment_id IN ({SqlList.Parameters(chunk, "Id", parameters)}) AND v.collected_at >= @From AND v.collected_at < @To
                ORDER BY t.enrollment_id, v.collected_at
                """;
            var rows = await connection.QueryAsync<SignalRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            results.AddRange(rows.Select(r => new DrugTestSignalDto
            {
                DrugTestId = r.DrugTestId,
                EnrollmentId = r.EnrollmentId,
                CollectedAt = r.CollectedAt,
                OverallResult = r.OverallResult,
                NeedsConfirmation = r.NeedsConfirmation && !(r.Method == DrugTestWords.PointOfCare && r.OverallResult == DrugTestWords.PositiveUnexpected && r.CollectedAt < presumptiveUntil),
            }));
        }
        return results;
    }
}
