using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.Outcomes.Features.DrugTests;
using IopPlatform.Outcomes.Features.Measures;

namespace IopPlatform.Outcomes.Features.Milestones;

internal static class MilestoneCodes
{
    public const string SustainedAbstinence = "sustained_abstinence";
    public const string EmotionalWellbeing = "emotional_wellbeing";
    public const string Relationships = "relationships";
    public const string CopingSkills = "coping_skills";
    public const string StableLiving = "stable_living";
    public const string SupportAndAftercare = "support_and_aftercare";

    public static readonly IReadOnlyList<string> All =
        [SustainedAbstinence, EmotionalWellbeing, Relationships, CopingSkills, StableLiving, SupportAndAftercare];
}

/// <summary>One piece of evidence behind a milestone: which test, score, check, activity, goal or session.</summary>
internal sealed record Evidence(string Kind, Guid? Id, DateTimeOffset? At, string Detail);

internal sealed record MilestoneResult(int Number, string Code, bool Met, bool EvidenceUnavailable, string Basis, IReadOnlyList<Evidence> Evidence);

internal sealed record TestFact(Guid Id, DateTimeOffset CollectedAt, string Overall);

/// <summary>
/// Self-reported substance use, e.g. a BAM with a Use subscale of 1 or more, administered at <paramref name="At"/>; its
/// use items look back 30 days unless the patient gave the date of last use (<paramref name="LastUse"/>).
/// </summary>
internal sealed record UseReportFact(Guid Id, DateTimeOffset At, string Detail, DateOnly? LastUse = null);

/// <summary>A scored measure; <paramref name="SuicidalIdeation"/> when it is a PHQ-9 with item 9 above zero.</summary>
internal sealed record ScoreFact(Guid Id, DateTimeOffset At, int Total, bool SuicidalIdeation = false);

/// <summary>A treatment-plan goal from ClinicalNotes: its id, FHIR achievement status and when that status was set.</summary>
internal sealed record GoalFact(Guid Id, string Status, DateTimeOffset? StatusChangedAt = null);

/// <summary>A family-therapy session the patient attended (Scheduling), with the attendance status.</summary>
internal sealed record SessionFact(Guid Id, DateTimeOffset At, string Status = "present");

/// <summary>What ClinicalNotes (relationships goals) and Scheduling (family sessions attended) say about relationships.</summary>
internal sealed record RelationshipsInput(IReadOnlyList<GoalFact> RelationshipGoals, IReadOnlyList<SessionFact> FamilySessionsAttended);

/// <summary>The relapse-prevention plan (id and when it was last written or reviewed, both null without a plan) and the coping goals.</summary>
internal sealed record CopingInput(Guid? RelapsePreventionPlanId, DateTimeOffset? PlanReviewedAt, IReadOnlyList<GoalFact> CopingGoals);

internal sealed record RecoveryCheckFact(Guid Id, DateTimeOffset CheckedAt, string Housing, bool SubstanceFreeIncome);

/// <summary>The treatment plan's aftercare goals: an aftercare goal is the aftercare plan (ClinicalNotes' GoalCategories).</summary>
internal sealed record AftercareInput(IReadOnlyList<GoalFact> AftercareGoals);

internal sealed record ActivityFact(Guid Id, DateOnly Date, string Kind);

/// <summary>
/// The six completion milestones (Outcomes module README, "Completion milestones and readiness") as pure functions of their evidence. Each answers met or not, why
/// (the basis, in words a clinician can check), and which records it used.
/// </summary>
internal static class MilestoneRules
{
    public static readonly TimeSpan AbstinenceWindow = TimeSpan.FromDays(30);

    /// <summary>How far a BAM's use items look back (Cacciola 2013: "in the past 30 days").</summary>
    public static readonly TimeSpan UseLookBack = TimeSpan.FromDays(30);
    public const int AbstinenceWeeksTested = 4;
    public const int ModerateBandStartsAt = 10;
    public const int SupportActivitiesRequired = 2;
    public const int SupportWindowDays = 14;

