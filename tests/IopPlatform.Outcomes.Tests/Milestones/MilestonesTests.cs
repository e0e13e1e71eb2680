using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Milestones;

public abstract class MilestonesTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private DateTimeOffset Now => Api.Clock.GetUtcNow();

    private DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    private HttpClient Clinician() => Api.ClientAs(Roles.Clinician, "clin-ms");

    private static string Base(Guid enrollmentId) => $"/api/v1/enrollments/{enrollmentId}";

    private async Task<DrugTestDto> Test(EnrollmentClinicalProfileDto e, double daysAgo, string result = "negative") =>
        await (await Clinician().PostJson($"{Base(e.EnrollmentId)}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Now.AddDays(-daysAgo),
            analytes = new[] { new { analyte = "cocaine", result } },
        })).Read<DrugTestDto>(HttpStatusCode.Created);

    private async Task Phq9(EnrollmentClinicalProfileDto e, double daysAgo, int[] answers) =>
        await (await Clinician().PostJson($"{Base(e.EnrollmentId)}/measures", new { instrument = "phq9", administeredAt = Now.AddDays(-daysAgo), answers })).Read<MeasureResultDto>(HttpStatusCode.Created);

    private async Task<RecoveryCheckDto> Check(EnrollmentClinicalProfileDto e, string housing, bool substanceFreeIncome, HttpClient? client = null) =>
        await (await (client ?? Clinician()).PostJson($"{Base(e.EnrollmentId)}/recovery-checks", new
        {
            checkedAt = Now.AddDays(-1),
            housing,
            employment = "employed_full_time",
            substanceFreeIncome,
            supportNetwork = "strong",
        })).Read<RecoveryCheckDto>(HttpStatusCode.Created);

    private async Task Activity(EnrollmentClinicalProfileDto e, int daysAgo, string kind = "twelve_step") =>
        await (await Clinician().PostJson($"{Base(e.EnrollmentId)}/support-activities", new { kind, date = Today.AddDays(-daysAgo) })).Read<SupportActivityDto>(HttpStatusCode.Created);

    private async Task<MilestonesDto> Milestones(Guid enrollmentId, HttpClient? client = null) =>
        await (await (client ?? Clinician()).GetAsync($"{Base(enrollmentId)}/milestones", Ct)).Read<MilestonesDto>();

    /// <summary>Admitted 40 days ago, negative tests weekly, PHQ-9 20 → 15, stable housing, two 12-step meetings this week.</summary>
    private async Task<EnrollmentClinicalProfileDto> DoingWell()
    {
        var e = await Api.EnrollAsync(40);
        foreach (var day in new[] { 1, 8, 15, 22 })
        {
            await Test(e, day);
        }
        await Phq9(e, 35, [3, 3, 3, 3, 3, 3, 2, 0, 0]);
        await Phq9(e, 2, [3, 3, 3, 3, 3, 0, 0, 0, 0]);
        await Check(e, "stable", true);
        await Activity(e, 1);
        await Activity(e, 5, "alumni_mentorship");
        return e;
    }

    [Fact]
    public async Task Milestones_met_from_data_carry_their_evidence_and_are_announced_once()
    {
        var e = await DoingWell();

        var result = await Milestones(e.EnrollmentId);

        Assert.Equal([1, 2, 3, 4, 5, 6], result.Milestones.Select(m => m.Number));
        Assert.Equal([true, true, false, false, true, false], result.Milestones.Select(m => m.Met));
        var abstinence = result.Milestones[0];
        Assert.Equal("sustained_abstinence", abstinence.Code);
        Assert.Contains("40 days", abstinence.Basis, StringComparison.Ordinal);
        Assert.Equal(4, abstinence.Evidence.Count(x => x.Kind == "drug_test"));
        Assert.Contains("reliable improvement", result.Milestones[1].Basis, StringComparison.Ordinal);
        Assert.Equal(2, result.Milestones[1].Evidence.Count);
        Assert.All(result.Milestones, m => Assert.False(m.EvidenceUnavailable));
        Assert.Equal("Not met: no relationships goal on the treatment plan; no family or significant-other session attended.", result.Milestones[2].Basis);
        Assert.Equal("Not met: no reviewed relapse-prevention plan; no coping goal on the treatment plan.", result.Milestones[3].Basis);
        Assert.Equal("recovery_check", Assert.Single(result.Milestones[4].Evidence).Kind);
        Assert.StartsWith("Not met: no aftercare plan (no aftercare goal); 2 mutual-support/alumni activities", result.Milestones[5].Basis, StringComparison.Ordinal);
        Assert.Equal(2, result.Milestones[5].Evidence.Count(x => x.Kind == "support_activity"));
        Assert.All(result.Milestones.Where(m => m.Met), m => Assert.Equal(Now, m.FirstAchievedAt));

        await Milestones(e.EnrollmentId, Api.ClientAs(Roles.CaseManager));

        var announced = Api.Published.Of<MilestoneAchieved>().Where(m => m.EnrollmentId == e.EnrollmentId).Select(m => m.Milestone).Order().ToList();
        Assert.Equal(["emotional_wellbeing", "stable_living", "sustained_abstinence"], announced);
        Assert.Equal(3, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_milestone_achieved WHERE enrollment_id = @e", ("e", e.EnrollmentId)));
        Assert.Equal(3, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_outbox WHERE event_type = 'milestone.achieved' AND aggregate_id = @e", ("e", e.EnrollmentId)));
    }

    [Fact]
    public async Task Milestones_not_met_say_why_with_the_disqualifying_records()
    {
        var e = await Api.EnrollAsync(40);
        foreach (var day in new[] { 1, 8, 15, 22 })
        {
            await Test(e, day);
        }
        var positive = await Test(e, 10, "positive");
        await Phq9(e, 30, [2, 2, 2, 2, 2, 2, 0, 0, 0]);
        await Phq9(e, 2, [2, 2, 2, 2, 2, 2, 1, 0, 0]);
        var check = await Check(e, "unstable", true);
        await Activity(e, 20);

        var result = await Milestones(e.EnrollmentId);

        Assert.All(result.Milestones, m => Assert.False(m.Met));
        Assert.Contains(result.Milestones[0].Evidence, x => x.Id == positive.Id && x.Detail.Contains("positive_unexpected", StringComparison.Ordinal));
        Assert.Contains("10 days since the last disqualifying result", result.Milestones[0].Basis, StringComparison.Ordinal);
        Assert.Contains("PHQ-9 13", result.Milestones[1].Basis, StringComparison.Ordinal);
        Assert.Equal(check.Id, Assert.Single(result.Milestones[4].Evidence).Id);
        Assert.Contains("unstable", result.Milestones[4].Basis, StringComparison.Ordinal);
        Assert.Contains("0 mutual-support/alumni activities", result.Milestones[5].Basis, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Published.Of<MilestoneAchieved>(), m => m.EnrollmentId == e.EnrollmentId);
    }

    [Fact]
    public async Task Self_reported_use_on_the_bam_breaks_abstinence()
    {
        var e = await Api.EnrollAsync(60);
        foreach (var day in new[] { 1, 8, 15, 22 })
        {
            await Test(e, day);
        }
        int[] used = [0, 0, 0, 2, 0, 0, 0, 0, 4, 4, 0, 4, 4, 4, 0, 4, 0];
        await (await Clinician().PostJson($"{Base(e.EnrollmentId)}/measures", new { instrument = "bam", administeredAt = Now.AddDays(-12), answers = used })).Read<MeasureResultDto>(HttpStatusCode.Created);

        var abstinence = (await Milestones(e.EnrollmentId)).Milestones[0];

        Assert.False(abstinence.Met);
        Assert.Contains(abstinence.Evidence, x => x.Kind == "self_report" && x.Detail.Contains("BAM use subscale 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Completion_readiness_needs_all_six_or_a_clinician_override_with_reason()
    {
        var e = await DoingWell();
        var url = $"{Base(e.EnrollmentId)}/completion-readiness";

        var before = await (await Clinician().GetAsync(url, Ct)).Read<CompletionReadinessDto>();
        Assert.False(before.Ready);
        Assert.Equal(3, before.Reasons.Count);
        Assert.StartsWith("3. ", before.Reasons[0], StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await Api.ClientAs(Roles.CaseManager).PostJson($"{url}/override", new { reason = "x" })).StatusCode);
        var noReason = await (await Clinician().PostJson($"{url}/override", new { reason = " " })).Problem(HttpStatusCode.BadRequest);
        Assert.Equal(["An override needs a reason."], noReason.FieldErrors("reason"));
        Assert.Equal(0, await Db.Count(Api, "SELECT COUNT(*) FROM outcomes_completion_override WHERE enrollment_id = @e", ("e", e.EnrollmentId)));

        var overridden = await (await Api.ClientAs(Roles.Supervisor, "sup-1").PostJson($"{url}/override", new { reason = "Family therapy completed at partner agency" })).Read<CompletionReadinessDto>(HttpStatusCode.Created);
        Assert.True(overridden.Ready);
        Assert.True(overridden.Overridden);
        Assert.Equal("sup-1", overridden.OverriddenBy);
        Assert.Equal("Clinician override: Family therapy completed at partner agency", overridden.Reasons[0]);
        Assert.Equal(4, overridden.Reasons.Count);

        using var scope = Api.Services.CreateScope();
        var viaContract = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetCompletionReadinessQuery(e.EnrollmentId), Ct);
        Assert.True(viaContract.Ready);
        Assert.True(viaContract.Overridden);
    }

    [Fact]
    public async Task Readiness_of_unknown_enrollment_is_404()
    {
        await (await Clinician().GetAsync($"{Base(Guid.CreateVersion7())}/completion-readiness", Ct)).Problem(HttpStatusCode.NotFound);
        await (await Clinician().GetAsync($"{Base(Guid.CreateVersion7())}/milestones", Ct)).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Recovery_checks_and_activities_are_validated_and_case_managers_may_record_them()
    {
        var e = await Api.EnrollAsync(5);
        var caseManager = Api.ClientAs(Roles.CaseManager, "cm-1");

        var check = await Check(e, "homeless", false, caseManager);
        Assert.Equal(("homeless", false, "cm-1"), (check.Housing, check.SubstanceFreeIncome, check.RecordedBy));

        var bad = await (await caseManager.PostJson($"{Base(e.EnrollmentId)}/recovery-checks", new { checkedAt = Now.AddDays(1), housing = "couch", employment = "astronaut", supportNetwork = "lots" })).Problem(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "checkedAt", "housing", "employment", "substanceFreeIncome", "supportNetwork" })
        {
            Assert.NotEmpty(bad.FieldErrors(field));
        }
        var badActivity = await (await caseManager.PostJson($"{Base(e.EnrollmentId)}/support-activities", new { kind = "bingo", date = Today.AddDays(1) })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(badActivity.FieldErrors("kind"));
        Assert.NotEmpty(badActivity.FieldErrors("date"));

        await Activity(e, 0, "smart_recovery");
        var checks = await (await caseManager.GetAsync($"{Base(e.EnrollmentId)}/recovery-checks", Ct)).Read<Measures.CursorPageOf<RecoveryCheckDto>>();
        Assert.Equal(check.Id, Assert.Single(checks.Items).Id);
        var activities = await (await caseManager.GetAsync($"{Base(e.EnrollmentId)}/support-activities", Ct)).Read<Measures.CursorPageOf<SupportActivityDto>>();
        Assert.Equal((Today, "smart_recovery"), (Assert.Single(activities.Items).Date, activities.Items[0].Kind));
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.ClientAs(Roles.Partner).PostJson($"{Base(e.EnrollmentId)}/support-activities", new { kind = "other", date = Today })).StatusCode);
    }
}

public sealed class MilestonesTestsOnSqlite(OutcomesSqliteApi api) : MilestonesTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class MilestonesTestsOnPostgres(OutcomesPostgresApi api) : MilestonesTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class MilestonesTestsOnSqlServer(OutcomesSqlServerApi api) : MilestonesTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
