namespace IopPlatform.Enrollment.Features.Patients;

internal sealed class FindPatientRecordsValidator : AbstractValidator<FindPatientRecordsQuery>
{
    public FindPatientRecordsValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit + 1);
        RuleFor(x => x.Name).MaximumLength(100);
        RuleFor(x => x.Identifier).MaximumLength(401);
    }
}

/// <summary>Full records by id or by the patient search's criteria; the sender applies the disclosure door (see the query).</summary>
internal sealed class FindPatientRecordsHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<FindPatientRecordsQuery, IReadOnlyList<PatientDto>>
{
    public async Task<IReadOnlyList<PatientDto>> Handle(FindPatientRecordsQuery request, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var filters = PatientSearchFilter.Build(dialect, parameters, request.Name, request.BirthDate, request.Identifier, request.After);
        if (request.PatientId is { } id)
        {
            parameters.Add("Id", id);
            filters.Add("p.id = @Id");
        }
        parameters.Add("Take", request.Limit);
        var where = filters.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", filters);
        await using var connection = await db.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT p.id FROM enrollment_patient p {where} ORDER BY p.id {dialect.Limit("@Take")}", parameters, cancellationToken: cancellationToken));
        var records = new List<PatientDto>();
        foreach (var patientId in ids)
        {
            if (await PatientStore.FindAsync(connection, patientId, cancellationToken) is { } patient)
            {
                records.Add(patient);
            }
        }
        return records;
    }
}
