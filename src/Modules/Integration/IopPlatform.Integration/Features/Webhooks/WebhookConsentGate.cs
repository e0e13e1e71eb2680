using System.Data.Common;
using IopPlatform.Enrollment.Contracts;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>
/// Webhooks pass the same disclosure door as API reads: when an event is queued, again right before every attempt
/// (a revocation, expiry or end of treatment in between withholds it), and after a partner's server took the payload
/// (the accounting entry). An event of a patient-data type that names no patient is never sent to partners.
/// </summary>
internal sealed class WebhookConsentGate(IMediator mediator, IDbConnectionFactory db, TimeProvider clock)
{
    public const string Withheld = "withheld";

    private const string Withhold = """
        UPDATE integration_webhook_delivery SET status = 'withheld', last_error = @Why, version = version + 1
        WHERE id = @Id AND status = 'pending'
        """;

    private const string PendingOfPatient = """
        SELECT d.id, d.event_id AS EventId, d.event_type AS EventType, d.patient_id AS PatientId, s.api_client_id AS ApiClientId
        FROM integration_webhook_delivery d JOIN integration_webhook_subscription s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.patient_id = @PatientId
        """;

    /// <summary>The door's answer for one delivery of one event to one partner; allowed without a consent only when the event carries no patient data.</summary>
    public async Task<DisclosureDecision> DecideAsync(string eventType, Guid? patientId, Guid apiClientId, CancellationToken ct)
    {
        if (!WebhookEventTypes.Category.TryGetValue(eventType, out var category))
        {
            return new DisclosureDecision(true, null);
        }
        if (patientId is not { } patient)
        {
            return new DisclosureDecision(false, null);
        }
        return await mediator.Send(new DiscloseRecordsCommand(patient, category, []) { RecipientApiClientId = apiClientId, At = clock.GetUtcNow() }, ct);
    }

    /// <summary>Adds the §2.32 notice and the consent's scope to a delivery that carries a patient's records.</summary>
    public static void AddNotice(HttpRequestMessage message, DisclosureDecision decision)
    {
        if (decision.ConsentId is null)
        {
            return;
        }
        message.Headers.Add(DisclosureHeaders.Notice, DisclosureHeaders.NoticeText);
        message.Headers.Add(DisclosureHeaders.ConsentScope, decision.ConsentScope);
    }

    /// <summary>Enters a delivered event in the patient's accounting, judged at the instant it was decided.</summary>
    public async Task AccountAsync(string eventType, Guid eventId, Guid? patientId, Guid apiClientId, DisclosureDecision decision, DateTimeOffset decidedAt, CancellationToken ct)
    {
        if (decision.ConsentId is null || patientId is not { } patient || !WebhookEventTypes.Category.TryGetValue(eventType, out var category))
        {
            return;
        }
        await mediator.Send(new DiscloseRecordsCommand(patient, category, [$"event/{eventType}/{eventId}"]) { RecipientApiClientId = apiClientId, At = decidedAt }, ct);
    }

    public static Task WithholdAsync(DbConnection connection, Guid deliveryId, string why, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(Withhold, new { Id = deliveryId, Why = why }, cancellationToken: ct));

    /// <summary>After <c>consent.revoked</c>: every delivery still queued for the patient that no consent covers any more is withheld now, retries included.</summary>
    public async Task WithholdRefusedAsync(Guid patientId, CancellationToken ct)
    {
        List<PendingDelivery> pending;
        await using (var connection = await db.OpenAsync(ct))
        {
            pending = (await connection.QueryAsync<PendingDelivery>(new CommandDefinition(PendingOfPatient, new { PatientId = patientId }, cancellationToken: ct))).AsList();
        }
        var refused = new List<Guid>();
        foreach (var delivery in pending)
        {
            if (!(await DecideAsync(delivery.EventType, delivery.PatientId, delivery.ApiClientId, ct)).Allowed)
            {
                refused.Add(delivery.Id);
            }
        }
        await using var writer = await db.OpenAsync(ct);
        foreach (var id in refused)
        {
            await WithholdAsync(writer, id, "Consent revoked: no consent in force covers this event for this partner.", ct);
        }
    }

    private sealed class PendingDelivery
    {
        public Guid Id { get; init; }

        public Guid EventId { get; init; }

        public string EventType { get; init; } = string.Empty;

        public Guid? PatientId { get; init; }

        public Guid ApiClientId { get; init; }
    }
}
