using System.Security.Cryptography;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>The event types partner apps may subscribe to (<see cref="WebhookEventCatalogue"/>), with the consent category each discloses.</summary>
internal static class WebhookEventTypes
{
    public static readonly IReadOnlyDictionary<string, string> Category = WebhookEventCatalogue.All.Where(e => e.Subscribable)
        .ToDictionary(e => e.Type, e => e.ConsentCategory!, StringComparer.Ordinal);

    public static IReadOnlyList<string> All => [.. Category.Keys];
}

/// <summary>A webhook subscription; the secret is shown only when created or rotated.</summary>
internal sealed record WebhookSubscriptionDto
{
    /// <summary>Subscription id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The partner app (API client) that receives the events; its consents decide which patients' events it gets.</summary>
    public required Guid ApiClientId { get; init; }

    /// <summary>HTTPS endpoint the events are POSTed to.</summary>
    public required string Url { get; init; }

    /// <summary>Subscribed event types.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    /// <summary>False once deleted.</summary>
    public required bool Active { get; init; }

    /// <summary>Created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Signing secret (<c>whsec_…</c>, Standard Webhooks); only in the create and rotate responses.</summary>
    public string? Secret { get; init; }

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }
}

/// <summary>Subscribes a partner app to events.</summary>
/// <param name="Url">Absolute https URL receiving the POSTs, on a public host (no user-info; internal addresses only where the operator allows them).</param>
/// <param name="Events">Event types, as listed by GET /webhook-event-types.</param>
/// <param name="ApiClientId">The partner app; a partner key may omit it (its own), a staff admin must name it.</param>
internal sealed record CreateSubscriptionRequest(string Url, IReadOnlyList<string> Events, Guid? ApiClientId) : IRequest<WebhookSubscriptionDto>;

internal sealed class CreateSubscriptionValidator : AbstractValidator<CreateSubscriptionRequest>
{
    public CreateSubscriptionValidator(WebhookTargetPolicy targets)
    {
        RuleFor(x => x.Url).Cascade(CascadeMode.Stop).NotEmpty().MaximumLength(2000)
            .CustomAsync(async (url, context, ct) =>
            {
                if (await targets.RefuseAsync(url, ct) is { } refused)
                {
                    context.AddFailure(refused);
                }
            });
        RuleFor(x => x.Events).NotEmpty();
        RuleForEach(x => x.Events).Cascade(CascadeMode.Stop).NotNull().IsOneOf(WebhookEventTypes.Category.Keys)
            .WithMessage($"'{{PropertyValue}}' is not an event type; use: {string.Join(", ", WebhookEventTypes.All)}.");
    }
}

/// <summary>Lists, reads, rotates or deletes subscriptions (a partner sees its own).</summary>
/// <param name="SubscriptionId">Subscription id (null to list).</param>
/// <param name="Action"><c>list</c>, <c>get</c>, <c>rotate</c>, <c>delete</c>.</param>
internal sealed record ManageSubscriptionRequest(Guid? SubscriptionId, string Action) : IRequest<IReadOnlyList<WebhookSubscriptionDto>>;

internal sealed class SubscriptionRow
{
    public const string Columns = "id, api_client_id AS ApiClientId, url, events, secret, active, created_at AS CreatedAt, version";

    public Guid Id { get; init; }

    public Guid ApiClientId { get; init; }

    public string Url { get; init; } = string.Empty;

    public string Events { get; init; } = "[]";

    public string Secret { get; init; } = string.Empty;

