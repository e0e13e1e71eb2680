using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using IopPlatform.BuildingBlocks.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Testing;

/// <summary>
/// The webhook payload schemas the host publishes (the event catalogue, as in its OpenAPI document), learnt when a
/// host starts, and a check of a delivered body against them: every receiver in the suite checks every body it gets.
/// Covers the keywords the catalogue uses (type, format uuid/date-time, maxLength, required, additionalProperties).
/// </summary>
public static class WebhookPayloadSchemas
{
    public const string ComponentPrefix = "WebhookEventData.";

    private static readonly ConcurrentDictionary<string, JsonObject> ByType = new(StringComparer.Ordinal);

    public static void Learn(IServiceProvider services)
    {
        foreach (var (name, json) in services.GetServices<OpenApiComponentSchemas>().SelectMany(s => s.SchemasByName))
        {
            if (name.StartsWith(ComponentPrefix, StringComparison.Ordinal))
            {
                ByType[name[ComponentPrefix.Length..]] = JsonNode.Parse(json)!.AsObject();
            }
        }
    }

    /// <summary>What is wrong with a delivered body (<c>{"type", "timestamp", "data"}</c>); empty when it matches its event type's schema.</summary>
    public static IReadOnlyList<string> Violations(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() ?? string.Empty : string.Empty;
        if (ByType.IsEmpty)
        {
            return [];
        }
        if (!ByType.TryGetValue(type, out var schema))
        {
            return [$"'{type}' is not in the event catalogue"];
        }
        if (!root.TryGetProperty("timestamp", out var timestamp) || !DateTimeOffset.TryParse(timestamp.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return [$"{type}: no timestamp"];
        }
        return root.TryGetProperty("data", out var data) ? Check(type, schema, data) : [$"{type}: no data"];
    }

    private static List<string> Check(string path, JsonObject schema, JsonElement value)
    {
        var wrong = new List<string>();
        switch ((string?)schema["type"])
        {
            case "object":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return [$"{path}: not an object"];
                }
                var properties = schema["properties"]?.AsObject() ?? [];
                foreach (var required in schema["required"]?.AsArray() ?? [])
                {
                    if (!value.TryGetProperty((string)required!, out _))
                    {
                        wrong.Add($"{path}.{required}: missing");
                    }
                }
                foreach (var property in value.EnumerateObject())
                {
                    if (properties[property.Name] is JsonObject propertySchema)
                    {
                        wrong.AddRange(Check($"{path}.{property.Name}", propertySchema, property.Value));
                    }
                    else if ((bool?)schema["additionalProperties"] == false)
                    {
                        wrong.Add($"{path}.{property.Name}: not in the schema");
                    }
                }
                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                {
                    wrong.Add($"{path}: not an integer");
                }
                break;
            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return [$"{path}: not a string"];
                }
                var text = value.GetString()!;
                var valid = (string?)schema["format"] switch
                {
                    "uuid" => Guid.TryParse(text, out _),
                    "date-time" => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
                    _ => true,
                };
                if (!valid || text.Length > ((int?)schema["maxLength"] ?? int.MaxValue))
                {
                    wrong.Add($"{path}: '{text}' does not match {schema.ToJsonString()}");
                }
                break;
        }
        return wrong;
    }
}
