using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Scheduling.Features.Rosters;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Features;

/// <summary>Rosters and appointments; the clock stays at its start (Monday 2 March 2026, 09:00 UTC).</summary>
public abstract class RostersTests<TApi>(TApi api) : SchedulingTest<TApi>(api)
    where TApi : SchedulingApi
{
    private static readonly DateOnly FirstMonday = new(2026, 3, 2);

    private const string FutureBookings = """
        SELECT COUNT(*) FROM scheduling_booking b JOIN scheduling_session s ON s.id = b.session_id
        WHERE s.group_id = @GroupId AND b.enrollment_id = @EnrollmentId AND b.status = @Status AND s.starts_at > @Now
        """;

    [Fact]
    public async Task Group_capacity_is_enforced_with_409_and_nothing_changes()
    {
        var site = await Site("America/New_York");
        var group = await Group(site.Id, ["monday", "thursday"], "18:00:00", "21:00:00", FirstMonday, capacity: 2);
        var a = await Activate(site.Id);
        var b = await Activate(site.Id);
        var c = await Activate(site.Id);
        var staff = Api.ClientAs(Roles.CaseManager);

        var joined = await (await staff.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = a })).Read<GroupMemberDto>(HttpStatusCode.Created);
        await (await staff.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = b })).Read<GroupMemberDto>(HttpStatusCode.Created);
        var full = await (await staff.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = c })).Problem(HttpStatusCode.Conflict);
        var again = await (await staff.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = a })).Problem(HttpStatusCode.Conflict);

        var sessions = await Sessions(group.Id);
        Assert.Equal(sessions.Count, joined.BookedSessions);
        Assert.Contains("full", full.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, full.GetProperty("capacity").GetInt32());
        Assert.Contains("already a member", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @c", new { c }));
        Assert.Equal(2L * sessions.Count, await Count("SELECT COUNT(*) FROM scheduling_booking b JOIN scheduling_session s ON s.id = b.session_id WHERE s.group_id = @Id AND b.status = 'booked'", new { group.Id }));
    }

    [Fact]
    public async Task Single_session_booking_respects_capacity_and_group_join_reports_full_sessions()
    {
        var site = await Site("America/New_York");
        var group = await Group(site.Id, ["wednesday"], "18:00:00", "21:00:00", FirstMonday, capacity: 1);
        var session = (await Sessions(group.Id))[1];
        var a = await Activate(site.Id);
        var b = await Activate(site.Id);
        var staff = Api.ClientAs(Roles.Clinician);

        var booked = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/bookings", new { enrollmentId = a })).Read<BookingDto>(HttpStatusCode.Created);
        var full = await (await staff.PostJson($"/api/v1/sessions/{session.Id}/bookings", new { enrollmentId = b })).Problem(HttpStatusCode.Conflict);
        var join = await (await staff.PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = b })).Problem(HttpStatusCode.Conflict);

        Assert.Equal("single", booked.Source);
        Assert.Contains("full", full.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([session.LocalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)], join.GetProperty("fullSessions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @b", new { b }));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_group_member WHERE enrollment_id = @b", new { b }));
        var roster = await (await staff.GetAsync($"/api/v1/sessions/{session.Id}/roster", Ct)).ReadItems<RosterEntryDto>();
        Assert.Equal(a, Assert.Single(roster).EnrollmentId);
    }

    [Fact]
    public async Task Activation_books_core_groups_hold_and_discharge_cancel_future_bookings_resume_restores()
    {
        var site = await Site("America/New_York");
        var core1 = await Group(site.Id, ["monday", "wednesday"], "18:00:00", "21:00:00", FirstMonday);
        var core2 = await Group(site.Id, ["thursday"], "10:00:00", "12:00:00", FirstMonday);
        var sessions1 = (await Sessions(core1.Id)).Count(s => s.StartsAt > Api.Clock.GetUtcNow());
        var sessions2 = (await Sessions(core2.Id)).Count(s => s.StartsAt > Api.Clock.GetUtcNow());
        var now = Api.Clock.GetUtcNow();

        var enrollment = await Activate(site.Id, core1.Id, core2.Id, Guid.CreateVersion7());
        // Delivered twice (at-least-once): nothing doubles.
        await Publish(new EnrollmentActivated(enrollment, Guid.CreateVersion7(), Guid.CreateVersion7(), site.Id, DateOnly.FromDateTime(now.UtcDateTime), AgeGroup.Adult, 9m, [core1.Id, core2.Id], now));

        Assert.Equal(sessions1, await Count(FutureBookings, new { GroupId = core1.Id, EnrollmentId = enrollment, Status = "booked", Now = now }));
        Assert.Equal(sessions2, await Count(FutureBookings, new { GroupId = core2.Id, EnrollmentId = enrollment, Status = "booked", Now = now }));
        Assert.Equal(540, await Count("SELECT required_minutes_per_week FROM scheduling_enrollment WHERE enrollment_id = @enrollment", new { enrollment }));

        await Publish(new EnrollmentOnHold(enrollment, Guid.Empty, Guid.Empty, now));
        Assert.Equal(0, await Count(FutureBookings, new { GroupId = core1.Id, EnrollmentId = enrollment, Status = "booked", Now = now }));
        Assert.Equal(sessions1, await Count(FutureBookings, new { GroupId = core1.Id, EnrollmentId = enrollment, Status = "cancelled", Now = now }));
        var onHold = await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/groups/{core2.Id}/members", new { enrollmentId = enrollment })).Problem(HttpStatusCode.Conflict);
        Assert.Equal("on_hold", onHold.GetProperty("enrollmentStatus").GetString());

        await Publish(new EnrollmentResumed(enrollment, Guid.Empty, Guid.Empty, now));
        Assert.Equal(sessions1, await Count(FutureBookings, new { GroupId = core1.Id, EnrollmentId = enrollment, Status = "booked", Now = now }));
        Assert.Equal(sessions2, await Count(FutureBookings, new { GroupId = core2.Id, EnrollmentId = enrollment, Status = "booked", Now = now }));

        await Publish(new EnrollmentDischarged(enrollment, Guid.Empty, Guid.Empty, DateOnly.FromDateTime(now.UtcDateTime), DischargeReason.Completed, false, now));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @enrollment AND status = 'booked'", new { enrollment }));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM scheduling_group_member WHERE enrollment_id = @enrollment AND status = 'ended'", new { enrollment }));

        var staff = Api.ClientAs(Roles.Clinician);
        var discharged = await (await staff.PostJson($"/api/v1/groups/{core1.Id}/members", new { enrollmentId = enrollment })).Problem(HttpStatusCode.Conflict);
        Assert.Contains("discharged", discharged.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var session = (await Sessions(core1.Id))[3];
        await (await staff.PostJson($"/api/v1/sessions/{session.Id}/bookings", new { enrollmentId = enrollment })).Problem(HttpStatusCode.Conflict);
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM scheduling_booking WHERE enrollment_id = @enrollment AND status = 'booked'", new { enrollment }));
    }

    [Fact]
    public async Task Booking_an_unknown_enrollment_names_the_field()
    {
        var site = await Site("America/New_York");
        var group = await Group(site.Id, ["monday"], "18:00:00", "21:00:00", FirstMonday);

        var problem = await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/groups/{group.Id}/members", new { enrollmentId = Guid.CreateVersion7() })).Problem(HttpStatusCode.BadRequest);

        Assert.Contains("not active", problem.FieldErrors("enrollmentId").Single(), StringComparison.Ordinal);
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/groups/{Guid.CreateVersion7()}/members", new { enrollmentId = Guid.CreateVersion7() })).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Appointments_clash_for_the_same_clinician_or_patient()
    {
        var site = await Site("America/New_York");
        var patient = await Activate(site.Id);
        var other = await Activate(site.Id);
        var staff = Api.ClientAs(Roles.Clinician);
        var start = new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.Zero);

        var created = await staff.PostJson("/api/v1/appointments", new { kind = "individual_therapy", clinicianId = "dr-a", enrollmentId = patient, startsAt = start, endsAt = start.AddHours(1) });
        var appointment = await created.Read<JsonElement>(HttpStatusCode.Created);
        Assert.Equal(site.Id, appointment.GetProperty("siteId").GetGuid());

        var sameClinician = await (await staff.PostJson("/api/v1/appointments", new { kind = "individual_counselling", clinicianId = "dr-a", enrollmentId = other, startsAt = start.AddMinutes(30), endsAt = start.AddMinutes(90) })).Problem(HttpStatusCode.Conflict);
        Assert.StartsWith("The clinician", sameClinician.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var samePatient = await (await staff.PostJson("/api/v1/appointments", new { kind = "medical_checkup", clinicianId = "dr-b", enrollmentId = patient, startsAt = start.AddMinutes(-30), endsAt = start.AddMinutes(15) })).Problem(HttpStatusCode.Conflict);
        Assert.StartsWith("The patient", samePatient.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await staff.PostJson("/api/v1/appointments", new { kind = "drug_test_visit", clinicianId = "dr-a", enrollmentId = other, startsAt = start.AddHours(1), endsAt = start.AddHours(2) })).Read<JsonElement>(HttpStatusCode.Created);

        var backwards = await (await staff.PostJson("/api/v1/appointments", new { kind = "drug_test_visit", clinicianId = "dr-c", enrollmentId = other, startsAt = start.AddDays(1), endsAt = start.AddDays(1).AddHours(-1) })).Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(backwards.FieldErrors("endsAt"));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM scheduling_appointment WHERE clinician_id IN ('dr-a', 'dr-b', 'dr-c')"));

        // Cancelling frees the slot.
        var id = appointment.GetProperty("id").GetGuid();
        await (await staff.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/appointments/{id}/cancel", null, "\"1\""), Ct)).Read<JsonElement>();
        await (await staff.PostJson("/api/v1/appointments", new { kind = "individual_counselling", clinicianId = "dr-a", enrollmentId = patient, startsAt = start, endsAt = start.AddMinutes(45) })).Read<JsonElement>(HttpStatusCode.Created);
    }
}

public sealed class RostersTestsOnSqlite(SchedulingSqliteApi api) : RostersTests<SchedulingSqliteApi>(api), IClassFixture<SchedulingSqliteApi>;

public sealed class RostersTestsOnPostgres(SchedulingPostgresApi api) : RostersTests<SchedulingPostgresApi>(api), IClassFixture<SchedulingPostgresApi>;

public sealed class RostersTestsOnSqlServer(SchedulingSqlServerApi api) : RostersTests<SchedulingSqlServerApi>(api), IClassFixture<SchedulingSqlServerApi>;
