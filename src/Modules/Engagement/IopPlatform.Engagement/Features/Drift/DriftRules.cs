using System.Globalization;

namespace IopPlatform.Engagement.Features.Drift;

/// <summary>Alert severities, lowest first.</summary>
internal static class AlertSeverity
{
    public const string Info = "info";
    public const string Amber = "amber";
    public const string Red = "red";

    public static int Rank(string? severity) => severity switch
    {
        Info => 1,
        Amber => 2,
        Red => 3,
        _ => 0,
    };

    public static string Max(string a, string b) => Rank(b) > Rank(a) ? b : a;
}

/// <summary>Stable rule codes: an alert's or a flag's <c>rule</c>.</summary>
internal static class DriftRuleCodes
{
    // Attendance patterns: the only rules that raise dropout-risk alerts.
    public const string ConsecutiveMissed = "consecutive_missed";
    public const string NoRecentAttendance = "no_recent_attendance";
    public const string AttendanceRatio = "attendance_ratio";
    public const string NoShowWithClinicalSignal = "no_show_with_clinical_signal";

    // Raises an attendance alert's severity; never raises one.
    public const string ClinicalSeverity = "clinical_severity";

    // Clinical and program flags: the enrollment and the review list, not the inbox.
    public const string BelowIntensity = "below_intensity";
    public const string BillingRisk = "billing_risk";
    public const string BamConcern = "bam_concern";
    public const string LevelOfCareReview = "level_of_care_review";

    /// <summary>Reaction to a single no-show: the outreach task.</summary>
    public const string NoShowOutreach = "no_show_outreach";

    /// <summary>Reaction to PHQ-9 item 9: a safety alert, its own type.</summary>
    public const string Safety = "safety";

    /// <summary>The one open dropout-risk alert of an enrollment, whichever attendance rule raised it.</summary>
    public const string DropoutRisk = "dropout_risk";

    public static readonly IReadOnlyList<string> Attendance = [ConsecutiveMissed, NoRecentAttendance, AttendanceRatio, NoShowWithClinicalSignal];

    public static readonly IReadOnlyList<string> Flags = [BelowIntensity, BillingRisk, BamConcern, LevelOfCareReview];
}

/// <summary>What a rule produces (Engagement module README, "Rules"): an inbox alert, a severity raise, or a flag for the review list.</summary>
internal static class RuleOutputs
{
    public const string Alert = "alert";
    public const string Severity = "severity";
    public const string Flag = "flag";
}

/// <summary>Tasks an alert carries besides its severity.</summary>
internal static class AlertFlags
{
    public const string DischargeReview = "discharge_review";
}

/// <summary>A record an alert or flag is based on: a session, a drug test, a measure.</summary>
internal sealed record AlertEvidence
{
    /// <summary><c>session</c>, <c>drug_test</c>, <c>measure</c>.</summary>
    public required string Kind { get; init; }

    public required Guid Id { get; init; }

    public DateTimeOffset? At { get; init; }

    /// <summary>What the record shows, e.g. "absent_unexcused" or "positive_unexpected".</summary>
    public required string Detail { get; init; }
}

/// <summary>One rule's verdict for one enrollment: what it looked at, what it found, and why that matters.</summary>
internal sealed record RuleResult
{
    public required string Rule { get; init; }

    /// <summary><c>alert</c>, <c>severity</c> or <c>flag</c> (see <see cref="RuleOutputs"/>).</summary>
    public required string Output { get; init; }

    /// <summary>False when the program switched the rule off (it is then not evaluated).</summary>
    public required bool Enabled { get; init; }

    public required bool Fired { get; init; }

    /// <summary>Severity when an alert rule fired (for the severity rule: the severity it raises to), else null.</summary>
    public string? Severity { get; init; }

    /// <summary>The rule, its numbers and where they come from, in words a clinician checks.</summary>
    public required string Basis { get; init; }

    /// <summary>The values the rule compared against its thresholds.</summary>
    public required IReadOnlyDictionary<string, object?> Inputs { get; init; }

