namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>Records (or withdraws, with null) the agreement that makes a partner a TPO recipient (42 CFR §2.33(a)(2)).</summary>
/// <param name="Agreement">The business associate, covered entity or Part 2 program agreement it rests on; null withdraws it.</param>
internal sealed record SetTpoAgreementRequest(string? Agreement) : IRequest<ApiClientDto>
{
    [System.Text.Json.Serialization.JsonIgnore]
    public Guid ApiClientId { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int ExpectedVersion { get; init; }
}

internal sealed class SetTpoAgreementValidator : AbstractValidator<SetTpoAgreementRequest>
{
    public SetTpoAgreementValidator() => RuleFor(x => x.Agreement).NotEmpty().MaximumLength(500).When(x => x.Agreement is not null);
}

internal sealed class SetTpoAgreementHandler(IDbConnectionFactory db) : IRequestHandler<SetTpoAgreementRequest, ApiClientDto>
{
    private const string Select = $"SELECT {ApiClientRow.Columns} FROM integration_api_client WHERE id = @ApiClientId";

    private const string Update = """
        UPDATE integration_api_client SET tpo_agreement = @Agreement, version = version + 1
        WHERE id = @ApiClientId AND version = @ExpectedVersion
        """;

    public async Task<ApiClientDto> Handle(SetTpoAgreementRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))
                  ?? throw new NotFoundException("API client", request.ApiClientId);
        if (row.ToDto().Kind != ApiClientKinds.Partner)
        {
            throw new BadRequestException(nameof(request.Agreement), "Only a partner can be a TPO recipient; an internal system is not a recipient.");
        }
        if (await connection.ExecuteAsync(new CommandDefinition(Update, new { request.ApiClientId, request.ExpectedVersion, Agreement = request.Agreement?.Trim() }, cancellationToken: cancellationToken)) == 0)
        {
            throw new PreconditionFailedException($"API client '{request.ApiClientId}' is at version {row.Version}; reload it and retry with its ETag.");
        }
        return (await connection.QuerySingleAsync<ApiClientRow>(new CommandDefinition(Select, request, cancellationToken: cancellationToken))).ToDto();
    }
}

internal static class SetTpoAgreementEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/api-clients/{apiClientId:guid}/tpo-agreement", async (Guid apiClientId, SetTpoAgreementRequest body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var client = await mediator.Send(body with { ApiClientId = apiClientId, ExpectedVersion = ETag.RequireIfMatch(request) }, ct);
                ETag.Set(response, client.Version);
                return TypedResults.Ok(client);
            })
            .WithName("SetTpoAgreement")
            .WithSummary("Record a partner's TPO agreement (admin)")
            .WithDescription("Records the business associate, covered entity or Part 2 program agreement that lets a partner receive records under a " +
                             "treatment/payment/operations consent (42 CFR §2.33(a)(2)); { \"agreement\": null } withdraws it, and TPO consents stop " +
                             "disclosing to it at once. Partners only (400 for an internal system). If-Match required: 428 without it, 412 when stale.")
            .Accepts<SetTpoAgreementRequest>("application/json")
            .Produces<ApiClientDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
