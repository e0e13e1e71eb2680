using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>
/// A partner's test event, verified by the StandardWebhooks package (an implementation independent of our signer). The
/// package checks webhook-timestamp against the real clock, so this class runs its host's clock at the real time.
/// </summary>
public abstract class WebhookTestEventTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private static HeaderDictionary Headers(WebhookReceiver.Received received) => new()
    {
        ["webhook-id"] = received.Id,
        ["webhook-timestamp"] = received.Timestamp,
        ["webhook-signature"] = received.Signature,
    };

    private static async Task<WebhookSubscriptionDto> Subscribe(PartnerClient partner, string url) =>
        await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url, events = new[] { "enrollment.status_changed" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);

    [Fact]
    public async Task A_test_event_arrives_signed_verifies_with_the_StandardWebhooks_package_and_answers_with_its_attempt()
    {
        if (Api.Clock.GetUtcNow() < DateTimeOffset.UtcNow)
        {
            Api.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        }
        await using var receiver = new WebhookReceiver();
        var partner = await Api.PartnerClientAsync();
        var subscription = await Subscribe(partner, receiver.BaseUrl + "/ok");

        var sent = await (await partner.Http.PostAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/test", null, Ct)).Read<WebhookDeliveryDto>();

        Assert.Equal(("delivered", SendTestWebhookCommand.EventType, 1), (sent.Status, sent.EventType, sent.Attempts));
        var attempt = Assert.Single(sent.AttemptLog);
        Assert.Equal((204, "delivered"), (attempt.ResponseStatus, attempt.Outcome));
        var received = Assert.Single(receiver.Requests);
        Assert.Equal(sent.EventId.ToString(), received.Id);
        new StandardWebhook(subscription.Secret!).Verify(received.Body, Headers(received));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(WebhookSubscriptionsHandler.NewSecret()).Verify(received.Body, Headers(received)));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(subscription.Secret!).Verify(received.Body.Replace("webhook.test", "webhook.tast", StringComparison.Ordinal), Headers(received)));
        using (var body = JsonDocument.Parse(received.Body))
        {
            Assert.Equal(SendTestWebhookCommand.EventType, body.RootElement.GetProperty("type").GetString());
            // No patient data: the subscription's and the event's ids only.
            Assert.Equal(new[] { "eventId", "subscriptionId" }, body.RootElement.GetProperty("data").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        }
        Assert.Null(received.Notice);

        // A receiver that fails: the answer says so at once, and a test is not retried.
        var flaky = await Subscribe(partner, receiver.BaseUrl + "/flaky");
        var failed = await (await partner.Http.PostAsync($"/api/v1/webhook-subscriptions/{flaky.Id}/test", null, Ct)).Read<WebhookDeliveryDto>();
        Assert.Equal("dead", failed.Status);
        var failedAttempt = Assert.Single(failed.AttemptLog);
        Assert.Equal((500, "failed", "HTTP 500"), (failedAttempt.ResponseStatus, failedAttempt.Outcome, failedAttempt.Error));
        Assert.Null(failedAttempt.NextRetryAt);

        // Only the subscription's partner or an admin may send one.
        var stranger = await Api.PartnerClientAsync();
        await (await stranger.Http.PostAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/test", null, Ct)).Problem(HttpStatusCode.NotFound);
        await (await Api.ClientAs(Roles.Clinician).PostAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/test", null, Ct)).Problem(HttpStatusCode.Forbidden);
        await (await Api.Anonymous().PostAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/test", null, Ct)).Problem(HttpStatusCode.Unauthorized);
        await (await Api.Admin().PostAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/test", null, Ct)).Read<WebhookDeliveryDto>();
        Assert.Equal(2, receiver.Requests.Count(r => r.Path == "/ok"));
    }
}

public sealed class WebhookTestEventSqliteTests(AlertsSqliteApi api) : WebhookTestEventTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class WebhookTestEventPostgresTests(AlertsPostgresApi api) : WebhookTestEventTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class WebhookTestEventSqlServerTests(AlertsSqlServerApi api) : WebhookTestEventTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
