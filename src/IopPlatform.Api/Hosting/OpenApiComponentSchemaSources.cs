namespace IopPlatform.Api.Hosting;

/// <summary>
/// Adds the component schemas modules publish without an endpoint returning them (<see cref="OpenApiComponentSchemas"/>:
/// webhook payloads), so integrators find them next to the API's own. Runs before the bounds and examples filters,
/// which then treat them like every other schema.
/// </summary>
internal sealed class OpenApiComponentSchemaSources(IEnumerable<OpenApiComponentSchemas> sources) : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, json) in sources.SelectMany(s => s.SchemasByName))
        {
            document.Components.Schemas[name] = Convert(JsonNode.Parse(json)!.AsObject());
        }
    }

    private static OpenApiSchema Convert(JsonObject node)
    {
        var schema = new OpenApiSchema
        {
            Title = (string?)node["title"],
            Description = (string?)node["description"],
            Format = (string?)node["format"],
            MaxLength = (int?)node["maxLength"],
            Type = (string?)node["type"] switch
            {
                "object" => JsonSchemaType.Object,
                "integer" => JsonSchemaType.Integer,
                "number" => JsonSchemaType.Number,
                "boolean" => JsonSchemaType.Boolean,
                "array" => JsonSchemaType.Array,
                _ => JsonSchemaType.String,
            },
        };
        if (node["properties"] is JsonObject properties)
        {
            schema.Properties = properties.ToDictionary(p => p.Key, p => (IOpenApiSchema)Convert(p.Value!.AsObject()), StringComparer.Ordinal);
            schema.Required = new HashSet<string>((node["required"]?.AsArray() ?? []).Select(r => (string)r!), StringComparer.Ordinal);
            schema.AdditionalPropertiesAllowed = (bool?)node["additionalProperties"] ?? true;
        }
        return schema;
    }
}
