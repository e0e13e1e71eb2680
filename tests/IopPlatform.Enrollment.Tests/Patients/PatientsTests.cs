using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using IopPlatform.Engagement.Contracts;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Patients;

public abstract class PatientsTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Same_mrn_twice_is_409_and_writes_nothing()
    {
        var admin = Api.Admin();
        var mrn = Seed.NextMrn();
        await Seed.Patient(admin, mrn);

        var problem = await (await admin.PostJson("/api/v1/patients", Seed.PatientBody(mrn, given: "Other"))).Problem(HttpStatusCode.Conflict);

        Assert.Contains($"MRN '{mrn}' is already assigned", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var found = await (await admin.GetAsync($"/api/v1/patients?identifier={mrn}", Ct)).Read<JsonElement>();
        Assert.Equal(1, found.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Same_external_id_in_one_system_is_409_but_other_system_is_fine()
    {
        var admin = Api.Admin();
        object Body(string system) => new
        {
            mrn = Seed.NextMrn(), externalIds = new[] { new { system, value = "A-1" } }, givenName = "A", familyName = "B", dateOfBirth = "1990-01-01", sexAtBirth = "male",
        };
        await (await admin.PostJson("/api/v1/patients", Body("urn:acme"))).Read<PatientDto>(HttpStatusCode.Created);

        await (await admin.PostJson("/api/v1/patients", Body("urn:acme"))).Problem(HttpStatusCode.Conflict);
        var other = await (await admin.PostJson("/api/v1/patients", Body("urn:other"))).Read<PatientDto>(HttpStatusCode.Created);
        Assert.Equal(new ExternalIdDto("urn:other", "A-1"), Assert.Single(other.ExternalIds));
    }

    [Fact]
    public async Task Invalid_patient_gets_per_field_errors()
    {
        var body = new { mrn = "bad mrn!", givenName = "", familyName = "X", dateOfBirth = "2026-03-03", sexAtBirth = "female", preferredLanguage = "english please", contact = new { email = "nope" } };

        var problem = await (await Api.Admin().PostJson("/api/v1/patients", body)).Problem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors("mrn"));
        Assert.NotEmpty(problem.FieldErrors("givenName"));
        Assert.Contains("future", Assert.Single(problem.FieldErrors("dateOfBirth")), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("preferredLanguage"));
        Assert.NotEmpty(problem.FieldErrors("contact.email"));
    }

    [Fact]
    public async Task Full_record_round_trips()
    {
        var admin = Api.Admin();
        var created = await Seed.Patient(admin);

        var response = await admin.GetAsync($"/api/v1/patients/{created.Id}", Ct);
        var patient = await response.Read<PatientDto>();

        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(new DateOnly(1988, 4, 12), patient.DateOfBirth);
        Assert.Equal(SexAtBirth.Female, patient.SexAtBirth);
        Assert.Equal("Chicago", patient.Contact.Address?.City);
        Assert.Equal("Sam Whitfield", patient.EmergencyContact?.Name);
        Assert.Equal(ApiFactory.Start, patient.CreatedAt);
    }

    [Fact]
    public async Task Search_by_name_dob_or_identifier_returns_summaries_only()
    {
        var admin = Api.Admin();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var first = await Seed.Patient(admin, given: "Rosalind", family: "Quill" + marker, dob: "1975-07-01");
        await Seed.Patient(admin, given: "Ben", family: "Other" + marker, dob: "1980-01-01");

        var byName = await (await admin.GetAsync($"/api/v1/patients?name=QUILL{marker.ToUpperInvariant()}", Ct)).Read<JsonElement>();
        var item = Assert.Single(byName.GetProperty("items").EnumerateArray());
        Assert.Equal(first.Id, item.GetProperty("id").GetGuid());
        Assert.Equal(["dateOfBirth", "familyName", "givenName", "id", "mrn"], item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var byDob = await (await admin.GetAsync("/api/v1/patients?dateOfBirth=1975-07-01", Ct)).Read<JsonElement>();
        Assert.Contains(byDob.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == first.Id);

        var byMrn = await (await admin.GetAsync($"/api/v1/patients?identifier={first.Mrn}", Ct)).Read<JsonElement>();
        Assert.Equal(first.Id, Assert.Single(byMrn.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var none = await (await admin.GetAsync($"/api/v1/patients?name=zz{marker}zz", Ct)).Read<JsonElement>();
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Replace_needs_if_match_428_then_412_when_stale()
    {
        var admin = Api.Admin();
        var patient = await Seed.Patient(admin);
        var changed = Seed.PatientBody(patient.Mrn, given: "Danielle");

        await (await admin.PutAsJsonAsync($"/api/v1/patients/{patient.Id}", changed, HttpJson.Options, Ct)).Problem(HttpStatusCode.PreconditionRequired);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/patients/{patient.Id}") { Content = JsonContent.Create(changed, options: HttpJson.Options) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        await (await admin.SendAsync(stale, Ct)).Problem(HttpStatusCode.PreconditionFailed);

        using var fresh = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/patients/{patient.Id}") { Content = JsonContent.Create(changed, options: HttpJson.Options) };
        fresh.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await admin.SendAsync(fresh, Ct);
        var updated = await response.Read<PatientDto>();
        Assert.Equal("Danielle", updated.GivenName);
        Assert.Equal(2, updated.Version);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Program_keeps_core_groups_and_rule_pack_with_defaults()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "S", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        var groups = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };

        var plain = await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Defaults", levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created);
        var tuned = await (await admin.PostJson("/api/v1/programs", new
        {
            siteId = site.Id, name = "Tuned", levelOfCare = "asam-3:2.1", coreGroupIds = groups,
            rulePack = DriftRulePack.Default with { AttendanceRatio = new AttendanceRatioRule { MinimumRatio = 0.8m, WindowDays = 21 }, Bam = new BamRule { Enabled = false } },
        })).Read<ProgramDto>(HttpStatusCode.Created);

        // The pack given at creation is Engagement's version 1; without one the program follows the defaults (version 0).
        var readPlain = await (await admin.GetAsync($"/api/v1/programs/{plain.Id}", Ct)).Read<ProgramDto>();
        Assert.Empty(readPlain.CoreGroupIds);
        var plainPack = await (await admin.GetAsync($"/api/v1/programs/{plain.Id}/rule-pack", Ct)).Read<PackRead>();
        Assert.Equal((0, true), (plainPack.Version, plainPack.IsDefault));
        Assert.Equal(DriftRulePack.Default, plainPack.RulePack);
        Assert.Equal(2, plainPack.RulePack.ConsecutiveMissed.Amber);
        Assert.Equal(3, plainPack.RulePack.ConsecutiveMissed.Red);
        Assert.Equal(4, plainPack.RulePack.NoRecentAttendance.Sessions);
        Assert.Equal((21, 0.6m, 2), (plainPack.RulePack.AttendanceRatio.WindowDays, plainPack.RulePack.AttendanceRatio.MinimumRatio, plainPack.RulePack.AttendanceRatio.MinimumUnexcusedMisses));

        var readTuned = await (await admin.GetAsync($"/api/v1/programs/{tuned.Id}", Ct)).Read<ProgramDto>();
        Assert.Equal(groups, readTuned.CoreGroupIds);
        var tunedPack = await (await admin.GetAsync($"/api/v1/programs/{tuned.Id}/rule-pack", Ct)).Read<PackRead>();
        Assert.Equal((1, false, "admin-tests"), (tunedPack.Version, tunedPack.IsDefault, tunedPack.ChangedBy));
        Assert.Equal(0.8m, tunedPack.RulePack.AttendanceRatio.MinimumRatio);
        Assert.False(tunedPack.RulePack.Bam.Enabled);
        Assert.Equal(24, tunedPack.RulePack.Escalation.UnacknowledgedHours);
    }

    [Fact]
    public async Task Rule_pack_thresholds_out_of_range_are_400()
    {
        var admin = Api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "S", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);

        var problem = await (await admin.PostJson("/api/v1/programs", new
        {
            siteId = site.Id, name = "Bad", levelOfCare = "asam-3:2.1",
            rulePack = DriftRulePack.Default with { AttendanceRatio = new AttendanceRatioRule { MinimumRatio = 75m }, ConsecutiveMissed = new ConsecutiveMissedRule { Amber = 3, Red = 2 } },
        })).Problem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors("rulePack.attendanceRatio.minimumRatio"));
        Assert.NotEmpty(problem.FieldErrors("rulePack.consecutiveMissed.red"));
        var programs = await (await admin.GetAsync($"/api/v1/programs?siteId={site.Id}", Ct)).Read<JsonElement>();
        Assert.DoesNotContain(programs.GetProperty("items").EnumerateArray(), p => p.GetProperty("name").GetString() == "Bad");
    }

    private sealed record PackRead(int Version, bool IsDefault, DriftRulePack RulePack, string? ChangedBy);
}

public sealed class PatientsTestsOnSqlite(SqliteApi api) : PatientsTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class PatientsTestsOnPostgres(PostgresApi api) : PatientsTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class PatientsTestsOnSqlServer(SqlServerApi api) : PatientsTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
