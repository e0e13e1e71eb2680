using System.Globalization;
using IopPlatform.Enrollment.Contracts;

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

/// <summary>Stable rule codes: the alert's <c>rule</c>, one open alert per enrollment and code.</summary>
internal static class DriftRuleCodes
{
    public const string ConsecutiveMissed = "consecutive_missed";
    public const string DaysWithoutAttendance = "days_without_attendance";
    public const string WeeklyHours = "weekly_hours";
    public const string AttendanceRatio = "attendance_ratio";
    public const string WeekOverWeekDrop = "week_over_week_drop";
    public const string DrugTests = "drug_tests";
    public const string Bam = "bam";

    /// <summary>Reaction to a single no-show: the outreach task.</summary>
    public const string NoShowOutreach = "no_show_outreach";

    /// <summary>Reaction to PHQ-9 item 9: a safety alert, its own type.</summary>
    public const string Safety = "safety";
}

/// <summary>Flags an alert carries besides its severity: tasks the table of DOMAIN.md §7 asks for.</summary>
internal static class AlertFlags
{
    public const string DischargeReview = "discharge_review";
    public const string BelowIntensity = "below_intensity";
    public const string BillingRisk = "billing_risk";
    public const string LevelOfCareReview = "level_of_care_review";
}

/// <summary>A record an alert is based on: a session, a drug test, a measure, a week.</summary>
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

    /// <summary>False when the program switched the rule off (it is then not evaluated).</summary>
    public required bool Enabled { get; init; }

    public required bool Fired { get; init; }

    /// <summary>Severity when fired, else null.</summary>
    public string? Severity { get; init; }

    /// <summary>True when the first-weeks thresholds applied.</summary>
    public bool EarlyEpisode { get; init; }

    /// <summary>The rule, its numbers and where they come from, in words a clinician checks.</summary>
    public required string Basis { get; init; }

    /// <summary>The values the rule compared against its thresholds.</summary>
    public required IReadOnlyDictionary<string, object?> Inputs { get; init; }

    public IReadOnlyList<AlertEvidence> Evidence { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];
}

/// <summary>The enrollment being evaluated. <paramref name="Zone"/> is its site's zone: weeks and days are local there.</summary>
internal sealed record DriftSubject(Guid EnrollmentId, DateOnly? AdmissionDate, decimal? RequiredHoursPerWeek, TimeZoneInfo Zone);

/// <summary>A booked session and its attendance (status null while nothing is recorded).</summary>
internal sealed record SessionFact(Guid SessionId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Status, int Minutes);

internal sealed record DrugTestFact(Guid DrugTestId, DateTimeOffset CollectedAt, string OverallResult);

internal sealed record BamFact(Guid MeasureId, DateTimeOffset AdministeredAt, int Use, int Risk, int Protective);

/// <summary>Everything the rules need about one enrollment, gathered set-based by the drift job.</summary>
internal sealed record DriftFacts(
    DriftSubject Subject,
    IReadOnlyList<SessionFact> Sessions,
    IReadOnlyList<DateTimeOffset> OutreachAttempts,
    IReadOnlyList<DrugTestFact> DrugTests,
    BamFact? Bam);

/// <summary>
/// The drift rule pack of DOMAIN.md §7 as pure functions: the same facts and clock give the same verdicts, so each
/// threshold is tested on both sides. Attendance codes: present/late/left_early count as attended, absent_unexcused as
/// missed; absent_excused and cancelled_by_program are neither (notice was given, or the program cancelled).
/// </summary>
internal static class DriftRules
{
    /// <summary>How far back the job reads attendance: the ratio window, two full ISO weeks and a long miss streak.</summary>
    public const int HistoryDays = 42;

    private static readonly string[] Attended = ["present", "late", "left_early"];

    public static bool IsAttended(string? status) => status is not null && Attended.Contains(status, StringComparer.Ordinal);

    public static bool IsMissed(string? status) => status == "absent_unexcused";

    public static IReadOnlyList<RuleResult> Evaluate(DriftRulePack pack, DriftFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(facts);
        var early = IsEarly(pack, facts.Subject, now);
        return
        [
            ConsecutiveMissed(pack, facts.Sessions, facts.OutreachAttempts, early, now),
            DaysWithoutAttendance(pack, facts.Subject, facts.Sessions, early, now),
            WeeklyHours(pack, facts.Subject, facts.Sessions, now),
            AttendanceRatio(pack, facts.Sessions, early, now),
            WeekOverWeekDrop(pack, facts.Subject, facts.Sessions, early, now),
            DrugTests(pack, facts.DrugTests, early),
            Bam(pack, facts.Bam),
        ];
    }

