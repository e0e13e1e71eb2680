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
            Add(operation, status, description, schema);
        }
        // Operations without a 400 (no body or query to validate) still answer 404, 413... with a ProblemDetails.
        if (!operation.Responses.ContainsKey("400") && !operation.Responses.ContainsKey("422"))
        {
            Add(operation, "4XX", "Another client error, e.g. 404 when the resource does not exist or is not visible to the caller.", schema);
        }
    }

    private static void Add(OpenApiOperation operation, string status, string description, IOpenApiSchema schema)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }
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
