namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>One delivery of one event to one subscription, without its payload.</summary>
internal sealed record WebhookDeliveryDto
{
    /// <summary>Delivery id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The event (also the webhook-id header).</summary>
    public required Guid EventId { get; init; }

    /// <summary>Event type.</summary>
    public required string EventType { get; init; }

    /// <summary>pending, delivered, dead, or withheld (no consent covered it when queued or at an attempt; never sent).</summary>
    public required string Status { get; init; }

    /// <summary>Attempts made.</summary>
    public required int Attempts { get; init; }

    /// <summary>HTTP status of the last attempt.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>Why the last attempt failed, or why the delivery was withheld.</summary>
    public string? LastError { get; init; }

    /// <summary>Queued (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Delivered (UTC).</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
}

/// <summary>The delivery log of one subscription, newest first, a page at a time.</summary>
internal sealed record ListWebhookDeliveriesQuery(Guid SubscriptionId, int Limit, string? Cursor) : IRequest<CursorPage<WebhookDeliveryDto>>;

internal sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveriesQuery>
{
    public ListWebhookDeliveriesValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit).OverridePropertyName("limit");
}

internal sealed class ListWebhookDeliveriesHandler(IDbConnectionFactory db, ISqlDialect dialect) : IRequestHandler<ListWebhookDeliveriesQuery, CursorPage<WebhookDeliveryDto>>
{
    public async Task<CursorPage<WebhookDeliveryDto>> Handle(ListWebhookDeliveriesQuery request, CancellationToken cancellationToken)
    {
        var before = Cursor.Decode(request.Cursor);
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM integration_webhook_subscription WHERE id = @SubscriptionId", request, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Webhook subscription", request.SubscriptionId);
        }
        var sql = $"""
            SELECT id, event_id AS EventId, event_type AS EventType, status, attempts, last_status_code AS LastStatusCode, last_error AS LastError,
                   created_at AS CreatedAt, delivered_at AS DeliveredAt
            FROM integration_webhook_delivery WHERE subscription_id = @SubscriptionId {(before is null ? string.Empty : "AND id < @Before")}
            ORDER BY id DESC {dialect.Limit("@Take")}
            """;
        var rows = await connection.QueryAsync<WebhookDeliveryDto>(new CommandDefinition(
            sql, new { request.SubscriptionId, Before = before, Take = request.Limit + 1 }, cancellationToken: cancellationToken));
        return Cursor.Page(rows.AsList(), request.Limit, d => d.Id);
    }
}

internal static class ListWebhookDeliveriesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/webhook-subscriptions/{subscriptionId:guid}/deliveries", (Guid subscriptionId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                mediator.Send(new ListWebhookDeliveriesQuery(subscriptionId, limit, cursor), ct))
            .RequireRoles(Roles.Admin)
            .WithName("ListWebhookDeliveries")
            .WithSummary("A subscription's delivery log (admin)")
            .WithDescription("Every delivery of the subscription, newest first: status (pending, delivered, dead, withheld), attempts, last HTTP status " +
                             "and error. A withheld delivery was refused at the consent door when queued or before an attempt (revoked, expired or " +
                             "ended consent; an event naming no patient) and never reached the partner. Admin only: the log tells which events happened.")
            .Produces<CursorPage<WebhookDeliveryDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
