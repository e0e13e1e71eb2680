namespace IopPlatform.BuildingBlocks.Data;

/// <summary>JSON text columns (rule packs, code lists, evidence) use one fixed shape, independent of the host's HTTP options.</summary>
public static class ColumnJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string? json, T fallback) =>
        string.IsNullOrWhiteSpace(json) ? fallback : JsonSerializer.Deserialize<T>(json, Options) ?? fallback;
}
