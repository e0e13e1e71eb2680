using Microsoft.AspNetCore.Http.Metadata;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Declares the HTTP headers of the optimistic-concurrency and creation protocol as parameters and response headers,
/// so generated clients can send and read them: <c>If-Match</c> (required) on every operation whose endpoint declares
/// a 428 answer, <c>ETag</c> on 2xx responses of a versioned resource (a body with a <c>version</c>, which is what the
/// ETag carries), <c>Location</c> on every 201, and <c>Idempotency-Replayed</c> on idempotent operations' 2xx answers.
/// </summary>
internal sealed class OpenApiHttpHeaders : IOperationFilter
{
    public const string IfMatchHeader = "If-Match";

    /// <summary>What <see cref="ETag.Format"/> writes and <see cref="ETag.RequireIfMatch"/> reads (a weak prefix is tolerated).</summary>
    public const string ETagPattern = "^(W/)?\"[0-9]+\"$";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (RequiresIfMatch(metadata))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IfMatchHeader,
                In = ParameterLocation.Header,
                Required = !metadata.OfType<IfMatchWhenExistingMetadata>().Any(),
                Description = metadata.OfType<IfMatchWhenExistingMetadata>().Any()
                    ? "Leave out to create; to replace, the ETag from your last read (e.g. `\"3\"`). Missing while the resource exists: 428; another version: 412, and nothing changes."
                    : "The ETag from your last read of the resource (e.g. `\"3\"`). Missing: 428; another version: 412, and nothing changes.",
                Schema = ETagSchema(),
                Example = System.Text.Json.Nodes.JsonValue.Create("\"1\""),
            });
        }
        var idempotent = metadata.OfType<IdempotentEndpointMetadata>().Any();
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete || !status.StartsWith('2'))
            {
                continue;
            }
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (status == "201")
            {
                concrete.Headers.TryAdd("Location", new OpenApiHeader
                {
                    Description = "The URL of the created resource.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2048 },
                });
            }
            if (IsVersioned(concrete, context))
            {
                concrete.Headers.TryAdd("ETag", new OpenApiHeader
                {
                    Description = "The resource's version (its `version` member, quoted): send it back in If-Match to change the resource.",
                    Schema = ETagSchema(),
                });
            }
            if (idempotent)
            {
                concrete.Headers.TryAdd(Idempotency.ReplayedHeader, new OpenApiHeader
                {
                    Description = "`true` when this is the stored answer to an earlier request with the same Idempotency-Key (nothing ran again); absent otherwise.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
                });
            }
        }
    }

    /// <summary>The endpoint says it answers 428 when If-Match is missing: the metadata the document and tests derive from.</summary>
    public static bool RequiresIfMatch(IEnumerable<object> metadata) =>
        metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == StatusCodes.Status428PreconditionRequired);

    private static OpenApiSchema ETagSchema() => new() { Type = JsonSchemaType.String, Pattern = ETagPattern, MaxLength = 14 };

    private static bool IsVersioned(OpenApiResponse response, OperationFilterContext context)
    {
        foreach (var media in response.Content?.Values ?? [])
        {
            var schema = media.Schema switch
            {
                OpenApiSchemaReference r when r.Reference.Id is { } id && context.SchemaRepository.Schemas.TryGetValue(id, out var target) => target,
                var s => s,
            };
            if (schema?.Properties?.ContainsKey("version") == true)
            {
                return true;
            }
        }
        return false;
    }
}
