using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Scheduling.Tests.Features;

/// <summary>
/// The whole path between the modules through the API only: admitting a patient in Enrollment books the program's
/// core groups in Scheduling; discharging cancels the future bookings.
/// </summary>
public abstract class EnrollmentToRosterTests<TApi>(TApi api) : SchedulingTest<TApi>(api)
    where TApi : ApiFactory
{
    private const string FutureBooked = """
        SELECT COUNT(*) FROM scheduling_booking b JOIN scheduling_session s ON s.id = b.session_id
        WHERE b.enrollment_id = @EnrollmentId AND b.status = 'booked' AND s.starts_at > @Now
        """;

    [Fact]
    public async Task Admission_books_core_groups_and_discharge_cancels_future_bookings()
    {
        var admin = Api.Admin();
        var clinician = Api.ClientAs(Roles.Clinician);
        var site = await Site("America/Chicago");
        var group = await Group(site.Id, ["monday", "wednesday", "thursday"], "18:00:00", "21:00:00", LocalToday(Api.Clock.GetUtcNow(), "America/Chicago"));
        var program = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Evening IOP", levelOfCare = "asam-3:2.1", coreGroupIds = new[] { group.Id } }))
            .Read<ProgramDto>(HttpStatusCode.Created);
        var patient = await (await clinician.PostJson("/api/v1/patients", new
        {
            mrn = $"MRN-{Guid.NewGuid():N}"[..16],
            givenName = "Robin",
            familyName = "Castellanos",
            dateOfBirth = "1990-01-15",
            sexAtBirth = "male",
            preferredLanguage = "en",
        })).Read<JsonElement>(HttpStatusCode.Created);
        var patientId = patient.GetProperty("id").GetGuid();
        var referral = await (await clinician.PostJson("/api/v1/enrollments", new { patientId, programId = program.Id, referralDate = "2026-02-20", referredByClinician = "Dr. Okafor" }))
            .Read<EnrollmentDto>(HttpStatusCode.Created);
        var screened = await (await Transition(clinician, referral.Id, referral.Version, "screen", new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Dr. Rivera, LCSW",
            recommendedOn = "2026-02-25",
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = false,
            diagnosisCodes = Array.Empty<string>(),
            expectedPositiveAnalytes = Array.Empty<string>(),
            ageGroup = "adult",
        })).Read<EnrollmentDto>();
        var admitted = await (await Transition(clinician, screened.Id, screened.Version, "admit", new { admissionDate = "2026-03-02" })).Read<EnrollmentDto>();

        var now = Api.Clock.GetUtcNow();
        var upcoming = (await Sessions(group.Id)).Count(s => s.StartsAt > now);
        Assert.True(upcoming > 0);
        Assert.Equal(upcoming, await Count(FutureBooked, new { EnrollmentId = admitted.Id, Now = now }));
        Assert.Equal(540, await Count("SELECT required_minutes_per_week FROM scheduling_enrollment WHERE enrollment_id = @Id", new { admitted.Id }));

        var discharged = await Transition(clinician, admitted.Id, admitted.Version, "discharge", new { reason = "left_before_completion", note = "stopped attending" });
        Assert.Equal(HttpStatusCode.OK, discharged.StatusCode);

        Assert.Equal(0, await Count(FutureBooked, new { EnrollmentId = admitted.Id, Now = now }));
        Assert.Equal("discharged", (await Rows<string>("SELECT status FROM scheduling_enrollment WHERE enrollment_id = @Id", new { admitted.Id })).Single());
    }

    private static async Task<HttpResponseMessage> Transition(HttpClient client, Guid enrollmentId, int version, string action, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/{action}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await client.SendAsync(request, Ct);
    }
}

public sealed class EnrollmentToRosterTestsOnSqlite(SqliteApi api) : EnrollmentToRosterTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class EnrollmentToRosterTestsOnPostgres(PostgresApi api) : EnrollmentToRosterTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class EnrollmentToRosterTestsOnSqlServer(SqlServerApi api) : EnrollmentToRosterTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
