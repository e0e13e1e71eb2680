using System.Net;
using System.Text.Json;
using IopPlatform.Integration.Features.Webhooks;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Integration.Tests;

/// <summary>
/// Enrollment's own lifecycle reaches partners through the outbox: a status change and a consent revocation are stored
/// as <c>enrollment_outbox</c> rows with the change itself, then delivered once to subscribers who hold consent.
/// </summary>
public abstract class EnrollmentOutboxTests<TApi>(TApi api) : AlertsTest<TApi>(api)
    where TApi : AlertsApi
{
    [Fact]
    public async Task Admit_and_consent_revocation_are_written_to_the_outbox_and_delivered_once()
    {
        await using var receiver = new WebhookReceiver();
        var (programId, _) = await ProgramWithDailyGroup();
        var partner = await Api.PartnerClientAsync();
        await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/lifecycle", events = new[] { "enrollment.status_changed", "consent.revoked" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        var enrollment = await ActiveEnrollment(programId, "Dana", "cm-1");
        // Stored with the transition: screening and admission, one row each, ids and codes only.
        var stored = await Rows<string>("SELECT payload FROM enrollment_outbox WHERE event_type = 'enrollment.status_changed' AND aggregate_id = @Id ORDER BY id", new { enrollment.Id });
        Assert.Equal([("referred", "screened"), ("screened", "active")], stored.Select(p =>
        {
            using var doc = JsonDocument.Parse(p);
            return (doc.RootElement.GetProperty("from").GetString(), doc.RootElement.GetProperty("to").GetString());
        }));
        Assert.All(stored, p => Assert.DoesNotContain("Whitfield", p, StringComparison.Ordinal));

        var kept = await Consent(enrollment.PatientId, partner.ClientId, "Care coordination with the patient's recovery app");
        var revoked = await Consent(enrollment.PatientId, partner.ClientId, "Appointment reminders");
        await (await Api.Admin().PostJson($"/api/v1/consents/{revoked}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<IdOnly>();
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM enrollment_outbox WHERE event_type = 'consent.revoked' AND aggregate_id = @revoked AND patient_id = @PatientId", new { revoked, enrollment.PatientId }));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM enrollment_outbox WHERE event_type = 'consent.revoked' AND aggregate_id = @kept", new { kept }));

        await Run(new DispatchOutboxCommand());
        await Run(new DispatchOutboxCommand());
        var received = receiver.Requests.ToList();
        var admitted = Assert.Single(received, r =>
        {
            using var doc = JsonDocument.Parse(r.Body);
            return doc.RootElement.GetProperty("type").GetString() == "enrollment.status_changed" && doc.RootElement.GetProperty("data").GetProperty("to").GetString() == "active";
        });
        using (var doc = JsonDocument.Parse(admitted.Body))
        {
            Assert.Equal(enrollment.Id, doc.RootElement.GetProperty("data").GetProperty("enrollmentId").GetGuid());
        }
        Assert.Equal(3, received.Count);
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        Assert.Single(received, r => r.Body.Contains("consent.revoked", StringComparison.Ordinal) && r.Body.Contains(revoked.ToString(), StringComparison.Ordinal));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM enrollment_outbox WHERE dispatched_at IS NULL"));
    }

    [Fact]
    public async Task Drug_tests_and_measures_reach_webhooks_through_the_outcomes_outbox_once_and_only_under_consent()
    {
        await using var receiver = new WebhookReceiver();
        var (programId, _) = await ProgramWithDailyGroup();
        var enrollment = await ActiveEnrollment(programId, "Kai", "cm-2");
        var partner = await Api.PartnerClientAsync();
        await (await partner.Http.PostJson("/api/v1/webhook-subscriptions", new { url = receiver.BaseUrl + "/outcomes", events = new[] { "drug_test.recorded", "measure.scored" } }))
            .Read<WebhookSubscriptionDto>(HttpStatusCode.Created);
        // Drug tests only: a measure is "outcomes", which this partner may not see.
        await Consent(enrollment.PatientId, partner.ClientId, "Recovery app: test results", "drug_test");
        var clinician = Clinician();
        var test = await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Now.AddMinutes(-30),
            analytes = new[] { new { analyte = "buprenorphine", result = "positive" } },
        })).Read<IdOnly>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/measures", new { instrument = "phq9", administeredAt = Now.AddMinutes(-30), answers = new[] { 1, 1, 1, 1, 1, 1, 1, 1, 0 } }))
            .Read<IdOnly>(HttpStatusCode.Created);

        await Run(new DispatchOutboxCommand());
        await Run(new DispatchOutboxCommand());
        var received = Assert.Single(receiver.Requests);
        using (var doc = JsonDocument.Parse(received.Body))
        {
            Assert.Equal("drug_test.recorded", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal(test.Id, doc.RootElement.GetProperty("data").GetProperty("drugTestId").GetGuid());
        }
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM integration_webhook_delivery WHERE event_type = 'measure.scored' AND status = 'withheld' AND payload LIKE @p", new { p = $"%{enrollment.Id}%" }));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM outcomes_outbox WHERE dispatched_at IS NULL"));
    }
}

public sealed class EnrollmentOutboxSqliteTests(AlertsSqliteApi api) : EnrollmentOutboxTests<AlertsSqliteApi>(api), IClassFixture<AlertsSqliteApi>;

public sealed class EnrollmentOutboxPostgresTests(AlertsPostgresApi api) : EnrollmentOutboxTests<AlertsPostgresApi>(api), IClassFixture<AlertsPostgresApi>;

public sealed class EnrollmentOutboxSqlServerTests(AlertsSqlServerApi api) : EnrollmentOutboxTests<AlertsSqlServerApi>(api), IClassFixture<AlertsSqlServerApi>;
