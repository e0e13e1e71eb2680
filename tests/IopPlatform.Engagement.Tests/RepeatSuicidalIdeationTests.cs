using System.Net;
using IopPlatform.BuildingBlocks.Reactions;
using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// Issue 18 item 9: every PHQ-9 whose item 9 is above zero is a safety event of its own. While an earlier safety alert is
/// open or acknowledged, a new one is raised beside it — its own <c>alert.raised</c> event and email — never merged in silently.
/// </summary>
public abstract class RepeatSuicidalIdeationTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed record SafetyRow(Guid Id, string Status, string Severity, Guid? SourceId);

    // PHQ-9 item 9 ("thoughts that you would be better off dead or of hurting yourself"), answered 0–3: Kroenke, Spitzer &
    // Williams 2001 (J Gen Intern Med 16:606–613) and the Pfizer PHQ-9 instructions — any answer above 0 needs a same-day
    // clinical assessment, whatever the total (Joint Commission NPSG.15.01.01).
    //   item 9 | new safety alert while one is acknowledged
    //   0      | no
    //   1      | yes
    //   3      | yes
    [Fact]
    public async Task A_new_item9_answer_while_a_safety_alert_is_acknowledged_raises_a_new_alert_with_its_event_and_email()
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Quinn", "cm-si");

        await Phq9(enrollment.Id, item9: 2);
        var first = Assert.Single(await SafetyAlerts(enrollment.Id));
        var dto = await (await CaseManager("cm-si").GetAsync($"/api/v1/alerts/{first.Id}", Ct)).Read<AlertDto>();
        Assert.Equal("acknowledged", (await (await Post(CaseManager("cm-si"), $"/api/v1/alerts/{first.Id}/acknowledge", dto.Version)).Read<AlertDto>()).Status);

        Api.Clock.Advance(TimeSpan.FromDays(7));
        await Phq9(enrollment.Id, item9: 0);
        Assert.Single(await SafetyAlerts(enrollment.Id));

        Api.Clock.Advance(TimeSpan.FromDays(7));
        await Phq9(enrollment.Id, item9: 1);
        Api.Clock.Advance(TimeSpan.FromDays(1));
        await Phq9(enrollment.Id, item9: 3);
        await Run(new DeliverReactions());
        await Run(new DeliverReactions());

        var alerts = await SafetyAlerts(enrollment.Id);
        Assert.Equal(3, alerts.Count);
        Assert.Equal(("acknowledged", "open", "open"), (alerts[0].Status, alerts[1].Status, alerts[2].Status));
        Assert.All(alerts, a => Assert.Equal("red", a.Severity));
        Assert.Equal(3, alerts.Select(a => a.SourceId).Distinct().Count());
        foreach (var alert in alerts)
        {
            Assert.Equal(1, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE aggregate_id = @Id AND event_type = 'alert.raised'", new { alert.Id }));
        }

        // Each raise reaches the clinician and the case manager by email once.
        await Run(new DispatchOutboxCommand());
        await Run(new DispatchOutboxCommand());
        foreach (var recipient in new[] { "clin-1", "cm-si" })
        {
            Assert.Equal(3, await Count(
                "SELECT COUNT(*) FROM integration_email_outbox e JOIN engagement_outbox o ON o.id = e.event_id JOIN engagement_alert a ON a.id = o.aggregate_id " +
                "WHERE a.enrollment_id = @Id AND a.rule_code = @Rule AND o.event_type = 'alert.raised' AND e.recipient_user_id = @Recipient",
                new { enrollment.Id, Rule = DriftRuleCodes.Safety, Recipient = recipient }));
        }
    }

    private async Task Phq9(Guid enrollmentId, int item9) =>
        await (await Clinician().PostJson($"/api/v1/enrollments/{enrollmentId}/measures", new { instrument = "phq9", administeredAt = Now.AddHours(-1), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, item9 } }))
            .Read<IdOnly>(HttpStatusCode.Created);

    private Task<List<SafetyRow>> SafetyAlerts(Guid enrollmentId) =>
        Rows<SafetyRow>("SELECT id, status, severity, source_id AS SourceId FROM engagement_alert WHERE enrollment_id = @Id AND rule_code = @Rule ORDER BY raised_at, id",
            new { Id = enrollmentId, Rule = DriftRuleCodes.Safety });
}

public sealed class RepeatSuicidalIdeationSqliteTests(AlertsSqliteApi api) : RepeatSuicidalIdeationTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class RepeatSuicidalIdeationPostgresTests(AlertsPostgresApi api) : RepeatSuicidalIdeationTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class RepeatSuicidalIdeationSqlServerTests(AlertsSqlServerApi api) : RepeatSuicidalIdeationTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
