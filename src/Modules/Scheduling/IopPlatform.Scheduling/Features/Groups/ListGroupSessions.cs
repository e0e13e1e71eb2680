namespace IopPlatform.Scheduling.Features.Groups;

/// <summary>Sessions of a group on local dates [From, To].</summary>
internal sealed record ListGroupSessionsQuery(Guid GroupId, DateOnly? From, DateOnly? To) : IRequest<IReadOnlyList<SessionDto>>;

internal sealed class ListGroupSessionsValidator : AbstractValidator<ListGroupSessionsQuery>
{
    public ListGroupSessionsValidator() =>
        RuleFor(x => x.To).Must((x, to) => x.From is null || to is null || to >= x.From).WithMessage("'to' must not be before 'from'.");
}

internal sealed class ListGroupSessionsHandler(IDbConnectionFactory db) : IRequestHandler<ListGroupSessionsQuery, IReadOnlyList<SessionDto>>
{
    public async Task<IReadOnlyList<SessionDto>> Handle(ListGroupSessionsQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await GroupStore.FindAsync(connection, null, request.GroupId, cancellationToken) is null)
        {
            throw new NotFoundException("Group", request.GroupId);
        }
        var filters = new List<string> { "s.group_id = @GroupId" };
        if (request.From is not null)
        {
            filters.Add("s.local_date >= @From");
        }
        if (request.To is not null)
        {
            filters.Add("s.local_date <= @To");
        }
        var sql = $"{SessionSql.Select} WHERE {string.Join(" AND ", filters)} ORDER BY s.local_date";
        var rows = await connection.QueryAsync<SessionDto>(new CommandDefinition(sql, request, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

/// <summary>How a session row is read everywhere in the module.</summary>
internal static class SessionSql
{
    public const string Select = """
        SELECT s.id, s.group_id AS GroupId, s.local_date AS LocalDate, s.starts_at AS StartsAt, s.ends_at AS EndsAt,
               g.time_zone AS TimeZone, s.status, s.status_reason AS StatusReason, g.session_kind AS SessionKind, s.version
        FROM scheduling_session s JOIN scheduling_group g ON g.id = s.group_id
        """;
}

internal static class ListGroupSessionsEndpoint
{
    /// <summary>By local date (then id), earliest or latest first.</summary>
    private static readonly ListSort Sort = new(["local_date", "-local_date"]);

    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/groups/{groupId:guid}/sessions", (Guid groupId, IMediator mediator, CancellationToken ct, DateOnly? from = null, DateOnly? to = null,
                    string? sort = null, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListGroupSessionsQuery(groupId, from, to), ct), s => ListPage.Key(s.LocalDate, s.Id),
                    descending: ListSort.IsDescending(Sort.Parse(sort))))
            .WithSort(Sort)
            .RequireRoles(Roles.Staff)
            .WithName("ListGroupSessions")
            .WithSummary("List a group's sessions")
            .WithDescription("Lists the materialised sessions of a group between two local dates (inclusive), with UTC instants and the site's time zone.")
            .Produces<CursorPage<SessionDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
