using Dapper;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Outcomes.Contracts;
using MediatR;

namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>Set-based: current drug-test results of many enrollments in a period, one query per 1,000 ids (for the drift job).</summary>
internal sealed class GetDrugTestSignalsHandler(IDbConnectionFactory db) : IRequestHandler<GetDrugTestSignalsQuery, IReadOnlyList<DrugTestSignalDto>>
{
    public async Task<IReadOnlyList<DrugTestSignalDto>> Handle(GetDrugTestSignalsQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.EnrollmentIds);
        var results = new List<DrugTestSignalDto>();
        if (request.EnrollmentIds.Count == 0)
        {
            return results;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            parameters.Add("From", request.From.ToUniversalTime());
            parameters.Add("To", request.To.ToUniversalTime());
            var sql = $"""
                SELECT t.id AS DrugTestId, t.enrollment_id AS EnrollmentId, v.collected_at AS CollectedAt, v.overall_result AS OverallResult, v.needs_confirmation AS NeedsConfirmation
                {DrugTestRow.FromCurrent}
                WHERE t.enrollment_id IN ({SqlList.Parameters(chunk, "Id", parameters)}) AND v.collected_at >= @From AND v.collected_at < @To
                ORDER BY t.enrollment_id, v.collected_at
                """;
            results.AddRange(await connection.QueryAsync<DrugTestSignalDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return results;
    }
}
