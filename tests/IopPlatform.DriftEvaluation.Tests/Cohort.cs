namespace IopPlatform.DriftEvaluation.Tests;

/// <summary>How a synthetic patient engages: the ground truth the drift rules are measured against.</summary>
public enum Trajectory
{
    /// <summary>Attends reliably; a rare no-show, some excused absences.</summary>
    Steady,

    /// <summary>Misses single sessions often (excused and not) but stays in the program.</summary>
    Intermittent,

    /// <summary>Attends like a steady patient and completes the program after six to seven weeks.</summary>
    Completer,

    /// <summary>Attendance fades over two to three weeks, then stops: a dropout.</summary>
    GradualDrift,

    /// <summary>Attends normally, then stops at once: a dropout.</summary>
    SuddenDropout,

    /// <summary>Attends the first session or few, then stops within the first ten days: a dropout.</summary>
    EarlyDropout,
}

/// <summary>One program of the cohort: its own site (time zone) and core group schedule.</summary>
public sealed record CohortProgram(string Name, string TimeZone, string[] Days, string Start, string End);

/// <summary>
/// One synthetic patient and the script of their episode, in days from the first evaluation day. Days are walked by
/// the runner; what actually happened (attended sessions, hence the last attended one) is recorded by the runner.
/// </summary>
public sealed record CohortPatient(
    int Index,
    Trajectory Trajectory,
    int Program,
    int CaseManager,
    int AdmissionDay,
    int? CompletionDay,
    int? DriftDay,
    int? StopDay,
    int? ExcusedWeekDay,
    bool IntakeRecentUse,
    int EarlyPositiveTests,
    bool Buprenorphine,
    string Substance)
{
    public string Mrn => $"EVAL-{Index + 1:D4}";

    /// <summary>Labelled a dropout: stops attending and never returns.</summary>
    public bool Drifts => Trajectory is Trajectory.GradualDrift or Trajectory.SuddenDropout or Trajectory.EarlyDropout;

    /// <summary>Discharged as left before completion once 30 days have passed without attendance (the usual IOP practice).</summary>
    public int? DropoutDischargeDay => StopDay is { } stop ? stop + 30 : null;
}

/// <summary>Size of a cohort run: the seed makes the same cohort and the same attendance every time.</summary>
public sealed record CohortOptions(int Seed, int Patients, int Weeks)
{
    /// <summary>
    /// What CI runs (build/test.sh, both engines, every target enforced): 60 patients over 8 weeks hold 25 dropouts and
    /// 10 gradual drifters, so one more miss moves recall by 4 points and the gradual share by 10 (36 patients held 6).
    /// </summary>
    public static readonly CohortOptions Small = new(Seed: 16, Patients: 60, Weeks: 8);

    /// <summary>The benchmark size (build/bench/drift-evaluation.sh).</summary>
    public static readonly CohortOptions Full = new(Seed: 16, Patients: 84, Weeks: 10);
}

/// <summary>
/// The labelled cohort: three programs with different schedules and time zones, patients of every trajectory in fixed
/// shares, rolling admissions, excused absences (single and a week of medical leave), intake BAMs with recent use,
/// early positive drug tests that turn negative, buprenorphine as an expected positive. Every choice comes from one
/// seeded <see cref="Random"/>, so a seed always gives the same cohort.
/// </summary>
public static class Cohort
{
    public static readonly CohortProgram[] Programs =
    [
        new("Evening IOP Mon/Wed/Thu", "America/Chicago", ["monday", "wednesday", "thursday"], "18:00", "21:30"),
        new("Day IOP Mon-Fri", "America/New_York", ["monday", "tuesday", "wednesday", "thursday", "friday"], "09:00", "12:00"),
        new("Evening IOP Mon/Tue/Thu", "America/Los_Angeles", ["monday", "tuesday", "thursday"], "17:30", "21:00"),
    ];

    /// <summary>Two case managers per program.</summary>
    public const int CaseManagersPerProgram = 2;

    /// <summary>Shares of the trajectories (sum 1): roughly four in ten patients drop out.</summary>
    private static readonly (Trajectory Trajectory, double Share)[] Shares =
    [
        (Trajectory.Steady, 0.24), (Trajectory.Intermittent, 0.19), (Trajectory.Completer, 0.14),
        (Trajectory.GradualDrift, 0.17), (Trajectory.SuddenDropout, 0.14), (Trajectory.EarlyDropout, 0.12),
    ];

    private static readonly string[] Substances = ["alcohol", "cocaine", "opiates", "methamphetamine", "cannabis_thc"];

