using IopPlatform.Enrollment.Contracts;
using IopPlatform.Engagement.Features.Drift;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>Each rule of DOMAIN.md §7 on both sides of its threshold, with and without the first-28-days step.</summary>
public sealed class DriftRulesTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    // Wednesday 1 April 2026, 12:00 UTC; admitted 2 February (well past the first 28 days) unless a test says otherwise.
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

    private static SessionFact[] Sessions(params (int DaysAgo, string Status)[] items) => items.Select(i => Session(i.DaysAgo, i.Status)).ToArray();

    [Theory]
    // misses at the end of the history (newest last), early episode?, contact logged?, expected severity
    [InlineData(new[] { "present", "absent_unexcused" }, false, false, null)]
    [InlineData(new[] { "present", "absent_unexcused", "absent_unexcused" }, false, false, "amber")]
    [InlineData(new[] { "present", "absent_unexcused", "absent_unexcused", "absent_unexcused" }, false, false, "red")]
    [InlineData(new[] { "present", "absent_unexcused", "absent_unexcused", "absent_unexcused" }, false, true, "amber")]
    [InlineData(new[] { "absent_unexcused", "absent_unexcused", "present" }, false, false, null)]
    [InlineData(new[] { "absent_unexcused", "absent_excused", "absent_unexcused" }, false, false, "amber")]
    [InlineData(new[] { "present", "absent_unexcused" }, true, false, "amber")]
    [InlineData(new[] { "present", "absent_unexcused", "absent_unexcused" }, true, false, "red")]
    [InlineData(new[] { "present", "present" }, true, false, null)]
    public void Consecutive_missed_sessions(string[] statuses, bool early, bool contacted, string? expected)
    {
        var sessions = statuses.Select((s, i) => Session(statuses.Length - i, s)).ToList();
        var firstMiss = sessions.Where(s => s.Status == "absent_unexcused").Select(s => s.StartsAt).DefaultIfEmpty(Now).Min();
        IReadOnlyList<DateTimeOffset> outreach = contacted ? [firstMiss.AddHours(20)] : [];

        var result = DriftRules.ConsecutiveMissed(DriftRulePack.Default, sessions, outreach, early, Now);

        Assert.Equal(expected, result.Severity);
        Assert.Equal(expected is not null, result.Fired);
        Assert.Equal(expected == "red", result.Flags.Contains(AlertFlags.DischargeReview));
        if (expected is not null)
        {
            Assert.All(result.Evidence, e => Assert.Equal("absent_unexcused", e.Detail));
            Assert.Equal(result.Inputs["consecutiveMissed"], result.Evidence.Count);
        }
    }

    [Theory]
    [InlineData(6, false, false)]
    [InlineData(7, false, true)]
    [InlineData(4, true, false)]
    [InlineData(5, true, true)]
    public void Days_without_attendance(int daysSinceLastAttended, bool early, bool fires)
    {
        // The last attended session ended exactly N whole days before now.
        var last = new SessionFact(Guid.NewGuid(), Now.AddDays(-daysSinceLastAttended).AddHours(-3), Now.AddDays(-daysSinceLastAttended), "present", 180);
        var missed = Session(1, "absent_unexcused");

        var result = DriftRules.DaysWithoutAttendance(DriftRulePack.Default, Subject(), [last, missed], early, Now);

        Assert.Equal(fires, result.Fired);
        Assert.Equal(fires ? "red" : null, result.Severity);
        Assert.Equal(daysSinceLastAttended, result.Inputs["daysWithoutAttendance"]);
        Assert.Equal(last.SessionId, result.Evidence[0].Id);
        Assert.Contains(result.Evidence, e => e.Id == missed.SessionId);
    }

    [Fact]
    public void Days_without_attendance_counts_from_admission_when_nothing_was_attended()
    {
        var subject = Subject(admitted: DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-8));
        var result = DriftRules.DaysWithoutAttendance(DriftRulePack.Default, subject, [], early: false, Now);
        Assert.True(result.Fired);
        Assert.Null(result.Inputs["lastAttendedAt"]);
    }

    // Last complete ISO week before Wed 1 April 2026 is Mon 23 – Sun 29 March (Chicago). daysAgo from 1 April: Mon 23 = 9 … Sun 29 = 3.
    [Theory]
    [InlineData(new[] { 180, 180, 180 }, 9, null)] // 9 h on 3 days of 3 h: fine
    [InlineData(new[] { 180, 180, 179 }, 9, "below_intensity,billing_risk")] // a day under 3 h
    [InlineData(new[] { 270, 270 }, 9, "billing_risk")] // 9 h but on 2 days
    [InlineData(new[] { 180, 180 }, 6, "billing_risk")] // adolescent 6 h met, but only 2 days
    [InlineData(new[] { 120, 120, 120, 120 }, 9, "below_intensity,billing_risk")]
    public void Weekly_hours_in_the_last_iso_week(int[] minutesPerDay, int requiredHours, string? flags)
    {
        var sessions = minutesPerDay.Select((m, i) => Session(9 - (2 * i), "present", m)).ToList();
        sessions.Add(Session(2, "present", 30)); // this week (Mon 30 March): not counted

        var result = DriftRules.WeeklyHours(DriftRulePack.Default, Subject(hours: requiredHours), sessions, Now);

        Assert.Equal(flags is not null, result.Fired);
        Assert.Equal(flags ?? string.Empty, string.Join(",", result.Flags));
        Assert.Equal(minutesPerDay.Sum(), result.Inputs["attendedMinutes"]);
        Assert.Equal("2026-W13", result.Inputs["isoWeek"]);
        Assert.Equal(new DateOnly(2026, 3, 23), result.Inputs["weekStart"]);
        if (flags is not null)
        {
            Assert.Equal("amber", result.Severity);
        }
    }

    [Fact]
    public void Weekly_hours_do_not_judge_a_week_the_patient_joined_midway()
    {
        var result = DriftRules.WeeklyHours(DriftRulePack.Default, Subject(admitted: new DateOnly(2026, 3, 25)), [Session(7, "present", 60)], Now);
        Assert.False(result.Fired);
        Assert.Equal(false, result.Inputs["fullWeekInProgram"]);
    }

    [Theory]
    [InlineData(3, 1, false, false)] // 0.75: not below
    [InlineData(2, 1, false, true)] // 0.667
    [InlineData(6, 1, true, false)] // 0.857 early: not below 0.85
    [InlineData(5, 1, true, true)] // 0.833 early
    public void Attendance_ratio_over_fourteen_days(int attended, int missed, bool early, bool fires)
    {
        var sessions = Enumerable.Range(1, attended).Select(d => Session(d, "present"))
            .Concat(Enumerable.Range(attended + 1, missed).Select(d => Session(d, "absent_unexcused")))
            .Append(Session(1, "absent_excused")) // neither attended nor missed
            .Append(Session(20, "absent_unexcused")) // outside the window
            .ToList();

        var result = DriftRules.AttendanceRatio(DriftRulePack.Default, sessions, early, Now);

        Assert.Equal(fires, result.Fired);
        Assert.Equal(attended + missed, result.Inputs["scheduled"]);
        Assert.Equal(missed, result.Evidence.Count);
    }

    [Theory]
    [InlineData(540, 361, false, false)] // down 33.1 %: under 1/3
    [InlineData(540, 360, false, true)] // down exactly 1/3
    [InlineData(540, 406, true, false)] // down 24.8 % early: under 25 %
    [InlineData(540, 405, true, true)] // down 25 % early
    public void Week_over_week_drop(int previousMinutes, int lastMinutes, bool early, bool fires)
    {
        // Previous ISO week: Mon 16 March (daysAgo 16); last: Mon 23 March (daysAgo 9).
        SessionFact[] sessions = [Session(16, "present", previousMinutes), Session(9, "present", lastMinutes), Session(8, "absent_unexcused")];

        var result = DriftRules.WeekOverWeekDrop(DriftRulePack.Default, Subject(), sessions, early, Now);

        Assert.Equal(fires, result.Fired);
        Assert.Equal(previousMinutes, result.Inputs["previousWeekMinutes"]);
        Assert.Equal(lastMinutes, result.Inputs["lastWeekMinutes"]);
        Assert.Single(result.Evidence);
    }

    [Theory]
    [InlineData(new[] { "negative", "positive_expected" }, false, null)]
    [InlineData(new[] { "negative", "refused" }, false, "amber")]
    [InlineData(new[] { "missed" }, false, "amber")]
    [InlineData(new[] { "positive_unexpected", "positive_unexpected" }, false, "amber")]
    [InlineData(new[] { "positive_unexpected", "positive_unexpected", "positive_unexpected" }, false, "red")]
    [InlineData(new[] { "positive_unexpected", "positive_unexpected" }, true, "red")]
    public void Drug_tests(string[] results, bool early, string? expected)
    {
        var tests = results.Select((r, i) => new DrugTestFact(Guid.NewGuid(), Now.AddDays(-i - 1), r)).ToList();

        var result = DriftRules.DrugTests(DriftRulePack.Default, tests, early);

        Assert.Equal(expected, result.Severity);
        Assert.Equal(expected == "red", result.Flags.Contains(AlertFlags.LevelOfCareReview));
        Assert.Equal(results.Count(r => r is "positive_unexpected" or "refused" or "missed"), result.Evidence.Count);
    }

    [Theory]
    [InlineData(0, 11, 13, false)]
    [InlineData(1, 0, 30, true)]
    [InlineData(0, 12, 30, true)]
    [InlineData(0, 0, 12, true)]
    public void Bam_thresholds(int use, int risk, int protective, bool fires)
    {
        var bam = new BamFact(Guid.NewGuid(), Now.AddDays(-1), use, risk, protective);
        var result = DriftRules.Bam(DriftRulePack.Default, bam);
        Assert.Equal(fires, result.Fired);
        Assert.Equal(fires ? [bam.MeasureId] : Array.Empty<Guid>(), result.Evidence.Select(e => e.Id).ToArray());
    }

    [Fact]
    public void A_rule_switched_off_in_the_program_is_not_evaluated()
    {
        var pack = DriftRulePack.Default with { ConsecutiveMissed = new ConsecutiveMissedRule { Enabled = false }, Bam = new BamRule { Enabled = false } };
        var facts = new DriftFacts(Subject(), Sessions((3, "absent_unexcused"), (2, "absent_unexcused"), (1, "absent_unexcused")), [], [], new BamFact(Guid.NewGuid(), Now, 3, 20, 0));

        var results = DriftRules.Evaluate(pack, facts, Now);

        Assert.Equal(7, results.Count);
        var missed = Assert.Single(results, r => r.Rule == DriftRuleCodes.ConsecutiveMissed);
        Assert.False(missed.Enabled);
        Assert.False(missed.Fired);
        Assert.StartsWith("Switched off", missed.Basis, StringComparison.Ordinal);
        Assert.False(Assert.Single(results, r => r.Rule == DriftRuleCodes.Bam).Fired);
        Assert.True(Assert.Single(results, r => r.Rule == DriftRuleCodes.AttendanceRatio).Fired);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(27, true)]
    [InlineData(28, false)]
    public void The_first_28_days_are_the_early_episode(int daysSinceAdmission, bool early)
    {
        var admitted = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Chicago).DateTime).AddDays(-daysSinceAdmission);
        Assert.Equal(early, DriftRules.IsEarly(DriftRulePack.Default, Subject(admitted), Now));
    }
}
