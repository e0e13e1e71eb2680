namespace IopPlatform.Api.Hosting;

/// <summary>Documents the optional <c>Idempotency-Key</c> header on endpoints marked <c>.WithIdempotency()</c>.</summary>
internal sealed class IdempotencyKeyHeaderFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IdempotentEndpointMetadata>().Any())
        {
            return;
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Idempotency.KeyHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Optional; 1–255 printable ASCII characters (a UUID is typical), unique per caller. The first response is " +
                          "stored for 24 hours and replayed for a retry with the same key and body (header Idempotency-Replayed: true). " +
                          "Same key with another body: 422. Same key while the first request still runs: 409. Without the header the " +
                          "request runs normally.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxKeyLength },
        });
    }
}
