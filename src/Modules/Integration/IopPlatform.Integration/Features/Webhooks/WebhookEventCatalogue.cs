using System.Text.Json;
using System.Text.Json.Nodes;
using IopPlatform.Enrollment.Contracts;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>One event type a partner can receive: what it means, the consent category it discloses, and its payload's JSON Schema.</summary>
internal sealed record WebhookEventType(string Type, string Description, string? ConsentCategory, JsonObject Schema)
{
    /// <summary>Partners subscribe to event types about patients; <c>webhook.test</c> is sent on request only.</summary>
    public bool Subscribable => ConsentCategory is not null;
}

/// <summary>
/// The contract of every event partners receive: the dispatcher sends a payload's listed properties only (ids and
/// minimal data; a partner fetches details through the API under its consent), so an outbox payload that grows never
/// leaks to partners. A property a payload holds as null is left out (it is optional in the schema).
/// </summary>
internal static class WebhookEventCatalogue
{
    /// <summary>Event types the modules write to their outboxes for staff only (emails, alert inbox); never sent to partners.</summary>
    public static readonly IReadOnlyDictionary<string, string> StaffOnly = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["note.overdue"] = "A note not signed in time: a task for its author and supervisor, not a partner event.",
        ["safety.alert_raised"] = "Outcomes' request for a safety alert; partners receive the alert.raised it becomes.",
    };

    public static readonly IReadOnlyList<WebhookEventType> All =
    [
        Event("enrollment.status_changed", "An enrollment moved between states (referred, screened, active, on_hold, discharged, cancelled).", InformationCategories.Enrollment,
            Id("enrollmentId"), Id("patientId"), Id("programId"), Text("from"), Text("to"), Instant("occurredAt")),
        Event("consent.revoked", "The patient revoked a consent; deliveries it covered are withheld from now on.", InformationCategories.Enrollment,
            Id("consentId"), Id("patientId"), Instant("revokedAt")),
        Event("attendance.recorded", "Attendance of an enrolled patient at a session was recorded or corrected.", InformationCategories.Attendance,
            Id("attendanceId"), Id("sessionId"), Id("groupId"), Id("enrollmentId"), Id("patientId"), Text("status"), Int("minutes"), Instant("sessionStartsAt")),
        Event("session.missed", "A booked patient did not attend a session (flagged after the session's grace period).", InformationCategories.Attendance,
            Id("sessionId"), Id("groupId"), Id("enrollmentId"), Id("patientId"), Instant("sessionStartsAt"), Instant("sessionEndsAt")),
        Event("alert.raised", "A dropout-risk or safety alert was raised for an enrollment.", InformationCategories.Enrollment, AlertProperties()),
        Event("alert.acknowledged", "A case manager acknowledged an alert.", InformationCategories.Enrollment, AlertProperties()),
        Event("alert.resolved", "An alert was resolved.", InformationCategories.Enrollment, AlertProperties()),
        Event("alert.escalated", "An alert nobody acknowledged in time was escalated to the supervisor.", InformationCategories.Enrollment, AlertProperties()),
        Event("note.signed", "A clinical note was signed (or co-signed); fetch it under a clinical_note consent.", InformationCategories.ClinicalNote,
            Id("noteId"), Id("enrollmentId"), Id("patientId"), Optional(Id("sessionId")), Text("status"), Instant("at")),
        Event("note.addended", "An addendum, late entry, amendment or entered-in-error entry was added to a locked note.", InformationCategories.ClinicalNote,
            Id("noteId"), Id("entryId"), Id("enrollmentId"), Id("patientId"), Text("kind"), Instant("at")),
        Event("drug_test.recorded", "A drug test was recorded or corrected (a new version); the result is read through the API.", InformationCategories.DrugTest,
            Id("drugTestId"), Id("enrollmentId"), Id("patientId"), Int("version"), Instant("collectedAt")),
        Event("measure.scored", "A standardized measure was submitted and scored; scores are read through the API.", InformationCategories.Outcomes,
            Id("measureId"), Id("enrollmentId"), Id("patientId"), Text("instrument"), Instant("administeredAt")),
        Event("milestone.achieved", "An enrollment reached a recovery milestone.", InformationCategories.Outcomes,
            Id("enrollmentId"), Id("patientId"), Text("milestone"), Instant("achievedAt")),
        Event(SendTestWebhookCommand.EventType, "A test event sent on request (POST /webhook-subscriptions/{id}/test); no patient data.", null,
            Id("subscriptionId"), Id("eventId")),
    ];

    private static readonly Dictionary<string, WebhookEventType> ByType = All.ToDictionary(e => e.Type, StringComparer.Ordinal);

    public static WebhookEventType? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>The payload partners receive: only the schema's properties, nulls left out; unknown types send nothing.</summary>
    public static string Project(string type, string payload)
    {
        if (Find(type) is not { } known)
        {
            return "{}";
        }
        var properties = known.Schema["properties"]!.AsObject();
        JsonObject source;
        try
        {
            source = JsonNode.Parse(payload) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            source = [];
        }
        var projected = new JsonObject();
        foreach (var (name, _) in properties)
        {
            if (source.TryGetPropertyValue(name, out var value) && value is not null)
            {
                projected[name] = value.DeepClone();
            }
        }
        return projected.ToJsonString();
    }

    private sealed record Property(string Name, JsonObject Schema, bool Required = true);

    private static Property Id(string name) => new(name, new JsonObject { ["type"] = "string", ["format"] = "uuid" });

    private static Property Instant(string name) => new(name, new JsonObject { ["type"] = "string", ["format"] = "date-time" });

    private static Property Text(string name) => new(name, new JsonObject { ["type"] = "string", ["maxLength"] = 100 });

    private static Property Int(string name) => new(name, new JsonObject { ["type"] = "integer", ["format"] = "int32" });

    private static Property Optional(Property property) => property with { Required = false };

    private static Property[] AlertProperties() =>
        [Id("alertId"), Id("enrollmentId"), Id("patientId"), Id("programId"), Text("alertType"), Text("rule"), Text("severity"), Text("status"), Instant("occurredAt")];

    private static WebhookEventType Event(string type, string description, string? category, params Property[] properties)
    {
        var schema = new JsonObject
        {
            ["title"] = type,
            ["description"] = description,
            ["type"] = "object",
            ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.Schema))),
            ["required"] = new JsonArray([.. properties.Where(p => p.Required).Select(p => (JsonNode?)p.Name)]),
            ["additionalProperties"] = false,
        };
        return new WebhookEventType(type, description, category, schema);
    }
}
