using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IopPlatform.Testing;

namespace IopPlatform.Reliability.Tests;

/// <summary>
/// A small world made through the API (site, program, patient with an active enrollment, group with sessions, a partner
/// client), so generated requests can name rows that exist and reach past "not found".
/// </summary>
public sealed class World
{
    private World(Dictionary<string, Guid> ids, PartnerClient partner)
    {
        Ids = ids;
        Partner = partner;
    }

    /// <summary>Ids by the route or property name without "Id": site, program, patient, enrollment, group, session, apiclient.</summary>
    public IReadOnlyDictionary<string, Guid> Ids { get; }

    /// <summary>A partner app holding no consent for the patient.</summary>
    public PartnerClient Partner { get; }

    public static async Task<World> CreateAsync(ApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var admin = api.Admin();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var site = await Created(admin, "/api/v1/sites", new { name = "World site", timeZone = "America/Chicago" });
        ids["site"] = Id(site);
        var program = await Created(admin, "/api/v1/programs", new { siteId = ids["site"], name = "World IOP", levelOfCare = "asam-3:2.1" });
        ids["program"] = Id(program);
        var (patientId, enrollmentId, _) = await ActiveEnrollmentAsync(admin, ids["program"]);
        ids["patient"] = patientId;
        ids["enrollment"] = enrollmentId;
        var group = await Created(admin, "/api/v1/groups", new
        {
            siteId = ids["site"],
            name = "World group",
            track = "adult",
            sessionKind = "group_recovery",
            capacity = 12,
            facilitatorIds = new[] { "facilitator-1" },
            daysOfWeek = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" },
            startTime = "18:00",
            endTime = "21:00",
            firstDate = "2026-03-02",
        });
        ids["group"] = Id(group);
        var sessions = await (await admin.GetAsync(new Uri($"/api/v1/groups/{ids["group"]}/sessions", UriKind.Relative))).Read<JsonElement>();
        ids["session"] = sessions.GetProperty("items").EnumerateArray().First().GetProperty("id").GetGuid();
        // The generated requests may revoke the client they name, so that one is not the partner they send as.
        ids["apiclient"] = (await api.PartnerClientAsync()).ClientId;
        var partner = await api.PartnerClientAsync();
        return new World(ids, partner);
    }

    /// <summary>A new patient referred, screened and admitted to the program: ids and the enrollment's version.</summary>
    public static async Task<(Guid PatientId, Guid EnrollmentId, int Version)> ActiveEnrollmentAsync(HttpClient admin, Guid programId)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var patient = await Created(admin, "/api/v1/patients", new
        {
            mrn = $"W-{Guid.NewGuid():N}"[..16],
            externalIds = Array.Empty<object>(),
            givenName = "Wren",
            familyName = "World",
            dateOfBirth = "1985-06-01",
            sexAtBirth = "female",
            preferredLanguage = "en",
        });
        var enrollment = await Created(admin, "/api/v1/enrollments", new { patientId = Id(patient), programId, referralDate = "2026-02-16", referredByClinician = "Dr. World" });
        var screened = await Transition(admin, Id(enrollment), "screen", enrollment.GetProperty("version").GetInt32(), new
        {
            detoxStatus = "not_needed",
            recommendedBy = "Dr. Rivera",
            recommendedOn = "2026-02-20",
            recommendedLevelOfCare = "asam-3:2.1",
            actualLevelOfCare = "asam-3:2.1",
            dualDiagnosis = false,
            diagnosisCodes = Array.Empty<string>(),
            expectedPositiveAnalytes = Array.Empty<string>(),
            ageGroup = "adult",
        });
        var admitted = await Transition(admin, Id(enrollment), "admit", screened.GetProperty("version").GetInt32(), new { admissionDate = "2026-03-02" });
        return (Id(patient), Id(enrollment), admitted.GetProperty("version").GetInt32());
    }

    private static async Task<JsonElement> Created(HttpClient admin, string url, object body) =>
        await (await admin.PostJson(url, body)).Read<JsonElement>(HttpStatusCode.Created);

    private static async Task<JsonElement> Transition(HttpClient admin, Guid enrollment, string action, int version, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/enrollments/{enrollment}/{action}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpJson.Options),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await (await admin.SendAsync(request)).Read<JsonElement>();
    }

    private static Guid Id(JsonElement element) => element.GetProperty("id").GetGuid();
}
