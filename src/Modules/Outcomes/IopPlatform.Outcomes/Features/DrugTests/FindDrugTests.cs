namespace IopPlatform.Outcomes.Features.DrugTests;

internal sealed class FindDrugTestsValidator : AbstractValidator<FindDrugTestsQuery>
{
    public FindDrugTestsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit + 1);
}

/// <summary>Drug tests at their current versions by id, patient and collection time; the sender applies the disclosure door.</summary>
internal sealed class FindDrugTestsHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<FindDrugTestsQuery, IReadOnlyList<DrugTestDto>>
{
    public async Task<IReadOnlyList<DrugTestDto>> Handle(FindDrugTestsQuery request, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var filters = RecordFilter.Build(parameters, "t", "v.collected_at", request.DrugTestId, request.PatientId, request.CollectedFrom, request.CollectedBefore, request.After);
        parameters.Add("Take", request.Limit);
        var sql = $"SELECT {DrugTestRow.Columns} {DrugTestRow.FromCurrent} {RecordFilter.Where(filters)} ORDER BY t.id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DrugTestRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        return await DrugTestStore.WithAnalytesAsync(connection, rows, cancellationToken);
    }
}
