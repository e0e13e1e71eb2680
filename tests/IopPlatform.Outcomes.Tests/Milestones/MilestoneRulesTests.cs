using IopPlatform.Outcomes.Features.Milestones;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Milestones;

public sealed class MilestoneRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset DaysAgo(double days) => Now - TimeSpan.FromDays(days);

    /// <summary>One negative test in each of the last four weeks (days 1, 8, 15 and 22 before now).</summary>
    private static List<TestFact> WeeklyNegatives() =>
        [.. new[] { 1, 8, 15, 22 }.Select(d => new TestFact(Guid.CreateVersion7(), DaysAgo(d), "negative"))];

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(31, true)]
    public void Abstinence_from_admission_needs_30_days(int daysSinceAdmission, bool met)
    {
        var result = MilestoneRules.SustainedAbstinence(Now, DaysAgo(daysSinceAdmission), WeeklyNegatives(), []);

        Assert.Equal(met, result.Met);
        Assert.Contains($"{daysSinceAdmission} days", result.Basis, StringComparison.Ordinal);
        Assert.Equal(4, result.Evidence.Count(e => e.Kind == "drug_test"));
    }

    [Theory]
    [InlineData("positive_unexpected", 29, false)]
    [InlineData("positive_unexpected", 30, true)]
    [InlineData("positive_unexpected", 31, true)]
    [InlineData("refused", 29, false)]
    [InlineData("refused", 30, true)]
    [InlineData("invalid", 29, false)]
    [InlineData("invalid", 31, true)]
    [InlineData("missed", 29, false)]
    [InlineData("missed", 30, true)]
    public void Each_disqualifying_result_restarts_the_30_days(string overall, int daysAgo, bool met)
    {
        var bad = new TestFact(Guid.CreateVersion7(), DaysAgo(daysAgo), overall);
        var tests = WeeklyNegatives();
        tests.Add(bad);

        var result = MilestoneRules.SustainedAbstinence(Now, DaysAgo(90), tests, []);

        Assert.Equal(met, result.Met);
        if (!met)
        {
            Assert.Contains(result.Evidence, e => e.Id == bad.Id && e.Detail.Contains(overall, StringComparison.Ordinal));
            Assert.Contains("last disqualifying result", result.Basis, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    public void Self_reported_use_restarts_the_30_days(int daysAgo, bool met)
    {
        var report = new UseReportFact(Guid.CreateVersion7(), DaysAgo(daysAgo), "BAM use 2");

        var result = MilestoneRules.SustainedAbstinence(Now, DaysAgo(90), WeeklyNegatives(), [report]);

        Assert.Equal(met, result.Met);
        // The last disqualifier is where the count starts, so it is shown either way.
        Assert.Contains(result.Evidence, e => e.Id == report.Id && e.Detail.Contains("BAM use 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Expected_positive_keeps_abstinence_and_counts_as_the_weekly_test()
    {
        var tests = WeeklyNegatives();
        tests[2] = tests[2] with { Overall = "positive_expected" };

        var result = MilestoneRules.SustainedAbstinence(Now, DaysAgo(60), tests, []);

        Assert.True(result.Met, result.Basis);
        Assert.Contains(result.Evidence, e => e.Id == tests[2].Id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_week_without_a_test_is_not_sustained_abstinence(int missingWeek)
    {
        var tests = WeeklyNegatives();
        tests.RemoveAt(missingWeek);

        var result = MilestoneRules.SustainedAbstinence(Now, DaysAgo(60), tests, []);

        Assert.False(result.Met);
        Assert.Contains($"week(s) {missingWeek + 1} ", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_admitted_is_not_met() =>
        Assert.False(MilestoneRules.SustainedAbstinence(Now, null, WeeklyNegatives(), []).Met);

    private static ScoreFact Score(int total, int daysAgo) => new(Guid.CreateVersion7(), DaysAgo(daysAgo), total);

    public static TheoryData<int[], int[], bool, string> WellbeingCases => new()
    {
        // PHQ-9 drop of 5 is reliable, 4 is not (GAD-7 still severe, so only improvement can meet it).
        { [20, 15], [18], true, "reliable improvement" },
        { [20, 16], [18], false, "Not met" },
        // GAD-7 drop of 4 is reliable, 3 is not.
        { [18], [16, 12], true, "reliable improvement" },
        { [18], [16, 13], false, "Not met" },
        // Latest below moderate (< 10) on everything measured.
        { [12, 9], [], true, "below the moderate band" },
        { [12, 10], [], false, "Not met" },
        { [9], [9], true, "below the moderate band" },
        { [9], [10], false, "Not met" },
        { [], [], false, "no PHQ-9 or GAD-7" },
    };

    [Theory]
    [MemberData(nameof(WellbeingCases))]
    public void Emotional_wellbeing(int[] phq9, int[] gad7, bool met, string basis)
    {
        // Scores in order, oldest first, a week apart.
        var phq = phq9.Select((t, i) => Score(t, 70 - (7 * i))).ToList();
        var gad = gad7.Select((t, i) => Score(t, 70 - (7 * i))).ToList();

        var result = MilestoneRules.EmotionalWellbeing(phq, gad);

        Assert.Equal(met, result.Met);
        Assert.Contains(basis, result.Basis, StringComparison.Ordinal);
        Assert.All(phq.Take(1).Concat(gad.Take(1)), s => Assert.Contains(result.Evidence, e => e.Id == s.Id));
    }

    [Theory]
    [InlineData("improving", 1, true)]
    [InlineData("achieved", 1, true)]
    [InlineData("achieved", 2, true)]
    [InlineData("in_progress", 1, false)]
    [InlineData("sustaining", 1, false)]
    [InlineData("not_achieved", 1, false)]
    [InlineData("achieved", 0, false)]
    public void Relationships_need_goal_progress_and_family_involvement(string goalStatus, int familySessions, bool met)
    {
        var goal = new GoalFact(Guid.CreateVersion7(), goalStatus, DaysAgo(4));
        var sessions = Enumerable.Range(0, familySessions).Select(i => new SessionFact(Guid.CreateVersion7(), DaysAgo(i + 3), "late")).ToList();

        var result = MilestoneRules.Relationships(new RelationshipsInput([goal], sessions));

        Assert.Equal(met, result.Met);
        Assert.False(result.EvidenceUnavailable);
        var goalEvidence = Assert.Single(result.Evidence, e => e.Kind == "goal");
        Assert.Equal((goal.Id, goal.StatusChangedAt, $"Relationships goal {goalStatus}"), (goalEvidence.Id, goalEvidence.At, goalEvidence.Detail));
        Assert.Equal(sessions.Select(x => x.Id).Order(), result.Evidence.Where(e => e.Kind == "session").Select(e => e.Id!.Value).Order());
        Assert.StartsWith(met ? "Met: relationships goal" : "Not met:", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Relationships_prefers_the_achieved_goal_and_says_what_is_missing()
    {
        var improving = new GoalFact(Guid.CreateVersion7(), "improving", DaysAgo(2));
        var achieved = new GoalFact(Guid.CreateVersion7(), "achieved", DaysAgo(9));
        var session = new SessionFact(Guid.CreateVersion7(), DaysAgo(3));

        var met = MilestoneRules.Relationships(new RelationshipsInput([improving, achieved], [session]));
        var noGoal = MilestoneRules.Relationships(new RelationshipsInput([], [session]));
        var noSession = MilestoneRules.Relationships(new RelationshipsInput([improving], []));

        Assert.Equal(achieved.Id, Assert.Single(met.Evidence, e => e.Kind == "goal").Id);
        Assert.Contains($"1 family session(s) attended, the latest on {session.At:yyyy-MM-dd}", met.Basis, StringComparison.Ordinal);
        Assert.Equal("Not met: no relationships goal on the treatment plan; 1 family session(s) attended, the latest on " + $"{session.At:yyyy-MM-dd}.", noGoal.Basis);
        Assert.Equal("Not met: relationships goal improving but no family or significant-other session attended.", noSession.Basis);
    }

    [Theory]
    [InlineData(true, true, "achieved", true)]
    [InlineData(true, true, "sustaining", true)]
    [InlineData(true, true, "improving", false)]
    [InlineData(true, false, "achieved", false)]
    [InlineData(false, false, "achieved", false)]
    public void Coping_needs_a_reviewed_plan_and_a_coping_goal_achieved_or_sustaining(bool hasPlan, bool reviewed, string goalStatus, bool met)
    {
        var planId = hasPlan ? Guid.CreateVersion7() : (Guid?)null;
        var goal = new GoalFact(Guid.CreateVersion7(), goalStatus, DaysAgo(1));
        var input = new CopingInput(planId, reviewed ? DaysAgo(2) : null, [goal]);

        var result = MilestoneRules.CopingSkills(input);

        Assert.Equal(met, result.Met);
        Assert.False(result.EvidenceUnavailable);
        Assert.Equal(hasPlan && reviewed, result.Evidence.Any(e => e.Kind == "relapse_prevention_plan" && e.Id == planId && e.At == DaysAgo(2)));
        Assert.Contains(result.Evidence, e => e.Kind == "goal" && e.Id == goal.Id && e.Detail == $"Coping goal {goalStatus}");
        Assert.Contains(reviewed ? $"relapse-prevention plan reviewed {DaysAgo(2):yyyy-MM-dd}" : "no reviewed relapse-prevention plan", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Coping_without_goals_lists_none_and_with_unqualified_goals_lists_their_statuses()
    {
        var none = MilestoneRules.CopingSkills(new CopingInput(Guid.CreateVersion7(), DaysAgo(1), []));
        var notYet = MilestoneRules.CopingSkills(new CopingInput(Guid.CreateVersion7(), DaysAgo(1), [new GoalFact(Guid.CreateVersion7(), "improving"), new GoalFact(Guid.CreateVersion7(), "worsening")]));

        Assert.Contains("no coping goal on the treatment plan", none.Basis, StringComparison.Ordinal);
        Assert.Contains("no coping goal is achieved or sustaining (improving, worsening)", notYet.Basis, StringComparison.Ordinal);
        Assert.Equal(2, notYet.Evidence.Count(e => e.Kind == "goal"));
    }

    [Theory]
    [InlineData("stable", true, true)]
    [InlineData("stable", false, false)]
    [InlineData("unstable", true, false)]
    [InlineData("homeless", true, false)]
    public void Stable_living_reads_the_latest_check(string housing, bool substanceFreeIncome, bool met)
    {
        var check = new RecoveryCheckFact(Guid.CreateVersion7(), DaysAgo(3), housing, substanceFreeIncome);

        var result = MilestoneRules.StableLiving(check);

        Assert.Equal(met, result.Met);
        Assert.Equal(check.Id, Assert.Single(result.Evidence).Id);
    }

    [Fact]
    public void Stable_living_without_a_check_is_not_met() =>
        Assert.False(MilestoneRules.StableLiving(null).Met);

    [Theory]
    // Two activities inside the 14 days (today and the 13 before) meet it with a plan; day 14 is outside.
    [InlineData(new[] { 0, 13 }, "in_progress", true)]
    [InlineData(new[] { 0, 14 }, "achieved", false)]
    [InlineData(new[] { 5 }, "achieved", false)]
    [InlineData(new[] { 1, 2, 3 }, "worsening", true)]
    [InlineData(new[] { 1, 2 }, "not_achieved", false)]
    [InlineData(new[] { 1, 2 }, null, false)]
    public void Support_and_aftercare_needs_an_aftercare_plan_and_two_recent_activities(int[] daysAgo, string? aftercareStatus, bool met)
    {
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var activities = daysAgo.Select(d => new ActivityFact(Guid.CreateVersion7(), today.AddDays(-d), "twelve_step")).ToList();
        var goals = aftercareStatus is null ? new List<GoalFact>() : [new GoalFact(Guid.CreateVersion7(), aftercareStatus, DaysAgo(3))];

        var result = MilestoneRules.SupportAndAftercare(today, new AftercareInput(goals), activities);

        Assert.Equal(met, result.Met);
        Assert.False(result.EvidenceUnavailable);
        Assert.Equal(daysAgo.Count(d => d <= 13), result.Evidence.Count(e => e.Kind == "support_activity"));
        Assert.Equal(goals.Select(g => g.Id), result.Evidence.Where(e => e.Kind == "goal").Select(e => e.Id!.Value));
        var planText = aftercareStatus switch
        {
            null => "no aftercare plan (no aftercare goal)",
            "not_achieved" => "no aftercare plan (every aftercare goal not_achieved)",
            _ => $"aftercare plan (aftercare goal {aftercareStatus})",
        };
        Assert.Contains(planText, result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Aftercare_plan_is_the_most_advanced_aftercare_goal_not_given_up()
    {
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var abandoned = new GoalFact(Guid.CreateVersion7(), "not_achieved", DaysAgo(1));
        var current = new GoalFact(Guid.CreateVersion7(), "improving", DaysAgo(5));
        var activities = new[] { new ActivityFact(Guid.CreateVersion7(), today, "smart_recovery"), new ActivityFact(Guid.CreateVersion7(), today.AddDays(-1), "alumni_mentorship") };

        var result = MilestoneRules.SupportAndAftercare(today, new AftercareInput([abandoned, current]), activities);

        Assert.True(result.Met);
        Assert.Equal(current.Id, Assert.Single(result.Evidence, e => e.Kind == "goal").Id);
        Assert.Contains("2 mutual-support/alumni activities", result.Basis, StringComparison.Ordinal);
    }
}