    /// <summary>Within the first <see cref="EarlyEpisodeRule.Days"/> days after admission (local dates of the site).</summary>
    public static bool IsEarly(DriftRulePack pack, DriftSubject subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        return pack.EarlyEpisode.Enabled && subject.AdmissionDate is { } admitted
            && LocalDate(now, subject.Zone).DayNumber - admitted.DayNumber < pack.EarlyEpisode.Days;
    }

    public static RuleResult ConsecutiveMissed(DriftRulePack pack, IReadOnlyList<SessionFact> sessions, IReadOnlyList<DateTimeOffset> outreach, bool early, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var rule = pack.ConsecutiveMissed;
        var amber = early ? pack.EarlyEpisode.ConsecutiveMissedAmber : rule.Amber;
        var red = early ? pack.EarlyEpisode.ConsecutiveMissedRed : rule.Red;
        var basis = ($"DOMAIN.md §7: {rule.Amber} consecutive missed scheduled sessions raise an amber alert; {rule.Red} without contact raise a red alert with a discharge review (never an automatic discharge). " +
                         $"In the first {pack.EarlyEpisode.Days} days one step stricter: {pack.EarlyEpisode.ConsecutiveMissedAmber} amber, {pack.EarlyEpisode.ConsecutiveMissedRed} red. " +
                         "Only unexcused no-shows count; excused absences and program cancellations neither count nor break the run. Contact means any outreach attempt logged since the first miss of the run.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.ConsecutiveMissed, basis);
        }
        var streak = new List<SessionFact>();
        foreach (var session in Past(sessions, now).Where(s => IsAttended(s.Status) || IsMissed(s.Status)).OrderByDescending(s => s.StartsAt))
        {
            if (!IsMissed(session.Status))
            {
                break;
            }
            streak.Add(session);
        }
        streak.Reverse();
        var contactSince = streak.Count == 0 ? (DateTimeOffset?)null : streak[0].StartsAt;
        var contacted = contactSince is { } since && outreach.Any(a => a >= since);
        string? severity = null;
        if (streak.Count >= red && !contacted)
        {
            severity = AlertSeverity.Red;
        }
        else if (streak.Count >= amber)
        {
            severity = AlertSeverity.Amber;
        }
        return new RuleResult
        {
            Rule = DriftRuleCodes.ConsecutiveMissed,
            Enabled = true,
            Fired = severity is not null,
            Severity = severity,
            EarlyEpisode = early,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["consecutiveMissed"] = streak.Count,
                ["amberAt"] = amber,
                ["redAt"] = red,
                ["contactSinceFirstMiss"] = contacted,
            },
            Evidence = streak.Select(s => SessionEvidence(s)).ToList(),
            Flags = severity == AlertSeverity.Red ? [AlertFlags.DischargeReview] : [],
        };
    }

    public static RuleResult DaysWithoutAttendance(DriftRulePack pack, DriftSubject subject, IReadOnlyList<SessionFact> sessions, bool early, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        var rule = pack.DaysWithoutAttendance;
        var threshold = early ? pack.EarlyEpisode.DaysWithoutAttendance : rule.Days;
        var basis = ($"DOMAIN.md §7: no attended session for {rule.Days} days or more raises a red alert with a discharge review (never an automatic discharge); " +
                         $"in the first {pack.EarlyEpisode.Days} days {pack.EarlyEpisode.DaysWithoutAttendance} days. Counted in whole days from the end of the last attended session, or from the start of the admission day when none was attended yet.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.DaysWithoutAttendance, basis);
        }
        var past = Past(sessions, now).ToList();
        var last = past.Where(s => IsAttended(s.Status)).MaxBy(s => s.EndsAt);
        DateTimeOffset? since = last?.EndsAt ?? (subject.AdmissionDate is { } admitted ? LocalMidnight(admitted, subject.Zone) : null);
        var days = since is { } from ? (int)Math.Floor((now - from).TotalDays) : (int?)null;
        var fired = days >= threshold;
        var evidence = new List<AlertEvidence>();
        if (last is not null)
        {
            evidence.Add(SessionEvidence(last));
        }
        evidence.AddRange(past.Where(s => IsMissed(s.Status) && (last is null || s.StartsAt > last.StartsAt)).OrderBy(s => s.StartsAt).Select(s => SessionEvidence(s)));
        return new RuleResult
        {
            Rule = DriftRuleCodes.DaysWithoutAttendance,
            Enabled = true,
            Fired = fired,
            Severity = fired ? AlertSeverity.Red : null,
            EarlyEpisode = early,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["lastAttendedAt"] = last?.EndsAt,
                ["countedFrom"] = since,
                ["daysWithoutAttendance"] = days,
                ["thresholdDays"] = threshold,
            },
            Evidence = evidence,
            Flags = fired ? [AlertFlags.DischargeReview] : [],
        };
    }

    public static RuleResult WeeklyHours(DriftRulePack pack, DriftSubject subject, IReadOnlyList<SessionFact> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        var rule = pack.WeeklyHours;
        var (weekStart, weekEnd) = LastCompleteWeek(now, subject.Zone);
        var basis = ($"DOMAIN.md §7 and §4: attended hours in the last complete ISO week (Monday–Sunday in the site's time zone) below the patient's required weekly hours (9 adult / 6 adolescent by default) raise an amber below-intensity flag; " +
                         $"a billing-risk flag (HCPCS H0015) is added when fewer than {rule.BillingMinDaysPerWeek} days were attended or an attended day had under {rule.BillingMinHoursPerDay.ToString(CultureInfo.InvariantCulture)} hours. " +
                         "Only weeks the patient was admitted for in full are judged.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.WeeklyHours, basis);
        }
        var week = InWeek(sessions, subject.Zone, weekStart, weekEnd, now);
        var minutesByDay = week.Where(s => IsAttended(s.Status) && s.Minutes > 0)
            .GroupBy(s => LocalDate(s.StartsAt, subject.Zone))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Minutes));
        var attended = minutesByDay.Values.Sum();
        var applicable = subject.RequiredHoursPerWeek is not null && subject.AdmissionDate is { } admitted && admitted <= weekStart;
        var requiredMinutes = subject.RequiredHoursPerWeek is { } h ? (int)Math.Round(h * 60m, MidpointRounding.AwayFromZero) : 0;
        var flags = new List<string>();
        if (applicable)
        {
            if (attended < requiredMinutes)
            {
                flags.Add(AlertFlags.BelowIntensity);
            }
            var minDayMinutes = rule.BillingMinHoursPerDay * 60m;
            if (minutesByDay.Count < rule.BillingMinDaysPerWeek || minutesByDay.Values.Any(m => m < minDayMinutes))
            {
                flags.Add(AlertFlags.BillingRisk);
            }
        }
        return new RuleResult
        {
            Rule = DriftRuleCodes.WeeklyHours,
            Enabled = true,
            Fired = flags.Count > 0,
            Severity = flags.Count > 0 ? AlertSeverity.Amber : null,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["weekStart"] = weekStart,
                ["isoWeek"] = $"{ISOWeek.GetYear(weekStart.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(weekStart.ToDateTime(TimeOnly.MinValue)):D2}",
                ["timeZone"] = subject.Zone.Id,
                ["attendedMinutes"] = attended,
                ["requiredMinutes"] = subject.RequiredHoursPerWeek is null ? null : requiredMinutes,
                ["attendedDays"] = minutesByDay.Count,
                ["shortestDayMinutes"] = minutesByDay.Count == 0 ? null : minutesByDay.Values.Min(),
                ["fullWeekInProgram"] = applicable,
            },
            Evidence = week.Where(s => IsAttended(s.Status) || IsMissed(s.Status)).OrderBy(s => s.StartsAt).Select(s => SessionEvidence(s)).ToList(),
            Flags = flags,
        };
    }

    public static RuleResult AttendanceRatio(DriftRulePack pack, IReadOnlyList<SessionFact> sessions, bool early, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var rule = pack.AttendanceRatio;
        var minimum = early ? pack.EarlyEpisode.MinimumRatio : rule.MinimumRatio;
        var basis = ($"DOMAIN.md §7 (heuristic; tune locally): attended / scheduled sessions over the last {rule.WindowDays} days below {rule.MinimumRatio.ToString(CultureInfo.InvariantCulture)} raises an amber drift alert; " +
                         $"in the first {pack.EarlyEpisode.Days} days below {pack.EarlyEpisode.MinimumRatio.ToString(CultureInfo.InvariantCulture)}. Scheduled = attended plus unexcused no-shows (excused absences and program cancellations are left out).");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.AttendanceRatio, basis);
        }
        var from = now.AddDays(-rule.WindowDays);
        var window = Past(sessions, now).Where(s => s.EndsAt > from && (IsAttended(s.Status) || IsMissed(s.Status))).OrderBy(s => s.StartsAt).ToList();
        var attended = window.Count(s => IsAttended(s.Status));
        decimal? ratio = window.Count == 0 ? null : Math.Round((decimal)attended / window.Count, 4);
        var fired = ratio < minimum;
        return new RuleResult
        {
            Rule = DriftRuleCodes.AttendanceRatio,
            Enabled = true,
            Fired = fired,
            Severity = fired ? AlertSeverity.Amber : null,
            EarlyEpisode = early,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["windowDays"] = rule.WindowDays,
                ["attended"] = attended,
                ["scheduled"] = window.Count,
                ["ratio"] = ratio,
                ["minimumRatio"] = minimum,
            },
            Evidence = window.Where(s => IsMissed(s.Status)).Select(s => SessionEvidence(s)).ToList(),
        };
    }

    public static RuleResult WeekOverWeekDrop(DriftRulePack pack, DriftSubject subject, IReadOnlyList<SessionFact> sessions, bool early, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(subject);
        var rule = pack.WeekOverWeekDrop;
        var drop = early ? pack.EarlyEpisode.DropFraction : rule.DropFraction;
        var basis = ($"DOMAIN.md §7 (heuristic; tune locally): attended hours of the last complete ISO week (site's time zone) down by {Percent(rule.DropFraction)} or more against the week before raise an amber drift alert; " +
                         $"in the first {pack.EarlyEpisode.Days} days {Percent(pack.EarlyEpisode.DropFraction)}. Judged only when the patient was admitted for both weeks and attended in the earlier one.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.WeekOverWeekDrop, basis);
        }
        var (lastStart, lastEnd) = LastCompleteWeek(now, subject.Zone);
        var prevStart = lastStart.AddDays(-7);
        var previous = InWeek(sessions, subject.Zone, prevStart, lastStart, now).Where(s => IsAttended(s.Status)).Sum(s => s.Minutes);
        var lastWeek = InWeek(sessions, subject.Zone, lastStart, lastEnd, now);
        var last = lastWeek.Where(s => IsAttended(s.Status)).Sum(s => s.Minutes);
        var applicable = subject.AdmissionDate is { } admitted && admitted <= prevStart && previous > 0;
        decimal? loss = previous > 0 ? Math.Round((decimal)(previous - last) / previous, 4) : null;
        // Compared unrounded: a drop of exactly one third must fire against 1/3.
        var fired = applicable && previous - last >= drop * previous;
        return new RuleResult
        {
            Rule = DriftRuleCodes.WeekOverWeekDrop,
            Enabled = true,
            Fired = fired,
            Severity = fired ? AlertSeverity.Amber : null,
            EarlyEpisode = early,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["previousWeekStart"] = prevStart,
                ["lastWeekStart"] = lastStart,
                ["previousWeekMinutes"] = previous,
                ["lastWeekMinutes"] = last,
                ["loss"] = loss,
                ["dropFraction"] = drop,
                ["bothWeeksInProgram"] = subject.AdmissionDate is { } a && a <= prevStart,
            },
            Evidence = lastWeek.Where(s => IsMissed(s.Status)).OrderBy(s => s.StartsAt).Select(s => SessionEvidence(s)).ToList(),
        };
    }

    public static RuleResult DrugTests(DriftRulePack pack, IReadOnlyList<DrugTestFact> tests, bool early)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(tests);
        var rule = pack.DrugTests;
        var review = early ? pack.EarlyEpisode.PositivesForReview : rule.PositivesForReview;
        var basis = ($"DOMAIN.md §7: a positive-unexpected, refused or missed drug test in this episode contributes an amber alert; {rule.PositivesForReview} unexpected positives in the episode " +
                         $"(first {pack.EarlyEpisode.Days} days: {pack.EarlyEpisode.PositivesForReview}) raise a red alert for a level-of-care review. Positives for prescribed substances (positive_expected) do not count.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.DrugTests, basis);
        }
        var flagged = tests.Where(t => t.OverallResult is "positive_unexpected" or "refused" or "missed").OrderBy(t => t.CollectedAt).ToList();
        var positives = flagged.Count(t => t.OverallResult == "positive_unexpected");
        var severity = positives >= review ? AlertSeverity.Red : flagged.Count > 0 ? AlertSeverity.Amber : null;
        return new RuleResult
        {
            Rule = DriftRuleCodes.DrugTests,
            Enabled = true,
            Fired = severity is not null,
            Severity = severity,
            EarlyEpisode = early,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["testsInEpisode"] = tests.Count,
                ["unexpectedPositives"] = positives,
                ["refused"] = flagged.Count(t => t.OverallResult == "refused"),
                ["missed"] = flagged.Count(t => t.OverallResult == "missed"),
                ["positivesForReview"] = review,
            },
            Evidence = flagged.Select(t => new AlertEvidence { Kind = "drug_test", Id = t.DrugTestId, At = t.CollectedAt, Detail = t.OverallResult }).ToList(),
            Flags = severity == AlertSeverity.Red ? [AlertFlags.LevelOfCareReview] : [],
        };
    }

    public static RuleResult Bam(DriftRulePack pack, BamFact? bam)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var rule = pack.Bam;
        var basis = ($"DOMAIN.md §6–7: on the latest Brief Addiction Monitor, Use ≥ {rule.UseAtLeast}, Risk ≥ {rule.RiskAtLeast} or Protective ≤ {rule.ProtectiveAtMost} raises an amber clinical alert.");
        if (!rule.Enabled)
        {
            return Off(DriftRuleCodes.Bam, basis);
        }
        var concerns = new List<string>();
        if (bam is not null)
        {
            if (bam.Use >= rule.UseAtLeast)
            {
                concerns.Add($"use {bam.Use} ≥ {rule.UseAtLeast}");
            }
            if (bam.Risk >= rule.RiskAtLeast)
            {
                concerns.Add($"risk {bam.Risk} ≥ {rule.RiskAtLeast}");
            }
            if (bam.Protective <= rule.ProtectiveAtMost)
            {
                concerns.Add($"protective {bam.Protective} ≤ {rule.ProtectiveAtMost}");
            }
        }
        return new RuleResult
        {
            Rule = DriftRuleCodes.Bam,
            Enabled = true,
            Fired = concerns.Count > 0,
            Severity = concerns.Count > 0 ? AlertSeverity.Amber : null,
            Basis = basis,
            Inputs = new Dictionary<string, object?>
            {
                ["administeredAt"] = bam?.AdministeredAt,
                ["use"] = bam?.Use,
                ["risk"] = bam?.Risk,
                ["protective"] = bam?.Protective,
                ["concerns"] = concerns,
            },
            Evidence = bam is null || concerns.Count == 0 ? [] : [new AlertEvidence { Kind = "measure", Id = bam.MeasureId, At = bam.AdministeredAt, Detail = "bam: " + string.Join(", ", concerns) }],
        };
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

    private static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static IEnumerable<SessionFact> Past(IReadOnlyList<SessionFact> sessions, DateTimeOffset now) =>
        sessions.Where(s => s.EndsAt <= now && s.Status is not null);

    /// <summary>
    /// Sessions whose local date falls in [start, end). Zone conversion is the rules' dearest step (the drift scan runs
    /// this for every enrollment), so only sessions within a day of the range in UTC terms are converted: no zone is
    /// more than 14 hours from UTC.
    /// </summary>
    private static List<SessionFact> InWeek(IReadOnlyList<SessionFact> sessions, TimeZoneInfo zone, DateOnly start, DateOnly end, DateTimeOffset now)
    {
        var roughFrom = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);
        var roughTo = new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
        return Past(sessions, now)
            .Where(s => s.StartsAt >= roughFrom && s.StartsAt < roughTo && LocalDate(s.StartsAt, zone) is var d && d >= start && d < end)
            .ToList();
    }

    private static AlertEvidence SessionEvidence(SessionFact s) =>
        new() { Kind = "session", Id = s.SessionId, At = s.StartsAt, Detail = IsAttended(s.Status) ? $"{s.Status} ({s.Minutes} min)" : s.Status ?? "not_recorded" };

    private static RuleResult Off(string rule, string basis) => new()
    {
        Rule = rule,
        Enabled = false,
        Fired = false,
        Basis = "Switched off in this program's rule pack. " + basis,
        Inputs = new Dictionary<string, object?>(),
    };

    private static string Percent(decimal fraction) => (fraction * 100m).ToString("0.#", CultureInfo.InvariantCulture) + " %";

}
