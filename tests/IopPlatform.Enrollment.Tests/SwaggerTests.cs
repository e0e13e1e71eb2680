using System.Net;
using System.Text.Json;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests;

public sealed class SwaggerTests(SqliteApi api) : EngineTest<SqliteApi>(api), IClassFixture<SqliteApi>
{
    [Fact]
    public async Task Enrollment_operations_are_documented_with_summaries_and_errors()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<JsonElement>(HttpStatusCode.OK);
        var operations = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Op: o.Value)))
            .ToDictionary(x => x.Op.GetProperty("operationId").GetString()!, x => x.Op);

        foreach (var id in new[] { "CreatePatient", "ReplacePatient", "GetPatient", "SearchPatients", "ReferPatient", "GetEnrollment", "ScreenEnrollment", "AdmitEnrollment",
                     "HoldEnrollment", "ResumeEnrollment", "CancelEnrollment", "DischargeEnrollment", "SetCareTeam", "GetCaseload", "CreateConsent", "ListConsents", "RevokeConsent", "ListDisclosures" })
        {
            Assert.True(operations.ContainsKey(id), id);
            Assert.False(string.IsNullOrEmpty(operations[id].GetProperty("summary").GetString()), id);
        }
        Assert.True(operations["DischargeEnrollment"].GetProperty("responses").TryGetProperty("422", out _));
        Assert.True(operations["AdmitEnrollment"].GetProperty("responses").TryGetProperty("409", out _));
    }
}
