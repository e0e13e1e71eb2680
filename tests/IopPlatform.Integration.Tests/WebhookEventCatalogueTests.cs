using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>Every event the code can emit is in the catalogue, with a schema the API and its OpenAPI document publish (issue 21).</summary>
public sealed partial class WebhookEventCatalogueTests(SqliteApi api) : EngineTest<SqliteApi>(api), IClassFixture<SqliteApi>
{
    [GeneratedRegex("^[a-z_]+\\.[a-z_]+$")]
    private static partial Regex EventTypeShape();

    /// <summary>The event type constants of every module's outbox (static classes named *Outbox or *Events), read from the host's assemblies.</summary>
    private static List<string> EmittedEventTypes() =>
        typeof(Program).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("IopPlatform.", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: true, IsSealed: true } && (t.Name.EndsWith("Outbox", StringComparison.Ordinal) || t.Name.EndsWith("Events", StringComparison.Ordinal)))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => EventTypeShape().IsMatch(v))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void Every_event_type_the_modules_emit_is_in_the_catalogue_or_named_staff_only()
    {
        var emitted = EmittedEventTypes();
        Assert.True(emitted.Count >= 15, "the scan found too few outbox event types: " + string.Join(", ", emitted));
        Assert.Contains("measure.scored", emitted);
        var missing = emitted.Where(t => WebhookEventCatalogue.Find(t) is null && !WebhookEventCatalogue.StaffOnly.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0, "emitted but not in the webhook event catalogue: " + string.Join(", ", missing));
        Assert.All(WebhookEventCatalogue.StaffOnly.Keys, t => Assert.Null(WebhookEventCatalogue.Find(t)));
    }

    [Fact]
    public void Payloads_carry_only_the_schema_s_properties()
    {
        var scored = JsonDocument.Parse(WebhookEventCatalogue.Project("measure.scored",
            """{"measureId":"0195a6e2-7c4b-7d3e-9f12-3a4b5c6d7e8f","enrollmentId":"0195a6e2-7c4b-7d3e-9f12-3a4b5c6d7e8f","patientId":"0195a6e2-7c4b-7d3e-9f12-3a4b5c6d7e8f","instrument":"phq9","total":19,"band":"moderately_severe","flags":["item9"],"administeredAt":"2026-03-02T18:00:00+00:00"}"""));
        Assert.Equal(new[] { "administeredAt", "enrollmentId", "instrument", "measureId", "patientId" },
            scored.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Empty(WebhookPayloadSchemas.Violations($$"""{"type":"measure.scored","timestamp":"2026-03-02T18:00:00Z","data":{{scored.RootElement.GetRawText()}}}"""));
        Assert.NotEmpty(WebhookPayloadSchemas.Violations("""{"type":"measure.scored","timestamp":"2026-03-02T18:00:00Z","data":{"total":19}}"""));
        Assert.NotEmpty(WebhookPayloadSchemas.Violations("""{"type":"patient.renamed","timestamp":"2026-03-02T18:00:00Z","data":{}}"""));
        var signed = JsonDocument.Parse(WebhookEventCatalogue.Project("note.signed", """{"noteId":"0195a6e2-7c4b-7d3e-9f12-3a4b5c6d7e8f","sessionId":null,"signedBy":"clin-1"}"""));
        Assert.Equal(new[] { "noteId" }, signed.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task The_catalogue_and_the_OpenAPI_document_publish_the_same_schema_for_every_event_type()
    {
        var partner = await Api.PartnerClientAsync();
        var types = await (await partner.Http.GetAsync("/api/v1/webhook-event-types?limit=200", Ct)).ReadItems<WebhookEventTypeDto>();
        Assert.Equal(WebhookEventCatalogue.All.Select(e => e.Type), types.Select(t => t.Type));
        Assert.Equal(WebhookEventTypes.All.Order(StringComparer.Ordinal), types.Where(t => t.Subscribable).Select(t => t.Type).Order(StringComparer.Ordinal));
        await (await Api.ClientAs(IopPlatform.BuildingBlocks.Security.Roles.Clinician).GetAsync("/api/v1/webhook-event-types", Ct)).Problem(HttpStatusCode.Forbidden);

        using var document = JsonDocument.Parse(await Api.Anonymous().GetStringAsync("/swagger/v1/swagger.json", Ct));
        var components = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (var type in types)
        {
            var component = components.GetProperty(type.SchemaRef["#/components/schemas/".Length..]);
            var properties = type.Schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(properties, component.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            Assert.Equal(type.Schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal),
                component.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
            Assert.False(component.GetProperty("additionalProperties").GetBoolean());
            if (type.ConsentCategory is not null)
            {
                Assert.Contains("patientId", properties);
            }
        }
    }
}
