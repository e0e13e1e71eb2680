using System.Data.Common;
using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Enrollment.Infrastructure;
using MediatR;

namespace IopPlatform.Enrollment.Features.Programs;

/// <summary>Reads programs with their core groups and rule pack (a JSON column; null means the defaults).</summary>
internal static class ProgramReader
{
    public const string Columns = """
        id, site_id AS SiteId, name, level_of_care AS LevelOfCare, required_hours_adult AS RequiredHoursPerWeekAdult,
        required_hours_adolescent AS RequiredHoursPerWeekAdolescent, expected_length_weeks AS ExpectedLengthWeeks,
        rule_pack AS RulePackJson, version, created_at AS CreatedAt
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

        public string? RulePackJson { get; init; }

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
            RulePack = ColumnJson.Read(RulePackJson, DriftRulePack.Default),
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

/// <summary>Bounds of each threshold: wide enough for local tuning, narrow enough to catch typos (0.75 vs 75).</summary>
internal sealed class DriftRulePackValidator : AbstractValidator<DriftRulePack>
{
    public DriftRulePackValidator()
    {
        RuleFor(x => x.NoShowOutreach).NotNull();
        RuleFor(x => x.NoShowOutreach.DueWithinHours).InclusiveBetween(1, 168).When(x => x.NoShowOutreach is not null);
        RuleFor(x => x.ConsecutiveMissed).NotNull();
        RuleFor(x => x.ConsecutiveMissed.Amber).InclusiveBetween(1, 10).When(x => x.ConsecutiveMissed is not null);
        RuleFor(x => x.ConsecutiveMissed.Red).InclusiveBetween(2, 10)
            .GreaterThan(x => x.ConsecutiveMissed.Amber).WithMessage("Red must take more consecutive misses than amber.")
            .When(x => x.ConsecutiveMissed is not null);
        RuleFor(x => x.NoRecentAttendance).NotNull();
        RuleFor(x => x.NoRecentAttendance.Sessions).InclusiveBetween(2, 12).When(x => x.NoRecentAttendance is not null);
        RuleFor(x => x.AttendanceRatio).NotNull();
        RuleFor(x => x.AttendanceRatio.WindowDays).InclusiveBetween(7, 42).When(x => x.AttendanceRatio is not null);
        RuleFor(x => x.AttendanceRatio.MinimumRatio).ExclusiveBetween(0m, 1m).When(x => x.AttendanceRatio is not null);
        RuleFor(x => x.AttendanceRatio.MinimumUnexcusedMisses).InclusiveBetween(1, 10).When(x => x.AttendanceRatio is not null);
        RuleFor(x => x.ClinicalSeverity).NotNull();
        RuleFor(x => x.ClinicalSeverity.DrugTestWindowDays).InclusiveBetween(1, 60).When(x => x.ClinicalSeverity is not null);
        RuleFor(x => x.BelowIntensity).NotNull();
        RuleFor(x => x.BelowIntensity.ConsecutiveWeeks).InclusiveBetween(1, 4).When(x => x.BelowIntensity is not null);
        RuleFor(x => x.BelowIntensity.BillingMinDaysPerWeek).InclusiveBetween(1, 7).When(x => x.BelowIntensity is not null);
        RuleFor(x => x.BelowIntensity.BillingMinHoursPerDay).InclusiveBetween(0.5m, 12m).When(x => x.BelowIntensity is not null);
        RuleFor(x => x.Bam).NotNull();
        RuleFor(x => x.Bam.UseAtLeast).InclusiveBetween(0, 12).When(x => x.Bam is not null);
        RuleFor(x => x.Bam.RiskAtLeast).InclusiveBetween(0, 24).When(x => x.Bam is not null);
        RuleFor(x => x.Bam.ProtectiveAtMost).InclusiveBetween(0, 24).When(x => x.Bam is not null);
        RuleFor(x => x.LevelOfCare).NotNull();
        RuleFor(x => x.LevelOfCare.Positives).InclusiveBetween(1, 20).When(x => x.LevelOfCare is not null);
        RuleFor(x => x.LevelOfCare.WindowDays).InclusiveBetween(7, 90).When(x => x.LevelOfCare is not null);
        RuleFor(x => x.Escalation).NotNull();
        RuleFor(x => x.Escalation.UnacknowledgedHours).InclusiveBetween(1, 168).When(x => x.Escalation is not null);
    }
}

internal sealed class GetProgramRulePackHandler(IDbConnectionFactory db) : IRequestHandler<GetProgramRulePackQuery, ProgramRulePack?>
{
    private const string Select = $"SELECT {ProgramReader.Columns} FROM enrollment_program WHERE id = @ProgramId";

    public async Task<ProgramRulePack?> Handle(GetProgramRulePackQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var program = (await ProgramReader.ReadAsync(connection, Select, request, cancellationToken)).SingleOrDefault();
        return program is null ? null : new ProgramRulePack(program.Id, program.RequiredHoursPerWeekAdult, program.RequiredHoursPerWeekAdolescent, program.RulePack);
    }
}
