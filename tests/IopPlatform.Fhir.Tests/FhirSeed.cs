using Task = System.Threading.Tasks.Task;
using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;

namespace IopPlatform.Fhir.Tests;

/// <summary>An admitted patient with one drug test (a prescribed positive and an unexpected one) and one PHQ-9, made through /api/v1.</summary>
internal sealed record FhirPatientRecords(EnrollmentDto Enrollment, DrugTestDto DrugTest, MeasureResultDto Measure)
{
    public Guid PatientId => Enrollment.PatientId;

    public static async Task<FhirPatientRecords> CreateAsync(ApiFactory api)
    {
        var program = await api.CreateProgramAsync();
        var enrollment = await api.AdmitNewPatientAsync(program.Id, ["buprenorphine"]);
        var clinician = api.ClientAs(Roles.Clinician);
        var now = api.Clock.GetUtcNow();
        var test = await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/drug-tests", new
        {
            specimen = "urine",
            method = "lab",
            collectedAt = now.AddHours(-2),
            analytes = new[] { new { analyte = "buprenorphine", result = "positive" }, new { analyte = "fentanyl", result = "positive" }, new { analyte = "cocaine", result = "negative" } },
        })).Read<DrugTestDto>(HttpStatusCode.Created);
        var measure = await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/measures", new
        {
            instrument = "phq9",
            administeredAt = now.AddHours(-1),
            answers = new[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 },
        })).Read<MeasureResultDto>(HttpStatusCode.Created);
        return new FhirPatientRecords(enrollment, test, measure);
    }
}
