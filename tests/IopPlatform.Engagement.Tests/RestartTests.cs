using System.Net;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// Nothing of an alert or of a pending delivery lives only in a process: a host stopped with an open alert and a
/// webhook delivery that failed (receiver down) leaves both in the database, and the next host retries and delivers.
/// </summary>
public abstract class RestartTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi, new()
{
    private sealed class DeliveryRow
    {
        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }
    }

    [Fact]
    public async Task Open_alert_and_undelivered_webhook_survive_a_host_restart_and_are_delivered_once()
    {
        var port = WebhookReceiver.FreePort();
        var alertId = Guid.Empty;
        await AcrossRestart<TApi, TApi>(
            async first =>
            {
                var (programId, groupId) = await ProgramWithDailyGroup();
                var enrollment = await ActiveEnrollment(programId, "Dana", "cm-1");
                var partner = await first.PartnerClientAsync();
                await Consent(enrollment.PatientId, partner.ClientId);
                await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = $"http://127.0.0.1:{port}/hook", events = new[] { "alert.raised" } }))
                    .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);

                // Monday missed: the outreach alert is raised; its delivery fails because nothing listens on the port yet.
                var session = (await Sessions(groupId))[0];
                first.Clock.SetUtcNow(session.EndsAt.AddHours(3));
                await FlagMissedSessions();
                alertId = Assert.Single(await Rows<Guid>("SELECT id FROM engagement_alert WHERE enrollment_id = @Id AND status = 'open'", new { enrollment.Id }));
                await Run(new DispatchOutboxCommand());
                var failed = Assert.Single(await Rows<DeliveryRow>("SELECT status, attempts FROM integration_webhook_delivery"));
                Assert.NotEqual("delivered", failed.Status);
                Assert.Equal(1, failed.Attempts);
            },
            // A new process on the same database, after the retry backoff, with the receiver now up.
            TimeSpan.FromMinutes(5),
            async _ =>
            {
                var alert = await (await CaseManager("cm-1").GetAsync($"/api/v1/alerts/{alertId}", Ct)).Read<AlertDtoLite>();
                Assert.Equal("open", alert.Status);
                await using var receiver = new WebhookReceiver(port);
                await Run(new DispatchOutboxCommand());
                await Run(new DispatchOutboxCommand());
                var delivered = Assert.Single(receiver.Requests);
                Assert.Contains(alertId.ToString(), delivered.Body, StringComparison.Ordinal);
                Assert.Equal(204, delivered.AnsweredWith);
                var row = Assert.Single(await Rows<DeliveryRow>("SELECT status, attempts FROM integration_webhook_delivery"));
                Assert.Equal(("delivered", 2), (row.Status, row.Attempts));
            });
    }

    public sealed record AlertDtoLite(Guid Id, string Status);
}

public sealed class RestartSqliteTests(AlertsSqliteApi api) : RestartTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class RestartPostgresTests(AlertsPostgresApi api) : RestartTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class RestartSqlServerTests(AlertsSqlServerApi api) : RestartTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
