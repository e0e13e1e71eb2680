using IopPlatform.Enrollment.Features.Consents;

namespace IopPlatform.Enrollment.Features.Patients;

/// <summary>Finds patients by name, date of birth or identifier; answers summaries only (minimum necessary).</summary>
/// <param name="Name">Case-insensitive part of the given or family name.</param>
/// <param name="DateOfBirth">Exact date of birth.</param>
/// <param name="Identifier">An MRN or an external identifier value; "system|value" narrows to one system.</param>
/// <param name="Limit">Page size 1–200.</param>
/// <param name="Cursor">nextCursor of the previous page.</param>
/// <param name="Sort">One of <see cref="SearchPatientsEndpoint.Sort"/>.</param>
internal sealed record SearchPatientsRequest(string? Name, DateOnly? DateOfBirth, string? Identifier, int Limit, string? Cursor, string Sort = "created")
    : IRequest<CursorPage<PatientSummaryDto>>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Demographics;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class SearchPatientsValidator : AbstractValidator<SearchPatientsRequest>
{
    public SearchPatientsValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
        RuleFor(x => x.Name).MinimumLength(2).MaximumLength(100);
        RuleFor(x => x.Identifier).MaximumLength(401);
    }
}

internal sealed class SearchPatientsHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator, ICurrentCaller caller, TimeProvider clock, IAuditScope audit)
    : IRequestHandler<SearchPatientsRequest, CursorPage<PatientSummaryDto>>
{
    public async Task<CursorPage<PatientSummaryDto>> Handle(SearchPatientsRequest request, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var filters = PatientSearchFilter.Build(dialect, parameters, request.Name, request.DateOfBirth, request.Identifier, after: null);
        var byName = request.Sort.EndsWith("family_name", StringComparison.Ordinal);
        var descending = ListSort.IsDescending(request.Sort);
        var op = descending ? "<" : ">";
        if (byName && ListPage.DecodeKey(request.Cursor) is { } key)
        {
            // The cursor carries the last family name and id: the keyset of (family_name, id).
            var cut = key.LastIndexOf('\n');
            if (cut < 0 || !Guid.TryParseExact(key[(cut + 1)..], "N", out var lastId))
            {
                throw new BadRequestException("cursor", "The cursor is not valid; use the nextCursor of a previous page.");
            }
            parameters.Add("AfterName", key[..cut]);
            parameters.Add("After", lastId);
            filters.Add($"(p.family_name {op} @AfterName OR (p.family_name = @AfterName AND p.id {op} @After))");
        }
        else if (!byName && Cursor.Decode(request.Cursor) is { } after)
        {
            parameters.Add("After", after);
            filters.Add($"p.id {op} @After");
        }
        var partner = caller.IsExternalRecipient();
        if (partner)
        {
            ConsentSql.AddParameters(parameters, caller.ApiClientId ?? Guid.Empty, InformationCategories.Demographics, clock.GetUtcNow());
            filters.Add(ConsentSql.MaybeInForce("p.id"));
        }
        parameters.Add("Take", request.Limit + 1);
        var where = filters.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", filters);
        var sql = $"SELECT {PatientStore.SummaryColumns} FROM enrollment_patient p {where} ORDER BY {(byName ? "p.family_name" + (descending ? " DESC, " : ", ") : string.Empty)}p.id{(descending ? " DESC" : string.Empty)} {dialect.Limit("@Take")}";

        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PatientSummaryDto>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
        var page = Cursor.Page(rows, request.Limit, p => p.Id);
        if (byName && page.NextCursor is not null)
        {
            page = page with { NextCursor = ListPage.EncodeKey(page.Items[^1].FamilyName + "\n" + ListPage.Key(page.Items[^1].Id)) };
        }
        var disclosed = new List<PatientSummaryDto>(page.Items.Count);
        foreach (var patient in page.Items)
        {
            // Each summary a partner receives is a disclosure in its own right; the door has the last word on each.
            if ((await mediator.Send(new DiscloseRecordsCommand(patient.Id, InformationCategories.Demographics, [$"patient/{patient.Id}"]), cancellationToken)).Allowed)
            {
                disclosed.Add(patient);
                audit.TouchedPatient(patient.Id);
            }
        }
        return partner ? page with { Items = disclosed } : page;
    }
}

internal static class SearchPatientsEndpoint
{
    /// <summary>By registration (the time-ordered id) or by family name, each either way.</summary>
    public static readonly ListSort Sort = new(["created", "-created", "family_name", "-family_name"]);

    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/patients", (IMediator mediator, CancellationToken ct, string? name = null, DateOnly? dateOfBirth = null, string? identifier = null,
                    int limit = Cursor.DefaultLimit, string? cursor = null, string? sort = null) =>
                mediator.Send(new SearchPatientsRequest(name, dateOfBirth, identifier, limit, cursor, Sort.Parse(sort)), ct))
            .WithSort(Sort)
            .RequireRoles([.. Roles.Staff, Roles.Partner])
            .DisclosesPatientRecords(InformationCategories.Demographics)
            .WithName("SearchPatients")
            .WithSummary("Search patients")
            .WithDescription("Finds patients by part of a name (case-insensitive), exact date of birth, or identifier (MRN, external id value, or 'system|value'). " +
                             "Returns summaries only (id, MRN, name, date of birth). Partner apps see only patients whose consent in force covers demographics for them.")
            .Produces<CursorPage<PatientSummaryDto>>()
            .ProducesValidationProblem();
}
