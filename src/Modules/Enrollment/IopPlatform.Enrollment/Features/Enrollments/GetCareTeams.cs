namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>The current care teams of many enrollments in one query per chunk (Engagement's drift job routes alerts with them).</summary>
internal sealed class GetCareTeamsHandler(IDbConnectionFactory db) : IRequestHandler<GetCareTeamsQuery, IReadOnlyList<CareTeamDto>>
{
    private const string CurrentTeams = """
        SELECT enrollment_id AS EnrollmentId, role, user_id AS UserId, display_name AS DisplayName
        FROM enrollment_care_team_assignment WHERE assigned_to IS NULL AND
        """;

    public async Task<IReadOnlyList<CareTeamDto>> Handle(GetCareTeamsQuery request, CancellationToken cancellationToken)
    {
        var rows = new List<AssignmentRow>();
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var chunk in request.EnrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = CurrentTeams + " " + SqlList.In("enrollment_id", chunk, "E", parameters);
            rows.AddRange(await connection.QueryAsync<AssignmentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)));
        }
        return rows.GroupBy(r => r.EnrollmentId).Select(g => new CareTeamDto
        {
            EnrollmentId = g.Key,
            PrimaryCounsellor = Staff(g, "primary_counsellor"),
            CaseManager = Staff(g, "case_manager"),
            Supervisor = Staff(g, "supervisor"),
        }).ToList();
    }

    private static StaffRefDto? Staff(IEnumerable<AssignmentRow> rows, string role) =>
        rows.Where(r => r.Role == role).Select(r => new StaffRefDto(r.UserId, r.DisplayName)).FirstOrDefault();

    private sealed class AssignmentRow
    {
        public Guid EnrollmentId { get; init; }

        public string Role { get; init; } = string.Empty;

        public string UserId { get; init; } = string.Empty;

        public string DisplayName { get; init; } = string.Empty;
    }
}
