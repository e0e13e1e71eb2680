using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Integration.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>Creates an API client for a partner application and issues its key.</summary>
/// <param name="Name">Display name of the partner application (1–200 characters).</param>
/// <param name="Roles">Roles the key grants (admin, clinician, supervisor, case_manager, partner); usually ["partner"].</param>
internal sealed record CreateApiClientRequest(string Name, IReadOnlyList<string> Roles) : IRequest<CreatedApiClientDto>;

internal sealed class CreateApiClientValidator : AbstractValidator<CreateApiClientRequest>
{
    public CreateApiClientValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Roles).NotEmpty();
        RuleForEach(x => x.Roles)
            .Must(role => Roles.All.Contains(role, StringComparer.Ordinal))
            .WithMessage($"'{{PropertyValue}}' is not a role; use one of: {string.Join(", ", Roles.All)}.");
    }
}

internal sealed class CreateApiClientHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller)
    : IRequestHandler<CreateApiClientRequest, CreatedApiClientDto>
{
    public async Task<CreatedApiClientDto> Handle(CreateApiClientRequest request, CancellationToken cancellationToken)
    {
        var key = ApiKeys.Generate();
        var id = Guid.CreateVersion7();
        var parameters = ApiClientRow.NewClient(id, request.Name.Trim(), request.Roles, key, clock.GetUtcNow(), caller.ActorId);
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
            .WithDescription("Registers a partner application and returns its API key. The key is in this response only: " +
                             "the platform keeps just its SHA-256 hash. Send it as 'X-Api-Key: <key>' or 'Authorization: ApiKey <key>'.")
            .Accepts<CreateApiClientRequest>("application/json")
            .Produces<CreatedApiClientDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
}
