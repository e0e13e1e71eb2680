using System.Net;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Scheduling.Features.Groups;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Features;

/// <summary>These tests keep the clock at its start (Monday 2 March 2026, 09:00 UTC) so their dates are absolute.</summary>
public abstract class GroupsAndSessionsTests<TApi>(TApi api) : SchedulingTest<TApi>(api)
    where TApi : SchedulingApi
{
    private static readonly DateOnly FirstMonday = new(2026, 3, 2);

    [Fact]
    public async Task An_18_00_group_stays_at_18_00_local_across_dst_in_new_york_and_berlin()
    {
        var newYork = await Site("America/New_York");
        var berlin = await Site("Europe/Berlin");

        var nyGroup = await Group(newYork.Id, ["monday", "wednesday", "thursday"], "18:00:00", "21:00:00", FirstMonday);
        var deGroup = await Group(berlin.Id, ["monday", "saturday"], "18:00:00", "20:00:00", FirstMonday);

        Assert.Equal("America/New_York", nyGroup.TimeZone);
        var ny = await Sessions(nyGroup.Id);
        // Horizon 8 weeks from 2 March: through Monday 27 April → 8 weeks × 3 + that Monday.
        Assert.Equal(25, ny.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 23, 0, 0, TimeSpan.Zero), ny.Single(s => s.LocalDate == new DateOnly(2026, 3, 5)).StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 22, 0, 0, TimeSpan.Zero), ny.Single(s => s.LocalDate == new DateOnly(2026, 3, 9)).StartsAt);
        var nyZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.All(ny, s => Assert.Equal(new TimeSpan(18, 0, 0), TimeZoneInfo.ConvertTime(s.StartsAt, nyZone).TimeOfDay));
        Assert.All(ny, s => Assert.Equal(TimeSpan.FromHours(3), s.EndsAt - s.StartsAt));

        var de = await Sessions(deGroup.Id);
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 17, 0, 0, TimeSpan.Zero), de.Single(s => s.LocalDate == new DateOnly(2026, 3, 28)).StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 16, 0, 0, TimeSpan.Zero), de.Single(s => s.LocalDate == new DateOnly(2026, 3, 30)).StartsAt);
        var deZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(de, s => Assert.Equal(new TimeSpan(18, 0, 0), TimeZoneInfo.ConvertTime(s.StartsAt, deZone).TimeOfDay));

        Assert.Equal(25, await Count("SELECT COUNT(*) FROM scheduling_session WHERE group_id = @Id", new { nyGroup.Id }));
    }

    [Fact]
    public async Task A_group_dated_entirely_in_the_past_is_400_naming_the_last_date_and_writes_nothing()
    {
        var site = await Site("America/Chicago");
        var groupsBefore = await Count("SELECT COUNT(*) FROM scheduling_group");

        var response = await Api.Admin().PostJson("/api/v1/groups", new
        {
            siteId = site.Id,
            name = "Last winter",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "monday" },
            startTime = "18:00:00",
            endTime = "21:00:00",
            firstDate = "2025-12-01",
            lastDate = "2026-02-23",
        });

        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("has passed", Assert.Single(problem.FieldErrors("lastDate")), StringComparison.Ordinal);
        Assert.Equal(groupsBefore, await Count("SELECT COUNT(*) FROM scheduling_group"));
    }

    [Fact]
    public async Task Materialising_again_creates_no_duplicates()
    {
        var site = await Site("America/Chicago");
        var group = await Group(site.Id, ["tuesday"], "09:00:00", "12:00:00", FirstMonday, lastDate: new DateOnly(2026, 3, 31));

        await Send(new IopPlatform.Scheduling.Features.Sessions.MaterializeSessionsCommand());
        await Send(new IopPlatform.Scheduling.Features.Sessions.MaterializeSessionsCommand());

        var sessions = await Sessions(group.Id);
        Assert.Equal([new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 17), new DateOnly(2026, 3, 24), new DateOnly(2026, 3, 31)], sessions.Select(s => s.LocalDate));
        Assert.Equal(5, await Count("SELECT COUNT(*) FROM scheduling_session WHERE group_id = @Id", new { group.Id }));
    }

    [Fact]
    public async Task Bad_groups_get_precise_field_errors_and_nothing_is_created()
    {
        var site = await Site("America/New_York");
        var admin = Api.Admin();
        var before = await Count("SELECT COUNT(*) FROM scheduling_group");

        var problem = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = site.Id,
            name = "Bad",
            sessionKind = "karaoke",
            capacity = 0,
            daysOfWeek = Array.Empty<string>(),
            startTime = "18:00:00",
            endTime = "17:00:00",
            firstDate = "2026-03-02",
            timeZone = "Mars/Olympus",
        })).Problem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors("capacity"));
        Assert.NotEmpty(problem.FieldErrors("daysOfWeek"));
        Assert.Contains("after the start", problem.FieldErrors("endTime").Single(), StringComparison.Ordinal);
        Assert.Contains("karaoke", problem.FieldErrors("sessionKind").Single(), StringComparison.Ordinal);
        Assert.Contains("IANA", problem.FieldErrors("timeZone").Single(), StringComparison.Ordinal);

        var badDay = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = site.Id, name = "Bad", sessionKind = "group_recovery", capacity = 5, daysOfWeek = new[] { "monday", "funday" },
            startTime = "18:00:00", endTime = "21:00:00", firstDate = "2026-03-02",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("funday", badDay.FieldErrors("daysOfWeek[1]").Single(), StringComparison.Ordinal);

        var otherZone = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = site.Id, name = "Bad", sessionKind = "group_recovery", capacity = 5, daysOfWeek = new[] { "monday" },
            startTime = "18:00:00", endTime = "21:00:00", firstDate = "2026-03-02", timeZone = "Europe/Berlin",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("America/New_York", otherZone.FieldErrors("timeZone").Single(), StringComparison.Ordinal);

        var noSite = await (await admin.PostJson("/api/v1/groups", new
        {
            siteId = Guid.CreateVersion7(), name = "Bad", sessionKind = "group_recovery", capacity = 5, daysOfWeek = new[] { "monday" },
            startTime = "18:00:00", endTime = "21:00:00", firstDate = "2026-03-02",
        })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("does not exist", noSite.FieldErrors("siteId").Single(), StringComparison.Ordinal);

        Assert.Equal(before, await Count("SELECT COUNT(*) FROM scheduling_group"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_session s WHERE NOT EXISTS (SELECT 1 FROM scheduling_group g WHERE g.id = s.group_id)"));
    }

    [Fact]
    public async Task Only_admins_create_groups()
    {
        var site = await Site("America/New_York");
        var response = await Api.ClientAs(IopPlatform.BuildingBlocks.Security.Roles.Clinician).PostJson("/api/v1/groups", new
        {
            siteId = site.Id, name = "X", sessionKind = "group_recovery", capacity = 5, daysOfWeek = new[] { "monday" },
            startTime = "18:00:00", endTime = "21:00:00", firstDate = "2026-03-02",
        });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task One_session_is_cancelled_or_rescheduled_with_if_match()
    {
        var site = await Site("America/New_York");
        var group = await Group(site.Id, ["monday", "wednesday"], "18:00:00", "21:00:00", FirstMonday);
        var sessions = await Sessions(group.Id);
        var first = sessions[1];
        var second = sessions[2];
        var admin = Api.Admin();

        var missing = await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{first.Id}/cancel", new { reason = "Facilitator ill" }, null), Ct);
        await missing.Problem(HttpStatusCode.PreconditionRequired);
        var stale = await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{first.Id}/cancel", new { reason = "Facilitator ill" }, "\"7\""), Ct);
        await stale.Problem(HttpStatusCode.PreconditionFailed);
        var noReason = await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{first.Id}/cancel", new { reason = "" }, "\"1\""), Ct);
        Assert.NotEmpty((await noReason.Problem(HttpStatusCode.BadRequest)).FieldErrors("reason"));

        var cancelled = await (await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{first.Id}/cancel", new { reason = "Facilitator ill" }, "\"1\""), Ct)).Read<SessionDto>();
        Assert.Equal("cancelled", cancelled.Status);
        Assert.Equal(2, cancelled.Version);
        var fetched = await admin.GetAsync($"/api/v1/sessions/{first.Id}", Ct);
        Assert.Equal("\"2\"", fetched.Headers.ETag?.Tag);
        Assert.Equal("Facilitator ill", (await fetched.Read<SessionDto>()).StatusReason);

        var moved = await (await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{second.Id}/reschedule", new { date = "2026-03-06", startTime = "10:00:00", endTime = "13:00:00" }, "\"1\""), Ct)).Read<SessionDto>();
        Assert.Equal("rescheduled", moved.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 15, 0, 0, TimeSpan.Zero), moved.StartsAt);
        Assert.Equal(second.LocalDate, moved.LocalDate);

        var backwards = await admin.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/sessions/{second.Id}/reschedule", new { date = "2026-03-06", startTime = "13:00:00", endTime = "10:00:00" }, "\"2\""), Ct);
        Assert.NotEmpty((await backwards.Problem(HttpStatusCode.BadRequest)).FieldErrors("endTime"));
    }

    [Fact]
    public async Task Changing_the_recurrence_from_a_date_regenerates_only_later_unattended_sessions()
    {
        var site = await Site("America/New_York");
        var group = await Group(site.Id, ["monday", "wednesday"], "18:00:00", "21:00:00", FirstMonday);
        var before = await Sessions(group.Id);
        var mondayAfter = before.Single(s => s.LocalDate == new DateOnly(2026, 3, 16));
        var admin = Api.Admin();
        var change = new { effectiveFrom = "2026-03-16", daysOfWeek = new[] { "monday", "tuesday" }, startTime = "09:00:00", endTime = "12:00:00" };

        await (await admin.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/groups/{group.Id}/recurrence", change, "\"9\""), Ct)).Problem(HttpStatusCode.PreconditionFailed);
        var past = await admin.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/groups/{group.Id}/recurrence", change with { effectiveFrom = "2026-03-01" }, "\"1\""), Ct);
        Assert.NotEmpty((await past.Problem(HttpStatusCode.BadRequest)).FieldErrors("effectiveFrom"));

        var response = await admin.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/groups/{group.Id}/recurrence", change, "\"1\""), Ct);
        var changed = await response.Read<GroupDto>();

        Assert.Equal(2, changed.Version);
        Assert.Equal(2, changed.Recurrence.Count);
        Assert.Equal(new DateOnly(2026, 3, 15), changed.Recurrence[0].ValidUntil);
        var after = await Sessions(group.Id);
        Assert.Equal(before.Where(s => s.LocalDate < new DateOnly(2026, 3, 16)).Select(s => (s.Id, s.StartsAt)), after.Where(s => s.LocalDate < new DateOnly(2026, 3, 16)).Select(s => (s.Id, s.StartsAt)));
        var later = after.Where(s => s.LocalDate >= new DateOnly(2026, 3, 16)).ToList();
        Assert.All(later, s => Assert.Contains(s.LocalDate.DayOfWeek, new[] { DayOfWeek.Monday, DayOfWeek.Tuesday }));
        Assert.All(later, s => Assert.Equal(13, s.StartsAt.Hour)); // 09:00 EDT
        // A Monday that still meets keeps its id (and so its bookings), retimed.
        var retimed = later.Single(s => s.LocalDate == new DateOnly(2026, 3, 16));
        Assert.Equal(mondayAfter.Id, retimed.Id);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 13, 0, 0, TimeSpan.Zero), retimed.StartsAt);
        Assert.Contains(later, s => s.LocalDate == new DateOnly(2026, 3, 17));
        Assert.DoesNotContain(later, s => s.LocalDate == new DateOnly(2026, 3, 18));
    }
}

public sealed class GroupsAndSessionsTestsOnSqlite(SchedulingSqliteApi api) : GroupsAndSessionsTests<SchedulingSqliteApi>(api), IClassFixture<SchedulingSqliteApi>;

public sealed class GroupsAndSessionsTestsOnPostgres(SchedulingPostgresApi api) : GroupsAndSessionsTests<SchedulingPostgresApi>(api), IClassFixture<SchedulingPostgresApi>;

public sealed class GroupsAndSessionsTestsOnSqlServer(SchedulingSqlServerApi api) : GroupsAndSessionsTests<SchedulingSqlServerApi>(api), IClassFixture<SchedulingSqlServerApi>;
