using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Integration.Tests;

public abstract class WebhookDeliveryTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed class DeliveryRow
    {
        public Guid EventId { get; init; }

        public Guid SubscriptionId { get; init; }

        public string EventType { get; init; } = string.Empty;

        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }
    }

    private static bool ValidSignature(string secret, WebhookReceiver.Received r)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(r.Signature));
    }

    [Fact]
    public async Task Events_are_signed_delivered_once_retried_after_500_withheld_without_consent_and_emailed()
    {
        await using var receiver = new WebhookReceiver();
        var (programId, groupId) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Dana", "cm-1");
        var consented = await Api.PartnerClientAsync();
        var stranger = await Api.PartnerClientAsync();
        await Consent(enrollment.PatientId, consented.ClientId, categories: ["enrollment", "attendance"]);
        var events = new[] { "alert.raised", "session.missed" };
        var subscription = await (await consented.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/flaky", events }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        var strangers = await (await stranger.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/stranger", events }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        Assert.StartsWith("whsec_", subscription.Secret, StringComparison.Ordinal);
        var problem = await (await consented.Http.PostJson("/api/v1/webhook-subscriptions", new { url = "ftp://x", events = new[] { "alert.exploded" } })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("url"));
        Assert.Null(Assert.Single(await (await consented.Http.GetAsync("/api/v1/webhook-subscriptions", Ct)).ReadItems<WebhookSubscriptionDto>()).Secret);

        // The patient misses Monday's session: session.missed (Scheduling's outbox) and alert.raised for the outreach task (Engagement's).
        var session = (await Sessions(groupId))[0];
        Api.Clock.SetUtcNow(session.EndsAt.AddHours(3));
        await FlagMissedSessions();
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE event_type = 'alert.raised' AND dispatched_at IS NULL"));

        await Run(new DispatchOutboxCommand());
        var deliveries = await Rows<DeliveryRow>("SELECT event_id AS EventId, subscription_id AS SubscriptionId, event_type AS EventType, status, attempts FROM integration_webhook_delivery");
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries.Where(d => d.SubscriptionId == strangers.Id), d => Assert.Equal(("withheld", 0), (d.Status, d.Attempts)));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM engagement_outbox WHERE dispatched_at IS NULL"));
        var firstRound = receiver.Requests.ToList();
        Assert.Equal(2, firstRound.Count);
        Assert.All(firstRound, r => Assert.Equal("/flaky", r.Path));
        Assert.All(firstRound, r => Assert.True(ValidSignature(subscription.Secret!, r), "signature does not verify"));
        var failed = Assert.Single(firstRound, r => r.AnsweredWith == 500);

        // The failed one is retried after its backoff; running the job again sends nothing twice.
        await Run(new DispatchOutboxCommand());
        Assert.Equal(2, receiver.Requests.Count);
        Api.Clock.Advance(TimeSpan.FromMinutes(2));
        await Run(new DispatchOutboxCommand());
        await Run(new DispatchOutboxCommand());
        var all = receiver.Requests.ToList();
        Assert.Equal(3, all.Count);
        Assert.Equal(failed.Id, all[2].Id);
        Assert.Equal(204, all[2].AnsweredWith);
        Assert.True(ValidSignature(subscription.Secret!, all[2]));
        deliveries = await Rows<DeliveryRow>("SELECT event_id AS EventId, subscription_id AS SubscriptionId, event_type AS EventType, status, attempts FROM integration_webhook_delivery WHERE subscription_id = @Id", new { subscription.Id });
        Assert.All(deliveries, d => Assert.Equal("delivered", d.Status));
        Assert.Equal(3, deliveries.Sum(d => d.Attempts));
        Assert.Equal(3, await Count("SELECT COUNT(*) FROM integration_webhook_attempt"));
        using (var doc = JsonDocument.Parse(all.Single(r => r.AnsweredWith == 204 && r.Body.Contains("alert.raised", StringComparison.Ordinal)).Body))
        {
            Assert.Equal("alert.raised", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal(enrollment.PatientId, doc.RootElement.GetProperty("data").GetProperty("patientId").GetGuid());
            Assert.False(doc.RootElement.GetProperty("data").TryGetProperty("basis", out _));
        }

        // The case manager's email reached the SMTP server once: minimum necessary (no name, no clinical detail), with a link.
        var mail = Assert.Single(await Api.Smtp.WaitFor(1, TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(["cm-1@clinic.test"], mail.To);
        Assert.Equal("alerts@iop.test", mail.From);
        var text = mail.Raw;
        Assert.Contains("To: cm-1@clinic.test", text, StringComparison.Ordinal);
        Assert.Contains("Subject: IOP: 1 new info alert", text, StringComparison.Ordinal);
        Assert.Contains("https://iop.test/alerts/", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Whitfield", text, StringComparison.Ordinal);
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM integration_email_outbox WHERE status = 'sent'"));
    }
}

public sealed class WebhookDeliverySqliteTests(AlertsSqliteApi api) : WebhookDeliveryTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class WebhookDeliveryPostgresTests(AlertsPostgresApi api) : WebhookDeliveryTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class WebhookDeliverySqlServerTests(AlertsSqlServerApi api) : WebhookDeliveryTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
