namespace IopPlatform.Enrollment.Features.Enrollments;

internal sealed class FindEpisodesValidator : AbstractValidator<FindEpisodesQuery>
{
    public FindEpisodesValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit + 1);
}

/// <summary>Episodes of care by id, patient and status; the sender applies the disclosure door (see the query).</summary>
internal sealed class FindEpisodesHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<FindEpisodesQuery, IReadOnlyList<EnrollmentDto>>
{
    public async Task<IReadOnlyList<EnrollmentDto>> Handle(FindEpisodesQuery request, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var filters = new List<string>();
        if (request.EnrollmentId is { } id)
        {
            parameters.Add("Id", id);
            filters.Add("e.id = @Id");
        }
        if (request.PatientId is { } patientId)
        {
            parameters.Add("PatientId", patientId);
            filters.Add("e.patient_id = @PatientId");
        }
        if (request.Statuses.Count > 0)
        {
            filters.Add(SqlList.In("e.status", request.Statuses.Select(s => Codes.Of(s)), "s", parameters));
        }
        if (request.After is { } after)
        {
            parameters.Add("After", after);
            filters.Add("e.id > @After");
        }
        parameters.Add("Take", request.Limit);
        var where = filters.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", filters);
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(
            $"SELECT {EnrollmentStore.Columns} {EnrollmentStore.From} {where} ORDER BY e.id {dialect.Limit("@Take")}", parameters, cancellationToken: cancellationToken));
        var episodes = new List<EnrollmentDto>();
        foreach (var row in rows)
        {
            episodes.Add(await EnrollmentStore.ToDtoAsync(connection, row, cancellationToken));
        }
        return episodes;
    }
}
