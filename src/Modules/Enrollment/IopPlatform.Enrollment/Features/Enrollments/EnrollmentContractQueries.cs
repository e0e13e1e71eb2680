namespace IopPlatform.Enrollment.Features.Enrollments;

internal sealed class GetActiveEnrollmentsValidator : AbstractValidator<GetActiveEnrollmentsQuery>
{
    public GetActiveEnrollmentsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 1000);
}

/// <summary>Answers the enrollment queries other modules send (no HTTP: no partner filtering, callers are the system).</summary>
internal sealed class EnrollmentContractsHandler(IDbConnectionFactory db, ISqlDialect dialect)
    : IRequestHandler<GetEnrollmentSummaryQuery, EnrollmentSummary?>,
      IRequestHandler<GetActiveEnrollmentsQuery, IReadOnlyList<EnrollmentSummary>>,
      IRequestHandler<GetCareTeamQuery, CareTeamDto?>
{
    public async Task<EnrollmentSummary?> Handle(GetEnrollmentSummaryQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await EnrollmentStore.FindRowAsync(connection, request.EnrollmentId, cancellationToken))?.Summary();
    }

    public async Task<IReadOnlyList<EnrollmentSummary>> Handle(GetActiveEnrollmentsQuery request, CancellationToken cancellationToken)
    {
        var filters = new List<string> { "e.status IN ('active', 'on_hold')" };
        if (request.ProgramId is not null)
        {
            filters.Add("e.program_id = @ProgramId");
        }
        if (request.After is not null)
        {
            filters.Add("e.id > @After");
        }
        var sql = $"SELECT {EnrollmentStore.Columns} {EnrollmentStore.From} WHERE {string.Join(" AND ", filters)} ORDER BY e.id {dialect.Limit("@Limit")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnrollmentRow>(new CommandDefinition(sql, request, cancellationToken: cancellationToken));
        return rows.Select(r => r.Summary()).ToList();
    }

    public async Task<CareTeamDto?> Handle(GetCareTeamQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await EnrollmentStore.FindRowAsync(connection, request.EnrollmentId, cancellationToken);
        return row is null ? null : await EnrollmentStore.CareTeamAsync(connection, row.Id, cancellationToken);
    }
}
