namespace IopPlatform.Engagement.Features.Drift;

/// <summary>JSON of rule inputs as stored on an alert.</summary>
internal static class InputsJson
{
    public static JsonElement Parse(string json) => JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json).RootElement.Clone();
}
