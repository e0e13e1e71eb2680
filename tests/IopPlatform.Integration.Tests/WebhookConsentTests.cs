using System.Net;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>Webhooks pass the consent door at every attempt: a revocation stops what is queued and what waits for a retry.</summary>
public abstract class WebhookConsentTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed class DeliveryRow
    {
        public Guid EventId { get; init; }

        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }
    }

    [Fact]
    public async Task Revoking_withholds_queued_deliveries_and_pending_retries_and_nothing_more_reaches_the_partner()
    {
        await using var receiver = new WebhookReceiver();
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Rhea", "cm-1");
        var partner = await Api.PartnerClientAsync();
        var consentId = await Consent(enrollment.PatientId, partner.ClientId);
        await Run(new DispatchOutboxCommand());
        var subscription = await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/flaky", events = new[] { "enrollment.status_changed", "consent.revoked" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);

        // Put on hold: the first attempt gets a 500 and waits for its retry.
        var held = await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/hold", enrollment.Version, new { reason = "Inpatient stay" })).Read<EnrollmentDto>();
        await Run(new DispatchOutboxCommand());
        var first = Assert.Single(receiver.Requests);
        Assert.Equal(500, first.AnsweredWith);

        // Resumed: queued in Enrollment's outbox. Then the patient revokes in writing.
        await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/resume", held.Version)).Read<EnrollmentDto>();
        await (await Host.Admin().PostJson($"/api/v1/consents/{consentId}/revoke", new { revokedBy = "Rhea Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();
        Api.Clock.Advance(TimeSpan.FromMinutes(5));
        await Run(new DispatchOutboxCommand());
        Api.Clock.Advance(TimeSpan.FromHours(1));
        await Run(new DispatchOutboxCommand());

        Assert.Single(receiver.Requests);
        var deliveries = await Rows<DeliveryRow>(
            "SELECT event_id AS EventId, status, attempts FROM integration_webhook_delivery WHERE subscription_id = @Id", new { subscription.Id });
        Assert.Equal(3, deliveries.Count(d => d.Status == WebhookConsentGate.Withheld));
        Assert.Equal(1, deliveries.Single(d => d.EventId.ToString() == first.Id).Attempts);
        Assert.All(deliveries, d => Assert.Equal(WebhookConsentGate.Withheld, d.Status));
        var log = await (await Host.Admin().GetAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/deliveries", Ct)).Read<System.Text.Json.JsonElement>();
        Assert.All(log.GetProperty("items").EnumerateArray(), d => Assert.Equal("withheld", d.GetProperty("status").GetString()));
        Assert.Equal(3, log.GetProperty("items").GetArrayLength());
        // The partner reads its own log (why nothing arrived), never another partner's.
        var own = await (await partner.Http.GetAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/deliveries", Ct)).Read<CursorPage<WebhookDeliveryDto>>();
        Assert.Equal(3, own.Items.Count);
        Assert.All(own.Items, d => Assert.False(string.IsNullOrEmpty(d.WithheldReason)));
        var stranger = await Api.PartnerClientAsync();
        await (await stranger.Http.GetAsync($"/api/v1/webhook-subscriptions/{subscription.Id}/deliveries", Ct)).Problem(HttpStatusCode.NotFound);
        await (await stranger.Http.GetAsync($"/api/v1/webhook-deliveries/{own.Items[0].Id}", Ct)).Problem(HttpStatusCode.NotFound);
        await (await stranger.Http.PostAsync($"/api/v1/webhook-deliveries/{own.Items[0].Id}/redeliver", null, Ct)).Problem(HttpStatusCode.NotFound);

        // The one payload that reached the partner's server is the one disclosure accounted for.
        var accounting = await (await Host.Admin().GetAsync($"/api/v1/patients/{enrollment.PatientId}/disclosures", Ct)).ReadItems<DisclosureDto>();
        var entry = Assert.Single(accounting);
        Assert.Equal($"event/enrollment.status_changed/{first.Id}", Assert.Single(entry.Records));
        Assert.Equal("Care coordination with the patient's recovery app", entry.Purpose);
    }

    [Fact]
    public async Task A_delivered_event_carries_the_notice_and_scope_and_is_accounted_for()
    {
        await using var receiver = new WebhookReceiver();
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Noor", "cm-1");
        var partner = await Api.PartnerClientAsync();
        await Consent(enrollment.PatientId, partner.ClientId);
        await Run(new DispatchOutboxCommand());
        await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/ok", events = new[] { "enrollment.status_changed" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);

        await (await Post(Host.Admin(), $"/api/v1/enrollments/{enrollment.Id}/hold", enrollment.Version, new { reason = "Inpatient stay" })).Read<EnrollmentDto>();
        await Run(new DispatchOutboxCommand());

        var received = Assert.Single(receiver.Requests);
        Assert.Equal(RedisclosureNotice.Text, received.Notice);
        Assert.Contains("information: enrollment", received.ConsentScope, StringComparison.Ordinal);
        var entry = Assert.Single(await (await Host.Admin().GetAsync($"/api/v1/patients/{enrollment.PatientId}/disclosures", Ct)).ReadItems<DisclosureDto>());
        Assert.Equal(partner.ClientId, entry.RecipientApiClientId);
        Assert.Null(entry.PurposeOfUse);

        // A partner whose key was revoked receives nothing more, whatever its consents say.
        await using var scope = Host.Services.CreateAsyncScope();
        var gate = scope.ServiceProvider.GetRequiredService<WebhookConsentGate>();
        Assert.True((await gate.DecideAsync("enrollment.status_changed", enrollment.PatientId, partner.ClientId, Ct)).Allowed);
        await (await Host.Admin().PostAsync($"/api/v1/api-clients/{partner.ClientId}/revoke", null, Ct)).Read<System.Text.Json.JsonElement>();
        Assert.False((await gate.DecideAsync("enrollment.status_changed", enrollment.PatientId, partner.ClientId, Ct)).Allowed);
    }

    [Fact]
    public async Task An_event_of_patient_data_that_names_no_patient_goes_to_no_partner()
    {
        var partner = await Api.PartnerClientAsync();
        await using var scope = Host.Services.CreateAsyncScope();
        var gate = scope.ServiceProvider.GetRequiredService<WebhookConsentGate>();

        Assert.False((await gate.DecideAsync("alert.raised", null, partner.ClientId, Ct)).Allowed);
        Assert.False((await gate.DecideAsync("alert.raised", Guid.CreateVersion7(), partner.ClientId, Ct)).Allowed);
        Assert.True((await gate.DecideAsync("system.heartbeat", null, partner.ClientId, Ct)).Allowed);
    }
}

public sealed class WebhookConsentSqliteTests(AlertsSqliteApi api) : WebhookConsentTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class WebhookConsentPostgresTests(AlertsPostgresApi api) : WebhookConsentTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class WebhookConsentSqlServerTests(AlertsSqlServerApi api) : WebhookConsentTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
