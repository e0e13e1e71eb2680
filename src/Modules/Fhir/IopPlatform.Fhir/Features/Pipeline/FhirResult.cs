using System.Text.Json;
using Hl7.Fhir.Serialization;

namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>Writes a resource as <c>application/fhir+json</c> with Firely's serializer (never hand-made JSON).</summary>
internal sealed class FhirResult(Resource resource, int status = StatusCodes.Status200OK) : IResult
{
    public const string ContentType = "application/fhir+json";

    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public Resource Resource => resource;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = ContentType + "; charset=utf-8";
        await JsonSerializer.SerializeAsync(httpContext.Response.Body, resource, resource.GetType(), Json, httpContext.RequestAborted);
    }
}