    public static IReadOnlyList<CohortPatient> Plan(CohortOptions options)
    {
        var rng = new Random(options.Seed);
        var total = options.Weeks * 7;
        var trajectories = new List<Trajectory>();
        foreach (var (trajectory, share) in Shares)
        {
            trajectories.AddRange(Enumerable.Repeat(trajectory, Math.Max(1, (int)Math.Round(options.Patients * share))));
        }
        while (trajectories.Count > options.Patients)
        {
            trajectories.RemoveAt(trajectories.FindIndex(t => t == Trajectory.Steady));
        }
        while (trajectories.Count < options.Patients)
        {
            trajectories.Add(Trajectory.Steady);
        }
        var shuffled = trajectories.ToArray();
        rng.Shuffle(shuffled);

        var cohort = new List<CohortPatient>(shuffled.Length);
        var retained = 0;
        for (var i = 0; i < shuffled.Length; i++)
        {
            var trajectory = shuffled[i];
            var program = rng.Next(Programs.Length);
            int admission;
            int? completion = null, drift = null, stop = null, excusedWeek = null;
            switch (trajectory)
            {
                case Trajectory.Completer:
                    admission = Weekday(rng.Next(0, 8));
                    completion = Math.Min(admission + 42 + rng.Next(0, 8), total - 1);
                    break;
                case Trajectory.GradualDrift:
                    admission = Weekday(rng.Next(0, 12));
                    drift = rng.Next(admission + 14, Math.Max(admission + 15, total - 30));
                    stop = Math.Min(drift.Value + 10 + rng.Next(0, 8), total - 14);
                    break;
                case Trajectory.SuddenDropout:
                    admission = Weekday(rng.Next(0, 12));
                    stop = rng.Next(admission + 14, Math.Max(admission + 15, total - 14));
                    drift = stop;
                    break;
                case Trajectory.EarlyDropout:
                    admission = Weekday(rng.Next(0, Math.Max(1, total - 28)));
                    stop = admission + 3 + rng.Next(0, 7);
                    drift = stop;
                    break;
                default:
                    admission = Weekday(rng.Next(0, 22));
                    break;
            }
            if (!IsDropout(trajectory) && retained++ % 4 == 1)
            {
                // A week of notified leave (surgery, a family funeral): excused, so never a miss.
                excusedWeek = rng.Next(admission + 7, Math.Max(admission + 8, (completion ?? total) - 8));
            }
            cohort.Add(new CohortPatient(
                i, trajectory, program,
                CaseManager: (program * CaseManagersPerProgram) + rng.Next(CaseManagersPerProgram),
                admission, completion, drift, stop, excusedWeek,
                IntakeRecentUse: rng.Next(2) == 0,
                EarlyPositiveTests: rng.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 },
                Buprenorphine: rng.Next(10) < 2,
                Substance: Substances[rng.Next(Substances.Length)]));
        }
        return cohort;
    }

    private static bool IsDropout(Trajectory t) => t is Trajectory.GradualDrift or Trajectory.SuddenDropout or Trajectory.EarlyDropout;

    /// <summary>Admissions happen on weekdays: day 0 is a Monday.</summary>
    private static int Weekday(int day) => (day % 7) switch { 5 => day + 2, 6 => day + 1, _ => day };

    /// <summary>
    /// One patient's outcome at one session, from a generator of its own (seed, patient, day) so it does not depend on
    /// the order sessions are visited in; <paramref name="previousUnexcused"/> keeps retained patients from missing two
    /// in a row except rarely. Returns present, late, absent_excused, or null (nothing recorded: the missed-session job
    /// marks it absent_unexcused).
    /// </summary>
    public static string? Attendance(int seed, CohortPatient patient, int day, bool previousUnexcused, bool firstSession)
    {
        var rng = new Random(unchecked((seed * 7919) + (patient.Index * 104729) + (day * 31)));
        var roll = rng.NextDouble();
        if (patient.StopDay is { } stop && day >= stop)
        {
            return null;
        }
        if (patient.ExcusedWeekDay is { } leave && day >= leave && day < leave + 7)
        {
            return "absent_excused";
        }
        if (patient.Trajectory == Trajectory.EarlyDropout || firstSession)
        {
            return "present";
        }
        if (patient.Trajectory == Trajectory.GradualDrift && day >= patient.DriftDay)
        {
            // Fades from 80 % to 20 % attendance between the drift day and the day they stop.
            var progress = (double)(day - patient.DriftDay!.Value) / (patient.StopDay!.Value - patient.DriftDay.Value);
            var attend = 0.8 - (0.6 * progress);
            return roll < attend ? "present" : roll < attend + 0.04 ? "absent_excused" : null;
        }
        // The rest (12 % and 5 %) are excused absences.
        var (present, unexcused) = patient.Trajectory == Trajectory.Intermittent ? (0.74, 0.14) : (0.92, 0.03);
        if (previousUnexcused)
        {
            // Retained patients come back after a miss: a second miss in a row is rare.
            present += unexcused - 0.02;
            unexcused = 0.02;
        }
        return roll < present * 0.95 ? "present" : roll < present ? "late" : roll < 1 - unexcused ? "absent_excused" : null;
    }
}
