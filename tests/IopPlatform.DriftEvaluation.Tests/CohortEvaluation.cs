using System.Globalization;
using System.Text;

namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>One dropout: whether and when the inbox showed a new amber/red alert about them.</summary>
public sealed record DropoutDetection(PatientOutcome Outcome, DateTimeOffset? DetectedAt, string? Rule)
{
    /// <summary>The quality targets' allowance: an alert no later than this many days after the last attended session.</summary>
    public const int RecallDays = 7;

    /// <summary>Days from the end of the last attended session to the alert (negative: before it), elapsed time.</summary>
    public double? DaysAfterLastAttended => DetectedAt is { } at ? (at - Outcome.LastAttended!.Value).TotalDays : null;

    /// <summary>
    /// Calendar days in the site's zone from the date of the last attended session to the date of the alert: a Tuesday
    /// evening session and an alert from the drift run after the next Tuesday's sessions (23:30 local) are 7 days apart.
    /// </summary>
    public int? LocalDaysAfterLastAttended => DetectedAt is { } at ? LocalDate(at).DayNumber - LocalDate(Outcome.LastAttended!.Value).DayNumber : null;

    /// <summary>Caught: an alert that reached amber/red after the drift began, on or before the 7th local calendar day after the last attended session.</summary>
    public bool Caught => LocalDaysAfterLastAttended <= RecallDays;

    private DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(Cohort.Programs[Outcome.Patient.Program].TimeZone)).DateTime);
}

