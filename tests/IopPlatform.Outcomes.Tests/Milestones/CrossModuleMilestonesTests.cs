using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.ClinicalNotes.Contracts;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Milestones;

/// <summary>
/// Milestones 3, 4 and 6 from the real sources: treatment-plan goals and relapse-prevention plans written through
/// ClinicalNotes' API, family-therapy sessions attended through Scheduling's API, and full completion readiness
/// (all six met, no override) ending in a discharge as completed.
/// </summary>
public abstract class CrossModuleMilestonesTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private const string Zone = "America/Chicago";

    private DateTimeOffset Now => Api.Clock.GetUtcNow();

    private DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    private HttpClient Clinician() => Api.ClientAs(Roles.Clinician, "clin-cm");

    private static string Base(Guid enrollmentId) => $"/api/v1/enrollments/{enrollmentId}";

    public sealed record IdOnly(Guid Id);

    public sealed record Goal(Guid Id, string Category, string Status, DateTimeOffset StatusChangedAt, int Version);

    public sealed record Plan(Guid Id, List<Goal> Goals);

    public sealed record RelapsePlan(Guid Id, DateTimeOffset ReviewedAt);

    private static object GoalBody(string category) => new
    {
        problem = $"Problem for {category}",
        category,
        description = $"Goal about {category}",
        measurableTarget = "Measured weekly by the counsellor",
        objectives = new[] { "One step a week" },
        interventions = new[] { "CBT" },
    };

    /// <summary>Admits new patients now (through Enrollment's API), without moving the clock.</summary>
    private async Task<List<EnrollmentDto>> Admit(int count)
    {
        var program = await Api.DefaultProgramAsync();
        var admitted = new List<EnrollmentDto>();
        for (var i = 0; i < count; i++)
        {
            admitted.Add(await Api.SetCareTeamAsync(await Api.AdmitNewPatientAsync(program.Id), "counsellor-1", "cm-1"));
        }
        return admitted;
    }

    /// <summary>
    /// A daily group of <paramref name="sessionKind"/> at the program's site that every enrollment joins; the clock moves
    /// past its next session, and each enrollment's attendance is recorded (null: nothing recorded).
    /// </summary>
    private async Task<SessionDto> AttendGroup(string sessionKind, IReadOnlyList<(Guid EnrollmentId, string? Status)> attendance)
    {
        var admin = Api.Admin();
        var program = await Api.DefaultProgramAsync();
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById(Zone)).DateTime);
        var group = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = program.SiteId,
            name = $"{sessionKind} group",
            track = "adult",
            sessionKind,
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" },
            startTime = "18:00:00",
            endTime = "19:30:00",
            firstDate = localToday,
        })).Read<IdOnly>(HttpStatusCode.Created);
        foreach (var (enrollmentId, _) in attendance)
        {
            await (await admin.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId })).Read<IdOnly>(HttpStatusCode.Created);
        }
        var sessions = await (await admin.GetAsync($"/api/v1/groups/{group.Id}/sessions", Ct)).ReadItems<SessionDto>();
        var session = sessions.OrderBy(s => s.StartsAt).First(s => s.StartsAt > Now.AddHours(1));
        Api.Clock.SetUtcNow(session.EndsAt.AddMinutes(5));
        foreach (var (enrollmentId, status) in attendance)
        {
            if (status is not null)
            {
                var minutes = status is "late" or "left_early" ? 60 : (int?)null;
                await (await admin.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId, status, minutes })).Read<IdOnly>(HttpStatusCode.Created);
            }
        }
        return session;
    }

    private async Task<Plan> TreatmentPlan(Guid enrollmentId, params string[] categories) =>
        await (await Clinician().PostJson($"{Base(enrollmentId)}/treatment-plan", new { problems = new[] { "Alcohol use disorder" }, goals = categories.Select(GoalBody).ToArray() }))
            .Read<Plan>(HttpStatusCode.Created);

    /// <summary>Sets a goal's status through ClinicalNotes' API (If-Match with the goal's version).</summary>
    private async Task<Goal> SetStatus(Goal goal, string status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/goals/{goal.Id}/status")
        {
            Content = JsonContent.Create(new { status, comment = "Reviewed in session" }, options: HttpJson.Options),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{goal.Version}\""));
        return await (await Clinician().SendAsync(request, Ct)).Read<Goal>();
    }

    private async Task<Goal> GoalWithStatus(Plan plan, string category, string status)
    {
        var goal = plan.Goals.Single(g => g.Category == category);
        return status == "in_progress" ? goal : await SetStatus(goal, status);
    }

    private async Task<RelapsePlan> RelapsePreventionPlan(Guid enrollmentId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Base(enrollmentId)}/relapse-prevention-plan")
        {
            Content = JsonContent.Create(new
            {
                triggers = new[] { "Payday" },
                warningSigns = new[] { "Skipping meetings" },
                copingStrategies = new[] { "Call sponsor" },
                supportContacts = new[] { new { name = "Sponsor Sam", relationship = "sponsor", phone = "+1 312 555 0199" } },
                lapsePlan = "Call sponsor within the hour; come to the next group.",
            }, options: HttpJson.Options),
        };
        return await (await Clinician().SendAsync(request, Ct)).Read<RelapsePlan>();
    }

    private async Task Activity(Guid enrollmentId, int daysAgo, string kind = "twelve_step") =>
        await (await Clinician().PostJson($"{Base(enrollmentId)}/support-activities", new { kind, date = Today.AddDays(-daysAgo) })).Read<SupportActivityDto>(HttpStatusCode.Created);

    private async Task<MilestonesDto> Milestones(Guid enrollmentId) =>
        await (await Clinician().GetAsync($"{Base(enrollmentId)}/milestones", Ct)).Read<MilestonesDto>();

    private async Task<MilestoneDto> Milestone(Guid enrollmentId, int number)
    {
        var milestone = (await Milestones(enrollmentId)).Milestones.Single(m => m.Number == number);
        Assert.False(milestone.EvidenceUnavailable);
        return milestone;
    }

    private List<string> Announced(Guid enrollmentId) =>
        Api.Published.Of<MilestoneAchieved>().Where(m => m.EnrollmentId == enrollmentId).Select(m => m.Milestone).Order().ToList();

    private async Task<T> Ask<T>(IRequest<T> request)
    {
        using var scope = Api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, Ct);
    }

    [Fact]
    public async Task Relationships_needs_an_improving_or_achieved_goal_and_a_family_session_attended()
    {
        var e = await Admit(4);
        var recovery = await AttendGroup("group_recovery", [(e[1].Id, "present")]);
        var family = await AttendGroup("family_therapy", [(e[0].Id, "present"), (e[1].Id, "absent_unexcused"), (e[2].Id, "late"), (e[3].Id, "left_early")]);
        var improving = await GoalWithStatus(await TreatmentPlan(e[0].Id, "relationships", "substance_use"), "relationships", "improving");
        var achievedNoFamily = await GoalWithStatus(await TreatmentPlan(e[1].Id, "relationships"), "relationships", "achieved");
        var stalled = await GoalWithStatus(await TreatmentPlan(e[2].Id, "relationships"), "relationships", "no_change");

        var met = await Milestone(e[0].Id, 3);
        var noFamily = await Milestone(e[1].Id, 3);
        var noProgress = await Milestone(e[2].Id, 3);
        var noPlan = await Milestone(e[3].Id, 3);

        Assert.True(met.Met);
        Assert.Equal("relationships", met.Code);
        Assert.Equal($"Met: relationships goal improving, with 1 family session(s) attended, the latest on {family.StartsAt:yyyy-MM-dd}.", met.Basis);
        var goalEvidence = Assert.Single(met.Evidence, x => x.Kind == "goal");
        Assert.Equal((improving.Id, improving.StatusChangedAt, "Relationships goal improving"), (goalEvidence.Id, goalEvidence.At, goalEvidence.Detail));
        var sessionEvidence = Assert.Single(met.Evidence, x => x.Kind == "session");
        Assert.Equal((family.Id, family.StartsAt, "Family therapy session attended (present)"), (sessionEvidence.Id, sessionEvidence.At, sessionEvidence.Detail));

        // Absent from the family session; the recovery group attended the same week is not family involvement.
        Assert.False(noFamily.Met);
        Assert.Equal("Not met: relationships goal achieved but no family or significant-other session attended.", noFamily.Basis);
        Assert.Equal(achievedNoFamily.Id, Assert.Single(noFamily.Evidence).Id);
        Assert.DoesNotContain(noFamily.Evidence, x => x.Id == recovery.Id);

        Assert.False(noProgress.Met);
        Assert.StartsWith("Not met: no relationships goal is improving or achieved (no_change)", noProgress.Basis, StringComparison.Ordinal);
        Assert.Equal([stalled.Id, family.Id], noProgress.Evidence.Select(x => x.Id!.Value));
        Assert.Contains("(late)", noProgress.Evidence[1].Detail, StringComparison.Ordinal);

        Assert.False(noPlan.Met);
        Assert.StartsWith("Not met: no relationships goal on the treatment plan; 1 family session(s) attended", noPlan.Basis, StringComparison.Ordinal);

        // Scheduling's set-based answer: attended family sessions only, for every asked enrollment at once.
        var involvement = await Ask(new GetFamilyInvolvementQuery([.. e.Select(x => x.Id), Guid.CreateVersion7()]));
        Assert.Equal([(e[0].Id, "present"), (e[2].Id, "late"), (e[3].Id, "left_early")], involvement.OrderBy(i => e.FindIndex(x => x.Id == i.EnrollmentId)).Select(i => (i.EnrollmentId, i.Status)));
        Assert.All(involvement, i => Assert.Equal((family.Id, family.GroupId), (i.SessionId, i.GroupId)));
        Assert.Empty(await Ask(new GetFamilyInvolvementQuery([])));

        await Milestones(e[0].Id);
        Assert.Equal(["relationships"], Announced(e[0].Id));
        Assert.Empty(Announced(e[1].Id));
        Assert.Equal(1, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_milestone_achieved WHERE enrollment_id = @e AND milestone = 'relationships'", ("e", e[0].Id)));
    }

    [Fact]
    public async Task Coping_needs_a_reviewed_relapse_prevention_plan_and_a_coping_goal_achieved_or_sustaining()
    {
        var e = await Admit(4);
        var plans = new List<RelapsePlan>();
        foreach (var enrollment in new[] { e[0], e[2] })
        {
            plans.Add(await RelapsePreventionPlan(enrollment.Id));
        }
        var achieved = await GoalWithStatus(await TreatmentPlan(e[0].Id, "coping_skills"), "coping_skills", "achieved");
        var sustainingNoPlan = await GoalWithStatus(await TreatmentPlan(e[1].Id, "coping_skills"), "coping_skills", "sustaining");
        var improving = await GoalWithStatus(await TreatmentPlan(e[2].Id, "coping_skills", "aftercare"), "coping_skills", "improving");

        var met = await Milestone(e[0].Id, 4);
        var noPlan = await Milestone(e[1].Id, 4);
        var notYet = await Milestone(e[2].Id, 4);
        var nothing = await Milestone(e[3].Id, 4);

        Assert.True(met.Met);
        Assert.Equal("coping_skills", met.Code);
        Assert.Equal($"Met: relapse-prevention plan reviewed {plans[0].ReviewedAt:yyyy-MM-dd} and coping goal achieved.", met.Basis);
        var planEvidence = Assert.Single(met.Evidence, x => x.Kind == "relapse_prevention_plan");
        Assert.Equal((plans[0].Id, plans[0].ReviewedAt), (planEvidence.Id!.Value, planEvidence.At!.Value));
        Assert.Equal((achieved.Id, "Coping goal achieved"), Assert.Single(met.Evidence, x => x.Kind == "goal") is var g ? (g.Id!.Value, g.Detail) : default);

        Assert.False(noPlan.Met);
        Assert.Equal("Not met: no reviewed relapse-prevention plan (coping goal sustaining).", noPlan.Basis);
        Assert.Equal(sustainingNoPlan.Id, Assert.Single(noPlan.Evidence).Id);

        Assert.False(notYet.Met);
        Assert.Equal($"Not met: relapse-prevention plan reviewed {plans[1].ReviewedAt:yyyy-MM-dd}; no coping goal is achieved or sustaining (improving).", notYet.Basis);
        Assert.Equal([plans[1].Id, improving.Id], notYet.Evidence.Select(x => x.Id!.Value));

        Assert.False(nothing.Met);
        Assert.Equal("Not met: no reviewed relapse-prevention plan; no coping goal on the treatment plan.", nothing.Basis);
        Assert.Empty(nothing.Evidence);

        var status = await Ask(new GetRelapsePreventionPlanQuery(e[0].Id));
        Assert.Equal(plans[0].Id, status.PlanId);
        Assert.Null((await Ask(new GetRelapsePreventionPlanQuery(e[1].Id))).PlanId);
        Assert.Equal(["coping_skills"], Announced(e[0].Id));
        Assert.Empty(Announced(e[2].Id));
    }

    [Fact]
    public async Task Support_and_aftercare_needs_an_aftercare_goal_not_given_up_and_two_recent_activities()
    {
        var e = await Admit(4);
        Api.Clock.Advance(TimeSpan.FromDays(20));
        var inProgress = await GoalWithStatus(await TreatmentPlan(e[0].Id, "aftercare"), "aftercare", "in_progress");
        var abandoned = await GoalWithStatus(await TreatmentPlan(e[1].Id, "aftercare"), "aftercare", "not_achieved");
        var achievedButQuiet = await GoalWithStatus(await TreatmentPlan(e[3].Id, "aftercare"), "aftercare", "achieved");
        foreach (var enrollment in e.Take(3))
        {
            await Activity(enrollment.Id, 1, "smart_recovery");
            await Activity(enrollment.Id, 13, "alumni_mentorship");
        }
        await Activity(e[3].Id, 2);
        await Activity(e[3].Id, 14);

        var met = await Milestone(e[0].Id, 6);
        var givenUp = await Milestone(e[1].Id, 6);
        var noPlan = await Milestone(e[2].Id, 6);
        var quiet = await Milestone(e[3].Id, 6);

        var since = Today.AddDays(-13);
        Assert.True(met.Met);
        Assert.Equal("support_and_aftercare", met.Code);
        Assert.Equal($"Met: aftercare plan (aftercare goal in_progress) and 2 mutual-support/alumni activities since {since:yyyy-MM-dd} (2 needed).", met.Basis);
        Assert.Equal((inProgress.Id, "Aftercare goal in_progress"), Assert.Single(met.Evidence, x => x.Kind == "goal") is var g ? (g.Id!.Value, g.Detail) : default);
        Assert.Equal(2, met.Evidence.Count(x => x.Kind == "support_activity"));

        Assert.False(givenUp.Met);
        Assert.StartsWith("Not met: no aftercare plan (every aftercare goal not_achieved); 2 mutual-support/alumni activities", givenUp.Basis, StringComparison.Ordinal);
        Assert.Equal(abandoned.Id, Assert.Single(givenUp.Evidence, x => x.Kind == "goal").Id);

        Assert.False(noPlan.Met);
        Assert.StartsWith("Not met: no aftercare plan (no aftercare goal)", noPlan.Basis, StringComparison.Ordinal);

        Assert.False(quiet.Met);
        Assert.Equal($"Not met: aftercare plan (aftercare goal achieved) but 1 mutual-support/alumni activities since {since:yyyy-MM-dd} (2 needed).", quiet.Basis);
        Assert.Equal(achievedButQuiet.Id, Assert.Single(quiet.Evidence, x => x.Kind == "goal").Id);

        Assert.Equal(["support_and_aftercare"], Announced(e[0].Id));
        Assert.Empty(Announced(e[1].Id));
    }

    [Fact]
    public async Task All_six_met_from_real_flows_make_the_patient_completion_ready_without_override()
    {
        var e = (await Admit(1))[0];
        var family = await AttendGroup("family_therapy", [(e.Id, "present")]);
        var clinicalPlan = await TreatmentPlan(e.Id, "substance_use", "relationships", "coping_skills");
        var relationships = await GoalWithStatus(clinicalPlan, "relationships", "improving");
        Api.Clock.Advance(TimeSpan.FromDays(40));
        var clinician = Clinician();
        foreach (var day in new[] { 1, 8, 15, 22 })
        {
            await (await clinician.PostJson($"{Base(e.Id)}/drug-tests", new
            {
                specimen = "urine",
                method = "point_of_care",
                collectedAt = Now.AddDays(-day),
                analytes = new[] { new { analyte = "cocaine", result = "negative" } },
            })).Read<DrugTestDto>(HttpStatusCode.Created);
        }
        await (await clinician.PostJson($"{Base(e.Id)}/measures", new { instrument = "phq9", administeredAt = Now.AddDays(-35), answers = new[] { 3, 3, 3, 3, 3, 3, 2, 0, 0 } })).Read<MeasureResultDto>(HttpStatusCode.Created);
        await (await clinician.PostJson($"{Base(e.Id)}/measures", new { instrument = "phq9", administeredAt = Now.AddDays(-2), answers = new[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 } })).Read<MeasureResultDto>(HttpStatusCode.Created);
        await (await clinician.PostJson($"{Base(e.Id)}/recovery-checks", new
        {
            checkedAt = Now.AddDays(-1),
            housing = "stable",
            employment = "employed_full_time",
            substanceFreeIncome = true,
            supportNetwork = "strong",
        })).Read<RecoveryCheckDto>(HttpStatusCode.Created);
        await Activity(e.Id, 2);
        await Activity(e.Id, 6, "alumni_mentorship");
        var relapsePlan = await RelapsePreventionPlan(e.Id);
        var coping = await GoalWithStatus(clinicalPlan, "coping_skills", "sustaining");
        var readinessUrl = $"{Base(e.Id)}/completion-readiness";

        // Five of six: without an aftercare goal there is no aftercare plan, so readiness lists exactly that one.
        var before = await (await clinician.GetAsync(readinessUrl, Ct)).Read<CompletionReadinessDto>();
        Assert.False(before.Ready);
        Assert.StartsWith("6. Not met: no aftercare plan (no aftercare goal); 2 mutual-support/alumni activities", Assert.Single(before.Reasons), StringComparison.Ordinal);

        var aftercare = await (await clinician.PostJson($"/api/v1/treatment-plans/{clinicalPlan.Id}/goals", GoalBody("aftercare"))).Read<Goal>(HttpStatusCode.Created);
        var ready = await (await clinician.GetAsync(readinessUrl, Ct)).Read<CompletionReadinessDto>();

        Assert.True(ready.Ready);
        Assert.False(ready.Overridden);
        Assert.Null(ready.OverriddenBy);
        Assert.Equal(["All six milestones are met."], ready.Reasons);
        var milestones = await Milestones(e.Id);
        Assert.All(milestones.Milestones, m => Assert.True(m.Met, $"{m.Number}. {m.Basis}"));
        Assert.All(milestones.Milestones, m => Assert.False(m.EvidenceUnavailable));
        Assert.Contains(milestones.Milestones[2].Evidence, x => x.Id == relationships.Id && x.Kind == "goal");
        Assert.Contains(milestones.Milestones[2].Evidence, x => x.Id == family.Id && x.Kind == "session");
        Assert.Contains(milestones.Milestones[3].Evidence, x => x.Id == relapsePlan.Id && x.At == relapsePlan.ReviewedAt);
        Assert.Contains(milestones.Milestones[3].Evidence, x => x.Id == coping.Id && x.Detail == "Coping goal sustaining");
        Assert.Contains(milestones.Milestones[5].Evidence, x => x.Id == aftercare.Id && x.Detail == "Aftercare goal in_progress");

        // Each milestone announced once, however often it is evaluated (readiness evaluated three times above).
        Assert.Equal(["coping_skills", "emotional_wellbeing", "relationships", "stable_living", "support_and_aftercare", "sustained_abstinence"], Announced(e.Id));
        Assert.Equal(6, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_milestone_achieved WHERE enrollment_id = @e", ("e", e.Id)));
        Assert.Equal(6, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_outbox WHERE event_type = 'milestone.achieved' AND aggregate_id = @e", ("e", e.Id)));

        // Enrollment asks the same question: discharge as completed needs no clinician override now.
        var current = await (await Api.Admin().GetAsync($"/api/v1/enrollments/{e.Id}", Ct)).Read<EnrollmentDto>();
        var discharged = await (await EnrollmentFlow.TransitionAsync(Api.Admin(), e.Id, current.Version, "discharge", new { reason = "completed", dischargeDate = Today }))
            .Read<EnrollmentDto>();
        Assert.Equal((EnrollmentStatus.Discharged, DischargeReason.Completed), (discharged.Status, discharged.DischargeReason!.Value));
        Assert.Null(discharged.ClinicianOverrideReason);
        Assert.Equal(0, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_completion_override WHERE enrollment_id = @e", ("e", e.Id)));
    }
}

public sealed class CrossModuleMilestonesTestsOnSqlite(OutcomesSqliteApi api) : CrossModuleMilestonesTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class CrossModuleMilestonesTestsOnPostgres(OutcomesPostgresApi api) : CrossModuleMilestonesTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class CrossModuleMilestonesTestsOnSqlServer(OutcomesSqlServerApi api) : CrossModuleMilestonesTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
