using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Flags;

/// <summary>What a flag rule found for one enrollment (the enrollment and the review list, not the inbox).</summary>
internal sealed record FlagDraft(Guid EnrollmentId, Guid PatientId, Guid ProgramId, string Rule, string Basis, string InputsJson, IReadOnlyList<AlertEvidence> Evidence);

internal sealed class FlagRow
{
    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public Guid ProgramId { get; init; }

    public string RuleCode { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public string Basis { get; init; } = string.Empty;

    public string Inputs { get; init; } = "{}";

    public string Evidence { get; init; } = "[]";

    public DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public int Version { get; init; }
}

/// <summary>
/// The clinical and program flags table: one open flag per enrollment and rule (<c>open_key</c>); the drift job raises,
/// refreshes and clears them. Flags are never escalated and never announced to partners.
/// </summary>
internal static class ClinicalFlagStore
{
    public const string Columns = """
        id, enrollment_id AS EnrollmentId, patient_id AS PatientId, program_id AS ProgramId, rule_code AS RuleCode, status, basis, inputs, evidence,
        raised_at AS RaisedAt, updated_at AS UpdatedAt, version
        """;

    public const string Open = "open";
    public const string Cleared = "cleared";

    private const string Refresh = """
        UPDATE engagement_clinical_flag SET basis = @Basis, inputs = @Inputs, evidence = @Evidence, updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    private const string Clear = """
        UPDATE engagement_clinical_flag SET status = 'cleared', open_key = NULL, cleared_at = @Now, updated_at = @Now, version = version + 1
        WHERE id = @Id AND version = @Version
        """;

    public static string OpenKey(Guid enrollmentId, string rule) => AlertStore.OpenKey(enrollmentId, rule);

    /// <summary>The open flags of these enrollments.</summary>
    public static async Task<List<FlagRow>> OpenOfAsync(DbConnection connection, IReadOnlyCollection<Guid> enrollmentIds, CancellationToken ct)
    {
        var rows = new List<FlagRow>();
        foreach (var chunk in enrollmentIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters();
            var sql = $"SELECT {Columns} FROM engagement_clinical_flag WHERE open_key IS NOT NULL AND {SqlList.In("enrollment_id", chunk, "E", parameters)}";
            rows.AddRange(await connection.QueryAsync<FlagRow>(new CommandDefinition(sql, parameters, cancellationToken: ct)));
        }
        return rows;
    }

    /// <summary>True when the open flag already rests on exactly this evidence (nothing to write).</summary>
    public static bool Holds(FlagRow open, FlagDraft draft) =>
        AlertStore.ReadEvidence(open.Evidence).Select(e => (e.Kind, e.Id)).ToHashSet().SetEquals(draft.Evidence.Select(e => (e.Kind, e.Id)));

    public static async Task RaiseAsync(DbConnection connection, DbTransaction tx, ISqlDialect dialect, FlagDraft draft, FlagRow? open, DateTimeOffset now, CancellationToken ct)
    {
        if (open is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(Refresh, new
            {
                open.Id,
                open.Version,
                draft.Basis,
                Inputs = draft.InputsJson,
                Evidence = AlertStore.ToJson(draft.Evidence),
                Now = now,
            }, tx, cancellationToken: ct));
            return;
        }
        var insert = dialect.InsertIgnoreDuplicate("engagement_clinical_flag",
            ["id", "enrollment_id", "patient_id", "program_id", "rule_code", "status", "open_key", "basis", "inputs", "evidence", "raised_at", "updated_at", "version"],
            ["open_key"]);
        await connection.ExecuteAsync(new CommandDefinition(insert, new
        {
            Id = Guid.CreateVersion7(),
            draft.EnrollmentId,
            draft.PatientId,
            draft.ProgramId,
            RuleCode = draft.Rule,
            Status = Open,
            OpenKey = OpenKey(draft.EnrollmentId, draft.Rule),
            draft.Basis,
            Inputs = draft.InputsJson,
            Evidence = AlertStore.ToJson(draft.Evidence),
            RaisedAt = now,
            UpdatedAt = now,
            Version = 1,
        }, tx, cancellationToken: ct));
    }

    public static Task<int> ClearAsync(DbConnection connection, DbTransaction tx, FlagRow open, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Clear, new { open.Id, open.Version, Now = now }, tx, cancellationToken: ct));
}
