namespace IopPlatform.Outcomes.Features.Measures;

internal sealed class FindMeasuresValidator : AbstractValidator<FindMeasuresQuery>
{
    public FindMeasuresValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit + 1);
}

/// <summary>Scored measures by id, patient, instrument and time, with each enrollment's baselines; the sender applies the disclosure door.</summary>
internal sealed class FindMeasuresHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<FindMeasuresQuery, IReadOnlyList<MeasureResultDto>>
{
    public async Task<IReadOnlyList<MeasureResultDto>> Handle(FindMeasuresQuery request, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var filters = RecordFilter.Build(parameters, "m", "m.administered_at", request.MeasureId, request.PatientId, request.AdministeredFrom, request.AdministeredBefore, request.After);
        if (request.Instruments.Count > 0)
        {
            filters.Add(SqlList.In("m.instrument", request.Instruments, "i", parameters));
        }
        parameters.Add("Take", request.Limit);
        var sql = $"SELECT {MeasureRow.Columns} FROM outcomes_measure m {RecordFilter.Where(filters)} ORDER BY m.id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<MeasureRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        var results = new List<MeasureResultDto>(rows.Count);
        foreach (var enrollment in rows.GroupBy(r => r.EnrollmentId))
        {
            var baselines = MeasureRow.BaselinesByInstrument(await connection.QueryAsync<MeasureRow>(new CommandDefinition(
                MeasureRow.SelectBaselines, new { EnrollmentId = enrollment.Key }, cancellationToken: cancellationToken)));
            results.AddRange(enrollment.Select(r => r.ToDto(baselines.GetValueOrDefault(r.Instrument))));
        }
        return [.. results.OrderBy(r => r.Id)];
    }
}
