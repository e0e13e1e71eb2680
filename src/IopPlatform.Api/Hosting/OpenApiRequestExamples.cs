namespace IopPlatform.Api.Hosting;

/// <summary>
/// Hand-written examples for the request bodies of the integrators' walkthrough, where values derived from the schema
/// alone would be refused by rules the schema cannot state (a rule pack's ordering, a recurrence's end after its start,
/// an existing site). Set on the component schema before <see cref="OpenApiExamples"/> composes media examples, which
/// then use them. Ids are <see cref="OpenApiExamples.Uuid"/>: the resource created by the previous step.
/// </summary>
internal sealed class OpenApiRequestExamples : IDocumentFilter
{
    private static readonly Dictionary<string, string> BySchema = new(StringComparer.Ordinal)
    {
        ["CreateSiteRequest"] = """{"name":"Riverside Recovery Center","timeZone":"America/Chicago"}""",
        ["CreateProgramRequest"] = $$"""{"siteId":"{{OpenApiExamples.Uuid}}","name":"Evening Adult IOP","levelOfCare":"asam-3:2.1","requiredHoursPerWeekAdult":9,"requiredHoursPerWeekAdolescent":6,"expectedLengthWeeks":12}""",
        ["SavePatientRequest"] = """{"mrn":"MRN-004217","givenName":"Maria","familyName":"Lopez","dateOfBirth":"1988-07-14","sexAtBirth":"female","preferredLanguage":"es-MX","contact":{"phone":"+1-312-555-0142","email":"maria.lopez@mail.example","address":{"line1":"100 Main St","city":"Chicago","region":"IL","postalCode":"60601","country":"US"}},"emergencyContact":{"name":"Ana Lopez","relationship":"sister","phone":"+1-312-555-0199"}}""",
        ["ReferPatientRequest"] = $$"""{"patientId":"{{OpenApiExamples.Uuid}}","programId":"{{OpenApiExamples.Uuid}}","referralDate":"{{OpenApiExamples.Date}}","referredByClinician":"Dr. Alan Reyes","reason":"Step-down from residential treatment"}""",
        ["CreateApiClientRequest"] = """{"name":"Partner scheduling app","roles":["partner"],"kind":"partner"}""",
        ["CreateSubscriptionRequest"] = $$"""{"url":"https://partner.example/hooks/iop","events":["enrollment.status_changed","alert.raised"],"apiClientId":"{{OpenApiExamples.Uuid}}"}""",
        ["RedeliverFailedWebhooksRequest"] = """{"from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}""",
        ["CreateGroupRequest"] = $$"""{"siteId":"{{OpenApiExamples.Uuid}}","name":"Evening recovery group","track":"adult","sessionKind":"group_recovery","capacity":12,"daysOfWeek":["monday","wednesday","thursday"],"startTime":"18:00:00","endTime":"21:00:00","firstDate":"{{OpenApiExamples.Date}}","timeZone":"America/Chicago"}""",
        ["CreateAppointmentRequest"] = $$"""{"kind":"individual_counselling","clinicianId":"clinician-0042","enrollmentId":"{{OpenApiExamples.Uuid}}","siteId":"{{OpenApiExamples.Uuid}}","startsAt":"2026-03-03T15:00:00Z","endsAt":"2026-03-03T16:00:00Z"}""",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var (id, json) in BySchema)
        {
            if (schemas.TryGetValue(id, out var schema) && schema is OpenApiSchema concrete)
            {
                concrete.Examples = [JsonNode.Parse(json)!];
            }
        }
    }
}
