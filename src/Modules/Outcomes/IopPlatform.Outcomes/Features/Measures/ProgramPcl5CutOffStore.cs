namespace IopPlatform.Outcomes.Features.Measures;

/// <summary>
/// The PCL-5 cut-off per program (issue 18 item 5): a program serving veterans may use 31, another 33 (Bovin et al.
/// 2016 found 31–33 optimal); without one the platform setting applies. Scores keep the cut-off they were made under.
/// </summary>
internal static class ProgramPcl5CutOffStore
{
    private const string Select = "SELECT threshold, version FROM outcomes_program_pcl5_cut_off WHERE program_id = @ProgramId";

    private sealed class Row
    {
        public int Threshold { get; init; }

        public int Version { get; init; }
    }

    /// <summary>The program's cut-off and its version (0 while the platform setting applies).</summary>
    public static async Task<(ProgramPcl5CutOffDto CutOff, int Version)> LoadAsync(DbConnection connection, Guid programId, OutcomesSettings settings, CancellationToken ct, DbTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, new { ProgramId = programId }, tx, cancellationToken: ct));
        return row is null
            ? (new ProgramPcl5CutOffDto { ProgramId = programId, ProvisionalPtsdThreshold = settings.Pcl5Threshold, IsDefault = true }, 0)
            : (new ProgramPcl5CutOffDto { ProgramId = programId, ProvisionalPtsdThreshold = row.Threshold, IsDefault = false }, row.Version);
    }
}
