namespace IopPlatform.Api.Hosting.DemoSeed;

/// <summary>Size and seed of the demo cohort.</summary>
internal sealed record DemoSeedOptions(int Seed = 42, int Patients = 60, int Weeks = 10);

/// <summary>
/// What the seeder needs from the host it drives: an admin HTTP client, a way to make more clients for API keys it
/// creates, the host's clock and a way to move it forward, and a way to run a recurring job now (by its Hangfire id).
/// The <c>seed-demo</c> command and the tests provide these differently; the seeder only talks HTTP.
/// </summary>
internal sealed record DemoSeedHost(
    HttpClient Admin,
    Func<HttpClient> NewClient,
    TimeProvider Clock,
    Action<DateTimeOffset> MoveTo,
    Func<string, CancellationToken, Task> RunJob,
    TextWriter Progress);

/// <summary>What the seeder made, and the alerts the jobs raised over it.</summary>
internal sealed record DemoSeedSummary
{
    public required int Sites { get; init; }

    public required int Programs { get; init; }

    public required int Groups { get; init; }

    public required int Patients { get; init; }

    public required IReadOnlyDictionary<DemoPattern, int> Patterns { get; init; }

    public required int ActiveEnrollments { get; init; }

    public required int Discharged { get; init; }

    public required int SessionsRecorded { get; init; }

    public required int AttendanceRecords { get; init; }

    public required int DrugTests { get; init; }

    public required int Measures { get; init; }

    public required int Notes { get; init; }

    public required int TreatmentPlans { get; init; }

    /// <summary>Open (unresolved) alerts by severity: info, amber, red.</summary>
    public required IReadOnlyDictionary<string, int> OpenAlertsBySeverity { get; init; }

    /// <summary>Open alerts by rule code.</summary>
    public required IReadOnlyDictionary<string, int> OpenAlertsByRule { get; init; }

    /// <summary>The admin API key the seeder created (shown once).</summary>
    public required string AdminApiKey { get; init; }

    public required IReadOnlyList<Guid> ProgramIds { get; init; }

    /// <summary>Every count, without ids or keys: equal for two runs with the same seed.</summary>
    public string Fingerprint() =>
        string.Join(
            ";",
            $"sites={Sites}", $"programs={Programs}", $"groups={Groups}", $"patients={Patients}",
            string.Join(",", Patterns.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")),
            $"active={ActiveEnrollments}", $"discharged={Discharged}", $"sessions={SessionsRecorded}", $"attendance={AttendanceRecords}",
            $"drugTests={DrugTests}", $"measures={Measures}", $"notes={Notes}", $"plans={TreatmentPlans}",
            string.Join(",", OpenAlertsBySeverity.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            string.Join(",", OpenAlertsByRule.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
}
