namespace IopPlatform.Api.Hosting;

/// <summary>
/// Documents the headers every API response can carry — the rate-limit headers <see cref="RateLimitHeadersMiddleware"/>
/// sends, the CORS origin for allowed browser origins, Retry-After on 429 — once as components referenced from every
/// response (new endpoints included).
/// </summary>
internal sealed class OpenApiRateLimitHeaders : IDocumentFilter
{
    private const string CorsOriginHeader = "Access-Control-Allow-Origin";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        var headers = document.Components.Headers;
        headers[RateLimitHeadersMiddleware.LimitHeader] = new OpenApiHeader
        {
            Description = "Requests this caller may make per minute (absent when rate limiting is switched off).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        headers[RateLimitHeadersMiddleware.RemainingHeader] = new OpenApiHeader
        {
            Description = "Requests left in the current one-minute window for this caller.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        headers[CorsOriginHeader] = new OpenApiHeader
        {
            Description = "The calling web page's origin, echoed only when it is listed in Cors:AllowedOrigins (none by default: server-to-server callers need no CORS).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2048 },
        };
        headers["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "60" },
        };

        foreach (var operation in OpenApiWalk.Operations(document))
        {
            foreach (var (status, response) in operation.Responses ?? new OpenApiResponses())
            {
                if (response is not OpenApiResponse concrete || !(status.StartsWith('2') || status.StartsWith('4')))
                {
                    continue;
                }
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers.TryAdd(RateLimitHeadersMiddleware.LimitHeader, new OpenApiHeaderReference(RateLimitHeadersMiddleware.LimitHeader, document));
                concrete.Headers.TryAdd(RateLimitHeadersMiddleware.RemainingHeader, new OpenApiHeaderReference(RateLimitHeadersMiddleware.RemainingHeader, document));
                concrete.Headers.TryAdd(CorsOriginHeader, new OpenApiHeaderReference(CorsOriginHeader, document));
                if (status == "429")
                {
                    concrete.Headers.TryAdd("Retry-After", new OpenApiHeaderReference("Retry-After", document));
                }
            }
        }
    }
}
