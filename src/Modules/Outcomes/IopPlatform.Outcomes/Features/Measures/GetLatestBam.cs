namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>Set-based: the latest BAM of many enrollments in one query per 1,000 ids (for the drift job).</summary>
internal sealed class GetLatestBamHandler(IDbConnectionFactory db) : IRequestHandler<GetLatestBamQuery, IReadOnlyList<BamResultDto>>
{
    public async Task<IReadOnlyList<BamResultDto>> Handle(GetLatestBamQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.EnrollmentIds);
        var results = new List<BamResultDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return results;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            parameters.Add("Bam", Instrument.Bam);
            parameters.Add("AsOf", request.AsOf);
            // As of an instant for the rule-pack backtest, which replays past evenings.
            var upTo = request.AsOf is null ? string.Empty : " AND x.administered_at <= @AsOf";
            var ids = SqlList.Parameters(chunk, "Id", parameters);
            var sql = $"""
                SELECT m.enrollment_id AS EnrollmentId, m.id AS MeasureId, m.administered_at AS AdministeredAt,
                       m.bam_use AS "Use", m.bam_risk AS Risk, m.bam_protective AS Protective
                FROM outcomes_measure m
                WHERE m.instrument = @Bam AND m.enrollment_id IN ({ids})
                  AND (m.administered_at = (SELECT MAX(x.administered_at) FROM outcomes_measure x
                                            WHERE x.enrollment_id = m.enrollment_id AND x.instrument = @Bam{upTo})
                       OR m.administered_at = (SELECT MIN(x.administered_at) FROM outcomes_measure x
                                               WHERE x.enrollment_id = m.enrollment_id AND x.instrument = @Bam{upTo}))
                """;
            var rows = await connection.QueryAsync<BamResultDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            // Two BAMs at the same instant: the later-recorded one is the latest, the earlier-recorded one the intake.
            results.AddRange(rows.GroupBy(r => r.EnrollmentId).Select(g =>
            {
                var latest = g.OrderBy(r => r.AdministeredAt).ThenBy(r => r.MeasureId).Last();
                var intake = g.OrderBy(r => r.AdministeredAt).ThenBy(r => r.MeasureId).First();
                return latest with { Intake = intake };
            }));
        }
        return results;
    }
}
