using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>A delivery due for an attempt, with its subscription's target and signing secrets.</summary>
internal sealed class DueWebhookDelivery
{
    /// <summary>Columns of <c>integration_webhook_delivery d JOIN integration_webhook_subscription s</c>.</summary>
    public const string Columns = """
        d.id, d.event_id AS EventId, d.event_type AS EventType, d.payload, d.occurred_at AS OccurredAt, d.attempts, d.created_at AS CreatedAt,
        d.retry_from AS RetryFrom, d.version, s.url, s.secret, d.patient_id AS PatientId, s.api_client_id AS ApiClientId
        """;

    public Guid Id { get; init; }

    public Guid EventId { get; init; }

    public string EventType { get; init; } = string.Empty;

    public string Payload { get; init; } = "{}";

    public DateTimeOffset OccurredAt { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RetryFrom { get; init; }

    public int Version { get; init; }

    public string Url { get; init; } = string.Empty;

    public string Secret { get; init; } = string.Empty;

    public Guid? PatientId { get; init; }

    public Guid ApiClientId { get; init; }
}

/// <summary>How one attempt ended: <c>delivered</c>, <c>failed</c> or <c>withheld</c>.</summary>
internal sealed record WebhookAttemptResult(string Outcome, int? StatusCode, string? Error, int DurationMs, DateTimeOffset AttemptedAt, DateTimeOffset? NextAttemptAt);

/// <summary>
/// One attempt at one delivery, the same for the dispatcher, a redelivery and a test event: claim the row (so two servers
/// never POST it at once), ask the consent door again, POST the signed event, then record the attempt and the delivery's
/// new state in one transaction. A delivery fails for good (<c>dead</c>) once its retry window is over, or at once when
/// it is not retried (a test event).
/// </summary>
internal sealed class WebhookAttempt(
    TimeProvider clock, IHttpClientFactory http, WebhookOptions webhooks, WebhookTargetPolicy targets, WebhookConsentGate consent, ILogger<WebhookAttempt> logger)
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    private const string Claim = "UPDATE integration_webhook_delivery SET next_attempt_at = @Lease, version = version + 1 WHERE id = @Id AND version = @Version AND status = 'pending'";

    private const string Finish = """
        UPDATE integration_webhook_delivery SET status = @Status, attempts = @Attempts, next_attempt_at = @Next, last_status_code = @Code, last_error = @Error,
               delivered_at = @DeliveredAt, version = version + 1
        WHERE id = @Id
        """;

    private const string InsertAttempt = """
        INSERT INTO integration_webhook_attempt (id, delivery_id, attempt, attempted_at, status_code, error, duration_ms, outcome, next_attempt_at)
        VALUES (@Id, @DeliveryId, @Attempt, @AttemptedAt, @StatusCode, @Error, @DurationMs, @Outcome, @NextAttemptAt)
        """;

    private const string WithheldNow = "No consent in force covers this event for this partner any more.";

    /// <summary>The body partners receive: the event type, when it happened, and its payload (ids and minimal data).</summary>
    public static string Body(string eventType, DateTimeOffset occurredAt, string payload) =>
        $"{{\"type\":{JsonSerializer.Serialize(eventType)},\"timestamp\":{JsonSerializer.Serialize(occurredAt.ToUniversalTime())},\"data\":{payload}}}";

    /// <summary>Null when another server claimed the delivery first.</summary>
    public async Task<WebhookAttemptResult?> RunAsync(DbConnection connection, DueWebhookDelivery delivery, bool retried, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(delivery);
        if (await connection.ExecuteAsync(new CommandDefinition(Claim, new { delivery.Id, delivery.Version, Lease = clock.GetUtcNow().AddMinutes(5) }, cancellationToken: ct)) == 0)
        {
            return null;
        }
        var attempt = delivery.Attempts + 1;
        var decidedAt = clock.GetUtcNow();
        var decision = await consent.DecideAsync(delivery.EventType, delivery.PatientId, delivery.ApiClientId, ct);
        if (!decision.Allowed)
        {
            var withheld = new WebhookAttemptResult(WebhookConsentGate.Withheld, null, WithheldNow, 0, decidedAt, null);
            await RecordAsync(connection, delivery.Id, attempt, withheld, ct);
            return withheld;
        }
        var timestamp = clock.GetUtcNow();
        var body = Body(delivery.EventType, delivery.OccurredAt, delivery.Payload);
        int? code = null;
        // Re-checked on every attempt: a subscription stored before a policy change (or before this check existed) is
        // not sent; the connection's own check covers the addresses.
        var error = targets.RefuseUrl(delivery.Url);
        var watch = Stopwatch.StartNew();
        if (error is null)
        {
            try
            {
                var client = http.CreateClient(DispatchOutboxHandler.HttpClientName);
                client.Timeout = TimeSpan.FromSeconds(webhooks.TimeoutSeconds);
                using var message = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                var id = delivery.EventId.ToString();
                message.Headers.Add(WebhookSigner.IdHeader, id);
                message.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                message.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(delivery.Secret, id, timestamp, body));
                WebhookConsentGate.AddNotice(message, decision);
                using var response = await client.SendAsync(message, ct);
                code = (int)response.StatusCode;
                // The partner's server received the payload, whatever it answered: that is the disclosure.
                await consent.AccountAsync(delivery.EventType, delivery.EventId, delivery.PatientId, delivery.ApiClientId, decision, decidedAt, ct);
                if (!response.IsSuccessStatusCode)
                {
                    error = $"HTTP {code}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            }
        }
        watch.Stop();
        var finishedAt = clock.GetUtcNow();
        var ok = error is null;
        var dead = !ok && (!retried || finishedAt - (delivery.RetryFrom ?? delivery.CreatedAt) >= TimeSpan.FromHours(webhooks.RetryHours));
        var backoff = TimeSpan.FromMinutes(Math.Min(Math.Pow(2, attempt - 1), webhooks.MaxBackoffMinutes));
        var result = new WebhookAttemptResult(ok ? Delivered : Failed, code, error, (int)watch.ElapsedMilliseconds, timestamp, ok || dead ? null : finishedAt + backoff);
        await RecordAsync(connection, delivery.Id, attempt, result, ct);
        if (!ok)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} attempt {Attempt} failed: {Error}{Dead}", delivery.Id, attempt, error, dead ? " (dead-lettered)" : string.Empty);
        }
        return result;
    }

    private async Task RecordAsync(DbConnection connection, Guid deliveryId, int attempt, WebhookAttemptResult result, CancellationToken ct)
    {
        var finishedAt = clock.GetUtcNow();
        var status = result.Outcome switch
        {
            Delivered => Delivered,
            WebhookConsentGate.Withheld => WebhookConsentGate.Withheld,
            _ => result.NextAttemptAt is null ? "dead" : "pending",
        };
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertAttempt, new
        {
            Id = Guid.CreateVersion7(),
            DeliveryId = deliveryId,
            Attempt = attempt,
            result.AttemptedAt,
            result.StatusCode,
            result.Error,
            result.DurationMs,
            result.Outcome,
            result.NextAttemptAt,
        }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Finish, new
        {
            Id = deliveryId,
            Status = status,
            Attempts = attempt,
            Next = result.NextAttemptAt ?? finishedAt,
            Code = result.StatusCode,
            result.Error,
            DeliveredAt = result.Outcome == Delivered ? finishedAt : (DateTimeOffset?)null,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }
}
