using System.Data.Common;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>One attempt at a delivery.</summary>
internal sealed record WebhookAttemptDto
{
    /// <summary>1 for the first attempt; redeliveries and retries count on.</summary>
    public required int Attempt { get; init; }

    /// <summary>When it was made (UTC); also the signed webhook-timestamp.</summary>
    public required DateTimeOffset AttemptedAt { get; init; }

    /// <summary>delivered (2xx), failed (another status, a timeout or a refused connection), or withheld (the consent door stopped it; nothing was sent).</summary>
    public required string Outcome { get; init; }

    /// <summary>HTTP status the partner's server answered; null when no answer came or nothing was sent.</summary>
    public int? ResponseStatus { get; init; }

    /// <summary>Milliseconds from sending to the answer (0 when nothing was sent).</summary>
    public required int LatencyMs { get; init; }

    /// <summary>Why it failed, or why it was withheld.</summary>
    public string? Error { get; init; }

    /// <summary>When the next retry is due (UTC); null when none follows.</summary>
    public DateTimeOffset? NextRetryAt { get; init; }
}

/// <summary>One delivery of one event to one subscription, with every attempt; the payload is not repeated here.</summary>
internal sealed record WebhookDeliveryDto
{
    /// <summary>Delivery id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The subscription it belongs to.</summary>
    public required Guid SubscriptionId { get; init; }

    /// <summary>The event: also the webhook-id header, the same on every attempt and redelivery (deduplicate on it).</summary>
    public required Guid EventId { get; init; }

    /// <summary>Event type (see GET /webhook-event-types).</summary>
    public required string EventType { get; init; }

    /// <summary>pending (queued or waiting for a retry), delivered, dead (retries exhausted), or withheld (no consent covered it; never sent).</summary>
    public required string Status { get; init; }

    /// <summary>Attempts made.</summary>
    public required int Attempts { get; init; }

    /// <summary>HTTP status of the last attempt.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>Why the last attempt failed, or why the delivery was withheld.</summary>
    public string? LastError { get; init; }

    /// <summary>Why the consent door stopped it (only when withheld).</summary>
    public string? WithheldReason { get; init; }

    /// <summary>When the event happened (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Queued (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Next attempt due (UTC), only while pending.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Delivered (UTC).</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<WebhookAttemptDto> AttemptLog { get; init; } = [];
}

/// <summary>Reads the delivery log; a partner sees only its own subscriptions' deliveries, anything else is a 404.</summary>
internal static class WebhookDeliveryLog
{
    public const string AuditCategory = "webhook";

    public const string DeliveryColumns = """
        d.id, d.subscription_id AS SubscriptionId, d.event_id AS EventId, d.event_type AS EventType, d.status, d.attempts,
        d.last_status_code AS LastStatusCode, d.last_error AS LastError, d.occurred_at AS OccurredAt, d.created_at AS CreatedAt,
        d.next_attempt_at AS NextAttemptAt, d.delivered_at AS DeliveredAt, s.api_client_id AS ApiClientId
        """;

    public const string FromDeliveries = "FROM integration_webhook_delivery d JOIN integration_webhook_subscription s ON s.id = d.subscription_id";

    private const string AttemptColumns = """
        delivery_id AS DeliveryId, attempt, attempted_at AS AttemptedAt, outcome, status_code AS ResponseStatus, duration_ms AS LatencyMs, error,
        next_attempt_at AS NextRetryAt
        """;

    /// <summary>The subscription, or a 404 unless it exists and the caller is an admin or the partner it belongs to.</summary>
    public static async Task<SubscriptionRow> RequireSubscriptionAsync(DbConnection connection, ICurrentCaller caller, Guid subscriptionId, CancellationToken ct)
    {
        var subscription = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(new CommandDefinition(
            $"SELECT {SubscriptionRow.Columns} FROM integration_webhook_subscription WHERE id = @Id", new { Id = subscriptionId }, cancellationToken: ct));
        if (subscription is null || !MaySee(caller, subscription.ApiClientId))
        {
            throw new NotFoundException("Webhook subscription", subscriptionId);
        }
        return subscription;
    }

