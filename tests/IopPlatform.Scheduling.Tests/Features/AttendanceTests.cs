using System.Globalization;
using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Scheduling.Contracts;
using IopPlatform.Scheduling.Features.Attendance;
using IopPlatform.Scheduling.Features.Sessions;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Features;

/// <summary>
/// These tests move the clock forward, so every date is relative to the clock when the test starts and every check is
/// narrowed to the test's own session.
/// </summary>
public abstract class AttendanceTests<TApi>(TApi api) : SchedulingTest<TApi>(api)
    where TApi : SchedulingApi
{
    private const string SessionAttendance = "SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @Id";

    private sealed record Setup(SiteDto Site, Guid GroupId, SessionDto Session, Guid[] Enrollments);

    /// <summary>A group meeting every day 18:00–21:00 local from today; its next session with <paramref name="patients"/> booked members.</summary>
    private async Task<Setup> BookedSession(int patients, string zone = "America/New_York")
    {
        var site = await Site(zone);
        var group = await Group(site.Id, EveryDay, "18:00:00", "21:00:00", LocalToday(Api.Clock.GetUtcNow(), zone));
        var enrollments = new Guid[patients];
        for (var i = 0; i < patients; i++)
        {
            enrollments[i] = await Activate(site.Id, group.Id);
        }
        // Far enough ahead that every MoveTo of a test (the earliest is two hours before the start) moves forward:
        // the clock is shared by the class and only goes forward.
        var session = (await Sessions(group.Id)).First(s => s.StartsAt > Api.Clock.GetUtcNow().AddHours(3));
        return new Setup(site, group.Id, session, enrollments);
    }

    private void MoveTo(DateTimeOffset instant)
    {
        if (instant > Api.Clock.GetUtcNow())
        {
            Api.Clock.SetUtcNow(instant);
        }
    }

    private Task<long> Outbox(string type, Guid sessionId) =>
        Count("SELECT COUNT(*) FROM scheduling_outbox WHERE event_type = @type AND payload LIKE @pattern", new { type, pattern = $"%{sessionId}%" });

    [Fact]
    public async Task Bulk_attendance_is_all_or_nothing_with_per_item_errors()
    {
        var (site, _, session, e) = await BookedSession(3);
        var stranger = await Activate(site.Id);
        MoveTo(session.EndsAt.AddMinutes(5));
        var staff = Api.ClientAs(Roles.Clinician, "facilitator-1");

        var bad = await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance/bulk", new
        {
            items = new object[]
            {
                new { enrollmentId = e[0], status = "present" },
                new { enrollmentId = e[1], status = "late", minutes = 999 },
                new { enrollmentId = stranger, status = "present" },
                new { enrollmentId = e[2], status = "absent_excused", noticeGivenAt = session.StartsAt.AddHours(-1) },
                new { enrollmentId = e[0], status = "dozing" },
            },
        });

        var problem = await bad.Problem(HttpStatusCode.BadRequest);
        Assert.Contains("longer than the session (180 minutes)", problem.FieldErrors("items[1].minutes").Single(), StringComparison.Ordinal);
        Assert.Contains("not booked", problem.FieldErrors("items[2].enrollmentId").Single(), StringComparison.Ordinal);
        Assert.Contains("24 h", problem.FieldErrors("items[3].noticeGivenAt").Single(), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("items[4].status"));
        Assert.Empty(problem.FieldErrors("items[0].enrollmentId"));
        Assert.Equal(0, await Count(SessionAttendance, new { session.Id }));

        var ok = await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance/bulk", new
        {
            items = new object[]
            {
                new { enrollmentId = e[0], status = "present", telehealth = true },
                new { enrollmentId = e[1], status = "late", minutes = 150 },
                new { enrollmentId = e[2], status = "absent_excused", noticeGivenAt = session.StartsAt.AddHours(-30) },
            },
        });
        var recorded = await ok.Read<List<AttendanceDto>>();

        Assert.Equal([180, 150, 0], recorded.Select(r => r.Minutes));
        Assert.True(recorded[0].Telehealth);
        Assert.All(recorded, r => Assert.Equal("facilitator-1", r.RecordedBy));
        Assert.Equal(3, await Count(SessionAttendance, new { session.Id }));
        Assert.Equal(3, await Outbox("attendance.recorded", session.Id));
        Assert.Equal(3, Api.Published.Recorded.Count(r => r.SessionId == session.Id));

        var again = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance/bulk", new { items = new[] { new { enrollmentId = e[0], status = "present" } } })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("already recorded", again.FieldErrors("items[0].enrollmentId").Single(), StringComparison.Ordinal);
        var single = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "absent_unexcused" })).Problem(HttpStatusCode.Conflict);
        Assert.Equal(recorded[0].Id, single.GetProperty("attendanceId").GetGuid());
        var empty = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance/bulk", new { items = Array.Empty<object>() })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(empty.FieldErrors("items"));
    }

    [Fact]
    public async Task Attended_status_before_the_session_starts_is_rejected()
    {
        var (_, _, session, e) = await BookedSession(1);
        MoveTo(session.StartsAt.AddMinutes(-10));

        var problem = await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Problem(HttpStatusCode.BadRequest);

        Assert.Contains("once it has started", problem.FieldErrors("status").Single(), StringComparison.Ordinal);
        Assert.Equal(0, await Count(SessionAttendance, new { session.Id }));
    }

    [Fact]
    public async Task Corrections_need_if_match_and_a_reason_and_keep_history()
    {
        var (_, _, session, e) = await BookedSession(1);
        MoveTo(session.EndsAt);
        var staff = Api.ClientAs(Roles.Clinician, "clinician-7");
        var created = await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" });
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var attendance = await created.Read<AttendanceDto>(HttpStatusCode.Created);
        var url = $"/api/v1/attendance/{attendance.Id}";
        var correction = new { status = "left_early", minutes = 90, reason = "Left at the break for work" };

        await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, correction, null), Ct)).Problem(HttpStatusCode.PreconditionRequired);
        var noReason = await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, correction with { reason = " " }, "\"1\""), Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(noReason.FieldErrors("reason"));
        var tooLong = await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, correction with { minutes = 181 }, "\"1\""), Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(tooLong.FieldErrors("minutes"));

        var corrected = await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, correction, "\"1\""), Ct)).Read<AttendanceDto>();
        Assert.Equal(("left_early", 90, 2), (corrected.Status, corrected.Minutes, corrected.Version));
        await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, correction, "\"1\""), Ct)).Problem(HttpStatusCode.PreconditionFailed);

        var history = await (await staff.GetAsync($"{url}/history", Ct)).ReadItems<JsonElement>();
        var change = Assert.Single(history);
        Assert.Equal("clinician-7", change.GetProperty("changedBy").GetString());
        Assert.Equal("Left at the break for work", change.GetProperty("reason").GetString());
        Assert.Equal("present", change.GetProperty("oldValues").GetProperty("status").GetString());
        Assert.Equal(180, change.GetProperty("oldValues").GetProperty("minutes").GetInt32());
        Assert.Equal("left_early", change.GetProperty("newValues").GetProperty("status").GetString());
        Assert.Equal(90, change.GetProperty("newValues").GetProperty("minutes").GetInt32());
        Assert.Equal(Api.Clock.GetUtcNow(), change.GetProperty("changedAt").GetDateTimeOffset());
        var stored = await Rows<(string Status, long Minutes)>("SELECT status, minutes FROM scheduling_attendance WHERE id = @Id", new { attendance.Id });
        Assert.Equal(("left_early", 90L), stored.Single());
    }

    [Fact]
    public async Task Correction_is_checked_for_shape_before_its_version_and_against_the_session_after_it()
    {
        var (_, _, session, e) = await BookedSession(1);
        MoveTo(session.EndsAt);
        var staff = Api.ClientAs(Roles.Clinician, "clinician-8");
        var attendance = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        var url = $"/api/v1/attendance/{attendance.Id}";
        var lateNotice = new { status = "absent_excused", noticeGivenAt = session.StartsAt.AddHours(-1), reason = "Called in sick" };

        // The shape first (400 even with a stale version), the version next (412 even when the session would refuse it).
        var shape = await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, new { status = "asleep", reason = "x" }, "\"9\""), Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(shape.FieldErrors("status"));
        await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, lateNotice, "\"9\""), Ct)).Problem(HttpStatusCode.PreconditionFailed);
        // The session's rules last: notice an hour before the start does not excuse the absence.
        var notice = await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, url, lateNotice, "\"1\""), Ct)).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("absent_unexcused", notice.FieldErrors("noticeGivenAt").Single(), StringComparison.Ordinal);
        await (await staff.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/attendance/{Guid.CreateVersion7()}", lateNotice, "\"1\""), Ct)).Problem(HttpStatusCode.NotFound);

        var stored = await Rows<(string Status, long Version)>("SELECT status, version FROM scheduling_attendance WHERE id = @Id", new { attendance.Id });
        Assert.Equal(("present", 1L), stored.Single());
    }

    [Fact]
    public async Task Kiosk_check_in_once_late_after_grace_check_out_trims_minutes()
    {
        var (site, _, session, e) = await BookedSession(2);
        var stranger = await Activate(site.Id);
        // The lobby kiosk is one of the clinic's own systems; a partner app would need the patients' attendance consent.
        var kiosk = (await Api.PartnerClientAsync(Roles.CaseManager)).Http;
        MoveTo(session.StartsAt.AddHours(-2));
        var early = await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-ins", new { enrollmentId = e[0] })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("open from", early.GetProperty("detail").GetString(), StringComparison.Ordinal);

        MoveTo(session.StartsAt.AddMinutes(-30));
        var first = await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-ins", new { enrollmentId = e[0] })).Read<AttendanceDto>(HttpStatusCode.Created);
        await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-ins", new { enrollmentId = e[0] })).Problem(HttpStatusCode.Conflict);
        var notBooked = await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-ins", new { enrollmentId = stranger })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(notBooked.FieldErrors("enrollmentId"));

        MoveTo(session.StartsAt.AddMinutes(20));
        var late = await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-ins", new { enrollmentId = e[1], telehealth = true })).Read<AttendanceDto>(HttpStatusCode.Created);
        MoveTo(session.StartsAt.AddMinutes(120));
        var left = await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-outs", new { enrollmentId = e[1] })).Read<AttendanceDto>();
        await (await kiosk.PostJson($"/api/v1/sessions/{session.Id}/check-outs", new { enrollmentId = e[1] })).Problem(HttpStatusCode.Conflict);

        Assert.Equal(("present", 180, "kiosk"), (first.Status, first.Minutes, first.Source));
        Assert.Equal(("late", 160, true), (late.Status, late.Minutes, late.Telehealth));
        Assert.Equal(("left_early", 100, 2), (left.Status, left.Minutes, left.Version));
        Assert.Equal(2, await Count(SessionAttendance, new { session.Id }));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @Id AND source = 'kiosk'", new { session.Id }));
    }

    [Fact]
    public async Task Missed_session_job_run_twice_marks_each_absence_once_and_emits_each_event_once()
    {
        var (_, _, session, e) = await BookedSession(3);
        MoveTo(session.StartsAt.AddMinutes(30));
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);

        MoveTo(session.EndsAt.AddMinutes(119));
        await Send(new FlagMissedSessionsCommand());
        Assert.Equal(1, await Count(SessionAttendance, new { session.Id }));

        MoveTo(session.EndsAt.AddMinutes(121));
        await Send(new FlagMissedSessionsCommand());
        await Send(new FlagMissedSessionsCommand());

        var absent = await Rows<Guid>("SELECT enrollment_id FROM scheduling_attendance WHERE session_id = @Id AND status = 'absent_unexcused' AND source = 'system'", new { session.Id });
        Assert.Equal(new[] { e[1], e[2] }.Order(), absent.Order());
        Assert.Equal(3, await Count(SessionAttendance, new { session.Id }));
        Assert.Equal(2, await Outbox("session.missed", session.Id));
        Assert.Equal(new[] { e[1], e[2] }.Order(), Api.Published.Missed.Where(m => m.SessionId == session.Id).Select(m => m.EnrollmentId).Order());
    }

    [Fact]
    public async Task Missed_session_job_from_two_servers_at_once_marks_and_emits_once()
    {
        if (Api.Engine == DatabaseEngine.Sqlite)
        {
            Assert.Skip("Concurrent job servers are a PostgreSQL/SQL Server deployment; SQLite mode runs one in-process server.");
        }
        var (_, _, session, e) = await BookedSession(4);
        MoveTo(session.StartsAt.AddMinutes(5));
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        MoveTo(session.EndsAt.AddHours(3));

        await Task.WhenAll(Send(new FlagMissedSessionsCommand()), Send(new FlagMissedSessionsCommand()));

        Assert.Equal(3, await Count("SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @Id AND status = 'absent_unexcused'", new { session.Id }));
        Assert.Equal(3, await Outbox("session.missed", session.Id));
        Assert.Equal(3, Api.Published.Missed.Count(m => m.SessionId == session.Id));
        Assert.Equal(3, Api.Published.Missed.Where(m => m.SessionId == session.Id).Select(m => m.EnrollmentId).Distinct().Count());
    }

    [Fact]
    public async Task Session_with_nothing_recorded_is_flagged_attendance_not_taken_instead_of_marking_everyone_absent()
    {
        var (_, _, session, e) = await BookedSession(2);
        MoveTo(session.EndsAt.AddHours(2).AddMinutes(1));

        await Send(new FlagMissedSessionsCommand());
        await Send(new FlagMissedSessionsCommand());

        Assert.Equal(0, await Count(SessionAttendance, new { session.Id }));
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM scheduling_attendance_not_taken WHERE session_id = @Id AND resolved_at IS NULL", new { session.Id }));
        Assert.Equal(0, await Outbox("session.missed", session.Id));

        // The facilitator catches up with one patient: the flag clears and the next run marks the other absent.
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        await Send(new FlagMissedSessionsCommand());

        Assert.Equal(1, await Count("SELECT COUNT(*) FROM scheduling_attendance_not_taken WHERE session_id = @Id AND resolved_at IS NOT NULL", new { session.Id }));
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM scheduling_attendance WHERE session_id = @Id AND enrollment_id = @E AND status = 'absent_unexcused'", new { session.Id, E = e[1] }));
        Assert.Equal(1, await Outbox("session.missed", session.Id));
    }

    [Fact]
    public async Task Weekly_hours_follow_each_sites_local_iso_week_at_the_boundaries()
    {
        var now = Api.Clock.GetUtcNow();
        var ny = await Site("America/New_York");
        var de = await Site("Europe/Berlin");
        var nyGroup = await Group(ny.Id, ["sunday", "monday"], "20:00:00", "23:00:00", LocalToday(now, "America/New_York"));
        var deGroup = await Group(de.Id, ["monday"], "00:30:00", "03:30:00", LocalToday(now, "Europe/Berlin"));
        var e1 = await Activate(ny.Id, nyGroup.Id);
        var e2 = await Activate(de.Id, deGroup.Id);
        var nySessions = await Sessions(nyGroup.Id);
        var sunday = nySessions.First(s => s.LocalDate.DayOfWeek == DayOfWeek.Sunday && s.StartsAt > now.AddDays(1));
        var monday = nySessions.Single(s => s.LocalDate == sunday.LocalDate.AddDays(1));
        var berlinMonday = (await Sessions(deGroup.Id)).Single(s => s.LocalDate == sunday.LocalDate.AddDays(1));
        // The point of the test: in UTC these fall in the other week.
        Assert.Equal(DayOfWeek.Monday, sunday.StartsAt.UtcDateTime.DayOfWeek);
        Assert.Equal(DayOfWeek.Sunday, berlinMonday.StartsAt.UtcDateTime.DayOfWeek);

        MoveTo(monday.EndsAt.AddMinutes(1));
        var staff = Api.ClientAs(Roles.Clinician);
        foreach (var (session, enrollment) in new[] { (sunday, e1), (monday, e1), (berlinMonday, e2) })
        {
            await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = enrollment, status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        }
        var day = sunday.LocalDate.ToDateTime(TimeOnly.MinValue);
        var (year, week) = (ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
        var next = monday.LocalDate.ToDateTime(TimeOnly.MinValue);
        var (nextYear, nextWeek) = (ISOWeek.GetYear(next), ISOWeek.GetWeekOfYear(next));

        var e1Week = await (await staff.GetAsync($"/api/v1/enrollments/{e1}/weekly-hours?year={year}&week={week}", Ct)).Read<WeeklyHoursDto>();
        Assert.Equal(180, e1Week.AttendedMinutes);
        Assert.Equal(540, e1Week.RequiredMinutes);
        Assert.Equal("America/New_York", e1Week.TimeZone);
        Assert.Equal([sunday.LocalDate], e1Week.Days.Select(d => d.Date));
        Assert.True(e1Week.BelowRequiredIntensity);
        Assert.True(e1Week.BillingRisk);
        Assert.Equal(["fewer_than_3_days"], e1Week.BillingRiskReasons);

        var e2Week = await (await staff.GetAsync($"/api/v1/enrollments/{e2}/weekly-hours?year={year}&week={week}", Ct)).Read<WeeklyHoursDto>();
        Assert.Equal(0, e2Week.AttendedMinutes);

        var caseload = await (await staff.GetAsync($"/api/v1/weekly-hours?enrollmentId={e1}&enrollmentId={e2}&enrollmentId={Guid.CreateVersion7()}&year={nextYear}&week={nextWeek}", Ct)).ReadItems<WeeklyHoursDto>();
        Assert.Equal(2, caseload.Count);
        Assert.All(caseload, w => Assert.Equal(180, w.AttendedMinutes));
        Assert.Equal([monday.LocalDate], caseload.Single(w => w.EnrollmentId == e1).Days.Select(d => d.Date));
        Assert.Equal([berlinMonday.LocalDate], caseload.Single(w => w.EnrollmentId == e2).Days.Select(d => d.Date));
        Assert.Equal("Europe/Berlin", caseload.Single(w => w.EnrollmentId == e2).TimeZone);

        await (await staff.GetAsync($"/api/v1/enrollments/{e1}/weekly-hours?year=2026&week=54", Ct)).Problem(HttpStatusCode.BadRequest);
        await (await staff.GetAsync($"/api/v1/enrollments/{Guid.CreateVersion7()}/weekly-hours", Ct)).Problem(HttpStatusCode.NotFound);
        await (await staff.GetAsync("/api/v1/weekly-hours", Ct)).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Attendance_history_for_many_enrollments_is_one_set_based_answer()
    {
        var (_, _, session, e) = await BookedSession(2);
        MoveTo(session.EndsAt);
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        var ids = Enumerable.Range(0, 1500).Select(_ => Guid.CreateVersion7()).Append(e[0]).Append(e[1]).ToList();

        var history = await Ask(new GetAttendanceHistoryQuery(ids, session.StartsAt.AddHours(-1), session.StartsAt.AddHours(1)));

        Assert.Equal(2, history.Count);
        var attended = history.Single(h => h.EnrollmentId == e[0]);
        Assert.Equal(("present", 180, session.Id), (attended.Status, attended.Minutes, attended.SessionId));
        var pending = history.Single(h => h.EnrollmentId == e[1]);
        Assert.Null(pending.Status);
        Assert.Equal(0, pending.Minutes);
    }

    [Fact]
    public async Task Attendance_stream_gives_each_enrollment_its_rows_in_one_run_and_filters_by_program()
    {
        var (_, _, session, e) = await BookedSession(3);
        MoveTo(session.EndsAt);
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = e[0], status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        // Two days of a daily group: two sessions per enrollment, so rows ordered by start would interleave the enrollments.
        var (from, to) = (session.StartsAt.AddHours(-1), session.StartsAt.AddHours(25));

        var streamed = await Stream(new StreamAttendanceHistoryQuery(null, from, to));
        var paged = await Ask(new GetAttendanceHistoryQuery(e, from, to));

        var ours = streamed.Where(h => e.Contains(h.EnrollmentId)).ToList();
        Assert.Equal(6, ours.Count);
        Assert.Equal(
            paged.Select(h => (h.EnrollmentId, h.SessionId, h.StartsAt, h.EndsAt, h.Status, h.Minutes)).Order(),
            ours.Select(h => (h.EnrollmentId, h.SessionId, h.StartsAt, h.EndsAt, h.Status, h.Minutes)).Order());
        var runs = streamed.Select(h => h.EnrollmentId).Where((id, i) => i == 0 || streamed[i - 1].EnrollmentId != id).ToList();
        Assert.Equal(runs.Distinct().Count(), runs.Count);
        Assert.All(e, id => Assert.True(ours.Where(h => h.EnrollmentId == id).Select(h => h.StartsAt).SequenceEqual(ours.Where(h => h.EnrollmentId == id).Select(h => h.StartsAt).Order())));

        var program = (await Rows<Guid>("SELECT program_id FROM scheduling_enrollment WHERE enrollment_id = @id", new { id = e[1] })).Single();
        var onlyProgram = await Stream(new StreamAttendanceHistoryQuery(program, from, to));
        Assert.Equal([e[1]], onlyProgram.Select(h => h.EnrollmentId).Distinct());
        await Assert.ThrowsAsync<FluentValidation.ValidationException>(() => Stream(new StreamAttendanceHistoryQuery(null, to, from)));
    }

    private async Task<List<AttendanceStreamItemDto>> Stream(StreamAttendanceHistoryQuery query)
    {
        var rows = new List<AttendanceStreamItemDto>();
        await foreach (var row in await Ask(query))
        {
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task Materialisation_job_rolls_the_horizon_and_books_members_into_new_sessions()
    {
        var site = await Site("America/Chicago");
        var today = LocalToday(Api.Clock.GetUtcNow(), "America/Chicago");
        var group = await Group(site.Id, [today.AddDays(3).DayOfWeek.ToString().ToLowerInvariant()], "18:00:00", "21:00:00", today);
        var member = await Activate(site.Id, group.Id);
        var before = (await Sessions(group.Id)).Count;
        var booked = await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @member", new { member });

        MoveTo(Api.Clock.GetUtcNow().AddDays(7));
        await Send(new MaterializeSessionsCommand());
        await Send(new MaterializeSessionsCommand());

        Assert.Equal(before + 1, (await Sessions(group.Id)).Count);
        Assert.Equal(booked + 1, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @member", new { member }));
        var last = (await Sessions(group.Id)).Max(s => s.LocalDate);
        Assert.True(last > LocalToday(Api.Clock.GetUtcNow(), "America/Chicago").AddDays(7 * 8 - 7));
    }

    // The default week is the ISO week of today's date at the site, not of the UTC date (issue 18 item 6). Rows: a
    // Sunday evening in New York is already Monday in UTC (UTC-4/-5); a Monday just after midnight in Berlin is still
    // Sunday in UTC (UTC+1/+2). Offsets from the IANA tz database.
    [Theory]
    [InlineData("America/New_York", DayOfWeek.Sunday, "21:30:00")]
    [InlineData("Europe/Berlin", DayOfWeek.Monday, "00:30:00")]
    public async Task The_default_week_is_the_sites_local_week(string zone, DayOfWeek localDay, string localTime)
    {
        var site = await Site(zone);
        var group = await Group(site.Id, EveryDay, "18:00:00", "21:00:00", LocalToday(Api.Clock.GetUtcNow(), zone));
        var enrollment = await Activate(site.Id, group.Id);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var date = LocalToday(Api.Clock.GetUtcNow(), zone).AddDays(1);
        while (date.DayOfWeek != localDay)
        {
            date = date.AddDays(1);
        }
        var instant = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.Parse(localTime, CultureInfo.InvariantCulture)), tz), TimeSpan.Zero);
        Assert.NotEqual(ISOWeek.GetWeekOfYear(instant.UtcDateTime), ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)));
        MoveTo(instant);

        var current = await (await Api.ClientAs(Roles.Clinician).GetAsync($"/api/v1/enrollments/{enrollment}/weekly-hours", Ct)).Read<WeeklyHoursDto>();
        var local = date.ToDateTime(TimeOnly.MinValue);
        Assert.Equal((ISOWeek.GetYear(local), ISOWeek.GetWeekOfYear(local)), (current.IsoYear, current.IsoWeek));
        Assert.Equal(DateOnly.FromDateTime(ISOWeek.ToDateTime(current.IsoYear, current.IsoWeek, DayOfWeek.Monday)), current.WeekStart);
    }

    // HCPCS H0015 (SUD intensive outpatient): the program operates >= 3 hours a day on >= 3 days a week (CMS HCPCS
    // code set; DOMAIN §1). The weekly-hours flag reads the program's thresholds, the ones the drift job's billing-risk
    // rule reads (its rule pack in force), not a platform-wide setting. Rows: the default pack (3 days, 3 h) and a
    // program that set 2 days of 2.5 h; the week has two attended days of 3 h.
    [Theory]
    [InlineData(null, null, 3, 3.0, true)]
    [InlineData(2, 2.5, 2, 2.5, false)]
    public async Task The_billing_risk_flag_reads_the_programs_thresholds(int? minDays, double? minHours, int expectedDays, double expectedHours, bool risk)
    {
        var admin = Api.Admin();
        var site = await Site("America/Chicago");
        object? pack = minDays is null ? null : new { belowIntensity = new { billingMinDaysPerWeek = minDays, billingMinHoursPerDay = (decimal)minHours!.Value } };
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "H0015", levelOfCare = "asam-3:2.1", rulePack = pack })).Read<ProgramDto>(HttpStatusCode.Created);
        var group = await Group(site.Id, ["monday", "wednesday"], "18:00:00", "21:00:00", LocalToday(Api.Clock.GetUtcNow(), "America/Chicago"));
        var enrollment = Guid.CreateVersion7();
        var now = Api.Clock.GetUtcNow();
        await Publish(new EnrollmentActivated(enrollment, Guid.CreateVersion7(), program.Id, site.Id, DateOnly.FromDateTime(now.UtcDateTime), AgeGroup.Adult, 9m, [group.Id], now));
        var sessions = await Sessions(group.Id);
        var monday = sessions.First(x => x.LocalDate.DayOfWeek == DayOfWeek.Monday && x.StartsAt > now.AddHours(1));
        var wednesday = sessions.Single(x => x.LocalDate == monday.LocalDate.AddDays(2));
        MoveTo(wednesday.EndsAt.AddMinutes(1));
        var staff = Api.ClientAs(Roles.Clinician);
        foreach (var session in new[] { monday, wednesday })
        {
            await (await staff.PostJson($"/api/v1/sessions/{session.Id}/attendance", new { enrollmentId = enrollment, status = "present" })).Read<AttendanceDto>(HttpStatusCode.Created);
        }
        var day = monday.LocalDate.ToDateTime(TimeOnly.MinValue);
        var week = await (await staff.GetAsync($"/api/v1/enrollments/{enrollment}/weekly-hours?year={ISOWeek.GetYear(day)}&week={ISOWeek.GetWeekOfYear(day)}", Ct)).Read<WeeklyHoursDto>();
        Assert.Equal(360, week.AttendedMinutes);
        Assert.Equal((expectedDays, (decimal)expectedHours), (week.BillingMinDaysPerWeek, week.BillingMinHoursPerDay));
        Assert.Equal(risk, week.BillingRisk);
    }
}

public sealed class AttendanceTestsOnSqlite(SchedulingSqliteApi api) : AttendanceTests<SchedulingSqliteApi>(api), IClassFixture<SchedulingSqliteApi>;

public sealed class AttendanceTestsOnPostgres(SchedulingPostgresApi api) : AttendanceTests<SchedulingPostgresApi>(api), IClassFixture<SchedulingPostgresApi>;

public sealed class AttendanceTestsOnSqlServer(SchedulingSqlServerApi api) : AttendanceTests<SchedulingSqlServerApi>(api), IClassFixture<SchedulingSqlServerApi>;
