namespace IopPlatform.Api.Hosting;

/// <summary>
/// A nullable member of an enum or object type is written as <c>allOf: [$ref]</c> with <c>nullable: true</c> (a bare
/// <c>$ref</c> cannot say null); OpenAPI 3.0 wants a <c>type</c> beside <c>nullable</c>, so the referenced schema's
/// type is stated on the wrapper.
/// </summary>
internal sealed class OpenApiNullableReferences : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var components = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var schema in components.Values)
        {
            foreach (var property in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Values.Append(schema.Items))
            {
                if (property is OpenApiSchema { AllOf: [OpenApiSchemaReference { Reference.Id: { } id }] } wrapper
                    && (wrapper.Type ?? JsonSchemaType.Null) == JsonSchemaType.Null
                    && components.TryGetValue(id, out var target))
                {
                    wrapper.Type = (target.Type ?? JsonSchemaType.Object) | JsonSchemaType.Null;
                }
            }
        }
    }
}
