using IopPlatform.Engagement.Contracts;
using IopPlatform.Engagement.Features.Drift;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// Each drift rule (Engagement module README, "Rules") on both sides of its threshold, as tables of cases: attendance patterns (the only alert
/// rules), the clinical severity raise, and the flags. Sessions are written oldest first, one letter each:
/// P present, U unexcused miss, E excused, C cancelled by the program, N nothing recorded (not yet taken or on hold).
/// </summary>
public sealed class DriftRulesTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    // Wednesday 1 April 2026, 12:00 UTC; admitted 2 February unless a test says otherwise.
    private static readonly DateTimeOffset Now = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Admitted = new(2026, 2, 2);

    private static DriftSubject Subject(DateOnly? admitted = null, decimal hours = 9m) => new(Guid.NewGuid(), admitted ?? Admitted, hours, Chicago);

    /// <summary>A session <paramref name="daysAgo"/> days before now at 18:00–21:00 Chicago time.</summary>
    private static SessionFact Session(int daysAgo, string? status, int minutes = -1)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Chicago).DateTime).AddDays(-daysAgo).ToDateTime(new TimeOnly(18, 0));
        var start = new DateTimeOffset(local, Chicago.GetUtcOffset(local)).ToUniversalTime();
        return new SessionFact(Guid.NewGuid(), start, start.AddHours(3), status, minutes >= 0 ? minutes : DriftRules.IsAttended(status) ? 180 : 0);
    }

    private static string? Code(char c) => c switch
    {
        'P' => "present",
        'U' => "absent_unexcused",
        'E' => "absent_excused",
        'C' => "cancelled_by_program",
        _ => null,
    };

    /// <summary>One session every <paramref name="everyDays"/> days, the last one yesterday.</summary>
    private static List<SessionFact> Pattern(string pattern, int everyDays = 2) =>
        pattern.Select((c, i) => Session((pattern.Length - i) * everyDays - (everyDays - 1), Code(c))).ToList();

    private static DriftFacts Facts(IReadOnlyList<SessionFact> sessions, IReadOnlyList<DateTimeOffset>? outreach = null, IReadOnlyList<DrugTestFact>? tests = null, BamFact? bam = null, BamFact? intake = null) =>
        new(Subject(), sessions, outreach ?? [], tests ?? [], bam, intake);

    [Theory]
    [InlineData("PPU", null)]
    [InlineData("PUU", "amber")]
    [InlineData("PUUU", "red")]
    [InlineData("UUP", null)]
    [InlineData("UEU", "amber")]   // an excused absence neither counts nor breaks the run
    [InlineData("UCU", "amber")]   // nor does a program cancellation
    [InlineData("UNU", "amber")]   // nor a session with nothing recorded (a hold)
    [InlineData("PEE", null)]
    [InlineData("PUUE", "amber")]
    public void Consecutive_unexcused_misses(string pattern, string? expected)
    {
        var counted = DriftRules.Counted(Pattern(pattern), Now);
        var result = DriftRules.ConsecutiveMissed(DriftRulePack.Default, counted, []);
        Assert.Equal(expected, result.Severity);
        Assert.Equal(expected is not null, result.Fired);
        Assert.Equal(expected == "red", result.Flags.Contains(AlertFlags.DischargeReview));
        Assert.All(result.Evidence, e => Assert.Equal("absent_unexcused", e.Detail));
        Assert.Equal(result.Inputs["consecutiveUnexcusedMisses"], result.Evidence.Count);
    }

    [Theory]
    // attendance pattern, earlier test showing abstinence (days ago, result), latest test (days ago, result, presumptive), bam worse, expected
    [InlineData("PPU", 10, "negative", 3, "positive_unexpected", false, false, "amber")]           // return to use after a negative test
    [InlineData("PPU", 10, "positive_expected", 3, "refused", false, false, "amber")]             // prescribed only, then a refusal
    [InlineData("PPU", 20, "negative", 14, "positive_unexpected", false, false, "amber")]         // the window's last day
    [InlineData("PPU", 20, "negative", 15, "positive_unexpected", false, false, null)]            // older than 14 days
    [InlineData("PPU", 10, "negative", 3, "positive_unexpected", true, false, null)]              // presumptive, not confirmed
    [InlineData("PPU", 10, "positive_unexpected", 3, "positive_unexpected", false, false, null)]  // still positive since intake: no return
    [InlineData("PPU", -1, null, 3, "positive_unexpected", false, false, null)]                   // the first test of the episode
    [InlineData("PPU", -1, null, -1, null, false, true, "amber")]                                 // BAM worse than the intake BAM
    [InlineData("PUP", 10, "negative", 3, "positive_unexpected", false, true, null)]              // came to the latest session
    [InlineData("PPE", 10, "negative", 3, "positive_unexpected", false, true, null)]              // excused: no miss
    [InlineData("PPP", 10, "negative", 3, "positive_unexpected", false, true, null)]
    public void One_no_show_with_a_return_to_use_or_a_worse_bam_is_an_amber_alert(
        string pattern, int earlierDaysAgo, string? earlier, int latestDaysAgo, string? latestResult, bool presumptive, bool bamWorse, string? expected)
    {
        var tests = new List<DrugTestFact>();
        if (earlier is not null)
        {
            tests.Add(new DrugTestFact(Guid.NewGuid(), Now.AddDays(-earlierDaysAgo), earlier));
        }
        if (latestResult is not null)
        {
            tests.Add(new DrugTestFact(Guid.NewGuid(), Now.AddDays(-latestDaysAgo).AddHours(1), latestResult, presumptive));
        }
        var intake = new BamFact(Guid.NewGuid(), Now.AddDays(-50), 3, 10, 15);
        var latest = bamWorse ? new BamFact(Guid.NewGuid(), Now.AddDays(-2), 3, 14, 15) : new BamFact(Guid.NewGuid(), Now.AddDays(-2), 1, 8, 16);
        var verdict = DriftRules.Evaluate(DriftRulePack.Default, Facts(Pattern(pattern), tests: tests, bam: latest, intake: intake), Now);
        Assert.Equal(expected, verdict.Attendance?.Severity);
        if (expected is not null)
        {
            // Its own rule, amber: the clinical signal that made the no-show an alert does not raise it again to red.
            Assert.Equal(DriftRuleCodes.NoShowWithClinicalSignal, verdict.Attendance!.Rule);
            Assert.Contains(verdict.Attendance.Evidence, e => e.Kind == "session" && e.Detail == "absent_unexcused");
            Assert.Contains(verdict.Attendance.Evidence, e => e.Kind != "session");
        }
        var off = DriftRulePack.Default with { ClinicalSeverity = new ClinicalSeverityRule { NoShowWithClinicalSignal = false } };
        Assert.Null(DriftRules.Evaluate(off, Facts(Pattern(pattern), tests: tests, bam: latest, intake: intake), Now).Attendance);
    }

    [Theory]
    [InlineData(false, "red")]
    [InlineData(true, "amber")]
    public void Three_misses_are_red_only_without_contact(bool contacted, string expected)
    {
        var sessions = Pattern("PUUU");
        IReadOnlyList<DateTimeOffset> outreach = contacted ? [sessions[1].StartsAt.AddHours(20)] : [sessions[0].StartsAt.AddHours(1)];
        var result = DriftRules.ConsecutiveMissed(DriftRulePack.Default, DriftRules.Counted(sessions, Now), outreach);
        Assert.Equal(expected, result.Severity);
    }

    [Theory]
    [InlineData("PUUU", false)]
    [InlineData("UUUU", true)]
    [InlineData("PUUUU", true)]
    [InlineData("UUU", false)]    // fewer than 4 scheduled sessions so far
    [InlineData("UUEUU", true)]   // excused absences are not scheduled sessions the patient was due at
    [InlineData("UUUUP", false)]
    public void No_attendance_at_the_last_four_scheduled_sessions(string pattern, bool red)
    {
        var result = DriftRules.NoRecentAttendance(DriftRulePack.Default, DriftRules.Counted(Pattern(pattern), Now));
        Assert.Equal(red ? "red" : null, result.Severity);
        Assert.Equal(red ? 4 : result.Evidence.Count, result.Evidence.Count);
    }

    [Theory]
    // every 2 days = 10 sessions in 21 days
    [InlineData("PPPPPPPPPU", 2, false)]     // 0.9
    [InlineData("PPPPPUPUPU", 2, false)]     // 0.7
    [InlineData("PPPUPUPUUU", 2, true)]      // 0.4, 6 misses, latest missed
    [InlineData("PPPUPUUUUP", 2, false)]     // latest attended: the patient is back
    [InlineData("PPPPPPUUUU", 2, false)]     // exactly 0.6 is not below 0.6
    [InlineData("PPPPPUUUUU", 2, true)]      // 0.5
    [InlineData("PUU", 7, true)]             // weekly group: 1 of 3
    [InlineData("PU", 7, false)]             // one unexcused miss is not a pattern
    [InlineData("PEEEEU", 3, false)]         // excused absences are left out: 1 of 2, one miss
    public void Attendance_ratio_over_21_days(string pattern, int everyDays, bool amber)
    {
        var result = DriftRules.AttendanceRatio(DriftRulePack.Default, DriftRules.Counted(Pattern(pattern, everyDays), Now), Now);
        Assert.Equal(amber ? "amber" : null, result.Severity);
        Assert.Equal(amber, result.Fired);
        Assert.True(!amber || result.Evidence.Count >= 2);
    }

    [Fact]
    public void Sessions_older_than_the_window_do_not_count()
    {
        var sessions = new[] { Session(30, "absent_unexcused"), Session(25, "absent_unexcused"), Session(20, "present"), Session(1, "absent_unexcused") };
        var result = DriftRules.AttendanceRatio(DriftRulePack.Default, DriftRules.Counted(sessions, Now), Now);
        Assert.False(result.Fired);
        Assert.Equal(2, result.Inputs["scheduled"]);
    }

    [Theory]
    // attendance pattern, drug test (days ago, result, needs confirmation), bam worse than intake, expected final severity
    [InlineData("PUU", 3, "positive_unexpected", false, false, "red")]
    [InlineData("PUU", 3, "refused", false, false, "red")]
    [InlineData("PUU", 3, "positive_unexpected", true, false, "amber")]   // presumptive, not confirmed
    [InlineData("PUU", 3, "positive_expected", false, false, "amber")]    // prescribed
    [InlineData("PUU", 15, "positive_unexpected", false, false, "amber")] // older than 14 days
    [InlineData("PUU", 14, "positive_unexpected", false, false, "red")]
    [InlineData("PUU", -1, null, false, true, "red")]
    [InlineData("PPU", 3, "positive_unexpected", false, false, null)]     // one no-show and an early positive with no abstinent test before it
    [InlineData("PPP", 3, "refused", false, true, null)]                  // clinical signals never raise an alert without a miss
    public void Clinical_signals_raise_an_amber_attendance_alert_to_red_and_never_raise_one(
        string pattern, int testDaysAgo, string? result, bool presumptive, bool bamWorse, string? expected)
    {
        DrugTestFact[] tests = result is null ? [] : [new DrugTestFact(Guid.NewGuid(), Now.AddDays(-testDaysAgo).AddHours(1), result, presumptive)];
        var intake = new BamFact(Guid.NewGuid(), Now.AddDays(-50), 3, 10, 15);
        var latest = bamWorse ? new BamFact(Guid.NewGuid(), Now.AddDays(-2), 3, 14, 15) : new BamFact(Guid.NewGuid(), Now.AddDays(-2), 1, 8, 16);
        var verdict = DriftRules.Evaluate(DriftRulePack.Default, Facts(Pattern(pattern), tests: tests, bam: latest, intake: intake), Now);
        Assert.Equal(expected, verdict.Attendance?.Severity);
        if (expected == "red")
        {
            Assert.Equal(DriftRuleCodes.ClinicalSeverity, verdict.Attendance!.Inputs["raisedBy"]);
            Assert.Contains(verdict.Attendance.Evidence, e => e.Kind != "session");
        }
    }

    [Theory]
    // minutes per session in the two complete weeks (3 sessions a week, Mon/Wed/Fri), expected below-intensity flag
    [InlineData(180, 180, false)]   // 9 h both weeks
    [InlineData(120, 180, false)]   // one week short only
    [InlineData(120, 120, true)]    // 6 h in both
    [InlineData(179, 179, true)]
    public void Below_intensity_in_two_consecutive_complete_weeks(int previousWeekMinutes, int lastWeekMinutes, bool flagged)
    {
        // Last complete week (Chicago) is Mon 23 – Sun 29 March; the one before Mon 16 – Sun 22.
        var sessions = new[] { 16, 18, 20 }.Select(d => At(d, previousWeekMinutes)).Concat(new[] { 23, 25, 27 }.Select(d => At(d, lastWeekMinutes))).ToList();
        var result = DriftRules.BelowIntensity(DriftRulePack.Default, Subject(), sessions, Now);
        Assert.Equal(flagged, result.Fired);
        Assert.Equal("flag", result.Output);
        Assert.Null(result.Severity);
    }

    [Fact]
    public void Below_intensity_judges_only_weeks_the_patient_was_admitted_for()
    {
        var sessions = new[] { 23, 25, 27 }.Select(d => At(d, 60)).ToList();
        Assert.False(DriftRules.BelowIntensity(DriftRulePack.Default, Subject(new DateOnly(2026, 3, 18)), sessions, Now).Fired);
        Assert.True(DriftRules.BelowIntensity(DriftRulePack.Default, Subject(new DateOnly(2026, 3, 16)), sessions, Now).Fired);
    }

    [Theory]
    [InlineData(new[] { 23, 25, 27 }, 180, false)]
    [InlineData(new[] { 23, 25 }, 180, true)]       // 2 days < 3
    [InlineData(new[] { 23, 25, 27 }, 179, true)]   // a day under 3 h
    public void Billing_risk_from_the_programs_H0015_settings(int[] days, int minutes, bool flagged)
    {
        var sessions = days.Select(d => At(d, minutes)).ToList();
        Assert.Equal(flagged, DriftRules.BillingRisk(DriftRulePack.Default, Subject(), sessions, Now).Fired);
    }

    [Theory]
    // intake (use, risk, protective), latest, flagged
    [InlineData(3, 10, 15, 3, 10, 15, false)]   // recent use at intake, unchanged: the reason for treatment
    [InlineData(3, 10, 15, 4, 10, 15, true)]    // more use than at intake
    [InlineData(0, 10, 15, 1, 10, 15, true)]
    [InlineData(3, 10, 15, 1, 10, 15, false)]   // better
    [InlineData(0, 11, 15, 0, 12, 15, true)]    // risk reaches 12 and rose
    [InlineData(0, 13, 15, 0, 12, 15, false)]   // risk of concern but lower than at intake
    [InlineData(0, 5, 13, 0, 5, 12, true)]      // protective falls to 12
    [InlineData(0, 5, 20, 0, 5, 13, false)]     // protective fell but is not of concern
    public void Bam_concern_against_the_intake_baseline(int iu, int ir, int ip, int lu, int lr, int lp, bool flagged)
    {
        var intake = new BamFact(Guid.NewGuid(), Now.AddDays(-50), iu, ir, ip);
        var latest = new BamFact(Guid.NewGuid(), Now.AddDays(-3), lu, lr, lp);
        var result = DriftRules.BamConcern(DriftRulePack.Default, latest, intake);
        Assert.Equal(flagged, result.Fired);
        Assert.Equal(flagged ? 2 : 0, result.Evidence.Count);
    }

    [Fact]
    public void The_intake_bam_alone_is_never_a_concern()
    {
        var intake = new BamFact(Guid.NewGuid(), Now.AddDays(-50), 12, 24, 0);
        Assert.False(DriftRules.BamConcern(DriftRulePack.Default, intake, intake).Fired);
    }

    [Theory]
    [InlineData(new[] { 1, 10, 20 }, false, true)]
    [InlineData(new[] { 1, 10, 31 }, false, false)]   // one of them outside 30 days
    [InlineData(new[] { 1, 10 }, false, false)]
    [InlineData(new[] { 1, 10, 20 }, true, false)]    // the newest is presumptive
    public void Level_of_care_review_after_three_confirmed_unexpected_positives_in_30_days(int[] daysAgo, bool newestPresumptive, bool flagged)
    {
        var tests = daysAgo.Select((d, i) => new DrugTestFact(Guid.NewGuid(), Now.AddDays(-d), "positive_unexpected", newestPresumptive && i == 0)).ToList();
        Assert.Equal(flagged, DriftRules.LevelOfCareReview(DriftRulePack.Default, tests, Now).Fired);
    }

    [Fact]
    public void Flags_never_make_an_attendance_alert()
    {
        var tests = new[] { 1, 2, 3 }.Select(d => new DrugTestFact(Guid.NewGuid(), Now.AddDays(-d), "positive_unexpected")).ToList();
        var sessions = new[] { 16, 18, 20, 23, 25 }.Select(d => At(d, 60)).ToList();
        var verdict = DriftRules.Evaluate(DriftRulePack.Default, Facts(sessions, tests: tests,
            bam: new BamFact(Guid.NewGuid(), Now.AddDays(-1), 5, 20, 2), intake: new BamFact(Guid.NewGuid(), Now.AddDays(-50), 0, 5, 20)), Now);
        Assert.Null(verdict.Attendance);
        Assert.Equal([DriftRuleCodes.BelowIntensity, DriftRuleCodes.BillingRisk, DriftRuleCodes.BamConcern, DriftRuleCodes.LevelOfCareReview], verdict.Flags.Select(f => f.Rule));
        Assert.True(verdict.Returned);
    }

    [Fact]
    public void The_strongest_attendance_rule_is_the_verdict_and_a_return_clears_it()
    {
        var sessions = Pattern("PPPUUUU");
        var drifting = DriftRules.Evaluate(DriftRulePack.Default, Facts(sessions), Now);
        Assert.Equal((DriftRuleCodes.ConsecutiveMissed, "red"), (drifting.Attendance!.Rule, drifting.Attendance.Severity));
        Assert.False(drifting.Returned);
        // Reached after the first miss: three in a row stay amber, but four without any attendance are red all the same.
        var reached = DriftRules.Evaluate(DriftRulePack.Default, Facts(sessions, outreach: [sessions[3].StartsAt.AddHours(12)]), Now);
        Assert.Equal((DriftRuleCodes.NoRecentAttendance, "red"), (reached.Attendance!.Rule, reached.Attendance.Severity));
        Assert.Equal("amber", reached.Rules.Single(r => r.Rule == DriftRuleCodes.ConsecutiveMissed).Severity);

        var back = DriftRules.Evaluate(DriftRulePack.Default, Facts(Pattern("PPPUUUUP")), Now);
        Assert.Null(back.Attendance);
        Assert.True(back.Returned);
    }

    [Fact]
    public void Switched_off_rules_do_not_fire()
    {
        var pack = DriftRulePack.Default with
        {
            ConsecutiveMissed = new ConsecutiveMissedRule { Enabled = false },
            NoRecentAttendance = new NoRecentAttendanceRule { Enabled = false },
            AttendanceRatio = new AttendanceRatioRule { Enabled = false },
            ClinicalSeverity = new ClinicalSeverityRule { NoShowWithClinicalSignal = false },
        };
        var verdict = DriftRules.Evaluate(pack, Facts(Pattern("UUUUUU")), Now);
        Assert.Null(verdict.Attendance);
        Assert.All(verdict.Rules.Where(r => r.Output == "alert"), r => Assert.False(r.Enabled));
    }

    /// <summary>A present session on <paramref name="marchDay"/> March 2026, 18:00 Chicago, with these minutes.</summary>
    private static SessionFact At(int marchDay, int minutes)
    {
        var local = new DateTime(2026, 3, marchDay, 18, 0, 0, DateTimeKind.Unspecified);
        var start = new DateTimeOffset(local, Chicago.GetUtcOffset(local)).ToUniversalTime();
        return new SessionFact(Guid.NewGuid(), start, start.AddHours(3), "present", minutes);
    }
}
