namespace IopPlatform.Enrollment.Features.Sites;

internal static class TimeZones
{
    /// <summary>IANA ids only: Windows ids would break on Linux hosts and in partner apps.</summary>
    public static bool IsIana(string? id) =>
        !string.IsNullOrWhiteSpace(id)
        && (id.Contains('/', StringComparison.Ordinal) || id == "UTC")
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)
        && !TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _);
}
