namespace IopPlatform.Engagement.Features.RulePacks;

/// <summary>One version of a program's drift rule pack; version 0 is the defaults of the running release (nothing stored).</summary>
internal sealed record RulePackDto
{
    /// <summary>The program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>The version (also the ETag); 0 while the program follows the defaults.</summary>
    public required int Version { get; init; }

    /// <summary>True while the program has never set a pack and follows <c>DriftRulePack.Default</c> of the running release.</summary>
    public required bool IsDefault { get; init; }

    /// <summary>The thresholds.</summary>
    public required DriftRulePack RulePack { get; init; }

    /// <summary>Who set this version (null for the defaults).</summary>
    public string? ChangedBy { get; init; }

    /// <summary>When this version was set (UTC; null for the defaults).</summary>
    public DateTimeOffset? ChangedAt { get; init; }
}

/// <summary>
/// <c>engagement_rule_pack_version</c>: every version of every program's pack is kept; the one in force is the highest.
/// A new version is an insert at current + 1, so two writers racing from the same version meet on the primary key.
/// </summary>
internal static class RulePackStore
{
    private const string Columns = "program_id AS ProgramId, version, rule_pack AS RulePack, changed_by AS ChangedBy, changed_at AS ChangedAt";

    private const string Current = $"""
        SELECT {Columns} FROM engagement_rule_pack_version
        WHERE program_id = @ProgramId AND version = (SELECT MAX(version) FROM engagement_rule_pack_version WHERE program_id = @ProgramId)
        """;

    private const string All = $"SELECT {Columns} FROM engagement_rule_pack_version WHERE program_id = @ProgramId ORDER BY version DESC";

    public static RulePackDto Defaults(Guid programId) => new() { ProgramId = programId, Version = 0, IsDefault = true, RulePack = DriftRulePack.Default };

    public static async Task<RulePackDto> CurrentAsync(DbConnection connection, Guid programId, CancellationToken ct, DbTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Current, new { ProgramId = programId }, tx, cancellationToken: ct));
        return row?.ToDto() ?? Defaults(programId);
    }

    public static async Task<DriftRulePack> InForceAsync(IDbConnectionFactory db, Guid programId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await CurrentAsync(connection, programId, ct)).RulePack;
    }

    public static async Task<IReadOnlyList<RulePackDto>> VersionsAsync(DbConnection connection, Guid programId, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(All, new { ProgramId = programId }, cancellationToken: ct));
        return rows.Select(r => r.ToDto()).ToList();
    }

    /// <summary>Stores <paramref name="version"/>; false when another writer stored that version first.</summary>
    public static async Task<bool> InsertAsync(
        DbConnection connection, DbTransaction tx, ISqlDialect dialect, Guid programId, int version, DriftRulePack pack, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var insert = dialect.InsertIgnoreDuplicate("engagement_rule_pack_version", ["program_id", "version", "rule_pack", "changed_by", "changed_at"], ["program_id", "version"]);
        return await connection.ExecuteAsync(new CommandDefinition(insert, new
        {
            ProgramId = programId,
            Version = version,
            RulePack = ColumnJson.Write(pack),
            ChangedBy = actor.Length > 200 ? actor[..200] : actor,
            ChangedAt = now,
        }, tx, cancellationToken: ct)) == 1;
    }

    private sealed class Row
    {
        public Guid ProgramId { get; init; }

        public int Version { get; init; }

        public string RulePack { get; init; } = "{}";

        public string ChangedBy { get; init; } = string.Empty;

        public DateTimeOffset ChangedAt { get; init; }

        public RulePackDto ToDto() => new()
        {
            ProgramId = ProgramId,
            Version = Version,
            IsDefault = false,
            RulePack = ColumnJson.Read(RulePack, DriftRulePack.Default),
            ChangedBy = ChangedBy,
            ChangedAt = ChangedAt,
        };
    }
}
