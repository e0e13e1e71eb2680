using System.Text.Json;
using System.Text.Json.Serialization;

namespace IopPlatform.Api.Hosting;

internal static class JsonSetup
{
    /// <summary>camelCase members, enums as snake_case strings (the domain's own words), ISO-8601 dates.</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new NormalizedDecimalConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
    }

    public static void AddJson(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => Apply(o.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Apply(o.JsonSerializerOptions));
    }
}

/// <summary>
/// Decimals in one form on every engine: PostgreSQL and SQL Server hand back a numeric(5,2) 9 as 9.00, SQLite as 9, and
/// the serializer keeps a decimal's scale. Written without trailing zeros (9, 7.5); read as the default converter does.
/// </summary>
internal sealed class NormalizedDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var value)
            ? value
            : throw new JsonException("The value is not a decimal number.");

    // Dividing by 1 at scale 28 drops the trailing zeros and nothing else.
    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
}
