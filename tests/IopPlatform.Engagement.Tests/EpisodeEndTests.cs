using System.Net;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>A discharge resolves the episode's engagement alerts (with history and outbox), never its safety alert.</summary>
public abstract class EpisodeEndTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed record AlertState(string RuleCode, string Status, string? Resolution, string? OpenKey);

    [Fact]
    public async Task Discharge_resolves_engagement_alerts_but_keeps_the_safety_alert_open()
    {
        var (programId, groupId) = await ProgramWithDailyGroup();
        var leaving = await ActiveEnrollment(programId, "Rowan", "cm-e");
        var sessions = await Sessions(groupId);
        Api.Clock.SetUtcNow(sessions[1].EndsAt.AddHours(3));
        await FlagMissedSessions();
        await (await Clinician().PostJson($"/api/v1/enrollments/{leaving.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 } }))
            .Read<IdOnly>(HttpStatusCode.Created);
        await (await Supervisor().PostAsync($"/api/v1/programs/{programId}/drift-scan", null, Ct)).Read<DriftScanResultDto>();
        var before = await States(leaving.Id);
        Assert.Contains(before, a => a.RuleCode == DriftRuleCodes.Safety && a.Status == "open");
        var engagementOpen = before.Count(a => a.RuleCode != DriftRuleCodes.Safety && a.Status == "open");
        Assert.True(engagementOpen >= 2, $"expected the no-show task and a drift alert, found {engagementOpen}");

        var current = await (await Clinician().GetAsync($"/api/v1/enrollments/{leaving.Id}", Ct)).Read<EnrollmentDto>();
        var discharged = await Post(Clinician(), $"/api/v1/enrollments/{leaving.Id}/discharge", current.Version, new { reason = "left_before_completion", note = "moved away" });
        Assert.Equal(HttpStatusCode.OK, discharged.StatusCode);

        var after = await States(leaving.Id);
        Assert.All(after.Where(a => a.RuleCode != DriftRuleCodes.Safety), a =>
        {
            Assert.Equal("resolved", a.Status);
            Assert.Equal("episode_ended: discharged (left_before_completion)", a.Resolution);
            Assert.Null(a.OpenKey);
        });
        Assert.Equal("open", after.Single(a => a.RuleCode == DriftRuleCodes.Safety).Status);
        Assert.Equal(engagementOpen, await Count(
            "SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.resolved' AND patient_id = @PatientId", new { leaving.PatientId }));
    }

    private Task<List<AlertState>> States(Guid enrollmentId) =>
        Rows<AlertState>("SELECT rule_code AS RuleCode, status, resolution, open_key AS OpenKey FROM engagement_alert WHERE enrollment_id = @EnrollmentId", new { EnrollmentId = enrollmentId });
}

public sealed class EpisodeEndSqliteTests(AlertsSqliteApi api) : EpisodeEndTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class EpisodeEndPostgresTests(AlertsPostgresApi api) : EpisodeEndTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class EpisodeEndSqlServerTests(AlertsSqlServerApi api) : EpisodeEndTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
