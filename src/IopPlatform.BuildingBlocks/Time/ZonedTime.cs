namespace IopPlatform.BuildingBlocks.Time;

/// <summary>Wall-clock time in an IANA zone ⇄ UTC instants, resolved the same way by every module.</summary>
public static class ZonedTime
{
    /// <summary>
    /// The UTC instant of a local date and time in <paramref name="zone"/>. Two cases have no single answer and are
    /// resolved deterministically:
    /// a time skipped by a spring-forward gap (02:30 on the change night in New York) is read with the offset in force
    /// before the gap, so it moves later by the gap (02:30 EST = 03:30 EDT); a time that occurs twice in a
    /// fall-back overlap is taken at its first occurrence (the daylight-time offset).
    /// </summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            var before = local;
            do
            {
                before = before.AddMinutes(-15);
            }
            while (zone.IsInvalidTime(before));
            offset = zone.GetUtcOffset(before);
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The local date of an instant in <paramref name="zone"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone ?? throw new ArgumentNullException(nameof(zone))).DateTime);

    /// <summary>The zone of an IANA id, or UTC when the id is unknown to this machine.</summary>
    public static TimeZoneInfo ZoneOrUtc(string? ianaId) =>
        ianaId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone) ? zone : TimeZoneInfo.Utc;
}