    /// <summary>
    /// (1) Abstinent for at least 30 days — counted from admission or from the last disqualifying test or self-reported
    /// use, whichever is later — with a negative or expected-positive test in each of the four 7-day weeks before now.
    /// </summary>
    public static MilestoneResult SustainedAbstinence(DateTimeOffset now, DateTimeOffset? admittedAt, IReadOnlyList<TestFact> tests, IReadOnlyList<UseReportFact> useReports)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(useReports);
        const string code = MilestoneCodes.SustainedAbstinence;
        if (admittedAt is not { } admitted)
        {
            return new(1, code, false, false, "Not met: the patient has not been admitted.", []);
        }
        var evidence = new List<Evidence>();
        var (streakStart, last) = StreakStart(now, admitted, tests, useReports);
        var abstinent = now - streakStart;
        if (last is not null)
        {
            evidence.Add(last with { Detail = $"Last disqualifier: {last.Detail}" });
        }
        var missingWeeks = new List<int>();
        for (var week = 0; week < AbstinenceWeeksTested; week++)
        {
            var to = now - TimeSpan.FromDays(7 * week);
            var from = to - TimeSpan.FromDays(7);
            var test = tests.Where(t => t.CollectedAt > from && t.CollectedAt <= to && DrugTestWords.Qualifying.Contains(t.Overall))
                .OrderByDescending(t => t.CollectedAt).FirstOrDefault();
            if (test is null)
            {
                missingWeeks.Add(week + 1);
            }
            else
            {
                evidence.Add(new("drug_test", test.Id, test.CollectedAt, $"{test.Overall} test in week {week + 1} before now"));
            }
        }
        var days = (int)Math.Floor(abstinent.TotalDays);
        var longEnough = abstinent >= AbstinenceWindow;
        var met = longEnough && missingWeeks.Count == 0;
        var basis = met
            ? $"Met: {days} days without a positive-unexpected, refused, invalid or missed test or self-reported use, tested every week."
            : !longEnough
                ? $"Not met: {days} days since {(last is not null ? "the last disqualifying result" : "admission")}; 30 are needed."
                : $"Not met: no negative or expected-positive test in week(s) {string.Join(", ", missingWeeks)} of the last 4.";
        return new(1, code, met, false, basis, evidence);
    }

    /// <summary>
    /// When the current streak began, and the record that began it (null: admission). Events in time order: a
    /// disqualifying test restarts the streak when collected; a self-reported last-use date restarts it at the end of
    /// that day; a use report without one restarts it when given only if its 30-day look-back lies wholly inside the
    /// current streak — a look-back reaching before the streak may report the very use that ended the last one.
    /// </summary>
    private static (DateTimeOffset Start, Evidence? By) StreakStart(DateTimeOffset now, DateTimeOffset admitted, IReadOnlyList<TestFact> tests, IReadOnlyList<UseReportFact> useReports)
    {
        var events = tests.Where(t => t.CollectedAt <= now && DrugTestWords.Disqualifying.Contains(t.Overall))
            .Select(t => (At: t.CollectedAt, Window: false, Evidence: new Evidence("drug_test", t.Id, t.CollectedAt, $"{t.Overall} test")))
            .Concat(useReports.Where(u => u.At <= now).Select(u => u.LastUse is { } day
                ? (At: new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), Window: false, Evidence: new Evidence("self_report", u.Id, u.At, $"{u.Detail}; last use {day:yyyy-MM-dd}"))
                : (At: u.At, Window: true, Evidence: new Evidence("self_report", u.Id, u.At, u.Detail))))
            .OrderBy(e => e.At)
            .ToList();
        var start = admitted;
        Evidence? by = null;
        foreach (var e in events)
        {
            var restarts = e.Window ? e.At - UseLookBack >= start : e.At > start;
            if (restarts && e.At <= now)
            {
                (start, by) = (e.At, e.Evidence);
            }
        }
        return (start, by);
    }

    /// <summary>
    /// (2) Reliable improvement on PHQ-9 (≥ 5) or GAD-7 (≥ 4) from baseline, or every latest score below the moderate
    /// band — and never while an instrument in use worsened (reliably; PCL-5 by its clinically meaningful 10 points)
    /// or while the latest PHQ-9 has item 9 above zero (issue 18 item 2).
    /// </summary>
    public static MilestoneResult EmotionalWellbeing(IReadOnlyList<ScoreFact> phq9, IReadOnlyList<ScoreFact> gad7, IReadOnlyList<ScoreFact>? pcl5 = null)
    {
        ArgumentNullException.ThrowIfNull(phq9);
        ArgumentNullException.ThrowIfNull(gad7);
        const string code = MilestoneCodes.EmotionalWellbeing;
        var evidence = new List<Evidence>();
        var improved = new List<string>();
        var worsened = new List<string>();
        var latest = new List<(string Name, int Total)>();
        if (pcl5 is { Count: > 1 })
        {
            var ordered = pcl5.OrderBy(s => s.At).ThenBy(s => s.Id).ToList();
            if (MeasureScoring.MeaningfulChange(Instrument.Pcl5, ordered[0].Total, ordered[^1].Total, isBaseline: false) == MeasureWords.Worsened)
            {
                worsened.Add($"clinically meaningful worsening on PCL-5 {ordered[0].Total} → {ordered[^1].Total}");
                evidence.Add(new("measure", ordered[0].Id, ordered[0].At, $"PCL-5 baseline {ordered[0].Total}"));
                evidence.Add(new("measure", ordered[^1].Id, ordered[^1].At, $"PCL-5 latest {ordered[^1].Total}"));
            }
        }
        foreach (var (instrument, name, scores) in new[] { (Instrument.Phq9, "PHQ-9", phq9), (Instrument.Gad7, "GAD-7", gad7) })
        {
            if (scores.Count == 0)
            {
                continue;
            }
            var ordered = scores.OrderBy(s => s.At).ThenBy(s => s.Id).ToList();
            var baseline = ordered[0];
            var last = ordered[^1];
            evidence.Add(new("measure", baseline.Id, baseline.At, $"{name} baseline {baseline.Total}"));
            if (last.Id != baseline.Id)
            {
                evidence.Add(new("measure", last.Id, last.At, $"{name} latest {last.Total}"));
                var change = MeasureScoring.ReliableChange(instrument, baseline.Total, last.Total, isBaseline: false);
                if (change == MeasureWords.Improved)
                {
                    improved.Add($"{name} {baseline.Total} → {last.Total}");
                }
                else if (change == MeasureWords.Worsened)
                {
                    worsened.Add($"reliable worsening on {name} {baseline.Total} → {last.Total}");
                }
            }
            latest.Add((name, last.Total));
        }
        if (latest.Count == 0)
        {
            return new(2, code, false, false, "Not met: no PHQ-9 or GAD-7 has been administered.", []);
        }
        var latestPhq9 = phq9.OrderBy(s => s.At).ThenBy(s => s.Id).LastOrDefault();
        if (latestPhq9 is { SuicidalIdeation: true })
        {
            evidence.Add(new("measure", latestPhq9.Id, latestPhq9.At, "PHQ-9 item 9 above zero on the latest score"));
            worsened.Add("the latest PHQ-9 has item 9 (thoughts of self-harm) above zero");
        }
        if (worsened.Count > 0)
        {
            return new(2, code, false, false, $"Not met: {string.Join("; ", worsened)}.", evidence);
        }
        if (improved.Count > 0)
        {
            return new(2, code, true, false, $"Met: reliable improvement from baseline ({string.Join("; ", improved)}).", evidence);
        }
        var belowModerate = latest.All(l => l.Total < ModerateBandStartsAt);
        var scoresText = string.Join("; ", latest.Select(l => $"{l.Name} {l.Total}"));
        return belowModerate
            ? new(2, code, true, false, $"Met: latest scores below the moderate band ({scoresText}).", evidence)
            : new(2, code, false, false, $"Not met: no reliable improvement and latest scores not all below the moderate band ({scoresText}).", evidence);
    }

    /// <summary>
    /// (3) A relationships goal <c>improving</c> or <c>achieved</c>, with family or significant-other involvement: at least
    /// one family-therapy session attended (present, late or left early), at any time during the episode.
    /// </summary>
    public static MilestoneResult Relationships(RelationshipsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        const string code = MilestoneCodes.Relationships;
        var goal = Best(input.RelationshipGoals, GoalStatuses.Achieved, GoalStatuses.Improving);
        var sessions = input.FamilySessionsAttended.OrderByDescending(s => s.At).ThenBy(s => s.Id).ToList();
        var evidence = GoalEvidence("Relationships", goal, input.RelationshipGoals);
        evidence.AddRange(sessions.Select(s => new Evidence("session", s.Id, s.At, $"Family therapy session attended ({s.Status})")));
        var met = goal is not null && sessions.Count > 0;
        var sessionText = sessions.Count == 0 ? "no family or significant-other session attended"
            : $"{sessions.Count} family session(s) attended, the latest on {sessions[0].At:yyyy-MM-dd}";
        var basis = met ? $"Met: relationships goal {goal!.Status}, with {sessionText}."
            : goal is null ? $"Not met: {NoGoal("relationships", "improving or achieved", input.RelationshipGoals)}; {sessionText}."
            : $"Not met: relationships goal {goal.Status} but {sessionText}.";
        return new(3, code, met, false, basis, evidence);
    }

    /// <summary>
    /// (4) A reviewed relapse-prevention plan (one exists with a review time: writing or revising it records who
    /// reviewed it and when) and a coping-skills goal <c>achieved</c> or <c>sustaining</c>.
    /// </summary>
    public static MilestoneResult CopingSkills(CopingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        const string code = MilestoneCodes.CopingSkills;
        var evidence = new List<Evidence>();
        var reviewed = input.RelapsePreventionPlanId is not null && input.PlanReviewedAt is not null;
        if (reviewed)
        {
            evidence.Add(new("relapse_prevention_plan", input.RelapsePreventionPlanId, input.PlanReviewedAt, $"Relapse-prevention plan reviewed {input.PlanReviewedAt:yyyy-MM-dd}"));
        }
        var goal = Best(input.CopingGoals, GoalStatuses.Achieved, GoalStatuses.Sustaining);
        evidence.AddRange(GoalEvidence("Coping", goal, input.CopingGoals));
        var met = reviewed && goal is not null;
        var planText = reviewed ? $"relapse-prevention plan reviewed {input.PlanReviewedAt:yyyy-MM-dd}" : "no reviewed relapse-prevention plan";
        var basis = met ? $"Met: {planText} and coping goal {goal!.Status}."
            : goal is null ? $"Not met: {planText}; {NoGoal("coping", "achieved or sustaining", input.CopingGoals)}."
            : $"Not met: {planText} (coping goal {goal.Status}).";
        return new(4, code, met, false, basis, evidence);
    }

    /// <summary>(5) The latest recovery-environment check records stable housing and income free from substance influence.</summary>
    public static MilestoneResult StableLiving(RecoveryCheckFact? latest)
    {
        const string code = MilestoneCodes.StableLiving;
        if (latest is null)
        {
            return new(5, code, false, false, "Not met: no recovery-environment check recorded.", []);
        }
        IReadOnlyList<Evidence> evidence =
            [new("recovery_check", latest.Id, latest.CheckedAt, $"Housing {latest.Housing}; substance-free income {(latest.SubstanceFreeIncome ? "yes" : "no")}")];
        var stable = latest.Housing == "stable";
        var met = stable && latest.SubstanceFreeIncome;
        var basis = met ? "Met: latest check records stable housing and substance-free income."
            : !stable ? $"Not met: latest check records housing as {latest.Housing}."
            : "Not met: latest check does not record substance-free income.";
        return new(5, code, met, false, basis, evidence);
    }

    /// <summary>
    /// (6) An aftercare plan — an aftercare goal on the treatment plan whose status is anything but
    /// <c>not_achieved</c> (a plan given up does not count) — plus at least two mutual-support or alumni activities
    /// in the last 14 days (today and the 13 before).
    /// </summary>
    public static MilestoneResult SupportAndAftercare(DateOnly today, AftercareInput aftercare, IReadOnlyList<ActivityFact> activities)
    {
        ArgumentNullException.ThrowIfNull(aftercare);
        ArgumentNullException.ThrowIfNull(activities);
        const string code = MilestoneCodes.SupportAndAftercare;
        var first = today.AddDays(-(SupportWindowDays - 1));
        var recent = activities.Where(a => a.Date >= first && a.Date <= today).OrderByDescending(a => a.Date).ToList();
        var plan = Best(aftercare.AftercareGoals, GoalStatuses.Achieved, GoalStatuses.Sustaining, GoalStatuses.Improving, GoalStatuses.InProgress, GoalStatuses.NoChange, GoalStatuses.Worsening);
        var evidence = GoalEvidence("Aftercare", plan, aftercare.AftercareGoals);
        evidence.AddRange(recent.Select(a => new Evidence("support_activity", a.Id, null, $"{a.Kind} on {a.Date:yyyy-MM-dd}")));
        var enoughActivity = recent.Count >= SupportActivitiesRequired;
        var activityText = $"{recent.Count} mutual-support/alumni activities since {first:yyyy-MM-dd} ({SupportActivitiesRequired} needed)";
        var met = plan is not null && enoughActivity;
        var basis = met ? $"Met: aftercare plan (aftercare goal {plan!.Status}) and {activityText}."
            : plan is null ? $"Not met: no aftercare plan ({(aftercare.AftercareGoals.Count == 0 ? "no aftercare goal" : "every aftercare goal not_achieved")}); {activityText}."
            : $"Not met: aftercare plan (aftercare goal {plan.Status}) but {activityText}.";
        return new(6, code, met, false, basis, evidence);
    }

    /// <summary>The goal with the first of <paramref name="statuses"/> (in that order of preference), or null.</summary>
    private static GoalFact? Best(IReadOnlyList<GoalFact> goals, params string[] statuses) =>
        goals.Where(g => statuses.Contains(g.Status, StringComparer.Ordinal))
            .OrderBy(g => Array.IndexOf(statuses, g.Status)).ThenByDescending(g => g.StatusChangedAt).ThenBy(g => g.Id)
            .FirstOrDefault();

    /// <summary>The qualifying goal when there is one; otherwise every goal of the category, so a clinician sees why none counts.</summary>
    private static List<Evidence> GoalEvidence(string category, GoalFact? qualifying, IReadOnlyList<GoalFact> all) =>
        (qualifying is null ? all : [qualifying])
            .Select(g => new Evidence("goal", g.Id, g.StatusChangedAt, $"{category} goal {g.Status}"))
            .ToList();

    private static string NoGoal(string category, string needed, IReadOnlyList<GoalFact> goals) =>
        goals.Count == 0 ? $"no {category} goal on the treatment plan"
            : $"no {category} goal is {needed} ({string.Join(", ", goals.Select(g => g.Status))})";
}

