using IopPlatform.Outcomes.Features.Milestones;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Milestones;

/// <summary>
/// Issue 18 item 1: a BAM is dated when administered, but its use items look back 30 days. A look-back that starts
/// before the current streak cannot restart it (the use it reports may be the one that ended the last streak); a
/// self-reported last-use date, when given, dates the use itself.
/// </summary>
public sealed class AbstinenceLookBackTests
{
    private static readonly DateTimeOffset Admitted = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Day(int day) => Admitted.AddDays(day);

    /// <summary>A negative test every 3 days from admission: every week is tested.</summary>
    private static List<TestFact> Negatives(int untilDay) =>
        Enumerable.Range(0, (untilDay / 3) + 1).Select(i => new TestFact(Guid.CreateVersion7(), Day(3 * i).AddHours(1), "negative")).Where(t => t.CollectedAt <= Day(untilDay)).ToList();

    /// <summary>"7,14,21" are BAMs with use on those days; "28:20" is a BAM on day 28 giving day 20 as the last use.</summary>
    private static List<UseReportFact> Bams(string reports) =>
        reports.Length == 0 ? [] : reports.Split(',').Select(r =>
        {
            var parts = r.Split(':');
            var at = Day(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
            DateOnly? lastUse = parts.Length > 1 ? DateOnly.FromDateTime(Day(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime) : null;
            return new UseReportFact(Guid.CreateVersion7(), at, "BAM use subscale 1", lastUse);
        }).ToList();

    // 30 days of abstinence (the program's milestone) with the BAM's 30-day look-back for use items 4–6
    // (Cacciola JS et al., J Subst Abuse Treat 2013;44(3):256–263: "in the past 30 days").
    //   BAMs reporting use      | unexpected positive on day | now (day) | met
    [Theory]
    [InlineData("7,14,21,28", null, 35, true)]
    [InlineData("7,14,21,28", null, 29, false)]
    [InlineData("7,14,21,28,35", null, 40, false)]
    [InlineData("7,14,21,28,35", null, 65, true)]
    [InlineData("28:20", null, 45, false)]
    [InlineData("28:20", null, 51, true)]
    [InlineData("7:-3", null, 31, true)]
    [InlineData("14", 10, 41, true)]
    [InlineData("14", 10, 39, false)]
    [InlineData("45", 10, 50, false)]
    public void A_look_back_that_starts_before_the_streak_does_not_restart_it(string bams, int? positiveOn, int now, bool met)
    {
        var tests = Negatives(now);
        if (positiveOn is { } day)
        {
            tests.Add(new TestFact(Guid.CreateVersion7(), Day(day), "positive_unexpected"));
        }
        var result = MilestoneRules.SustainedAbstinence(Day(now), Admitted, tests, Bams(bams).Where(b => b.At <= Day(now)).ToList());
        Assert.Equal(met, result.Met);
    }
}
