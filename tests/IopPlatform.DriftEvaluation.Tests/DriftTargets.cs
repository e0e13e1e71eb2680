using System.Globalization;
using Xunit;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>
/// DOMAIN.md §7's quality targets and the switch that decides whether a missed target fails the test run. The only
/// place the evaluation reads its environment:
/// <list type="bullet">
/// <item><c>IOP_DRIFT_TARGETS</c>: <c>enforce</c> (default) fails a target test whose figure misses; <c>report</c>
/// prints the figure and the miss and passes (the rule pack is being rewritten, issue 16).</item>
/// <item><c>IOP_DRIFT_EVAL_SEED</c>, <c>IOP_DRIFT_EVAL_PATIENTS</c>, <c>IOP_DRIFT_EVAL_WEEKS</c>: cohort size
/// (default <see cref="CohortOptions.Small"/>; build/bench/drift-evaluation.sh runs <see cref="CohortOptions.Full"/>).</item>
/// <item><c>IOP_DRIFT_EVAL_REPORT</c>: a folder to write each engine's markdown result into.</item>
/// </list>
/// </summary>
public sealed record DriftTargets(double Recall, double FalseAlertsPer100PatientWeeks, double InboxShare, double GradualBeforeLastAttended)
{
    public static readonly DriftTargets Domain = new(Recall: 0.95, FalseAlertsPer100PatientWeeks: 3.0, InboxShare: 0.60, GradualBeforeLastAttended: 0.50);

    public static bool Enforced => !string.Equals(Environment.GetEnvironmentVariable("IOP_DRIFT_TARGETS")?.Trim(), "report", StringComparison.OrdinalIgnoreCase);

    public static CohortOptions Options => new(
        Number("IOP_DRIFT_EVAL_SEED", CohortOptions.Small.Seed),
        Number("IOP_DRIFT_EVAL_PATIENTS", CohortOptions.Small.Patients),
        Number("IOP_DRIFT_EVAL_WEEKS", CohortOptions.Small.Weeks));

    public static string? ReportFolder => Environment.GetEnvironmentVariable("IOP_DRIFT_EVAL_REPORT") is { Length: > 0 } folder ? folder : null;

    /// <summary>Fails when the target is missed and enforced; otherwise says so in the test output.</summary>
    public static void Check(bool met, string figure)
    {
        var message = $"{(met ? "Target met" : "Target MISSED")}: {figure}";
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        if (Enforced)
        {
            Assert.True(met, $"{message}. (IOP_DRIFT_TARGETS=report reports misses without failing while the rule pack is rewritten.)");
        }
    }

    private static int Number(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
