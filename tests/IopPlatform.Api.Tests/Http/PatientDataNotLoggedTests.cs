using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.Http;

/// <summary>A real patient's name, MRN and date of birth go through create, search, read and a failed request: no log line holds them.</summary>
public sealed class PatientDataNotLoggedTests(HttpSqliteApi api) : EngineTest<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>
{
    [Fact]
    public async Task A_patients_identity_never_reaches_the_logs()
    {
        var family = $"Quillfeather{Guid.NewGuid():N}"[..24];
        var mrn = $"MRN-{Guid.NewGuid():N}"[..16];
        var clinician = Api.ClientAs(Roles.Clinician);
        var patient = await (await clinician.PostJson("/api/v1/patients", new
        {
            mrn,
            givenName = "Ottoline",
            familyName = family,
            dateOfBirth = "1979-11-23",
            sexAtBirth = "female",
            preferredLanguage = "en",
        })).Read<JsonElement>(HttpStatusCode.Created);
        var id = patient.GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/api/v1/patients/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/api/v1/patients?name={family}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/api/v1/patients?identifier={mrn}", Ct)).StatusCode);
        // A duplicate MRN fails inside the handler: the error path logs too.
        await (await clinician.PostJson("/api/v1/patients", new { mrn, givenName = "Ottoline", familyName = family, dateOfBirth = "1979-11-23", sexAtBirth = "female", preferredLanguage = "en" }))
            .Problem(HttpStatusCode.Conflict);

        var lines = Api.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("GetPatient", StringComparison.Ordinal));
        var leaks = lines.Where(l => l.Contains(family, StringComparison.Ordinal) || l.Contains(mrn, StringComparison.Ordinal) || l.Contains("1979-11-23", StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, "patient data in the logs:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
    }
}
