using IopPlatform.BuildingBlocks.Audit;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>One delivery with every attempt.</summary>
internal sealed record GetWebhookDeliveryQuery(Guid DeliveryId) : IRequest<WebhookDeliveryDto>, IAuditedRequest
{
    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetWebhookDeliveryHandler(IDbConnectionFactory db, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<GetWebhookDeliveryQuery, WebhookDeliveryDto>
{
    public async Task<WebhookDeliveryDto> Handle(GetWebhookDeliveryQuery request, CancellationToken cancellationToken)
    {
        audit.Resource($"webhook-delivery/{request.DeliveryId}");
        await using var connection = await db.OpenAsync(cancellationToken);
        return await WebhookDeliveryLog.GetAsync(connection, caller, request.DeliveryId, cancellationToken);
    }
}

internal static class GetWebhookDeliveryEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/webhook-deliveries/{deliveryId:guid}", (Guid deliveryId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetWebhookDeliveryQuery(deliveryId), ct))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("A delivery's log names its event id and type, never a patient or a payload.")
            .WithName("GetWebhookDelivery")
            .WithSummary("One webhook delivery with every attempt (admin, partner: its own)")
            .WithDescription("Status, the event id (the webhook-id header), and every attempt: when, response status, latency, error, next retry, or " +
                             "withheld with the reason when the consent door stopped it. A partner sees only deliveries of its own subscriptions " +
                             "(another's is a 404).")
            .Produces<WebhookDeliveryDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
