namespace IopPlatform.Enrollment.Features.Programs;

/// <summary>Reads programs with their core groups (the drift rule pack is Engagement's: /programs/{id}/rule-pack).</summary>
internal static class ProgramReader
{
    public const string Columns = """
        id, site_id AS SiteId, name, level_of_care AS LevelOfCare, required_hours_adult AS RequiredHoursPerWeekAdult,
        required_hours_adolescent AS RequiredHoursPerWeekAdolescent, expected_length_weeks AS ExpectedLengthWeeks,
        version, created_at AS CreatedAt
        """;


    public static async Task<IReadOnlyList<ProgramDto>> ReadAsync(DbConnection connection, string sql, object parameters, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<ProgramRow>(new CommandDefinition(sql, parameters, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return [];
        }
        var groupParameters = new DynamicParameters();
        var groupSql = $"SELECT program_id AS ProgramId, group_id AS GroupId FROM enrollment_program_core_group WHERE {SqlList.In("program_id", rows.Select(r => r.Id).ToList(), "P", groupParameters)} ORDER BY position";
        var groups = (await connection.QueryAsync<CoreGroupRow>(new CommandDefinition(groupSql, groupParameters, cancellationToken: ct)))
            .GroupBy(g => g.ProgramId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Guid>)g.Select(x => x.GroupId).ToList());
        return rows.Select(r => r.ToDto(groups.GetValueOrDefault(r.Id, []))).ToList();
    }

    public static async Task InsertCoreGroupsAsync(DbConnection connection, DbTransaction transaction, Guid programId, IReadOnlyList<Guid> groupIds, CancellationToken ct)
    {
        const string Insert = "INSERT INTO enrollment_program_core_group (program_id, group_id, position) VALUES (@ProgramId, @GroupId, @Position)";
        var rows = groupIds.Select((g, i) => new { ProgramId = programId, GroupId = g, Position = i }).ToList();
        if (rows.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, rows, transaction, cancellationToken: ct));
        }
    }

    internal sealed class ProgramRow
    {
        public Guid Id { get; init; }

        public Guid SiteId { get; init; }

        public string Name { get; init; } = string.Empty;

        public string LevelOfCare { get; init; } = string.Empty;

        public decimal RequiredHoursPerWeekAdult { get; init; }

        public decimal RequiredHoursPerWeekAdolescent { get; init; }

        public int ExpectedLengthWeeks { get; init; }

        public int Version { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public ProgramDto ToDto(IReadOnlyList<Guid> coreGroups) => new()
        {
            Id = Id,
            SiteId = SiteId,
            Name = Name,
            LevelOfCare = LevelOfCare,
            RequiredHoursPerWeekAdult = RequiredHoursPerWeekAdult,
            RequiredHoursPerWeekAdolescent = RequiredHoursPerWeekAdolescent,
            ExpectedLengthWeeks = ExpectedLengthWeeks,
            CoreGroupIds = coreGroups,
            Version = Version,
            CreatedAt = CreatedAt,
        };
    }

    private sealed class CoreGroupRow
    {
        public Guid ProgramId { get; init; }

        public Guid GroupId { get; init; }
    }
}
