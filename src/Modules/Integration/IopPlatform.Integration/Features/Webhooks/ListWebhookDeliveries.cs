using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>The delivery log of one subscription, newest first, a page at a time, optionally of one status or event type.</summary>
internal sealed record ListWebhookDeliveriesQuery(Guid SubscriptionId, int Limit, string? Cursor, string? Status = null, string? EventType = null)
    : IRequest<CursorPage<WebhookDeliveryDto>>, IAuditedRequest
{
    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "search";

    public Guid? AuditPatientId => null;
}

internal sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveriesQuery>
{
    public static readonly string[] Statuses = ["pending", "delivered", "dead", WebhookConsentGate.Withheld];

    public ListWebhookDeliveriesValidator()
    {
        RuleFor(x => x.Limit).InclusiveBetween(1, Cursor.MaxLimit).OverridePropertyName("limit");
        RuleFor(x => x.Status!).IsOneOf(Statuses).When(x => x.Status is not null).OverridePropertyName("status");
        RuleFor(x => x.EventType!).MaximumLength(100).OverridePropertyName("eventType");
    }
}

internal sealed class ListWebhookDeliveriesHandler(IDbConnectionFactory db, ISqlDialect dialect, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<ListWebhookDeliveriesQuery, CursorPage<WebhookDeliveryDto>>
{
    public async Task<CursorPage<WebhookDeliveryDto>> Handle(ListWebhookDeliveriesQuery request, CancellationToken cancellationToken)
    {
        var before = Cursor.Decode(request.Cursor);
        audit.Resource($"webhook-subscription/{request.SubscriptionId}");
        await using var connection = await db.OpenAsync(cancellationToken);
        await WebhookDeliveryLog.RequireSubscriptionAsync(connection, caller, request.SubscriptionId, cancellationToken);
        var sql = $"""
            SELECT {WebhookDeliveryLog.DeliveryColumns} {WebhookDeliveryLog.FromDeliveries}
            WHERE d.subscription_id = @SubscriptionId
              {(before is null ? string.Empty : "AND d.id < @Before")}
              {(request.Status is null ? string.Empty : "AND d.status = @Status")}
              {(request.EventType is null ? string.Empty : "AND d.event_type = @EventType")}
            ORDER BY d.id DESC {dialect.Limit("@Take")}
            """;
        var rows = (await connection.QueryAsync<WebhookDeliveryLog.DeliveryRow>(new CommandDefinition(
            sql, new { request.SubscriptionId, Before = before, request.Status, request.EventType, Take = request.Limit + 1 }, cancellationToken: cancellationToken))).AsList();
        var page = Cursor.Page(rows, request.Limit, d => d.Id);
        var items = page.Items.Count == 0 ? [] : await WebhookDeliveryLog.WithAttemptsAsync(connection, page.Items, cancellationToken);
        return new CursorPage<WebhookDeliveryDto>(items, page.NextCursor);
    }
}

internal static class ListWebhookDeliveriesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/webhook-subscriptions/{subscriptionId:guid}/deliveries", (Guid subscriptionId, IMediator mediator, CancellationToken ct,
                    int limit = Cursor.DefaultLimit, string? cursor = null, string? status = null, string? eventType = null) =>
                mediator.Send(new ListWebhookDeliveriesQuery(subscriptionId, limit, cursor, status, eventType), ct))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("The log names event ids and types, never a patient or a payload; a partner sees its own subscriptions only.")
            .WithName("ListWebhookDeliveries")
            .WithSummary("A subscription's delivery log (admin, partner: its own)")
            .WithDescription("Every delivery of the subscription, newest first, with every attempt: when, the HTTP status the receiver answered, latency, " +
                             "error and when the next retry is due. Filter with status (pending, delivered, dead, withheld) and eventType. A withheld " +
                             "delivery was refused at the consent door when queued or before an attempt (revoked, expired or ended consent; an event " +
                             "naming no patient) and never reached the partner: withheldReason says why. No payloads and no patient ids are listed. " +
                             "A partner sees only its own subscriptions (another's is a 404).")
            .Produces<CursorPage<WebhookDeliveryDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
