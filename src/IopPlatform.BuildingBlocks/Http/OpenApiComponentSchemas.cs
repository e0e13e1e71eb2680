namespace IopPlatform.BuildingBlocks.Http;

/// <summary>
/// JSON Schemas a module publishes in the OpenAPI document's components although no endpoint returns them (webhook
/// payloads). Registered as a singleton per module; the host's document filter adds every one. Keys are component
/// names; values are JSON Schema objects using type, format, maxLength, title, description, properties, required and
/// additionalProperties.
/// </summary>
public sealed record OpenApiComponentSchemas(IReadOnlyDictionary<string, string> SchemasByName);
