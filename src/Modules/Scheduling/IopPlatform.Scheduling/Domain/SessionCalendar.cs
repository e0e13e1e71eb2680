using System.Globalization;
using IopPlatform.BuildingBlocks.Time;

namespace IopPlatform.Scheduling.Domain;

/// <summary>One rule of a group's weekly recurrence, valid for a range of local dates.</summary>
internal sealed record RecurrenceRule(DateOnly ValidFrom, DateOnly? ValidUntil, IReadOnlySet<DayOfWeek> Days, TimeOnly Start, TimeOnly End)
{
    public bool Covers(DateOnly date) => date >= ValidFrom && (ValidUntil is null || date <= ValidUntil) && Days.Contains(date.DayOfWeek);
}

/// <summary>A session the recurrence produces: its local date and its instants.</summary>
internal readonly record struct Occurrence(DateOnly LocalDate, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// Wall-clock time at a site ⇄ UTC instants. A group meets at local time (18:00 stays 18:00 across a DST change), so
/// every occurrence is converted on its own date with the zone's rules of that date.
/// </summary>
internal static class SessionCalendar
{
    /// <summary>The UTC instant of a local date and time at the site (gaps and overlaps: see <see cref="ZonedTime.ToUtc"/>).</summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone) => ZonedTime.ToUtc(date, time, zone);

    /// <summary>The local date of an instant at the site.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => ZonedTime.LocalDate(instant, zone);

    /// <summary>Occurrences on local dates <paramref name="from"/>..<paramref name="to"/> (inclusive), in date order.</summary>
    public static IEnumerable<Occurrence> Expand(IReadOnlyList<RecurrenceRule> rules, DateOnly from, DateOnly to, TimeZoneInfo zone)
    {
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            var rule = rules.FirstOrDefault(r => r.Covers(date));
            if (rule is not null)
            {
                yield return new Occurrence(date, ToUtc(date, rule.Start, zone), ToUtc(date, rule.End, zone));
            }
        }
    }

    /// <summary>Monday of an ISO week and the UTC instants bounding that local week [start, end).</summary>
    public static (DateOnly Monday, DateTimeOffset From, DateTimeOffset To) IsoWeek(int isoYear, int isoWeek, TimeZoneInfo zone)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(isoYear, isoWeek, DayOfWeek.Monday));
        return (monday, ToUtc(monday, TimeOnly.MinValue, zone), ToUtc(monday.AddDays(7), TimeOnly.MinValue, zone));
    }

    public static TimeZoneInfo? FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>Days as stored: lower-case English names joined by commas, Monday first.</summary>
    public static string FormatDays(IEnumerable<DayOfWeek> days) =>
        string.Join(',', days.Distinct().OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString().ToLowerInvariant()));

    public static IReadOnlySet<DayOfWeek> ParseDays(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => Enum.Parse<DayOfWeek>(d, ignoreCase: true)).ToHashSet();

    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        return !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            && Enum.TryParse(text, ignoreCase: true, out day) && Enum.IsDefined(day);
    }
}