    public IReadOnlyList<AlertEvidence> Evidence { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];
}

/// <summary>The enrollment being evaluated. <paramref name="Zone"/> is its site's zone: weeks are local there.</summary>
internal sealed record DriftSubject(Guid EnrollmentId, DateOnly? AdmissionDate, decimal? RequiredHoursPerWeek, TimeZoneInfo Zone);

/// <summary>A booked session and its attendance (status null while nothing is recorded).</summary>
internal sealed record SessionFact(Guid SessionId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Status, int Minutes);

/// <summary>A drug test's current result; <paramref name="NeedsConfirmation"/> while an analyte awaits confirmation.</summary>
internal sealed record DrugTestFact(Guid DrugTestId, DateTimeOffset CollectedAt, string OverallResult, bool NeedsConfirmation = false);

internal sealed record BamFact(Guid MeasureId, DateTimeOffset AdministeredAt, int Use, int Risk, int Protective);

/// <summary>Everything the rules need about one enrollment, gathered set-based by the drift job.</summary>
/// <param name="Subject">The enrollment.</param>
/// <param name="Sessions">Booked sessions of the history window with their attendance.</param>
/// <param name="OutreachAttempts">When outreach was attempted (contact).</param>
/// <param name="DrugTests">Drug tests of the episode.</param>
/// <param name="Bam">The latest BAM.</param>
/// <param name="IntakeBam">The first BAM of the episode: the patient's own baseline.</param>
internal sealed record DriftFacts(
    DriftSubject Subject,
    IReadOnlyList<SessionFact> Sessions,
    IReadOnlyList<DateTimeOffset> OutreachAttempts,
    IReadOnlyList<DrugTestFact> DrugTests,
    BamFact? Bam,
    BamFact? IntakeBam = null);

/// <summary>The verdicts of one evaluation, sorted by output.</summary>
/// <param name="Rules">Every rule, fired or not (the dry run shows them all).</param>
/// <param name="Attendance">The dropout-risk verdict: the strongest attendance rule that fired, its severity raised by clinical signals; null when none fired.</param>
/// <param name="Flags">Flag rules that fired.</param>
/// <param name="LastCounted">The latest scheduled session that counts (attended or unexcused miss); attended means the patient is back.</param>
internal sealed record DriftVerdict(IReadOnlyList<RuleResult> Rules, RuleResult? Attendance, IReadOnlyList<RuleResult> Flags, SessionFact? LastCounted)
{
    /// <summary>The signal has cleared: the latest scheduled session was attended.</summary>
    public bool Returned => LastCounted is { } last && DriftRules.IsAttended(last.Status);
}

/// <summary>
/// The drift rule pack (Engagement module README, "Rules") as pure functions: the same facts and clock give the same verdicts, so each
/// threshold is tested on both sides. Attendance codes: present/late/left_early count as attended, absent_unexcused as
/// missed; absent_excused and cancelled_by_program are neither (notice was given, or the program cancelled), and a
/// session without a record (not yet taken, or on hold) is not counted. No rule counts calendar days: a Mon/Wed/Thu
/// group has four-day gaps by design.
/// </summary>
internal static class DriftRules
{
    /// <summary>How far back the job reads attendance: the ratio window, two full ISO weeks and a long miss streak.</summary>
    public const int HistoryDays = 42;

    private static readonly string[] AttendedCodes = ["present", "late", "left_early"];

    // Drug test results that show abstinence (Outcomes' qualifying results): a later positive is a return to use.
    private static readonly string[] AbstinentResults = ["negative", "positive_expected"];

    public static bool IsAttended(string? status) => status is not null && AttendedCodes.Contains(status, StringComparer.Ordinal);

    public static bool IsMissed(string? status) => status == "absent_unexcused";

