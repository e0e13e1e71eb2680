using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.Integration.Features.SmartBackend;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>Registers (replaces) the public keys an API client signs its SMART token requests with; an empty list removes them.</summary>
/// <param name="Keys">The client's JSON Web Key Set: public RSA (RS384, at least 2048 bits) or EC P-384 (ES384) keys, each with a kid; at most 10.</param>
internal sealed record SetApiClientJwksRequest(IReadOnlyList<ClientJwk> Keys) : IRequest<ApiClientDto>, IAuditedRequest
{
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid ApiClientId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int ExpectedVersion { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string AuditCategory => "api_client";

    [System.Text.Json.Serialization.JsonIgnore]
    public string AuditAction => "update";

    [System.Text.Json.Serialization.JsonIgnore]
    public Guid? AuditPatientId => null;
}

internal sealed class SetApiClientJwksValidator : AbstractValidator<SetApiClientJwksRequest>
{
    public SetApiClientJwksValidator()
    {
        RuleFor(x => x.Keys).NotNull();
        RuleFor(x => x.Keys).Must(k => k.Count <= ClientJwks.MaximumKeys)
            .WithMessage($"At most {ClientJwks.MaximumKeys} keys; remove the retired ones.").When(x => x.Keys is not null);
        RuleFor(x => x.Keys).Must(k => k.Select(j => j.Kid).Distinct(StringComparer.Ordinal).Count() == k.Count)
            .WithMessage("Each kid may appear once.").When(x => x.Keys is not null && x.Keys.All(k => k is not null));
        RuleForEach(x => x.Keys).Custom((key, context) =>
        {
            foreach (var (member, message) in ClientJwks.Problems(key))
            {
                context.AddFailure($"{context.PropertyPath}.{member}", message);
            }
        });
    }
}

internal sealed class SetApiClientJwksHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<SetApiClientJwksRequest, ApiClientDto>
{
    private const string Select = $"SELECT {ApiClientRow.Columns} FROM integration_api_client WHERE id = @ApiClientId";

    private const string Update = """
        UPDATE integration_api_client SET jwks = @Jwks, version = version + 1
        WHERE id = @ApiClientId AND version = @ExpectedVersion
        """;

    public async Task<ApiClientDto> Handle(SetApiClientJwksRequest request, CancellationToken cancellationToken)
    {
        audit.Resource(request.ApiClientId.ToString("D"));
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
                  ?? throw new NotFoundException("API client", request.ApiClientId);
        var jwks = request.Keys.Count == 0 ? null : ClientJwks.Serialize(request.Keys);
        if (await connection.ExecuteAsync(new CommandDefinition(Update, new { request.ApiClientId, request.ExpectedVersion, Jwks = jwks }, cancellationToken: cancellationToken)) == 0)
        {
            throw new PreconditionFailedException($"API client '{request.ApiClientId}' is at version {row.Version}; reload it and retry with its ETag.");
        }
        return (await connection.QuerySingleAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))).ToDto();
    }
}

internal static class SetApiClientJwksEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/api-clients/{apiClientId:guid}/jwks", async (Guid apiClientId, SetApiClientJwksRequest body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var client = await mediator.Send(body with { ApiClientId = apiClientId, ExpectedVersion = ETag.RequireIfMatch(request) }, ct);
                ETag.Set(response, client.Version);
                return TypedResults.Ok(client);
            })
            .WithName("SetApiClientJwks")
            .WithSummary("Register an API client's public keys for SMART Backend Services (admin)")
            .WithDescription("Replaces the JSON Web Key Set the client signs its token requests (POST /connect/token, private_key_jwt) with: " +
                             "{ \"keys\": [ ... ] } holding public RSA keys (RS384, at least 2048 bits) or EC P-384 keys (ES384), each with a kid, at most 10. " +
                             "A key carrying private members (d, p, q, dp, dq, qi, k) is refused. { \"keys\": [] } removes them, and the client's next token " +
                             "request is refused. Tokens already issued stay valid until they expire (at most 5 minutes) unless the client is revoked. " +
                             "If-Match required: 428 without it, 412 when stale.")
            .Accepts<SetApiClientJwksRequest>("application/json")
            .Produces<ApiClientDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
