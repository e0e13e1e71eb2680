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

/// <summary>Self-reported substance use, e.g. a BAM with a Use subscale of 1 or more.</summary>
internal sealed record UseReportFact(Guid Id, DateTimeOffset At, string Detail);

internal sealed record ScoreFact(Guid Id, DateTimeOffset At, int Total);

internal sealed record GoalFact(Guid Id, string Status);

internal sealed record SessionFact(Guid Id, DateTimeOffset At);

/// <summary>What ClinicalNotes and Scheduling say about relationships; null when those modules cannot be asked yet.</summary>
internal sealed record RelationshipsInput(IReadOnlyList<GoalFact> RelationshipGoals, IReadOnlyList<SessionFact> FamilySessionsAttended);

internal sealed record CopingInput(Guid? RelapsePreventionPlanId, DateTimeOffset? PlanReviewedAt, IReadOnlyList<GoalFact> CopingGoals);

internal sealed record RecoveryCheckFact(Guid Id, DateTimeOffset CheckedAt, string Housing, bool SubstanceFreeIncome);

internal sealed record AftercareInput(Guid? AftercarePlanId);

internal sealed record ActivityFact(Guid Id, DateOnly Date, string Kind);

/// <summary>
/// The six completion milestones of DOMAIN.md §6 as pure functions of their evidence. Each answers met or not, why
/// (the basis, in words a clinician can check), and which records it used.
/// </summary>
internal static class MilestoneRules
{
    public static readonly TimeSpan AbstinenceWindow = TimeSpan.FromDays(30);
    public const int AbstinenceWeeksTested = 4;
    public const int ModerateBandStartsAt = 10;
    public const int SupportActivitiesRequired = 2;
    public const int SupportWindowDays = 14;
    public const string Unavailable = "evidence unavailable";

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
        var disqualifiers = tests.Where(t => t.CollectedAt <= now && DrugTestWords.Disqualifying.Contains(t.Overall))
            .Select(t => new Evidence("drug_test", t.Id, t.CollectedAt, $"{t.Overall} test"))
            .Concat(useReports.Where(u => u.At <= now).Select(u => new Evidence("self_report", u.Id, u.At, u.Detail)))
            .OrderBy(e => e.At)
            .ToList();
        var last = disqualifiers.LastOrDefault();
        var streakStart = last is { At: { } at } && at > admitted ? at : admitted;
        var abstinent = now - streakStart;
        if (last is not null && last.At > admitted)
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
                ? $"Not met: {days} days since {(last is not null && last.At > admitted ? "the last disqualifying result" : "admission")}; 30 are needed."
                : $"Not met: no negative or expected-positive test in week(s) {string.Join(", ", missingWeeks)} of the last 4.";
        return new(1, code, met, false, basis, evidence);
    }

    /// <summary>(2) Reliable improvement on PHQ-9 (≥ 5) or GAD-7 (≥ 4) from baseline, or every latest score below the moderate band.</summary>
    public static MilestoneResult EmotionalWellbeing(IReadOnlyList<ScoreFact> phq9, IReadOnlyList<ScoreFact> gad7)
    {
        ArgumentNullException.ThrowIfNull(phq9);
        ArgumentNullException.ThrowIfNull(gad7);
        const string code = MilestoneCodes.EmotionalWellbeing;
        var evidence = new List<Evidence>();
        var improved = new List<string>();
        var latest = new List<(string Name, int Total)>();
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
                if (MeasureScoring.ReliableChange(instrument, baseline.Total, last.Total, isBaseline: false) == MeasureWords.Improved)
                {
                    improved.Add($"{name} {baseline.Total} → {last.Total}");
                }
            }
            latest.Add((name, last.Total));
        }
        if (latest.Count == 0)
        {
            return new(2, code, false, false, "Not met: no PHQ-9 or GAD-7 has been administered.", []);
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

    /// <summary>(3) A relationships goal improving or achieved, with family or significant-other involvement (a family session attended).</summary>
    public static MilestoneResult Relationships(RelationshipsInput? input)
    {
        const string code = MilestoneCodes.Relationships;
        if (input is null)
        {
            return new(3, code, false, true, "Not met: evidence unavailable until ClinicalNotes provides goal statuses and Scheduling family-session attendance.", []);
        }
        var goal = input.RelationshipGoals.FirstOrDefault(g => g.Status is "improving" or "achieved");
        var session = input.FamilySessionsAttended.OrderByDescending(s => s.At).FirstOrDefault();
        var evidence = new List<Evidence>();
        if (goal is not null)
        {
            evidence.Add(new("goal", goal.Id, null, $"Relationships goal {goal.Status}"));
        }
        if (session is not null)
        {
            evidence.Add(new("session", session.Id, session.At, "Family session attended"));
        }
        var met = goal is not null && session is not null;
        var basis = met ? "Met: relationships goal improving or achieved, with a family session attended."
            : goal is null ? "Not met: no relationships goal is improving or achieved."
            : "Not met: no family or significant-other session attended.";
        return new(3, code, met, false, basis, evidence);
    }

    /// <summary>(4) A reviewed relapse-prevention plan and a coping goal achieved or sustaining.</summary>
    public static MilestoneResult CopingSkills(CopingInput? input)
    {
        const string code = MilestoneCodes.CopingSkills;
        if (input is null)
        {
            return new(4, code, false, true, "Not met: evidence unavailable until ClinicalNotes provides the relapse-prevention plan and goal statuses.", []);
        }
        var evidence = new List<Evidence>();
        var reviewed = input.RelapsePreventionPlanId is not null && input.PlanReviewedAt is not null;
        if (reviewed)
        {
            evidence.Add(new("relapse_prevention_plan", input.RelapsePreventionPlanId, input.PlanReviewedAt, "Relapse-prevention plan reviewed"));
        }
        var goal = input.CopingGoals.FirstOrDefault(g => g.Status is "achieved" or "sustaining");
        if (goal is not null)
        {
            evidence.Add(new("goal", goal.Id, null, $"Coping goal {goal.Status}"));
        }
        var met = reviewed && goal is not null;
        var basis = met ? "Met: relapse-prevention plan reviewed and a coping goal achieved or sustaining."
            : !reviewed ? "Not met: no reviewed relapse-prevention plan."
            : "Not met: no coping goal is achieved or sustaining.";
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

    /// <summary>(6) An aftercare plan plus at least two mutual-support or alumni activities in the last 14 days (today and the 13 before).</summary>
    public static MilestoneResult SupportAndAftercare(DateOnly today, AftercareInput? aftercare, IReadOnlyList<ActivityFact> activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        const string code = MilestoneCodes.SupportAndAftercare;
        var first = today.AddDays(-(SupportWindowDays - 1));
        var recent = activities.Where(a => a.Date >= first && a.Date <= today).OrderByDescending(a => a.Date).ToList();
        var evidence = recent.Select(a => new Evidence("support_activity", a.Id, null, $"{a.Kind} on {a.Date:yyyy-MM-dd}")).ToList();
        var enoughActivity = recent.Count >= SupportActivitiesRequired;
        var activityText = $"{recent.Count} mutual-support/alumni activities since {first:yyyy-MM-dd} ({SupportActivitiesRequired} needed)";
        if (aftercare is null)
        {
            return new(6, code, false, true, $"Not met: aftercare plan evidence unavailable until ClinicalNotes provides it; {activityText}.", evidence);
        }
        if (aftercare.AftercarePlanId is { } planId)
        {
            evidence.Insert(0, new("aftercare_plan", planId, null, "Aftercare plan"));
        }
        var met = aftercare.AftercarePlanId is not null && enoughActivity;
        var basis = met ? $"Met: aftercare plan and {activityText}."
            : aftercare.AftercarePlanId is null ? $"Not met: no aftercare plan; {activityText}."
            : $"Not met: {activityText}.";
        return new(6, code, met, false, basis, evidence);
    }
}
