using System.Net;
using IopPlatform.Engagement.Features.Drift;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Engagement.Tests;

/// <summary>
/// The drift job runs often and evaluates each program once per local day of its site, after the configured local time
/// (23:30 by default), never before the evening's attendance could be recorded; a missed day is caught up.
/// </summary>
public abstract class DriftScheduleTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    private sealed record RunRow(Guid ProgramId, DateOnly LocalDate);

    private Task<List<RunRow>> Runs(params Guid[] programs) =>
        Rows<RunRow>("SELECT program_id AS ProgramId, local_date AS LocalDate FROM engagement_drift_run").ContinueWith(t => t.Result.Where(r => programs.Contains(r.ProgramId)).OrderBy(r => r.LocalDate).ToList(), Ct);

    [Fact]
    public async Task Each_site_is_evaluated_once_per_local_day_after_its_drift_time()
    {
        var (chicago, _) = await ProgramWithDailyGroup();
        var site = await (await Host.Admin().PostJson("/api/v1/sites", new { name = "Harbour", timeZone = "Asia/Tokyo" })).Read<SiteDto>(HttpStatusCode.Created);
        var tokyo = (await (await Host.Admin().PostJson("/api/v1/programs", new { siteId = site.Id, name = "Tokyo IOP", levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created)).Id;
        await ActiveEnrollment(chicago, "Dana", "cm-a");
        await ActiveEnrollment(tokyo, "Ren", "cm-t");

        // Tuesday 10 March 2026 22:30 in Chicago (03:30 UTC Wednesday) is 12:30 Wednesday in Tokyo: both sites' latest day
        // past 23:30 is Monday in Chicago and Tuesday in Tokyo.
        Api.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 3, 30, 0, TimeSpan.Zero));
        await Run(new RunDueDriftScansCommand());
        await Run(new RunDueDriftScansCommand());
        Assert.Equal([new RunRow(chicago, new DateOnly(2026, 3, 9))], await Runs(chicago));
        Assert.Equal([new RunRow(tokyo, new DateOnly(2026, 3, 10))], await Runs(tokyo));

        // 23:40 in Chicago: Tuesday is due there (once, however often the job runs); Tokyo's Wednesday is not (it is 13:40 there).
        Api.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 4, 40, 0, TimeSpan.Zero));
        await Run(new RunDueDriftScansCommand());
        await Run(new RunDueDriftScansCommand());
        Assert.Equal([new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 10)], (await Runs(chicago)).Select(r => r.LocalDate));
        Assert.Single(await Runs(tokyo));

        // No server ran for two days: the next run catches up the latest due day of each site, once.
        Api.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 15, 0, 0, TimeSpan.Zero));
        await Run(new RunDueDriftScansCommand());
        Assert.Equal(new DateOnly(2026, 3, 12), (await Runs(chicago))[^1].LocalDate);
        Assert.Equal(new DateOnly(2026, 3, 13), (await Runs(tokyo))[^1].LocalDate);
    }

    [Fact]
    public async Task The_evening_run_counts_that_evenings_no_shows_even_when_the_missed_session_job_has_not_run_yet()
    {
        // Both jobs fire on the same 15-minute tick; Hangfire does not order them. The drift run marks the no-shows
        // past their grace itself first, so Tuesday's and Wednesday's misses count on Wednesday evening, not a day late.
        var (programId, groupId) = await ProgramWithDailyGroup();
        var dana = await ActiveEnrollment(programId, "Dana", "cm-a");
        var now = Api.Clock.GetUtcNow();
        var next = (await Sessions(groupId)).Where(x => x.StartsAt > now).Take(3).ToList();
        Api.Clock.SetUtcNow(next[0].EndsAt.AddHours(1));
        await Present(next[0].Id, dana.Id);

        // The second evening after, 23:30 in Chicago: its 21:00 session is just past the 2-hour grace; nothing marked it yet.
        Api.Clock.SetUtcNow(next[2].EndsAt.AddHours(2.5));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_attendance WHERE enrollment_id = @Id AND status = 'absent_unexcused'", new { dana.Id }));
        await Run(new RunDueDriftScansCommand());

        Assert.Equal(2, await Count(
            "SELECT COUNT(*) FROM scheduling_attendance WHERE enrollment_id = @Id AND status = 'absent_unexcused' AND session_id IN (@S1, @S2)",
            new { dana.Id, S1 = next[1].Id, S2 = next[2].Id }));
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM engagement_alert WHERE enrollment_id = @Id AND status = 'open' AND severity = 'amber'", new { dana.Id }));
    }

    [Theory]
    [InlineData("23:00", "2026-03-10T22:59:00-05:00", "2026-03-09")]
    [InlineData("23:00", "2026-03-10T23:00:00-05:00", "2026-03-10")]
    [InlineData("21:30", "2026-03-10T21:30:00-05:00", "2026-03-10")]
    [InlineData("00:30", "2026-03-10T00:29:00-05:00", "2026-03-09")]
    public void Due_day_is_the_latest_local_day_past_the_drift_time(string localTime, string instant, string expected)
    {
        var schedule = new DriftSchedule(TimeOnly.Parse(localTime, System.Globalization.CultureInfo.InvariantCulture), "*/15 * * * *");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.DueDay(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), zone));
    }
}

public sealed class DriftScheduleSqliteTests(AlertsSqliteApi api) : DriftScheduleTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class DriftSchedulePostgresTests(AlertsPostgresApi api) : DriftScheduleTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class DriftScheduleSqlServerTests(AlertsSqlServerApi api) : DriftScheduleTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
