using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Patients;

/// <summary>Each access to a patient's data leaves an audit row naming who, which patient, what, and why.</summary>
public abstract class PatientDataAuditTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Reading_a_patient_and_changing_an_enrollment_are_audited_with_patient_category_and_purpose()
    {
        var admin = Api.Admin();
        var program = await Seed.Program(admin);
        var clinician = Api.ClientAs(Roles.Clinician, "clin-audit-1");
        var patient = await Seed.Patient(clinician);
        var enrollment = await Seed.ActiveEnrollment(clinician, patient.Id, program.Id);

        var caseManager = Api.ClientAs(Roles.CaseManager, "cm-audit-1");
        caseManager.DefaultRequestHeaders.Add("X-Purpose-Of-Use", "operations");
        Assert.Equal(HttpStatusCode.OK, (await caseManager.GetAsync($"/api/v1/patients/{patient.Id}", Ct)).StatusCode);

        var events = await AuditEvents(admin, patient.Id);

        var read = Assert.Single(events, e => e.GetProperty("actorId").GetString() == "cm-audit-1");
        Assert.Equal("demographics", read.GetProperty("dataCategory").GetString());
        Assert.Equal("read", read.GetProperty("action").GetString());
        Assert.Equal("operations", read.GetProperty("purpose").GetString());
        Assert.Equal("success", read.GetProperty("outcome").GetString());
        Assert.Contains("case_manager", read.GetProperty("roles").GetString(), StringComparison.Ordinal);

        var transitions = events.Where(e => e.GetProperty("actorId").GetString() == "clin-audit-1"
                                            && e.GetProperty("dataCategory").GetString() == "enrollment"
                                            && e.GetProperty("action").GetString() == "update").ToList();
        Assert.True(transitions.Count >= 2, $"screen and admit of enrollment {enrollment.Id} should be audited, found {transitions.Count}");
        Assert.All(events, e => Assert.Equal(patient.Id, e.GetProperty("patientId").GetGuid()));
    }

    [Fact]
    public async Task A_denied_read_by_a_partner_without_consent_is_audited_and_reveals_nothing()
    {
        var admin = Api.Admin();
        var patient = await Seed.Patient(Api.ClientAs(Roles.Clinician));
        var partner = await Api.PartnerClientAsync();

        var response = await partner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct);

        var problem = await response.Problem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(patient.FamilyName, problem.GetRawText(), StringComparison.Ordinal);
        var events = await AuditEvents(admin, patient.Id);
        Assert.Contains(events, e => e.GetProperty("actorId").GetString() == partner.ClientId.ToString()
                                     && e.GetProperty("outcome").GetString() != "success");
    }

    private static async Task<List<JsonElement>> AuditEvents(HttpClient admin, Guid patientId)
    {
        // verify flushes the batched writer first, so every access above is in the table.
        var verified = await (await admin.PostAsync("/api/v1/audit-events/verify", null, Ct)).Read<JsonElement>();
        Assert.True(verified.GetProperty("verified").GetBoolean());
        var page = await (await admin.GetAsync($"/api/v1/audit-events?patientId={patientId}&limit=200", Ct)).Read<JsonElement>();
        return page.GetProperty("items").EnumerateArray().ToList();
    }
}

public sealed class PatientDataAuditTestsOnSqlite(SqliteApi api) : PatientDataAuditTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class PatientDataAuditTestsOnPostgres(PostgresApi api) : PatientDataAuditTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class PatientDataAuditTestsOnSqlServer(SqlServerApi api) : PatientDataAuditTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
