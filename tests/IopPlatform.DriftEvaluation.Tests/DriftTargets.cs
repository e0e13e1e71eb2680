using System.Globalization;
using Xunit;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>
/// The drift rule pack's quality targets and the switch that decides whether a missed target fails the test run. The only
/// place the evaluation reads its environment:
/// <list type="bullet">
/// <item><c>IOP_DRIFT_TARGETS</c>: unset (CI) fails a missed target except those in <see cref="ReportedOnly"/>, which
/// are printed as missed; <c>enforce</c> fails every missed target (for whoever tunes the rule pack); <c>report</c>
/// prints every figure and passes.</item>
/// <item><c>IOP_DRIFT_EVAL_SEED</c>, <c>IOP_DRIFT_EVAL_PATIENTS</c>, <c>IOP_DRIFT_EVAL_WEEKS</c>: cohort size
/// (default <see cref="CohortOptions.Small"/>; build/bench/drift-evaluation.sh runs <see cref="CohortOptions.Full"/>).</item>
/// <item><c>IOP_DRIFT_EVAL_REPORT</c>: a folder to write each engine's markdown result into.</item>
/// </list>
/// </summary>
public sealed record DriftTargets(double Recall, double FalseAlertsPer100PatientWeeks, double InboxShare, double GradualBeforeLastAttended)
{
    public static readonly DriftTargets Domain = new(Recall: 0.95, FalseAlertsPer100PatientWeeks: 3.0, InboxShare: 0.60, GradualBeforeLastAttended: 0.50);

    /// <summary>
    /// Targets reported but not enforced by CI. Empty: the small cohort CI runs enforces every target (issue 16); add a
    /// target here only with a decision in README that says why it is missed.
    /// </summary>
    public static readonly IReadOnlySet<string> ReportedOnly = new HashSet<string>(StringComparer.Ordinal);

    private static string Mode => Environment.GetEnvironmentVariable("IOP_DRIFT_TARGETS")?.Trim().ToLowerInvariant() ?? string.Empty;

    public static bool Enforced(string target) => Mode switch
    {
        "report" => false,
        "enforce" => true,
        _ => !ReportedOnly.Contains(target),
    };

    public static CohortOptions Options => new(
        Number("IOP_DRIFT_EVAL_SEED", CohortOptions.Small.Seed),
        Number("IOP_DRIFT_EVAL_PATIENTS", CohortOptions.Small.Patients),
        Number("IOP_DRIFT_EVAL_WEEKS", CohortOptions.Small.Weeks));

    public static string? ReportFolder => Environment.GetEnvironmentVariable("IOP_DRIFT_EVAL_REPORT") is { Length: > 0 } folder ? folder : null;

    /// <summary>Fails when the target is missed and enforced; otherwise says so in the test output.</summary>
    public static void Check(string target, bool met, string figure)
    {
        var enforced = Enforced(target);
        var message = $"{(met ? "Target met" : "Target MISSED")}{(enforced ? string.Empty : " (reported, not enforced)")}: {figure}";
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        Console.WriteLine($"drift evaluation: {message}");
        if (enforced)
        {
            Assert.True(met, message);
        }
    }

    private static int Number(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
