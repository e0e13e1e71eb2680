using System.Net;
using System.Net.Http.Headers;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Enrollment.Tests;

/// <summary>Builds the records a test needs through the public API, as a client would.</summary>
internal static class Seed
{
    private static int _mrn;

    public static async Task<ProgramDto> Program(HttpClient admin)
    {
        var site = await (await admin.PostJson("/api/v1/sites", new { name = "Riverside", timeZone = "America/Chicago" })).Read<SiteDto>(HttpStatusCode.Created);
        return await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name = "Evening Adult IOP", levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created);
    }

    public static string NextMrn() => $"MRN-{Interlocked.Increment(ref _mrn):D5}-{Guid.NewGuid():N}"[..20];

    public static object PatientBody(string? mrn = null, string given = "Dana", string family = "Whitfield", string dob = "1988-04-12") => new
    {
        mrn = mrn ?? NextMrn(),
        externalIds = Array.Empty<object>(),
        givenName = given,
        familyName = family,
        dateOfBirth = dob,
        sexAtBirth = "female",
        genderIdentity = "woman",
        contact = new { phone = "+1 312 555 0100", email = "dana@example.org", address = new { line1 = "1 Main St", city = "Chicago", region = "IL", postalCode = "60601", country = "US" } },
        preferredLanguage = "en",
        emergencyContact = new { name = "Sam Whitfield", relationship = "brother", phone = "+1 312 555 0101" },
    };

    public static async Task<PatientDto> Patient(HttpClient client, string? mrn = null, string given = "Dana", string family = "Whitfield", string dob = "1988-04-12") =>
        await (await client.PostJson("/api/v1/patients", PatientBody(mrn, given, family, dob))).Read<PatientDto>(HttpStatusCode.Created);

    public static async Task<EnrollmentDto> Referral(HttpClient client, Guid patientId, Guid programId) =>
        await (await client.PostJson("/api/v1/enrollments", new { patientId, programId, referralDate = "2026-02-16", referredByClinician = "Dr. Okafor" })).Read<EnrollmentDto>(HttpStatusCode.Created);

    public static object EligibleScreening(string detox = "not_needed", string? detoxCompletedOn = null) => new
    {
        detoxStatus = detox,
        detoxCompletedOn,
        recommendedBy = "Dr. Rivera, LCSW",
        recommendedOn = "2026-02-20",
        recommendedLevelOfCare = "asam-3:2.1",
        actualLevelOfCare = "asam-3:2.1",
        dualDiagnosis = true,
        diagnosisCodes = new[] { "F32.1", "F41.1" },
        expectedPositiveAnalytes = new[] { "buprenorphine" },
        ageGroup = "adult",
    };

    public static Task<HttpResponseMessage> Transition(HttpClient client, EnrollmentDto enrollment, string action, object? body = null, int? version = null) =>
        Transition(client, enrollment.Id, version ?? enrollment.Version, action, body);

    public static async Task<HttpResponseMessage> Transition(HttpClient client, Guid enrollmentId, int? version, string action, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/{action}");
        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Referred, screened eligible, admitted.</summary>
    public static async Task<EnrollmentDto> ActiveEnrollment(HttpClient client, Guid patientId, Guid programId)
    {
        var referral = await Referral(client, patientId, programId);
        var screened = await (await Transition(client, referral, "screen", EligibleScreening())).Read<EnrollmentDto>();
        return await (await Transition(client, screened, "admit", new { admissionDate = "2026-03-02" })).Read<EnrollmentDto>();
    }
}