    public static DriftVerdict Evaluate(DriftRulePack pack, DriftFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(facts);
        var counted = Counted(facts.Sessions, now);
        var attendance = new[]
        {
            ConsecutiveMissed(pack, counted, facts.OutreachAttempts),
            NoRecentAttendance(pack, counted),
            AttendanceRatio(pack, counted, now),
            NoShowWithClinicalSignal(pack, counted, facts.DrugTests, facts.Bam, facts.IntakeBam, now),
        };
        var strongest = attendance.Where(r => r.Fired).OrderByDescending(r => AlertSeverity.Rank(r.Severity)).FirstOrDefault();
        // A clinical signal that made a single no-show an alert does not raise that alert a second time.
        var raisable = strongest?.Rule == DriftRuleCodes.NoShowWithClinicalSignal ? null : strongest?.Severity;
        var clinical = ClinicalSeverity(pack, raisable, facts.DrugTests, facts.Bam, facts.IntakeBam, now);
        var flags = new[]
        {
            BelowIntensity(pack, facts.Subject, facts.Sessions, now),
            BillingRisk(pack, facts.Subject, facts.Sessions, now),
            BamConcern(pack, facts.Bam, facts.IntakeBam),
            LevelOfCareReview(pack, facts.DrugTests, now),
        };
        RuleResult? verdict = strongest is null ? null : clinical.Fired ? Raise(strongest, clinical) : strongest;
        return new DriftVerdict([.. attendance, clinical, .. flags], verdict, flags.Where(f => f.Fired).ToList(), counted.Count == 0 ? null : counted[counted.Count - 1]);
    }

    /// <summary>Scheduled sessions that have ended and count: attended or unexcused miss, oldest first.</summary>
    public static IReadOnlyList<SessionFact> Counted(IReadOnlyList<SessionFact> sessions, DateTimeOffset now) =>
        sessions.Where(s => s.EndsAt <= now && (IsAttended(s.Status) || IsMissed(s.Status))).OrderBy(s => s.StartsAt).ToList();

