using System.Text.Json;
using IopPlatform.BuildingBlocks.Audit;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>An event type partners can receive.</summary>
internal sealed record WebhookEventTypeDto
{
    /// <summary>The event type (the body's <c>type</c>).</summary>
    public required string Type { get; init; }

    /// <summary>What happened.</summary>
    public required string Description { get; init; }

    /// <summary>The consent category a partner needs to receive it for a patient; null when it carries no patient data.</summary>
    public string? ConsentCategory { get; init; }

    /// <summary>Whether a subscription may list it (webhook.test is sent on request only).</summary>
    public required bool Subscribable { get; init; }

    /// <summary>JSON Schema of the body's <c>data</c>; the same schema is in the OpenAPI document at <see cref="SchemaRef"/>.</summary>
    public required JsonElement Schema { get; init; }

    /// <summary>Where the OpenAPI document holds the schema.</summary>
    public required string SchemaRef { get; init; }
}

/// <summary>Every event type the platform sends, with its payload schema.</summary>
internal sealed record ListWebhookEventTypesQuery : IRequest<IReadOnlyList<WebhookEventTypeDto>>, IAuditedRequest
{
    public string AuditCategory => WebhookDeliveryLog.AuditCategory;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class ListWebhookEventTypesHandler : IRequestHandler<ListWebhookEventTypesQuery, IReadOnlyList<WebhookEventTypeDto>>
{
    /// <summary>Component name of an event type's payload schema in the OpenAPI document.</summary>
    public static string ComponentName(string type) => "WebhookEventData." + type;

    public Task<IReadOnlyList<WebhookEventTypeDto>> Handle(ListWebhookEventTypesQuery request, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookEventTypeDto>>(WebhookEventCatalogue.All.Select(e => new WebhookEventTypeDto
        {
            Type = e.Type,
            Description = e.Description,
            ConsentCategory = e.ConsentCategory,
            Subscribable = e.Subscribable,
            Schema = JsonSerializer.SerializeToElement(e.Schema),
            SchemaRef = "#/components/schemas/" + ComponentName(e.Type),
        }).ToList());
}

internal static class ListWebhookEventTypesEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/webhook-event-types", (IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ListWebhookEventTypesQuery(), ct), (_, position) => ListPage.Key(position)))
            .RequireRoles(Roles.Admin, Roles.Partner)
            .CarriesNoPatientData("The catalogue of event types and their schemas.")
            .WithName("ListWebhookEventTypes")
            .WithSummary("Event types and their payload schemas (admin, partner)")
            .WithDescription("Every event type the platform sends to webhooks: what it means, the consent category a partner needs to receive it " +
                             "for a patient, and the JSON Schema of the body's data (also in this document's components as WebhookEventData.<type>). " +
                             "Every body is {\"type\": <event type>, \"timestamp\": <when it happened>, \"data\": <payload>}. Payloads carry ids and " +
                             "minimal data: fetch details through the API under your consent.")
            .Produces<CursorPage<WebhookEventTypeDto>>()
            .ProducesValidationProblem();
}
