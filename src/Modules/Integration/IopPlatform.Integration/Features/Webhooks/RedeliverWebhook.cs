using IopPlatform.BuildingBlocks.Audit;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>Sends a delivery again now: the same event and webhook-id, a new attempt, the consent door asked again.</summary>
internal sealed record RedeliverWebhookCommand(Guid DeliveryId) : IRequest<WebhookDeliveryDto>, IAuditedRequest
{
    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class RedeliverWebhookHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, WebhookAttempt attempt)
    : IRequestHandler<RedeliverWebhookCommand, WebhookDeliveryDto>
{
    // Retries start over from now: a redelivery after a partner's outage gets the whole retry window again.
    private const string Requeue = """
        UPDATE integration_webhook_delivery SET status = 'pending', next_attempt_at = @Now, retry_from = @Now, version = version + 1
        WHERE id = @Id AND status <> 'pending'
        """;


    public async Task<WebhookDeliveryDto> Handle(RedeliverWebhookCommand request, CancellationToken cancellationToken)
    {
        audit.Resource($"webhook-delivery/{request.DeliveryId}");
        await using var connection = await db.OpenAsync(cancellationToken);
        var current = await WebhookDeliveryLog.GetAsync(connection, caller, request.DeliveryId, cancellationToken);
        await WebhookDeliveryLog.RequireActiveSubscriptionAsync(connection, caller, current.SubscriptionId, cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(Requeue, new { Id = request.DeliveryId, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken)) == 0)
        {
            throw new ConflictException("The delivery is already queued; its next attempt is due at nextAttemptAt.");
        }
        var due = await WebhookDeliveryLog.DueAsync(connection, request.DeliveryId, cancellationToken);
        await attempt.RunAsync(connection, due, retried: true, cancellationToken);
        return await WebhookDeliveryLog.GetAsync(connection, caller, request.DeliveryId, cancellationToken);
    }
}

internal static class RedeliverWebhookEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/webhook-deliveries/{deliveryId:guid}/redeliver", (Guid deliveryId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new RedeliverWebhookCommand(deliveryId), ct))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("The answer is the delivery's log; the event itself goes to the partner's URL through the consent door.")
            .WithName("RedeliverWebhook")
            .WithSummary("Send a delivery again now (admin, partner: its own)")
            .WithDescription("Makes a new attempt at once and answers with the delivery and its attempts: the same event body and the same webhook-id " +
                             "(deduplicate on it), a fresh webhook-timestamp and signature. The consent door is asked again: a withheld delivery is sent " +
                             "only if a consent now covers it, and a delivered one is withheld if its consent has ended. When the attempt fails, retries " +
                             "follow as for a new event (backoff, 24 h window from now). 409 while the delivery is still pending, or when its " +
                             "subscription was deleted.")
            .Produces<WebhookDeliveryDto>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
