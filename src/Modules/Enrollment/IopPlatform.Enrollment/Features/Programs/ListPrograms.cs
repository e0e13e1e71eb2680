namespace IopPlatform.Enrollment.Features.Programs;

internal sealed record ListProgramsQuery(Guid? SiteId, int Limit, string? Cursor) : IRequest<CursorPage<ProgramDto>>;

internal sealed class ListProgramsValidator : AbstractValidator<ListProgramsQuery>
{
    public ListProgramsValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit);
}

internal sealed class ListProgramsHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<ListProgramsQuery, CursorPage<ProgramDto>>
{
    public async Task<CursorPage<ProgramDto>> Handle(ListProgramsQuery request, CancellationToken cancellationToken)
    {
        var after = Cursor.Decode(request.Cursor);
        var filters = new List<string>();
        if (request.SiteId is not null)
        {
            filters.Add("site_id = @SiteId");
        }
        if (after is not null)
        {
            filters.Add("id > @After");
        }
        var where = filters.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", filters);
        var sql = $"SELECT {ProgramReader.Columns} FROM enrollment_program {where} ORDER BY id {dialect.Limit("@Take")}";
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await ProgramReader.ReadAsync(connection, sql, new { request.SiteId, After = after, Take = request.Limit + 1 }, cancellationToken);
        return Cursor.Page(rows, request.Limit, p => p.Id);
    }
}

internal static class ListProgramsEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/programs", (IMediator mediator, CancellationToken ct, Guid? siteId = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListProgramsQuery(siteId, limit, cursor), ct))
            .WithName("ListPrograms")
            .CarriesNoPatientData("Program and site settings: no patient in them.")
            .WithSummary("List programs")
            .WithDescription("Lists programs, optionally at one site, a page at a time (cursor pagination).")
            .Produces<CursorPage<ProgramDto>>()
            .ProducesValidationProblem();
}