    public int Active { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public int Version { get; init; }

    public IReadOnlyList<string> EventList => JsonSerializer.Deserialize<List<string>>(Events) ?? [];

    public WebhookSubscriptionDto ToDto(string? secret = null) => new()
    {
        Id = Id,
        ApiClientId = ApiClientId,
        Url = Url,
        Events = EventList,
        Active = Active == 1,
        CreatedAt = CreatedAt,
        Secret = secret,
        Version = Version,
    };
}

internal sealed class WebhookSubscriptionsHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<CreateSubscriptionRequest, WebhookSubscriptionDto>,
      IRequestHandler<ManageSubscriptionRequest, IReadOnlyList<WebhookSubscriptionDto>>
{
    private const string Insert = """
        INSERT INTO integration_webhook_subscription (id, api_client_id, url, events, secret, active, created_by, created_at, secret_rotated_at, version)
        VALUES (@Id, @ApiClientId, @Url, @Events, @Secret, 1, @CreatedBy, @CreatedAt, NULL, 1)
        """;

    private const string ClientExists = "SELECT COUNT(*) FROM integration_api_client WHERE id = @ApiClientId AND revoked_at IS NULL";

    private const string ById = $"SELECT {SubscriptionRow.Columns} FROM integration_webhook_subscription WHERE id = @Id";

    private const string Rotate = "UPDATE integration_webhook_subscription SET secret = @Secret, secret_rotated_at = @Now, version = version + 1 WHERE id = @Id";

    private const string Delete = "UPDATE integration_webhook_subscription SET active = 0, version = version + 1 WHERE id = @Id";

    /// <summary>Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task<WebhookSubscriptionDto> Handle(CreateSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var clientId = Owner(request.ApiClientId);
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(ClientExists, new { ApiClientId = clientId }, cancellationToken: cancellationToken)) == 0)
        {
            throw new BadRequestException("apiClientId", $"API client '{clientId}' does not exist or is revoked.");
        }
        var secret = NewSecret();
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = id,
            ApiClientId = clientId,
            Url = request.Url.Trim(),
            Events = JsonSerializer.Serialize(request.Events.Distinct(StringComparer.Ordinal).ToList()),
            Secret = secret,
            CreatedBy = caller.ActorId,
            CreatedAt = clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleAsync<SubscriptionRow>(new CommandDefinition(ById, new { Id = id }, cancellationToken: cancellationToken));
        return row.ToDto(secret);
    }

    public async Task<IReadOnlyList<WebhookSubscriptionDto>> Handle(ManageSubscriptionRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (request.SubscriptionId is null)
        {
            var sql = $"SELECT {SubscriptionRow.Columns} FROM integration_webhook_subscription" + (IsAdmin ? string.Empty : " WHERE api_client_id = @ClientId") + " ORDER BY id";
            return (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(sql, new { ClientId = caller.ApiClientId }, cancellationToken: cancellationToken))).Select(r => r.ToDto()).ToList();
        }
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(new CommandDefinition(ById, new { Id = request.SubscriptionId }, cancellationToken: cancellationToken));
        if (row is null || (!IsAdmin && row.ApiClientId != caller.ApiClientId))
        {
            throw new NotFoundException("Webhook subscription", request.SubscriptionId);
        }
        switch (request.Action)
        {
            case "rotate":
                var secret = NewSecret();
                await connection.ExecuteAsync(new CommandDefinition(Rotate, new { row.Id, Secret = secret, Now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
                return [(await connection.QuerySingleAsync<SubscriptionRow>(new CommandDefinition(ById, new { row.Id }, cancellationToken: cancellationToken))).ToDto(secret)];
            case "delete":
                await connection.ExecuteAsync(new CommandDefinition(Delete, new { row.Id }, cancellationToken: cancellationToken));
                return [];
            default:
                return [row.ToDto()];
        }
    }

    private bool IsAdmin => caller.IsInRole(Roles.Admin);

    private Guid Owner(Guid? requested)
    {
        if (IsAdmin)
        {
            return requested ?? caller.ApiClientId ?? throw new BadRequestException("apiClientId", "Name the partner app (API client) that receives the events.");
        }
        var own = caller.ApiClientId ?? throw new ForbiddenException("Only partner apps (API keys) and admins subscribe to webhooks.");
        if (requested is not null && requested != own)
        {
            throw new ForbiddenException("A partner app subscribes for itself only.");
        }
        return own;
    }
}

internal static class WebhookSubscriptionsEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var roles = new[] { Roles.Admin, Roles.Partner };
        group.MapPost("/webhook-subscriptions", async (CreateSubscriptionRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var created = await mediator.Send(body, ct);
                ETag.Set(response, created.Version);
                return TypedResults.Created($"/api/v1/webhook-subscriptions/{created.Id}", created);
            })
            .WithName("CreateWebhookSubscription")
            .CarriesNoPatientData("A partner's own webhook settings; events reach it only through the consent door at delivery.")
            .WithSummary("Subscribe a partner app to events (admin, partner)")
            .WithDescription("Events: " + string.Join(", ", WebhookEventTypes.All) + ". Each event is POSTed once per subscription, signed the Standard Webhooks way " +
                             "(webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>), retried with exponential backoff for 24 h, " +
                             "then dead-lettered. Events about a patient reach the partner only while a consent covers it, judged again at every attempt: a delivery refused " +
                             "(consent revoked, expired or ended; an event that names no patient) is marked withheld and never sent. Each delivered event carries " +
                             "X-Redisclosure-Notice and X-Consent-Scope and is entered in the patient's accounting of disclosures. The secret is in this response only. " +
                             "The URL must be https on a public host: user-info, loopback, private, link-local and other internal addresses are refused (400 on url), " +
                             "again at every delivery, unless the operator allow-lists them.")
            .RequireRoles(roles)
            .Accepts<CreateSubscriptionRequest>("application/json")
            .Produces<WebhookSubscriptionDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithIdempotency();

        group.MapGet("/webhook-subscriptions", (IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new ManageSubscriptionRequest(null, "list"), ct), s => ListPage.Key(s.Id)))
            .WithName("ListWebhookSubscriptions")
            .CarriesNoPatientData("A partner's own webhook settings; events reach it only through the consent door at delivery.")
            .WithSummary("List webhook subscriptions (admin: all; partner: its own)")
            .WithDescription("Subscriptions without their secrets.")
            .RequireRoles(roles)
            .Produces<CursorPage<WebhookSubscriptionDto>>()
            .ProducesValidationProblem();

        group.MapPost("/webhook-subscriptions/{subscriptionId:guid}/rotate-secret", async (Guid subscriptionId, IMediator mediator, CancellationToken ct) =>
                (await mediator.Send(new ManageSubscriptionRequest(subscriptionId, "rotate"), ct))[0])
            .WithName("RotateWebhookSecret")
            .CarriesNoPatientData("A partner's own webhook settings; events reach it only through the consent door at delivery.")
            .WithSummary("Rotate a subscription's signing secret")
            .WithDescription("Issues a new secret (shown once); deliveries from now on are signed with it.")
            .RequireRoles(roles)
            .Produces<WebhookSubscriptionDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/webhook-subscriptions/{subscriptionId:guid}", async (Guid subscriptionId, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new ManageSubscriptionRequest(subscriptionId, "delete"), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWebhookSubscription")
            .CarriesNoPatientData("A partner's own webhook settings; events reach it only through the consent door at delivery.")
            .WithSummary("Stop a subscription")
            .WithDescription("Deactivates the subscription; pending deliveries are no longer attempted.")
            .RequireRoles(roles)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}

/// <summary>Serialisation of the JSON the dispatcher reads from other modules' outboxes.</summary>
internal static class PayloadJson
{
    public static Guid? ReadGuid(string payload, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var value)
                && value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
