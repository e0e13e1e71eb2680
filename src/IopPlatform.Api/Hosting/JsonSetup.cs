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
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
    }

    public static void AddJson(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => Apply(o.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Apply(o.JsonSerializerOptions));
    }
}
