namespace IopPlatform.Engagement.Infrastructure;

/// <summary>Other modules' enums in the same snake_case words the API speaks (left_before_completion).</summary>
internal static class Codes
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
