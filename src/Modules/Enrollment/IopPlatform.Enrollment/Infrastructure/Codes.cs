using System.Collections.Concurrent;
using System.Text.Json;

namespace IopPlatform.Enrollment.Infrastructure;

/// <summary>Enums are stored as the same snake_case words the API speaks (on_hold, left_before_completion).</summary>
internal static class Codes
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, object>> Parsers = new();

    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string? Of<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } v ? Of(v) : null;

    public static TEnum Parse<TEnum>(string code)
        where TEnum : struct, Enum
    {
        var map = Parsers.GetOrAdd(typeof(TEnum), _ => Enum.GetValues<TEnum>().ToDictionary(v => Of(v), v => (object)v, StringComparer.Ordinal));
        return map.TryGetValue(code, out var value) ? (TEnum)value : throw new InvalidOperationException($"Unknown {typeof(TEnum).Name} code '{code}' in the database.");
    }

    public static TEnum? ParseOrNull<TEnum>(string? code)
        where TEnum : struct, Enum => code is null ? null : Parse<TEnum>(code);
}
