namespace IopPlatform.Outcomes.Features.DrugTests;

/// <summary>A drug test at its current version, or all its versions (oldest first) when <c>History</c> is set.</summary>
internal sealed record GetDrugTestQuery(Guid DrugTestId, bool History) : IRequest<IReadOnlyList<DrugTestDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.DrugTest;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetDrugTestHandler(IDbConnectionFactory db, IAuditScope audit, IMediator mediator) : IRequestHandler<GetDrugTestQuery, IReadOnlyList<DrugTestDto>>
{
    private const string Current = $"SELECT {DrugTestRow.Columns} {DrugTestRow.FromCurrent} WHERE t.id = @DrugTestId";

    private const string All = $"SELECT {DrugTestRow.Columns} {DrugTestRow.FromAllVersions} WHERE t.id = @DrugTestId ORDER BY v.version";

    public async Task<IReadOnlyList<DrugTestDto>> Handle(GetDrugTestQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DrugTestRow>(new CommandDefinition(request.History ? All : Current, request, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            throw new NotFoundException("Drug test", request.DrugTestId);
        }
        audit.TouchedPatient(rows[0].PatientId);
        await mediator.Send(new DiscloseRecordsCommand(rows[0].PatientId, InformationCategories.DrugTest, [$"drug_test/{request.DrugTestId}"]) { RefusedAs = new("Drug test", request.DrugTestId) }, cancellationToken);
        return await DrugTestStore.WithAnalytesAsync(connection, rows, cancellationToken);
    }
}

/// <summary>An enrollment's drug tests at their current versions, in the order they were recorded.</summary>
internal sealed record ListDrugTestsQuery(Guid EnrollmentId, int Limit, string? Cursor) : IRequest<CursorPage<DrugTestDto>>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.DrugTest;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListDrugTestsValidator : AbstractValidator<ListDrugTestsQuery>
{
    public ListDrugTestsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListDrugTestsHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, IAuditScope audit)
    : IRequestHandler<ListDrugTestsQuery, CursorPage<DrugTestDto>>
{
    public async Task<CursorPage<DrugTestDto>> Handle(ListDrugTestsQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var where = after is null ? "t.enrollment_id = @EnrollmentId" : "t.enrollment_id = @EnrollmentId AND t.id > @After";
        var sql = $"SELECT {DrugTestRow.Columns} {DrugTestRow.FromCurrent} WHERE {where} ORDER BY t.id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DrugTestRow>(new CommandDefinition(
            sql, new { request.EnrollmentId, After = after, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var page = Cursor.Page(rows, request.Limit, r => r.Id);
        await mediator.Send(new DiscloseRecordsCommand(profile.PatientId, InformationCategories.DrugTest, [.. page.Items.Select(r => $"drug_test/{r.Id}")]) { RefusedAs = new("Enrollment", request.EnrollmentId) }, cancellationToken);
        return new CursorPage<DrugTestDto>(await DrugTestStore.WithAnalytesAsync(connection, page.Items, cancellationToken), page.NextCursor);
    }
}

internal static class GetDrugTestEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/drug-tests/{drugTestId:guid}", async (Guid drugTestId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var test = (await mediator.Send(new GetDrugTestQuery(drugTestId, History: false), ct))[0];
                ETag.Set(response, test.Version);
                return TypedResults.Ok(test);
            })
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.DrugTest)
            .WithName("GetDrugTest")
            .WithSummary("Get a drug test")
            .WithDescription("The current (latest) version of a drug test; the ETag is its version.")
            .Produces<DrugTestDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/drug-tests/{drugTestId:guid}/versions", (Guid drugTestId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetDrugTestQuery(drugTestId, History: true), ct), (_, position) => ListPage.Key(position)))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.DrugTest)
            .WithName("ListDrugTestVersions")
            .WithSummary("A drug test's history")
            .WithDescription("Every version of a drug test, oldest first, each correction with its reason.")
            .Produces<CursorPage<DrugTestDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}

internal static class ListDrugTestsEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/drug-tests",
                (Guid enrollmentId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                    mediator.Send(new ListDrugTestsQuery(enrollmentId, limit, cursor), ct))
            .RequireRoles(OutcomesRoles.Readers)
            .DisclosesPatientRecords(InformationCategories.DrugTest)
            .WithName("ListDrugTests")
            .WithSummary("List an enrollment's drug tests")
            .WithDescription("The enrollment's drug tests at their current versions, in the order they were recorded, a page at a time.")
            .Produces<CursorPage<DrugTestDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
