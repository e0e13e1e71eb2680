using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Declares the ProblemDetails responses every protected operation can give, so integrators see them without each
/// endpoint repeating them.
/// </summary>
internal sealed class StandardProblemResponses : IOperationFilter
{
    private static readonly (string Status, string Description)[] Always =
    [
        ("401", "No valid API key or bearer token."),
        ("403", "The caller's role (or a patient's consent) does not allow this."),
        ("429", "Too many requests from this client; retry after the Retry-After seconds."),
        ("500", "Unexpected error; the body carries a traceId and no internals."),
    ];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var anonymous = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        var schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
        operation.Responses ??= [];
        foreach (var (status, description) in Always)
        {
            if (anonymous && status is "401" or "403")
            {
                continue;
            }
            if (!operation.Responses.ContainsKey(status))
            {
                operation.Responses[status] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Schema = schema },
                    },
                };
            }
        }
    }
}