/// <summary>
/// The figures of the quality targets over one run. Definitions (also printed with the table):
/// <list type="bullet">
/// <item>A risk alert "reaches amber/red" when it is raised at amber/red or raised to it (from its history); alerts
/// of every status count. Outreach tasks, safety alerts and clinical flags are not risk alerts.</item>
/// <item>A dropout is detected at the first such moment at or after their labelled drift start (an older alert that
/// stays open shows the case manager nothing new); recall counts detections no later than 7 days after the last
/// attended session, counted in calendar days of the site's zone from the session's date to the alert's date (the
/// drift job runs once per local evening, so the alert from the evening run a week after a Tuesday session — Tuesday
/// 23:30 — is on day 7, though 7 days and 2.5 hours have elapsed).</item>
/// <item>Lead time: days from detection to the clinic's own discharge, 30 days after the last attended session.</item>
/// <item>False alerts: risk alerts that reached amber/red on patients who never drift, per 100 of their enrolled weeks.</item>
/// <item>Patient-level precision: of the patients with any amber/red risk alert, the share that are dropouts detected
/// after their drift start.</item>
/// <item>Inbox share: at the end of each week, of the patients with an unresolved amber/red risk alert in a case
/// manager's inbox, the share whose drift has begun; pooled over the weeks.</item>
/// </list>
/// </summary>
public sealed class CohortEvaluation
{
    private CohortEvaluation(CohortRun run)
    {
        Run = run;
        var byEnrollment = run.Alerts.Where(a => a.IsRiskAlert && a.EverAmberOrRed).ToLookup(a => a.EnrollmentId);
        Dropouts = run.Patients.Where(p => p.Patient.Drifts && p.LastAttended is not null).Select(p =>
        {
            var first = byEnrollment[p.EnrollmentId]
                .SelectMany(a => a.ReachedAmberOrRedAt.Where(t => t >= p.DriftStart).Select(t => (At: t, a.Rule)))
                .OrderBy(x => x.At)
                .FirstOrDefault();
            return new DropoutDetection(p, first == default ? null : first.At, first.Rule);
        }).ToList();
        var retained = run.Patients.Where(p => !p.Patient.Drifts).ToList();
        PatientWeeks = retained.Sum(p => ((p.DischargedAt ?? run.End) - p.AdmittedAt).TotalDays / 7);
        var retainedIds = retained.Select(p => p.EnrollmentId).ToHashSet();
        FalseAlertsByRule = run.Alerts
            .Where(a => a.IsRiskAlert && a.EverAmberOrRed && retainedIds.Contains(a.EnrollmentId))
            .GroupBy(a => a.Rule, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        FalseAlertsEscalated = run.Alerts.Count(a => a.IsRiskAlert && a.EverAmberOrRed && a.Escalated && retainedIds.Contains(a.EnrollmentId));
        var dropouts = Dropouts.ToDictionary(d => d.Outcome.EnrollmentId);
        AlertsBeforeDriftStart = run.Alerts.Count(a => a.IsRiskAlert && dropouts.TryGetValue(a.EnrollmentId, out var d) && a.ReachedAmberOrRedAt.Any(t => t < d.Outcome.DriftStart));
        var alerted = byEnrollment.Select(g => g.Key).ToHashSet();
        var detected = Dropouts.Where(d => d.DetectedAt is not null).Select(d => d.Outcome.EnrollmentId).ToHashSet();
        AlertedPatients = alerted.Count;
        TrulyAlertedPatients = alerted.Count(detected.Contains);
        var driftStarts = run.Patients.Where(p => p.Patient.Drifts).ToDictionary(p => p.EnrollmentId, p => p.DriftStart!.Value);
        InboxWeeks = run.Inbox.Select(s => (s.At, Patients: s.Enrollments.Count, Drifting: s.Enrollments.Count(e => driftStarts.TryGetValue(e, out var d) && d <= s.At))).ToList();
    }

    public CohortRun Run { get; }

    public IReadOnlyList<DropoutDetection> Dropouts { get; }

    public double PatientWeeks { get; }

    public IReadOnlyDictionary<string, int> FalseAlertsByRule { get; }

    public int AlertedPatients { get; }

    /// <summary>False alerts (never-drifting patients) that were escalated to a supervisor.</summary>
    public int FalseAlertsEscalated { get; }

    /// <summary>Amber/red alerts on dropouts before their drift began: not counted as detections.</summary>
    public int AlertsBeforeDriftStart { get; }

    public int TrulyAlertedPatients { get; }

    public IReadOnlyList<(DateTimeOffset At, int Patients, int Drifting)> InboxWeeks { get; }

    public double Recall => Share(Dropouts.Count(d => d.Caught), Dropouts.Count);

    public double? MedianLeadDays => Median(Dropouts.Where(d => d.Caught).Select(d => 30 - d.DaysAfterLastAttended!.Value));

    public double? MedianDaysAfterLastAttended => Median(Dropouts.Where(d => d.Caught).Select(d => d.DaysAfterLastAttended!.Value));

    public double FalseAlertsPer100PatientWeeks => Per100Weeks(FalseAlertsByRule.Values.Sum());

    public double PatientPrecision => Share(TrulyAlertedPatients, AlertedPatients);

    /// <summary>Pooled over the weekly samples; an inbox that is always empty holds no wrong patient (1).</summary>
    public double InboxShare => InboxWeeks.Sum(w => w.Patients) == 0 ? 1 : Share(InboxWeeks.Sum(w => w.Drifting), InboxWeeks.Sum(w => w.Patients));

    public IReadOnlyList<DropoutDetection> Gradual => Dropouts.Where(d => d.Outcome.Patient.Trajectory == Trajectory.GradualDrift).ToList();

    public double GradualBeforeLastAttended => Share(Gradual.Count(d => d.DaysAfterLastAttended < 0), Gradual.Count);

    public static CohortEvaluation Of(CohortRun run) => new(run);

    public double Per100Weeks(int alerts) => PatientWeeks == 0 ? 0 : alerts * 100 / PatientWeeks;

    /// <summary>The result as markdown: the figures against the targets, false alerts by rule, the inbox by week, each dropout.</summary>
    public string ToMarkdown(DriftTargets targets)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        var r = Run;
        s.AppendLine(c, $"## Drift rules on a labelled cohort — {r.Engine}");
        s.AppendLine();
        s.AppendLine(c, $"Seed {r.Options.Seed}, {r.Patients.Count} patients ({string.Join(", ", r.Patients.GroupBy(p => p.Patient.Trajectory).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}), " +
                        $"{r.Options.Weeks} weeks from {r.Start:yyyy-MM-dd}, {Cohort.Programs.Length} programs ({string.Join("; ", Cohort.Programs.Select(p => $"{p.Name}, {p.TimeZone}"))}). " +
                        $"{r.SessionsRecorded} sessions, {r.SessionsCancelled} cancelled by the program, {r.AttendanceRecords} attendance records (no-shows marked by the job), {r.DrugTests} drug tests, {r.Measures} measures; " +
                        $"{r.Alerts.Count} alerts read ({r.Alerts.Count(a => a.IsRiskAlert && a.EverAmberOrRed)} amber/red risk alerts). Run time {r.Elapsed.TotalSeconds:F0} s.");
        s.AppendLine();
        s.AppendLine("| figure | measured | target | |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(c, $"| recall: dropouts with an amber/red alert ≤ 7 local calendar days after their last attended session | {Recall:P0} ({Dropouts.Count(d => d.Caught)}/{Dropouts.Count}) | ≥ {targets.Recall:P0} | {Met(Recall >= targets.Recall)} |");
        s.AppendLine(c, $"| false amber/red alerts per 100 never-drifting patient-weeks | {FalseAlertsPer100PatientWeeks:F1} ({FalseAlertsByRule.Values.Sum()} in {PatientWeeks:F0} weeks) | ≤ {targets.FalseAlertsPer100PatientWeeks:F1} | {Met(FalseAlertsPer100PatientWeeks <= targets.FalseAlertsPer100PatientWeeks)} |");
        s.AppendLine(c, $"| inbox share truly drifting (weekly samples, pooled) | {InboxShare:P0} ({InboxWeeks.Sum(w => w.Drifting)}/{InboxWeeks.Sum(w => w.Patients)}) | ≥ {targets.InboxShare:P0} | {Met(InboxShare >= targets.InboxShare)} |");
        s.AppendLine(c, $"| gradual drifters alerted before their last attended session | {GradualBeforeLastAttended:P0} ({Gradual.Count(d => d.DaysAfterLastAttended < 0)}/{Gradual.Count}) | ≥ {targets.GradualBeforeLastAttended:P0} | {Met(GradualBeforeLastAttended >= targets.GradualBeforeLastAttended)} |");
        s.AppendLine(c, $"| patient-level precision (alerted patients who are dropouts, alerted after drift start) | {PatientPrecision:P0} ({TrulyAlertedPatients}/{AlertedPatients}) | — | |");
        s.AppendLine(c, $"| median lead time before the 30-day discharge (caught dropouts) | {Days(MedianLeadDays)} | — | |");
        s.AppendLine(c, $"| median days from last attended session to alert (caught dropouts) | {Days(MedianDaysAfterLastAttended)} | — | |");
        s.AppendLine(c, $"| false alerts escalated to a supervisor | {FalseAlertsEscalated}/{FalseAlertsByRule.Values.Sum()} | — | |");
        s.AppendLine(c, $"| amber/red alerts on dropouts before their drift began (not detections) | {AlertsBeforeDriftStart} | — | |");
        s.AppendLine();
        s.AppendLine("False amber/red alerts on never-drifting patients, by rule:");
        s.AppendLine();
        s.AppendLine("| rule | alerts | per 100 patient-weeks |");
        s.AppendLine("|---|---|---|");
        foreach (var (rule, count) in FalseAlertsByRule.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            s.AppendLine(c, $"| `{rule}` | {count} | {Per100Weeks(count):F1} |");
        }
        if (FalseAlertsByRule.Count == 0)
        {
            s.AppendLine("| (none) | 0 | 0.0 |");
        }
        s.AppendLine();
        s.AppendLine(c, $"Inbox at the end of each week (patients with an unresolved amber/red risk alert / of them drifting): {string.Join(", ", InboxWeeks.Select((w, i) => $"w{i + 1} {w.Patients}/{w.Drifting}"))}.");
        s.AppendLine();
        s.AppendLine("| dropout | trajectory | drift start | last attended (UTC) | first amber/red after drift start (UTC) | rule | days after last attended (elapsed) | local calendar days |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var d in Dropouts.OrderBy(d => d.Outcome.Patient.Index))
        {
            s.AppendLine(c, $"| {d.Outcome.Patient.Mrn} | {d.Outcome.Patient.Trajectory} | {d.Outcome.DriftStart:yyyy-MM-dd} | {d.Outcome.LastAttended:yyyy-MM-dd HH:mm} | {(d.DetectedAt is { } at ? at.ToString("yyyy-MM-dd HH:mm", c) : "never")} | {d.Rule ?? "—"} | {(d.DaysAfterLastAttended is { } days ? days.ToString("F1", c) : "—")} | {(d.LocalDaysAfterLastAttended is { } local ? local.ToString(c) : "—")}{(d.Caught ? string.Empty : " (missed)")} |");
        }
        return s.ToString();
    }

    private static string Met(bool met) => met ? "met" : "**missed**";

    private static string Days(double? days) => days is { } d ? d.ToString("F1", CultureInfo.InvariantCulture) + " days" : "—";

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
