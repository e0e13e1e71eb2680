namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>An enrollment's measures (a trend), optionally of one instrument, in the order they were recorded.</summary>
internal sealed record ListMeasuresQuery(Guid EnrollmentId, string? Instrument, int Limit, string? Cursor) : IRequest<CursorPage<MeasureResultDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Measure;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListMeasuresValidator : AbstractValidator<ListMeasuresQuery>
{
    public ListMeasuresValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
        RuleFor(x => x.Instrument).Must(i => i is null || Instrument.IsKnown(i))
            .WithMessage($"Instrument must be one of: {string.Join(", ", Instrument.All)}.");
    }
}

internal sealed class ListMeasuresHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit)
    : IRequestHandler<ListMeasuresQuery, CursorPage<MeasureResultDto>>
{
    public async Task<CursorPage<MeasureResultDto>> Handle(ListMeasuresQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var filters = new List<string> { "enrollment_id = @EnrollmentId" };
        if (request.Instrument is not null)
        {
            filters.Add("instrument = @Instrument");
        }
        if (after is not null)
        {
            filters.Add("id > @After");
        }
        var sql = $"SELECT {MeasureRow.Columns} FROM outcomes_measure WHERE {string.Join(" AND ", filters)} ORDER BY id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<MeasureRow>(new CommandDefinition(
            sql, new { request.EnrollmentId, request.Instrument, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var baselines = MeasureRow.BaselinesByInstrument(await connection.QueryAsync<MeasureRow>(new CommandDefinition(
            MeasureRow.SelectBaselines, new { request.EnrollmentId }, cancellationToken: cancellationToken)));
        var page = Cursor.Page(rows, request.Limit, r => r.Id);
        await mediator.Send(new DiscloseRecordsCommand(profile.PatientId, InformationCategories.Outcomes, [.. page.Items.Select(r => $"measure/{r.Id}")]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        return new CursorPage<MeasureResultDto>(
            page.Items.Select(r => r.ToDto(baselines.GetValueOrDefault(r.Instrument))).ToList(), page.NextCursor);
    }
}

/// <summary>One measure of an enrollment.</summary>
internal sealed record GetMeasureQuery(Guid EnrollmentId, Guid MeasureId) : IRequest<MeasureResultDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Measure;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetMeasureHandler(IDbConnectionFactory db, IAuditScope audit, IMediator mediator) : IRequestHandler<GetMeasureQuery, MeasureResultDto>
{
    private const string Select = $"SELECT {MeasureRow.Columns} FROM outcomes_measure WHERE id = @MeasureId AND enrollment_id = @EnrollmentId";

    public async Task<MeasureResultDto> Handle(GetMeasureQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MeasureRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Measure", request.MeasureId);
        audit.TouchedPatient(row.PatientId);
        await mediator.Send(new DiscloseRecordsCommand(row.PatientId, InformationCategories.Outcomes, [$"measure/{row.Id}"]) { RefusedAs = new("Measure", request.MeasureId) }, cancellationToken);
        var baselines = MeasureRow.BaselinesByInstrument(await connection.QueryAsync<MeasureRow>(new CommandDefinition(
            MeasureRow.SelectBaselines, new { request.EnrollmentId }, cancellationToken: cancellationToken)));
        return row.ToDto(baselines.GetValueOrDefault(row.Instrument));
    }
}

internal static class ListMeasuresEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/enrollments/{enrollmentId:guid}/measures",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, string? instrument = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListMeasuresQuery(enrollmentId, instrument, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.Outcomes)
            .WithName("ListMeasures")
            .WithSummary("List an enrollment's measures")
            .WithDescription("The enrollment's scored measures in the order they were recorded, optionally of one instrument (a trend), a page at a time. Each carries its reliable change against the enrollment's baseline.")
            .Produces<CursorPage<MeasureResultDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/enrollments/{enrollmentId:guid}/measures/{measureId:guid}",
                (Guid enrollmentId, Guid measureId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetMeasureQuery(enrollmentId, measureId), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.Outcomes)
            .WithName("GetMeasure")
            .WithSummary("Get a measure")
            .WithDescription("One scored measure of the enrollment, with its reliable change against the baseline.")
            .Produces<MeasureResultDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
