using IopPlatform.Scheduling.Domain;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Rules;

public sealed class SessionCalendarTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static RecurrenceRule Rule(DateOnly from, DateOnly? until, TimeOnly start, TimeOnly end, params DayOfWeek[] days) =>
        new(from, until, days.ToHashSet(), start, end);

    [Fact]
    public void Evening_group_stays_at_18_local_across_the_new_york_spring_change()
    {
        var rule = Rule(new DateOnly(2026, 3, 2), null, new TimeOnly(18, 0), new TimeOnly(21, 0), DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Thursday);

        var sessions = SessionCalendar.Expand([rule], new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 15), NewYork).ToList();

        Assert.Equal(
            [new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 11), new DateOnly(2026, 3, 12)],
            sessions.Select(s => s.LocalDate));
        // EST (UTC-5) before 8 March, EDT (UTC-4) after: the UTC instant moves, the wall clock does not.
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 23, 0, 0, TimeSpan.Zero), sessions[2].StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 22, 0, 0, TimeSpan.Zero), sessions[3].StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 1, 0, 0, TimeSpan.Zero), sessions[3].EndsAt);
        Assert.All(sessions, s => Assert.Equal(18, TimeZoneInfo.ConvertTime(s.StartsAt, NewYork).Hour));
    }

    [Fact]
    public void Berlin_group_moves_one_hour_earlier_in_utc_after_29_march()
    {
        var rule = Rule(new DateOnly(2026, 3, 23), null, new TimeOnly(18, 0), new TimeOnly(20, 0), DayOfWeek.Saturday, DayOfWeek.Monday);

        var sessions = SessionCalendar.Expand([rule], new DateOnly(2026, 3, 23), new DateOnly(2026, 4, 5), Berlin).ToList();

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 17, 0, 0, TimeSpan.Zero), sessions.Single(s => s.LocalDate == new DateOnly(2026, 3, 28)).StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 16, 0, 0, TimeSpan.Zero), sessions.Single(s => s.LocalDate == new DateOnly(2026, 3, 30)).StartsAt);
        Assert.All(sessions, s => Assert.Equal(TimeSpan.FromHours(2), s.EndsAt - s.StartsAt));
    }

    [Fact]
    public void Time_skipped_by_the_spring_gap_moves_later_by_the_gap()
    {
        var start = SessionCalendar.ToUtc(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), NewYork);

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), start);
        Assert.Equal(new TimeOnly(3, 30), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, NewYork).DateTime));
    }

    [Fact]
    public void Ambiguous_fall_back_time_takes_the_first_occurrence()
    {
        // 1 November 2026, 01:30 happens twice in New York (EDT then EST).
        var start = SessionCalendar.ToUtc(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), NewYork);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), start);
    }

    [Fact]
    public void Session_spanning_the_fall_back_hour_lasts_an_hour_longer_than_its_wall_clock()
    {
        var start = SessionCalendar.ToUtc(new DateOnly(2026, 10, 25), new TimeOnly(1, 0), Berlin);
        var end = SessionCalendar.ToUtc(new DateOnly(2026, 10, 25), new TimeOnly(4, 0), Berlin);

        Assert.Equal(TimeSpan.FromHours(4), end - start);
    }

    [Fact]
    public void Rule_chain_switches_times_on_the_change_date_and_respects_last_date()
    {
        RecurrenceRule[] rules =
        [
            Rule(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), new TimeOnly(18, 0), new TimeOnly(21, 0), DayOfWeek.Monday, DayOfWeek.Wednesday),
            Rule(new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 18), new TimeOnly(9, 0), new TimeOnly(12, 0), DayOfWeek.Tuesday),
        ];

        var sessions = SessionCalendar.Expand(rules, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), NewYork).ToList();

        Assert.Equal([new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 17)], sessions.Select(s => s.LocalDate));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 13, 0, 0, TimeSpan.Zero), sessions[2].StartsAt);
    }

    [Theory]
    [InlineData("America/New_York", 2026, 10, "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z")] // week containing the US change
    [InlineData("Europe/Berlin", 2026, 13, "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z")] // week ending with the EU change
    [InlineData("Pacific/Auckland", 2026, 1, "2025-12-28T11:00:00Z", "2026-01-04T11:00:00Z")] // ISO week 1 starts in December
    public void Iso_week_bounds_are_local_midnights(string zoneId, int year, int week, string from, string to)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);

        var (_, start, end) = SessionCalendar.IsoWeek(year, week, zone);

        Assert.Equal(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), start);
        Assert.Equal(DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), end);
    }

    [Theory]
    [InlineData("monday", true)]
    [InlineData("Sunday", true)]
    [InlineData("1", false)]
    [InlineData("funday", false)]
    [InlineData("", false)]
    public void Day_names_parse_strictly(string text, bool ok) => Assert.Equal(ok, SessionCalendar.TryParseDay(text, out _));
}
