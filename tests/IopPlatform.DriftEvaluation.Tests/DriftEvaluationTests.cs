using System.Globalization;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>The host of one engine with the cohort run over it once; every test of the class reads the same run.</summary>
public abstract class EvaluatedApi(IopPlatform.BuildingBlocks.Data.DatabaseEngine engine) : EvaluationApi(engine)
{
    private Task<CohortEvaluation>? _evaluation;
    private readonly StringWriter _progress = new();

    public Task<CohortEvaluation> EvaluationAsync() => _evaluation ??= RunAsync();

    public string Progress => _progress.ToString();

    private async Task<CohortEvaluation> RunAsync()
    {
        var run = await new CohortRunner(this, DriftTargets.Options, _progress).RunAsync(CancellationToken.None);
        var evaluation = CohortEvaluation.Of(run);
        if (DriftTargets.ReportFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"drift-evaluation-{run.Engine.ToLowerInvariant()}-{run.Patients.Count}p-{run.Options.Weeks}w.md"));
            await File.WriteAllTextAsync(file, evaluation.ToMarkdown(DriftTargets.Domain));
        }
        return evaluation;
    }
}

public sealed class EvaluatedSqliteApi() : EvaluatedApi(IopPlatform.BuildingBlocks.Data.DatabaseEngine.Sqlite);

public sealed class EvaluatedPostgresApi() : EvaluatedApi(IopPlatform.BuildingBlocks.Data.DatabaseEngine.Postgres);

public sealed class EvaluatedSqlServerApi() : EvaluatedApi(IopPlatform.BuildingBlocks.Data.DatabaseEngine.SqlServer);

/// <summary>
/// The drift rules measured on a labelled cohort through the real API and jobs (the quality targets of DriftTargets): one
/// test prints the table and checks the run itself; each target has its own test, so a missed target names itself.
/// </summary>
public abstract class DriftEvaluationTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : EvaluatedApi
{
    [Fact]
    public async Task The_cohort_runs_through_the_API_and_every_dropout_has_its_labels()
    {
        var evaluation = await Api.EvaluationAsync();
        var run = evaluation.Run;
        TestContext.Current.TestOutputHelper?.WriteLine(Api.Progress);
        TestContext.Current.TestOutputHelper?.WriteLine(evaluation.ToMarkdown(DriftTargets.Domain));

        Assert.Equal(DriftTargets.Options.Patients, run.Patients.Count);
        Assert.Equal(run.Options.Weeks, run.Inbox.Count);
        Assert.True(run.SessionsCancelled >= Cohort.Programs.Length, $"{run.SessionsCancelled} program cancellations");
        Assert.True(run.AttendanceRecords > run.Patients.Count * 5, $"{run.AttendanceRecords} attendance records");
        Assert.NotEmpty(evaluation.Dropouts);
        Assert.All(evaluation.Dropouts, d => Assert.True(d.Outcome.LastAttended < d.Outcome.DriftStart!.Value.AddDays(21), d.Outcome.Patient.Mrn));
        // The no-show outreach tasks come from the missed-session job: the runner never records a no-show itself.
        Assert.Contains(run.Alerts, a => a.Rule == "no_show_outreach");
        Assert.True(evaluation.PatientWeeks > run.Patients.Count(p => !p.Patient.Drifts) * 3, $"{evaluation.PatientWeeks:F0} patient-weeks");
    }

    [Fact]
    public async Task Recall_every_dropout_alerted_within_7_days_of_the_last_attended_session()
    {
        var e = await Api.EvaluationAsync();
        DriftTargets.Check("recall", e.Recall >= DriftTargets.Domain.Recall,
            $"recall {e.Recall:P0} ({e.Dropouts.Count(d => d.Caught)}/{e.Dropouts.Count}), target ≥ {DriftTargets.Domain.Recall:P0}; missed: {string.Join(", ", e.Dropouts.Where(d => !d.Caught).Select(d => $"{d.Outcome.Patient.Mrn} ({d.Outcome.Patient.Trajectory})"))}");
    }

    [Fact]
    public async Task False_amber_or_red_alerts_on_never_drifting_patients_stay_rare()
    {
        var e = await Api.EvaluationAsync();
        DriftTargets.Check("false_alerts", e.FalseAlertsPer100PatientWeeks <= DriftTargets.Domain.FalseAlertsPer100PatientWeeks,
            $"{e.FalseAlertsPer100PatientWeeks:F1} false amber/red alerts per 100 patient-weeks, target ≤ {DriftTargets.Domain.FalseAlertsPer100PatientWeeks:F1}; by rule: {string.Join(", ", e.FalseAlertsByRule.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {e.Per100Weeks(p.Value):F1}"))}");
    }

    [Fact]
    public async Task Most_patients_in_the_inbox_are_truly_drifting()
    {
        var e = await Api.EvaluationAsync();
        DriftTargets.Check("inbox_share", e.InboxShare >= DriftTargets.Domain.InboxShare,
            $"inbox share truly drifting {e.InboxShare:P0} ({e.InboxWeeks.Sum(w => w.Drifting)}/{e.InboxWeeks.Sum(w => w.Patients)} patient-weeks in the inbox), target ≥ {DriftTargets.Domain.InboxShare:P0}");
    }

    [Fact]
    public async Task Gradual_drifters_are_alerted_before_their_last_attended_session()
    {
        var e = await Api.EvaluationAsync();
        DriftTargets.Check("gradual", e.GradualBeforeLastAttended >= DriftTargets.Domain.GradualBeforeLastAttended,
            $"gradual drifters alerted before their last attended session {e.GradualBeforeLastAttended:P0} ({e.Gradual.Count(d => d.DaysAfterLastAttended < 0)}/{e.Gradual.Count}), target ≥ {DriftTargets.Domain.GradualBeforeLastAttended:P0}");
    }
}

public sealed class DriftEvaluationSqliteTests(EvaluatedSqliteApi api) : DriftEvaluationTests<EvaluatedSqliteApi>(api), IClassFixture<EvaluatedSqliteApi>;

public sealed class DriftEvaluationPostgresTests(EvaluatedPostgresApi api) : DriftEvaluationTests<EvaluatedPostgresApi>(api), IClassFixture<EvaluatedPostgresApi>;

public sealed class DriftEvaluationSqlServerTests(EvaluatedSqlServerApi api) : DriftEvaluationTests<EvaluatedSqlServerApi>(api), IClassFixture<EvaluatedSqlServerApi>;
