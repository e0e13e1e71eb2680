using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using IopPlatform.Enrollment.Contracts;
using Xunit;

namespace IopPlatform.Testing;

/// <summary>
/// Real episodes of care for tests of modules downstream of Enrollment (Outcomes, Scheduling, ...): site, program,
/// patient, referral, screening, admission, care team, discharge — all through Enrollment's HTTP API, as a client would.
/// Dates are taken from the test clock so the flow works however far a test class has moved it.
/// </summary>
public static class EnrollmentFlow
{
    private static int _mrn;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today(ApiFactory api) => DateOnly.FromDateTime(api.Clock.GetUtcNow().UtcDateTime);

    /// <summary>A new site and a program at it.</summary>
    public static async Task<ProgramDto> CreateProgramAsync(this ApiFactory api, string name = "Evening Adult IOP", string timeZone = "America/Chicago")
    {
        ArgumentNullException.ThrowIfNull(api);
        var admin = api.Admin();
        var site = await (await admin.PostJson("/api/v1/sites", new { name = $"{name} site", timeZone })).Read<SiteDto>(HttpStatusCode.Created);
        return await (await admin.PostJson("/api/v1/programs", new { siteId = site.Id, name, levelOfCare = "asam-3:2.1" })).Read<ProgramDto>(HttpStatusCode.Created);
    }

    /// <summary>A new patient with a unique MRN.</summary>
    public static async Task<PatientDto> CreatePatientAsync(this ApiFactory api, string given = "Dana", string family = "Whitfield")
    {
        ArgumentNullException.ThrowIfNull(api);
        var mrn = $"MRN-{Interlocked.Increment(ref _mrn):D5}-{Guid.NewGuid():N}"[..20];
        return await (await api.Admin().PostJson("/api/v1/patients", new
        {
            mrn,
            externalIds = Array.Empty<object>(),
            givenName = given,
            familyName = family,
            dateOfBirth = "1988-04-12",
            sexAtBirth = "female",
            genderIdentity = "woman",
            contact = new { phone = "+1 312 555 0100", email = "dana@example.org", address = new { line1 = "1 Main St", city = "Chicago", region = "IL", postalCode = "60601", country = "US" } },
            preferredLanguage = "en",
            emergencyContact = new { name = "Sam Whitfield", relationship = "brother", phone = "+1 312 555 0101" },
        })).Read<PatientDto>(HttpStatusCode.Created);
    }

    /// <summary>
    /// A new patient referred to <paramref name="programId"/>, screened eligible with the given prescribed analytes and
    /// age group, and admitted on <paramref name="admissionDate"/> (default today) at the clock's current instant.
    /// </summary>
    public static async Task<EnrollmentDto> AdmitNewPatientAsync(
        this ApiFactory api,
        Guid programId,
        IReadOnlyList<string>? expectedPositiveAnalytes = null,
        string ageGroup = "adult",
        DateOnly? admissionDate = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var patient = await api.CreatePatientAsync();
        var admission = admissionDate ?? Today(api);
        var staff = api.Admin();
        var referral = await (await staff.PostJson("/api/v1/enrollments", new { patientId = patient.Id, programId, referralDate = admission, referredByClinician = "Dr. Okafor" }))
            .Read<EnrollmentDto>(HttpStatusCode.Created);
        var screened = await (await TransitionAsync(staff, referral.Id, referral.Version, "screen", new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Dr. Rivera, LCSW",
            recommendedOn = admission,
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = false,
            expectedPositiveAnalytes = expectedPositiveAnalytes ?? [],
            ageGroup,
        })).Read<EnrollmentDto>();
        return await (await TransitionAsync(staff, screened.Id, screened.Version, "admit", new { admissionDate = admission })).Read<EnrollmentDto>();
    }

    /// <summary>Assigns the care team (user ids; null leaves a role empty).</summary>
    public static async Task<EnrollmentDto> SetCareTeamAsync(this ApiFactory api, EnrollmentDto enrollment, string? primaryCounsellor, string? caseManager, string? supervisor = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(enrollment);
        static object? Staff(string? id) => id is null ? null : new { userId = id, displayName = $"Staff {id}" };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/enrollments/{enrollment.Id}/care-team")
        {
            Content = JsonContent.Create(new { primaryCounsellor = Staff(primaryCounsellor), caseManager = Staff(caseManager), supervisor = Staff(supervisor) }, options: HttpJson.Options),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{enrollment.Version}\""));
        return await (await api.Admin().SendAsync(request, Ct)).Read<EnrollmentDto>();
    }

    /// <summary>Discharges with a reason (snake_case code); a completion is forced with a clinician override reason.</summary>
    public static async Task<EnrollmentDto> DischargeAsync(this ApiFactory api, EnrollmentDto enrollment, string reason, DateOnly? dischargeDate = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(enrollment);
        var body = new
        {
            reason,
            dischargeDate = dischargeDate ?? Today(api),
            clinicianOverrideReason = reason == "completed" ? "Completed the program (test cohort)" : null,
        };
        return await (await TransitionAsync(api.Admin(), enrollment.Id, enrollment.Version, "discharge", body)).Read<EnrollmentDto>();
    }

    /// <summary>A lifecycle action (screen, admit, hold, resume, discharge, cancel) with If-Match.</summary>
    public static async Task<HttpResponseMessage> TransitionAsync(HttpClient client, Guid enrollmentId, int version, string action, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/enrollments/{enrollmentId}/{action}");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: HttpJson.Options);
        }
        return await client.SendAsync(request, Ct);
    }

    /// <summary>A consent for <paramref name="partnerId"/> to receive <paramref name="categories"/> of the patient's records.</summary>
    public static async Task<ConsentDto> GrantConsentAsync(this ApiFactory api, Guid patientId, Guid partnerId, params string[] categories)
    {
        ArgumentNullException.ThrowIfNull(api);
        return await (await api.Admin().PostJson($"/api/v1/patients/{patientId}/consents", new
        {
            disclosingParty = "Riverside IOP",
            informationCategories = categories,
            recipientApiClientIds = new[] { partnerId },
            treatmentPaymentOperations = false,
            purpose = "Care coordination",
            expiresOn = Today(api).AddYears(1),
            signedBy = "Dana Whitfield",
            signerRelationship = "patient",
            signedAt = api.Clock.GetUtcNow().AddMinutes(-1),
            revocationRightAcknowledged = true,
        })).Read<ConsentDto>(HttpStatusCode.Created);
    }
}
