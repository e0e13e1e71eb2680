using IopPlatform.BuildingBlocks.Messaging;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>Creates an API client and issues its key.</summary>
/// <param name="Name">Display name of the application (1–200 characters).</param>
/// <param name="Roles">Roles the key grants: ["partner"] for a partner; staff roles (admin, clinician, supervisor, case_manager) only for an internal system.</param>
/// <param name="Kind">partner (default): an app outside the organisation, an external recipient that sees records only under a consent; internal_system: one of the organisation's own systems.</param>
/// <param name="TpoAgreement">Partners only: the business associate / Part 2 program / covered entity agreement that lets this partner receive records under a treatment-payment-operations consent.</param>
internal sealed record CreateApiClientRequest(string Name, IReadOnlyList<string> Roles, string? Kind = null, string? TpoAgreement = null) : IRequest<CreatedApiClientDto>
{
    public string EffectiveKind => Kind ?? ApiClientKinds.Partner;
}

internal sealed class CreateApiClientValidator : AbstractValidator<CreateApiClientRequest>
{
    public CreateApiClientValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Roles).NotEmpty();
        RuleForEach(x => x.Roles)
            .IsOneOf(Roles.All)
            .WithMessage($"'{{PropertyValue}}' is not a role; use one of: {string.Join(", ", Roles.All)}.");
        RuleFor(x => x.Kind).IsOneOf(ApiClientKinds.All)
            .WithMessage($"Kind must be one of: {string.Join(", ", ApiClientKinds.All)}.").When(x => x.Kind is not null);
        RuleFor(x => x.Roles).Must(r => r.All(role => role == Roles.Partner))
            .WithMessage("A partner API client holds only the partner role; staff roles need kind 'internal_system' (one of the organisation's own systems).")
            .When(x => x.EffectiveKind == ApiClientKinds.Partner && x.Roles is { Count: > 0 });
        RuleFor(x => x.Roles).Must(r => !r.Contains(Roles.Partner, StringComparer.Ordinal))
            .WithMessage("An internal system is not a partner; give it staff roles only.")
            .When(x => x.EffectiveKind == ApiClientKinds.InternalSystem && x.Roles is not null);
        RuleFor(x => x.TpoAgreement).NotEmpty().MaximumLength(500).When(x => x.TpoAgreement is not null);
        RuleFor(x => x.TpoAgreement).Null().WithMessage("Only a partner can be a TPO recipient; an internal system is not a recipient.")
            .When(x => x.EffectiveKind == ApiClientKinds.InternalSystem);
    }
}

internal sealed class CreateApiClientHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<CreateApiClientRequest, CreatedApiClientDto>
{
    public async Task<CreatedApiClientDto> Handle(CreateApiClientRequest request, CancellationToken cancellationToken)
    {
        var key = ApiKeys.Generate();
        var id = Guid.CreateVersion7();
        var parameters = ApiClientRow.NewClient(id, request.Name.Trim(), request.Roles, request.EffectiveKind, request.TpoAgreement?.Trim(), key, clock.GetUtcNow(), caller.ActorId);
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ApiClientRow.Insert, parameters, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleAsync<ApiClientRow>(new CommandDefinition(
            $"SELECT {ApiClientRow.Columns} FROM integration_api_client WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return new CreatedApiClientDto { Client = row.ToDto(), Key = key };
    }
}

internal static class CreateApiClientEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/api-clients", async (CreateApiClientRequest body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var created = await mediator.Send(body, ct);
                ETag.Set(response, created.Client.Version);
                return TypedResults.Created($"/api/v1/api-clients/{created.Client.Id}", created);
            })
            .WithName("CreateApiClient")
            .WithSummary("Create an API client (admin)")
            .WithDescription("Registers an application and returns its API key. The key is in this response only: " +
                             "the platform keeps just its SHA-256 hash. Send it as 'X-Api-Key: <key>' or 'Authorization: ApiKey <key>'. " +
                             "kind 'partner' (default) holds only the partner role and sees a patient's records only under a consent; staff roles " +
                             "need kind 'internal_system' (the organisation's own systems). tpoAgreement makes a partner a recipient of " +
                             "treatment/payment/operations consents (42 CFR §2.33(a)(2)).")
            .Accepts<CreateApiClientRequest>("application/json")
            .Produces<CreatedApiClientDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
}