    public static RuleResult ConsecutiveMissed(DriftRulePack pack, IReadOnlyList<SessionFact> counted, IReadOnlyList<DateTimeOffset> outreach)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(counted);
        ArgumentNullException.ThrowIfNull(outreach);
        var rule = pack.ConsecutiveMissed;
        var basis = $"{rule.Amber} consecutive unexcused misses of scheduled sessions raise an amber dropout-risk alert; {rule.Red} without contact " +
                    "(no outreach attempt logged since the first miss) raise a red alert with a discharge review, never an automatic discharge. " +
                    "Excused absences and program cancellations neither count nor break the run. " +
                    "Source: missed sessions early in treatment are the strongest dropout signal (Brorson et al. 2013, systematic review of dropout predictors in SUD treatment).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.ConsecutiveMissed, RuleOutputs.Alert, basis);
        }
        var streak = counted.Reverse().TakeWhile(s => IsMissed(s.Status)).Reverse().ToList();
        var contacted = streak.Count > 0 && outreach.Any(a => a >= streak[0].StartsAt);
        var severity = streak.Count >= rule.Red && !contacted ? AlertSeverity.Red : streak.Count >= rule.Amber ? AlertSeverity.Amber : null;
        return Alert(DriftRuleCodes.ConsecutiveMissed, severity, basis, new Dictionary<string, object?>
        {
            ["consecutiveUnexcusedMisses"] = streak.Count,
            ["amberAt"] = rule.Amber,
            ["redAt"] = rule.Red,
            ["contactSinceFirstMiss"] = contacted,
        }, streak.Select(SessionEvidence).ToList());
    }

    public static RuleResult NoRecentAttendance(DriftRulePack pack, IReadOnlyList<SessionFact> counted)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(counted);
        var rule = pack.NoRecentAttendance;
        var basis = $"No attendance at the last {rule.Sessions} scheduled sessions (excused absences and program cancellations left out) raises a red " +
                    "dropout-risk alert with a discharge review, whether or not anyone reached the patient. " +
                    "Source: missed sessions are the strongest dropout signal (Brorson et al. 2013, systematic review of dropout predictors in SUD treatment).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.NoRecentAttendance, RuleOutputs.Alert, basis);
        }
        var last = counted.TakeLast(rule.Sessions).ToList();
        var fired = last.Count == rule.Sessions && last.All(s => IsMissed(s.Status));
        return Alert(DriftRuleCodes.NoRecentAttendance, fired ? AlertSeverity.Red : null, basis, new Dictionary<string, object?>
        {
            ["lastScheduled"] = last.Count,
            ["attendedOfLast"] = last.Count(s => IsAttended(s.Status)),
            ["sessions"] = rule.Sessions,
        }, last.Select(SessionEvidence).ToList());
    }

    public static RuleResult AttendanceRatio(DriftRulePack pack, IReadOnlyList<SessionFact> counted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(counted);
        var rule = pack.AttendanceRatio;
        var basis = $"Attended / scheduled sessions over the last {rule.WindowDays} days below {rule.MinimumRatio.ToString(CultureInfo.InvariantCulture)} " +
                    $"with at least {rule.MinimumUnexcusedMisses} unexcused misses raises an amber dropout-risk alert while the latest scheduled session was missed " +
                    "(a patient who came to the latest one is back). Excused absences and program cancellations are left out. " +
                    "Source: missed sessions are the strongest dropout signal (Brorson et al. 2013, systematic review of dropout predictors in SUD treatment).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.AttendanceRatio, RuleOutputs.Alert, basis);
        }
        var from = now.AddDays(-rule.WindowDays);
        var window = counted.Where(s => s.EndsAt > from).ToList();
        var attended = window.Count(s => IsAttended(s.Status));
        var missed = window.Count - attended;
        decimal? ratio = window.Count == 0 ? null : Math.Round((decimal)attended / window.Count, 4);
        var latestMissed = counted.Count > 0 && IsMissed(counted[counted.Count - 1].Status);
        // Compared unrounded: 3 of 5 is exactly 0.6 and must not fire against 0.6.
        var fired = window.Count > 0 && attended < rule.MinimumRatio * window.Count && missed >= rule.MinimumUnexcusedMisses && latestMissed;
        return Alert(DriftRuleCodes.AttendanceRatio, fired ? AlertSeverity.Amber : null, basis, new Dictionary<string, object?>
        {
            ["windowDays"] = rule.WindowDays,
            ["attended"] = attended,
            ["scheduled"] = window.Count,
            ["unexcusedMisses"] = missed,
            ["ratio"] = ratio,
            ["minimumRatio"] = rule.MinimumRatio,
            ["minimumUnexcusedMisses"] = rule.MinimumUnexcusedMisses,
            ["latestScheduledMissed"] = latestMissed,
        }, window.Where(s => IsMissed(s.Status)).Select(SessionEvidence).ToList());
    }

    /// <summary>
    /// One unexcused no-show at the latest scheduled session with a return to use (a confirmed unexpected positive or
    /// refusal in the clinical window, after a test of the episode showing abstinence) or a BAM worse than intake: amber.
    /// The attendance signal is the no-show; the clinical signal raises its outreach task to a dropout-risk alert.
    /// </summary>
    public static RuleResult NoShowWithClinicalSignal(DriftRulePack pack, IReadOnlyList<SessionFact> counted, IReadOnlyList<DrugTestFact> tests, BamFact? bam, BamFact? intake, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(counted);
        ArgumentNullException.ThrowIfNull(tests);
        var rule = pack.ClinicalSeverity;
        var basis = $"One unexcused no-show at the latest scheduled session raises an amber dropout-risk alert " +
                    $"when it comes with a return to use — a confirmed unexpected positive or a refusal collected in the last {rule.DrugTestWindowDays} days after a test of this episode " +
                    "showing abstinence" + (rule.BamWorseThanIntake ? " — or a latest BAM worse than the patient's own intake BAM" : string.Empty) +
                    ". Early positives before any abstinent test are the reason for treatment, not a return to use. " +
                    "Source: this program's rule pack (switch noShowWithClinicalSignal), measured on a labelled patient cohort so that drifting patients are alerted while they still come.";
        if (!rule.Enabled || !rule.NoShowWithClinicalSignal)
        {
            return Off(DriftRuleCodes.NoShowWithClinicalSignal, RuleOutputs.Alert, basis);
        }
        var latest = counted.Count > 0 && IsMissed(counted[counted.Count - 1].Status) ? counted[counted.Count - 1] : null;
        var from = now.AddDays(-rule.DrugTestWindowDays);
        var returns = tests
            .Where(t => t.CollectedAt >= from && t.CollectedAt <= now && (IsConfirmedPositive(t) || t.OverallResult == "refused")
                        && tests.Any(a => a.CollectedAt < t.CollectedAt && AbstinentResults.Contains(a.OverallResult, StringComparer.Ordinal)))
            .OrderBy(t => t.CollectedAt)
            .ToList();
        var worse = rule.BamWorseThanIntake ? Worsened(bam, intake) : [];
        var fired = latest is not null && (returns.Count > 0 || worse.Count > 0);
        var evidence = new List<AlertEvidence>();
        if (fired)
        {
            evidence.Add(SessionEvidence(latest!));
            evidence.AddRange(returns.Select(DrugTestEvidence));
            if (worse.Count > 0)
            {
                evidence.Add(new AlertEvidence { Kind = "measure", Id = bam!.MeasureId, At = bam.AdministeredAt, Detail = "bam worse than intake: " + string.Join(", ", worse) });
            }
        }
        return Alert(DriftRuleCodes.NoShowWithClinicalSignal, fired ? AlertSeverity.Amber : null, basis, new Dictionary<string, object?>
        {
            ["latestScheduledMissed"] = latest is not null,
            ["returnsToUse"] = returns.Count,
            ["bamWorseThanIntake"] = worse,
            ["drugTestWindowDays"] = rule.DrugTestWindowDays,
        }, evidence);
    }

    /// <summary>Raises an amber attendance verdict to red; given no attendance verdict (or a red one) it reports what it saw and raises nothing.</summary>
    public static RuleResult ClinicalSeverity(DriftRulePack pack, string? attendanceSeverity, IReadOnlyList<DrugTestFact> tests, BamFact? bam, BamFact? intake, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(tests);
        var rule = pack.ClinicalSeverity;
        var basis = $"An amber attendance signal becomes red with a confirmed unexpected positive or a refusal collected in the last {rule.DrugTestWindowDays} days" +
                    (rule.BamWorseThanIntake ? ", or a latest BAM worse than the patient's own intake BAM" : string.Empty) +
                    ". Clinical signals never raise a dropout-risk alert by themselves. " +
                    "Source: Brief Addiction Monitor (Cacciola et al. 2013); confirmed drug testing (SAMHSA TAP 32, clinical drug testing in primary care).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.ClinicalSeverity, RuleOutputs.Severity, basis);
        }
        var from = now.AddDays(-rule.DrugTestWindowDays);
        var recent = tests.Where(t => t.CollectedAt >= from && t.CollectedAt <= now && (IsConfirmedPositive(t) || t.OverallResult == "refused")).OrderBy(t => t.CollectedAt).ToList();
        var worse = rule.BamWorseThanIntake ? Worsened(bam, intake) : [];
        var signal = recent.Count > 0 || worse.Count > 0;
        var evidence = recent.Select(DrugTestEvidence).ToList();
        if (worse.Count > 0)
        {
            evidence.Add(new AlertEvidence { Kind = "measure", Id = bam!.MeasureId, At = bam.AdministeredAt, Detail = "bam worse than intake: " + string.Join(", ", worse) });
        }
        var fired = signal && attendanceSeverity == AlertSeverity.Amber;
        return new RuleResult
        {
            Rule = DriftRuleCodes.ClinicalSeverity,
            Output = RuleOutputs.Severity,
            Enabled = true,
            Fired = fired,
            Severity = fired ? AlertSeverity.Red : null,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["attendanceSeverity"] = attendanceSeverity,
                ["recentConfirmedPositivesOrRefusals"] = recent.Count,
                ["bamWorseThanIntake"] = worse,
                ["drugTestWindowDays"] = rule.DrugTestWindowDays,
            },
            Evidence = signal ? evidence : [],
        };
    }

    public static RuleResult BelowIntensity(DriftRulePack pack, DriftSubject subject, IReadOnlyList<SessionFact> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        var rule = pack.BelowIntensity;
        var basis = $"Attended hours below the patient's required weekly hours (9 adult / 6 adolescent by default) in {rule.ConsecutiveWeeks} consecutive " +
                    "complete ISO weeks (Monday–Sunday in the site's time zone, only weeks the patient was admitted for in full) flag the enrollment for the review list. " +
                    "Source: ASAM Criteria level 2.1 (intensive outpatient: 9 or more hours a week for adults, 6 or more for adolescents).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.BelowIntensity, RuleOutputs.Flag, basis);
        }
        var (lastStart, _) = LastCompleteWeek(now, subject.Zone);
        var weeks = Enumerable.Range(0, rule.ConsecutiveWeeks).Select(i => lastStart.AddDays(-7 * i)).OrderBy(d => d).ToList();
        var requiredMinutes = subject.RequiredHoursPerWeek is { } h ? (int)Math.Round(h * 60m, MidpointRounding.AwayFromZero) : (int?)null;
        var applicable = requiredMinutes is not null && subject.AdmissionDate is { } admitted && admitted <= weeks[0];
        var minutes = weeks.Select(w => InWeek(sessions, subject.Zone, w, w.AddDays(7), now).Where(s => IsAttended(s.Status)).Sum(s => s.Minutes)).ToList();
        var fired = applicable && minutes.All(m => m < requiredMinutes);
        var evidence = fired ? weeks.SelectMany(w => InWeek(sessions, subject.Zone, w, w.AddDays(7), now)).Where(s => IsAttended(s.Status) || IsMissed(s.Status)).Select(SessionEvidence).ToList() : [];
        return Flag(DriftRuleCodes.BelowIntensity, fired, basis, new Dictionary<string, object?>
        {
            ["weekStarts"] = weeks,
            ["attendedMinutes"] = minutes,
            ["requiredMinutes"] = requiredMinutes,
            ["timeZone"] = subject.Zone.Id,
            ["fullWeeksInProgram"] = applicable,
        }, evidence);
    }

    public static RuleResult BillingRisk(DriftRulePack pack, DriftSubject subject, IReadOnlyList<SessionFact> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        var rule = pack.BelowIntensity;
        var basis = $"HCPCS H0015 (program settings): the last complete ISO week had fewer than {rule.BillingMinDaysPerWeek} attended days, or an attended day under " +
                    $"{rule.BillingMinHoursPerDay.ToString(CultureInfo.InvariantCulture)} hours; a billing-risk flag for the review list. Only weeks the patient was admitted for in full.";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.BillingRisk, RuleOutputs.Flag, basis);
        }
        var (weekStart, weekEnd) = LastCompleteWeek(now, subject.Zone);
        var week = InWeek(sessions, subject.Zone, weekStart, weekEnd, now);
        var minutesByDay = week.Where(s => IsAttended(s.Status) && s.Minutes > 0)
            .GroupBy(s => LocalDate(s.StartsAt, subject.Zone))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Minutes));
        var applicable = subject.AdmissionDate is { } admitted && admitted <= weekStart;
        var fired = applicable && (minutesByDay.Count < rule.BillingMinDaysPerWeek || minutesByDay.Values.Any(m => m < rule.BillingMinHoursPerDay * 60m));
        return Flag(DriftRuleCodes.BillingRisk, fired, basis, new Dictionary<string, object?>
        {
            ["weekStart"] = weekStart,
            ["isoWeek"] = $"{ISOWeek.GetYear(weekStart.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(weekStart.ToDateTime(TimeOnly.MinValue)):D2}",
            ["attendedDays"] = minutesByDay.Count,
            ["shortestDayMinutes"] = minutesByDay.Count == 0 ? null : minutesByDay.Values.Min(),
            ["fullWeekInProgram"] = applicable,
        }, fired ? week.Where(s => IsAttended(s.Status) || IsMissed(s.Status)).Select(SessionEvidence).ToList() : []);
    }

    public static RuleResult BamConcern(DriftRulePack pack, BamFact? bam, BamFact? intake)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var rule = pack.Bam;
        var basis = $"On the latest Brief Addiction Monitor, a subscale of concern (Use ≥ {rule.UseAtLeast}, Risk ≥ {rule.RiskAtLeast}, Protective ≤ {rule.ProtectiveAtMost}) " +
                    "that is also worse than on the patient's own intake BAM flags the enrollment for clinical review. Use reported at intake alone is the reason for treatment, not a flag. " +
                    "Source: Brief Addiction Monitor (Cacciola et al. 2013).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.BamConcern, RuleOutputs.Flag, basis);
        }
        var concerns = new List<string>();
        if (bam is not null && intake is not null && bam.MeasureId != intake.MeasureId)
        {
            if (bam.Use >= rule.UseAtLeast && bam.Use > intake.Use)
            {
                concerns.Add($"use {intake.Use} → {bam.Use}");
            }
            if (bam.Risk >= rule.RiskAtLeast && bam.Risk > intake.Risk)
            {
                concerns.Add($"risk {intake.Risk} → {bam.Risk}");
            }
            if (bam.Protective <= rule.ProtectiveAtMost && bam.Protective < intake.Protective)
            {
                concerns.Add($"protective {intake.Protective} → {bam.Protective}");
            }
        }
        return Flag(DriftRuleCodes.BamConcern, concerns.Count > 0, basis, new Dictionary<string, object?>
        {
            ["latest"] = bam is null ? null : new { bam.AdministeredAt, bam.Use, bam.Risk, bam.Protective },
            ["intake"] = intake is null ? null : new { intake.AdministeredAt, intake.Use, intake.Risk, intake.Protective },
            ["concerns"] = concerns,
        }, concerns.Count == 0 ? [] :
        [
            new AlertEvidence { Kind = "measure", Id = intake!.MeasureId, At = intake.AdministeredAt, Detail = "bam at intake" },
            new AlertEvidence { Kind = "measure", Id = bam!.MeasureId, At = bam.AdministeredAt, Detail = "bam: " + string.Join(", ", concerns) },
        ]);
    }

    public static RuleResult LevelOfCareReview(DriftRulePack pack, IReadOnlyList<DrugTestFact> tests, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(tests);
        var rule = pack.LevelOfCare;
        var basis = $"{rule.Positives} confirmed unexpected positives within {rule.WindowDays} days flag the enrollment for a level-of-care review. " +
                    "Positives for prescribed substances (positive_expected) and presumptive results awaiting confirmation do not count. " +
                    "Source: ASAM Criteria (reassess the level of care when the patient is not responding to treatment).";
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.LevelOfCareReview, RuleOutputs.Flag, basis);
        }
        var from = now.AddDays(-rule.WindowDays);
        var positives = tests.Where(t => t.CollectedAt >= from && t.CollectedAt <= now && IsConfirmedPositive(t)).OrderBy(t => t.CollectedAt).ToList();
        var fired = positives.Count >= rule.Positives;
        return Flag(DriftRuleCodes.LevelOfCareReview, fired, basis, new Dictionary<string, object?>
        {
            ["confirmedUnexpectedPositives"] = positives.Count,
            ["positives"] = rule.Positives,
            ["windowDays"] = rule.WindowDays,
        }, fired ? positives.Select(DrugTestEvidence).ToList() : []);
    }

    /// <summary>Monday and the following Monday of the last ISO week that has fully ended in the zone.</summary>
    public static (DateOnly Start, DateOnly End) LastCompleteWeek(DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = LocalDate(now, zone);
        var thisMonday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return (thisMonday.AddDays(-7), thisMonday);
    }

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone ?? throw new ArgumentNullException(nameof(zone))).DateTime);

    private static bool IsConfirmedPositive(DrugTestFact test) => test.OverallResult == "positive_unexpected" && !test.NeedsConfirmation;

    private static List<string> Worsened(BamFact? bam, BamFact? intake)
    {
        if (bam is null || intake is null || bam.MeasureId == intake.MeasureId)
        {
            return [];
        }
        var worse = new List<string>();
        if (bam.Use > intake.Use)
        {
            worse.Add($"use {intake.Use} → {bam.Use}");
        }
        if (bam.Risk > intake.Risk)
        {
            worse.Add($"risk {intake.Risk} → {bam.Risk}");
        }
        if (bam.Protective < intake.Protective)
        {
            worse.Add($"protective {intake.Protective} → {bam.Protective}");
        }
        return worse;
    }

    private static RuleResult Raise(RuleResult attendance, RuleResult clinical) => attendance with
    {
        Severity = AlertSeverity.Red,
        Basis = attendance.Basis + " Raised to red: " + clinical.Basis,
        Inputs = new Dictionary<string, object?>(attendance.Inputs) { ["raisedBy"] = DriftRuleCodes.ClinicalSeverity, ["clinical"] = clinical.Inputs },
        Evidence = [.. attendance.Evidence, .. clinical.Evidence],
    };

    /// <summary>
    /// Sessions whose local date falls in [start, end). Zone conversion is the rules' dearest step (the drift scan runs
    /// this for every enrollment), so only sessions within a day of the range in UTC terms are converted: no zone is
    /// more than 14 hours from UTC.
    /// </summary>
    private static List<SessionFact> InWeek(IReadOnlyList<SessionFact> sessions, TimeZoneInfo zone, DateOnly start, DateOnly end, DateTimeOffset now)
    {
        var roughFrom = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        var roughTo = new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
        return sessions
            .Where(s => s.EndsAt <= now && s.Status is not null && s.StartsAt >= roughFrom && s.StartsAt < roughTo && LocalDate(s.StartsAt, zone) is var d && d >= start && d < end)
            .OrderBy(s => s.StartsAt)
            .ToList();
    }

    private static AlertEvidence SessionEvidence(SessionFact s) =>
        new() { Kind = "session", Id = s.SessionId, At = s.StartsAt, Detail = IsAttended(s.Status) ? $"{s.Status} ({s.Minutes} min)" : s.Status ?? "not_recorded" };

    private static AlertEvidence DrugTestEvidence(DrugTestFact t) => new() { Kind = "drug_test", Id = t.DrugTestId, At = t.CollectedAt, Detail = t.OverallResult };

    private static RuleResult Alert(string rule, string? severity, string basis, Dictionary<string, object?> inputs, IReadOnlyList<AlertEvidence> evidence) => new()
    {
        Rule = rule,
        Output = RuleOutputs.Alert,
        Enabled = true,
        Fired = severity is not null,
        Severity = severity,
        Basis = basis,
        Inputs = inputs,
        Evidence = evidence,
        Flags = severity == AlertSeverity.Red ? [AlertFlags.DischargeReview] : [],
    };

    private static RuleResult Flag(string rule, bool fired, string basis, Dictionary<string, object?> inputs, IReadOnlyList<AlertEvidence> evidence) => new()
    {
        Rule = rule,
        Output = RuleOutputs.Flag,
        Enabled = true,
        Fired = fired,
        Basis = basis,
        Inputs = inputs,
        Evidence = evidence,
    };

    private static RuleResult Off(string rule, string output, string basis) => new()
    {
        Rule = rule,
        Output = output,
        Enabled = false,
        Fired = false,
        Basis = "Switched off in this program's rule pack. " + basis,
        Inputs = new Dictionary<string, object?>(),
    };
}
