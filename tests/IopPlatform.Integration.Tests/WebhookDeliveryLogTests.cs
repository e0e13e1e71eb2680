using System.Net;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>A partner sees every attempt of its deliveries and sends failed ones again (issue 21).</summary>
public abstract class WebhookDeliveryLogTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    /// <summary>A consenting partner subscribed to enrollment.status_changed at <paramref name="url"/>, and its patient's enrollment.</summary>
    private async Task<(PartnerClient Partner, WebhookSubscriptionDto Subscription, EnrollmentDto Enrollment, Guid ConsentId)> Subscribed(string url)
    {
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Ines", "cm-1");
        var partner = await Api.PartnerClientAsync();
        var consentId = await Consent(enrollment.PatientId, partner.ClientId);
        await Run(new DispatchOutboxCommand());
        var subscription = await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url, events = new[] { "enrollment.status_changed" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        return (partner, subscription, enrollment, consentId);
    }

    private static async Task<CursorPage<WebhookDeliveryDto>> Log(HttpClient client, Guid subscriptionId, string query = "") =>
        await (await client.GetAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries{query}", Ct)).Read<CursorPage<WebhookDeliveryDto>>();

    [Fact]
    public async Task A_receiver_failing_three_times_then_answering_shows_four_attempts_in_the_log()
    {
        await using var receiver = new WebhookReceiver { FlakyFailures = 3 };
        var (partner, subscription, enrollment, _) = await Subscribed(receiver.BaseUrl + "/flaky");
        await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/hold", enrollment.Version, new { reason = "Inpatient stay" })).Read<EnrollmentDto>();

        await Run(new DispatchOutboxCommand());
        foreach (var wait in new[] { 2, 3, 5 })
        {
            Api.Clock.Advance(TimeSpan.FromMinutes(wait));
            await Run(new DispatchOutboxCommand());
        }

        Assert.Equal(new[] { 500, 500, 500, 204 }, receiver.Requests.Select(r => r.AnsweredWith));
        Assert.Single(receiver.Requests.Select(r => r.Id).Distinct());
        var delivery = Assert.Single((await Log(partner.Http, subscription.Id)).Items);
        Assert.Equal(("delivered", 4), (delivery.Status, delivery.Attempts));
        Assert.Equal(receiver.Requests.First().Id, delivery.EventId.ToString());
        Assert.Equal(new[] { "failed", "failed", "failed", "delivered" }, delivery.AttemptLog.Select(a => a.Outcome));
        Assert.Equal(new[] { 500, 500, 500, 204 }, delivery.AttemptLog.Select(a => a.ResponseStatus ?? 0));
        Assert.Equal(new[] { 1, 2, 3, 4 }, delivery.AttemptLog.Select(a => a.Attempt));
        Assert.All(delivery.AttemptLog.Take(3), a => Assert.Equal("HTTP 500", a.Error));
        Assert.All(delivery.AttemptLog.Take(3), a => Assert.True(a.NextRetryAt > a.AttemptedAt));
        Assert.Null(delivery.AttemptLog[3].NextRetryAt);
        Assert.Equal(delivery, await (await partner.Http.GetAsync($"/api/v1/webhook-deliveries/{delivery.Id}", Ct)).Read<WebhookDeliveryDto>(), DeliveryComparer.Instance);

        // Filters: status and event type; a status that does not exist is a 400 naming it.
        Assert.Empty((await Log(partner.Http, subscription.Id, "?status=dead")).Items);
        Assert.Single((await Log(partner.Http, subscription.Id, "?status=delivered&eventType=enrollment.status_changed")).Items);
        Assert.Empty((await Log(Host.Admin(), subscription.Id, "?eventType=alert.raised")).Items);
        var problem = await (await partner.Http.GetAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/deliveries?status=lost", Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("status"));

        // Reading the log is audited like any access.
        await Host.Services.GetRequiredService<AuditTrailWriter>().FlushAsync(Ct);
        Assert.True(await Count("SELECT COUNT(*) FROM platform_audit_event WHERE data_category = 'webhook'") >= 2);
    }

    [Fact]
    public async Task A_dead_delivery_redelivered_reaches_the_receiver_with_the_same_webhook_id_and_a_range_is_queued_again()
    {
        var port = WebhookReceiver.FreePort();
        var (partner, subscription, enrollment, _) = await Subscribed($"http://127.0.0.1:{port}/ok");
        var held = await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/hold", enrollment.Version, new { reason = "Inpatient stay" })).Read<EnrollmentDto>();
        await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/resume", held.Version)).Read<EnrollmentDto>();
        var queuedFrom = Now;

        // Nothing listens: both fail, then die when the 24 h window is over.
        await Run(new DispatchOutboxCommand());
        Api.Clock.Advance(TimeSpan.FromHours(25));
        await Run(new DispatchOutboxCommand());
        var dead = (await Log(partner.Http, subscription.Id, "?status=dead")).Items;
        Assert.Equal(2, dead.Count);
        Assert.All(dead, d => Assert.Equal(2, d.Attempts));

        await using var receiver = new WebhookReceiver(port);
        var redelivered = await (await partner.Http.PostAsync($"/api/v1/webhook-deliveries/{dead[0].Id}/redeliver", null, Ct)).Read<WebhookDeliveryDto>();
        Assert.Equal(("delivered", 3), (redelivered.Status, redelivered.Attempts));
        Assert.Equal(dead[0].EventId.ToString(), Assert.Single(receiver.Requests).Id);
        Assert.Equal(204, redelivered.AttemptLog[^1].ResponseStatus);

        // Bulk: the other dead one in the range is queued and the dispatcher sends it, again under its own webhook-id.
        var tooWide = await (await partner.Http.PostJson($"/api/v1/webhook-subscriptions/{subscription.Id}/redeliver", new { from = queuedFrom.AddDays(-40), to = Now }))
            .Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(tooWide.FieldErrors("to"));
        var bulk = await (await partner.Http.PostJson($"/api/v1/webhook-subscriptions/{subscription.Id}/redeliver", new { from = queuedFrom.AddMinutes(-1), to = Now }))
            .Read<RedeliveredWebhooksDto>(HttpStatusCode.Accepted);
        Assert.Equal(1, bulk.Queued);
        await Run(new DispatchOutboxCommand());
        Assert.Equal(dead[1].EventId.ToString(), receiver.Requests.Last().Id);
        Assert.All((await Log(partner.Http, subscription.Id)).Items, d => Assert.Equal("delivered", d.Status));

        // A delivered one may be sent again (the receiver deduplicates on webhook-id).
        var again = await (await partner.Http.PostAsync($"/api/v1/webhook-deliveries/{dead[1].Id}/redeliver", null, Ct)).Read<WebhookDeliveryDto>();
        Assert.Equal(4, again.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Redelivery_asks_the_consent_door_again()
    {
        await using var receiver = new WebhookReceiver();
        var (partner, subscription, enrollment, consentId) = await Subscribed(receiver.BaseUrl + "/ok");
        await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/hold", enrollment.Version, new { reason = "Inpatient stay" })).Read<EnrollmentDto>();
        await Run(new DispatchOutboxCommand());
        var delivered = Assert.Single((await Log(partner.Http, subscription.Id)).Items);
        Assert.Equal("delivered", delivered.Status);

        await (await Host.Admin().PostJson($"/api/v1/consents/{consentId}/revoke", new { revokedBy = "Ines Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();
        var withheld = await (await partner.Http.PostAsync($"/api/v1/webhook-deliveries/{delivered.Id}/redeliver", null, Ct)).Read<WebhookDeliveryDto>();

        Assert.Equal(WebhookConsentGate.Withheld, withheld.Status);
        Assert.NotNull(withheld.WithheldReason);
        Assert.Equal(WebhookConsentGate.Withheld, withheld.AttemptLog[^1].Outcome);
        Assert.Single(receiver.Requests);
    }

    private sealed class DeliveryComparer : IEqualityComparer<WebhookDeliveryDto>
    {
        public static readonly DeliveryComparer Instance = new();

        public bool Equals(WebhookDeliveryDto? x, WebhookDeliveryDto? y) =>
            x is not null && y is not null && x with { AttemptLog = [] } == y with { AttemptLog = [] } && x.AttemptLog.SequenceEqual(y.AttemptLog);

        public int GetHashCode(WebhookDeliveryDto obj) => obj.Id.GetHashCode();
    }
}

public sealed class WebhookDeliveryLogSqliteTests(AlertsSqliteApi api) : WebhookDeliveryLogTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class WebhookDeliveryLogPostgresTests(AlertsPostgresApi api) : WebhookDeliveryLogTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class WebhookDeliveryLogSqlServerTests(AlertsSqlServerApi api) : WebhookDeliveryLogTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