    /// <summary>As <see cref="RequireSubscriptionAsync"/>, and 409 when the subscription was deleted (nothing is sent to it any more).</summary>
    public static async Task RequireActiveSubscriptionAsync(DbConnection connection, ICurrentCaller caller, Guid subscriptionId, CancellationToken ct)
    {
        if ((await RequireSubscriptionAsync(connection, caller, subscriptionId, ct)).Active != 1)
        {
            throw new ConflictException("The subscription was deleted; nothing is sent to it any more.");
        }
    }

    /// <summary>A delivery with its subscription's target and secret, ready for an attempt.</summary>
    public static Task<DueWebhookDelivery> DueAsync(DbConnection connection, Guid deliveryId, CancellationToken ct) =>
        connection.QuerySingleAsync<DueWebhookDelivery>(new CommandDefinition($"SELECT {DueWebhookDelivery.Columns} {FromDeliveries} WHERE d.id = @Id", new { Id = deliveryId }, cancellationToken: ct));

    public static bool MaySee(ICurrentCaller caller, Guid apiClientId) => caller.IsInRole(Roles.Admin) || caller.ApiClientId == apiClientId;

    /// <summary>The caller's delivery with its attempts, or a 404.</summary>
    public static async Task<WebhookDeliveryDto> GetAsync(DbConnection connection, ICurrentCaller caller, Guid deliveryId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} {FromDeliveries} WHERE d.id = @Id", new { Id = deliveryId }, cancellationToken: ct));
        if (row is null || !MaySee(caller, row.ApiClientId))
        {
            throw new NotFoundException("Webhook delivery", deliveryId);
        }
        return (await WithAttemptsAsync(connection, [row], ct))[0];
    }

    /// <summary>The rows as DTOs, each with its attempts (one query per page).</summary>
    public static async Task<IReadOnlyList<WebhookDeliveryDto>> WithAttemptsAsync(DbConnection connection, IReadOnlyList<DeliveryRow> rows, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        var sql = $"SELECT {AttemptColumns} FROM integration_webhook_attempt WHERE {SqlList.In("delivery_id", rows.Select(r => r.Id), "d", parameters)} ORDER BY id";
        var attempts = (await connection.QueryAsync<AttemptRow>(new CommandDefinition(sql, parameters, cancellationToken: ct)))
            .ToLookup(a => a.DeliveryId);
        return rows.Select(r => r.ToDto(attempts[r.Id].Select(a => a.ToDto()).ToList())).ToList();
    }

    internal sealed class DeliveryRow
    {
        public Guid Id { get; init; }

        public Guid SubscriptionId { get; init; }

        public Guid EventId { get; init; }

        public string EventType { get; init; } = string.Empty;

        public string Status { get; init; } = string.Empty;

        public int Attempts { get; init; }

        public int? LastStatusCode { get; init; }

        public string? LastError { get; init; }

        public DateTimeOffset OccurredAt { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset NextAttemptAt { get; init; }

        public DateTimeOffset? DeliveredAt { get; init; }

        public Guid ApiClientId { get; init; }

        public WebhookDeliveryDto ToDto(IReadOnlyList<WebhookAttemptDto> attempts) => new()
        {
            Id = Id,
            SubscriptionId = SubscriptionId,
            EventId = EventId,
            EventType = EventType,
            Status = Status,
            Attempts = Attempts,
            LastStatusCode = LastStatusCode,
            LastError = LastError,
            WithheldReason = Status == WebhookConsentGate.Withheld ? LastError ?? "No consent in force covered this event for this partner." : null,
            OccurredAt = OccurredAt,
            CreatedAt = CreatedAt,
            NextAttemptAt = Status == "pending" ? NextAttemptAt : null,
            DeliveredAt = DeliveredAt,
            AttemptLog = attempts,
        };
    }

    private sealed class AttemptRow
    {
        public Guid DeliveryId { get; init; }

        public int Attempt { get; init; }

        public DateTimeOffset AttemptedAt { get; init; }

        public string? Outcome { get; init; }

        public int? ResponseStatus { get; init; }

        public int LatencyMs { get; init; }

        public string? Error { get; init; }

        public DateTimeOffset? NextRetryAt { get; init; }

        public WebhookAttemptDto ToDto() => new()
        {
            Attempt = Attempt,
            AttemptedAt = AttemptedAt,
            Outcome = Outcome ?? (Error is null ? WebhookAttempt.Delivered : WebhookAttempt.Failed),
            ResponseStatus = ResponseStatus,
            LatencyMs = LatencyMs,
            Error = Error,
            NextRetryAt = NextRetryAt,
        };
    }
}
