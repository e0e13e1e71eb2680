using IopPlatform.BuildingBlocks.Audit;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>How many dead deliveries were queued again.</summary>
/// <param name="Queued">Deliveries queued; the dispatcher sends them within a minute.</param>
internal sealed record RedeliveredWebhooksDto(int Queued);

/// <summary>Queues again every dead delivery of a subscription first queued in [from, to), e.g. after the partner's outage.</summary>
/// <param name="From">Start of the range (inclusive, UTC).</param>
/// <param name="To">End of the range (exclusive, UTC); at most 31 days after from.</param>
internal sealed record RedeliverFailedWebhooksRequest(DateTimeOffset? From, DateTimeOffset? To);

internal sealed record RedeliverFailedWebhooksCommand(Guid SubscriptionId, DateTimeOffset? From, DateTimeOffset? To) : IRequest<RedeliveredWebhooksDto>, IAuditedRequest
{
    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class RedeliverFailedWebhooksValidator : AbstractValidator<RedeliverFailedWebhooksCommand>
{
    public RedeliverFailedWebhooksValidator()
    {
        RuleFor(x => x.From).NotNull().OverridePropertyName("from");
        RuleFor(x => x.To).NotNull().OverridePropertyName("to");
        RuleFor(x => x.To).GreaterThan(x => x.From).When(x => x.From is not null && x.To is not null).OverridePropertyName("to").WithMessage("'to' must be after 'from'.");
        RuleFor(x => x.To).Must((x, to) => to - x.From <= TimeSpan.FromDays(31)).When(x => x.From is not null && x.To is not null)
            .OverridePropertyName("to").WithMessage("The range may span at most 31 days.");
    }
}

internal sealed class RedeliverFailedWebhooksHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<RedeliverFailedWebhooksCommand, RedeliveredWebhooksDto>
{
    private const string Requeue = """
        UPDATE integration_webhook_delivery SET status = 'pending', next_attempt_at = @Now, retry_from = @Now, version = version + 1
        WHERE subscription_id = @SubscriptionId AND status = 'dead' AND created_at >= @From AND created_at < @To
        """;

    public async Task<RedeliveredWebhooksDto> Handle(RedeliverFailedWebhooksCommand request, CancellationToken cancellationToken)
    {
        audit.Resource($"webhook-subscription/{request.SubscriptionId}");
        await using var connection = await db.OpenAsync(cancellationToken);
        await WebhookDeliveryLog.RequireActiveSubscriptionAsync(connection, caller, request.SubscriptionId, cancellationToken);
        var queued = await connection.ExecuteAsync(new CommandDefinition(Requeue, new
        {
            request.SubscriptionId,
            Now = clock.GetUtcNow(),
            From = request.From!.Value.ToUniversalTime(),
            To = request.To!.Value.ToUniversalTime(),
        }, cancellationToken: cancellationToken));
        return new RedeliveredWebhooksDto(queued);
    }
}

internal static class RedeliverFailedWebhooksEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/webhook-subscriptions/{subscriptionId:guid}/redeliver", async (Guid subscriptionId, RedeliverFailedWebhooksRequest body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Accepted((string?)null, await mediator.Send(new RedeliverFailedWebhooksCommand(subscriptionId, body.From, body.To), ct)))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("Queues a partner's own failed deliveries again; each one passes the consent door at its attempt.")
            .WithName("RedeliverFailedWebhooks")
            .WithSummary("Queue a time range of dead deliveries again (admin, partner: its own)")
            .WithDescription("After an outage of the partner's receiver: every dead delivery of the subscription first queued in [from, to) (at most 31 " +
                             "days) is queued again and sent by the dispatcher within a minute, each with its original webhook-id and the consent door " +
                             "asked again, then retried as a new event would be. Pending, delivered and withheld deliveries are left alone (redeliver a " +
                             "withheld one on its own). Answers 202 with the number queued.")
            .Accepts<RedeliverFailedWebhooksRequest>("application/json")
            .Produces<RedeliveredWebhooksDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
