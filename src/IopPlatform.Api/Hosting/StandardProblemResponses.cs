using Microsoft.AspNetCore.Http.Metadata;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Declares, with explicit status codes (generated clients cannot type a <c>4XX</c> range), the ProblemDetails responses
/// the pipeline can give an operation without each endpoint repeating them: authentication and roles, the rate limit,
/// 404 for a resource named in the path, 400/413/415 for a body, 400 for query parameters, 412 beside 428. Every
/// 4xx/5xx response, also the ones endpoints declare, carries the ProblemDetails schema.
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
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
        var validation = context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository);
        operation.Responses ??= [];
        foreach (var (status, text) in Always)
        {
            if (anonymous && status is "401" or "403")
            {
                continue;
            }
            Add(operation, status, text, problem);
        }
        var locations = (operation.Parameters ?? []).Select(p => p.In).ToHashSet();
        if (locations.Contains(ParameterLocation.Path))
        {
            Add(operation, "404", "The resource named in the path does not exist or is not visible to the caller.", problem);
        }
        var hasBody = operation.RequestBody is not null || metadata.OfType<IAcceptsMetadata>().Any();
        if (hasBody)
        {
            Add(operation, "400", "The body is not valid JSON for this request, or a member breaks a rule (errors per member).", validation);
            Add(operation, "413", "The body is larger than the request size limit.", problem);
            Add(operation, "415", "The body is not sent as application/json (with a charset the server reads).", problem);
        }
        if (locations.Contains(ParameterLocation.Query))
        {
            Add(operation, "400", "A query parameter is malformed or out of range (errors per parameter).", validation);
        }
        if (operation.Responses.ContainsKey("428"))
        {
            Add(operation, "412", "If-Match names another version than the current one: re-read the resource and retry.", problem);
        }
        foreach (var (status, response) in operation.Responses)
        {
            if (response is OpenApiResponse concrete && status[0] is '4' or '5')
            {
                EnsureProblemContent(concrete, status == "400" ? validation : problem);
            }
        }
    }

    private static void EnsureProblemContent(OpenApiResponse response, IOpenApiSchema schema)
    {
        response.Content ??= new Dictionary<string, IOpenApiMediaType>();
        // Only the problem media type: the server never answers an error as application/json.
        foreach (var other in response.Content.Keys.Where(k => k != "application/problem+json").ToList())
        {
            response.Content.Remove(other);
        }
        response.Content.TryAdd("application/problem+json", new OpenApiMediaType { Schema = schema });
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
