using System.Text.Json;
using IopPlatform.BuildingBlocks.Audit;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>Sends a signed <c>webhook.test</c> event (no patient data) to a subscription now and answers with the attempt.</summary>
internal sealed record SendTestWebhookCommand(Guid SubscriptionId) : IRequest<WebhookDeliveryDto>, IAuditedRequest
{
    public const string EventType = "webhook.test";

    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class SendTestWebhookHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, WebhookAttempt attempt)
    : IRequestHandler<SendTestWebhookCommand, WebhookDeliveryDto>
{
    private const string Insert = """
        INSERT INTO integration_webhook_delivery (id, event_id, subscription_id, event_type, patient_id, source, payload, occurred_at, status, attempts, next_attempt_at, created_at, version)
        VALUES (@Id, @EventId, @SubscriptionId, @EventType, NULL, 'test', @Payload, @Now, 'pending', 0, @Now, @Now, 1)
        """;


    public async Task<WebhookDeliveryDto> Handle(SendTestWebhookCommand request, CancellationToken cancellationToken)
    {
        audit.Resource($"webhook-subscription/{request.SubscriptionId}");
        await using var connection = await db.OpenAsync(cancellationToken);
        await WebhookDeliveryLog.RequireActiveSubscriptionAsync(connection, caller, request.SubscriptionId, cancellationToken);
        var id = Guid.CreateVersion7();
        var eventId = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            EventId = eventId,
            request.SubscriptionId,
            EventType = SendTestWebhookCommand.EventType,
            Payload = JsonSerializer.Serialize(new { subscriptionId = request.SubscriptionId, eventId }),
            Now = clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        var due = await WebhookDeliveryLog.DueAsync(connection, id, cancellationToken);
        // A test is one attempt: a partner fixing its receiver sends another test rather than waiting for retries.
        await attempt.RunAsync(connection, due, retried: false, cancellationToken);
        return await WebhookDeliveryLog.GetAsync(connection, caller, id, cancellationToken);
    }
}

internal static class SendTestWebhookEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/webhook-subscriptions/{subscriptionId:guid}/test", (Guid subscriptionId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new SendTestWebhookCommand(subscriptionId), ct))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("A webhook.test event carries only the subscription's and the event's ids.")
            .WithName("SendTestWebhook")
            .WithSummary("Send a signed test event now (admin, partner: its own)")
            .WithDescription("POSTs a webhook.test event (data: subscriptionId and eventId, no patient data) to the subscription's URL, signed like every " +
                             "event (webhook-id, webhook-timestamp, webhook-signature), and answers with the delivery and its one attempt: the status " +
                             "the receiver answered, latency and error. A test is not retried; it shows in the delivery log like any delivery. " +
                             "409 when the subscription was deleted.")
            .Produces<WebhookDeliveryDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
