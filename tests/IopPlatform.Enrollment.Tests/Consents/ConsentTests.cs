using System.Net;
using System.Text.Json;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Enrollment.Tests.Consents;

public abstract class ConsentTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    private const string Notice = "42 CFR part 2 prohibits unauthorized use or disclosure of these records.";

    private static object ConsentBody(Guid? partner, string[]? categories = null, string? expiresOn = "2027-03-01", string? expiryEvent = null, bool tpo = false) => new
    {
        disclosingParty = "Riverside Recovery Center IOP",
        informationCategories = categories ?? ["demographics", "enrollment"],
        recipientApiClientIds = partner is null ? Array.Empty<Guid>() : [partner.Value],
        treatmentPaymentOperations = tpo,
        purpose = "Care coordination with the patient's recovery app",
        expiresOn,
        expiryEvent,
        signedBy = "Dana Whitfield",
        signerRelationship = "patient",
        signedAt = "2026-03-01T15:00:00Z",
        revocationRightAcknowledged = true,
    };

    private static async Task<ConsentDto> Consent(HttpClient staff, Guid patientId, object body) =>
        await (await staff.PostJson($"/api/v1/patients/{patientId}/consents", body)).Read<ConsentDto>(HttpStatusCode.Created);

    private static async Task AssertNothingDisclosed(HttpResponseMessage response, PatientDto patient)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        await response.Problem(HttpStatusCode.NotFound);
        Assert.False(response.Headers.Contains("X-Redisclosure-Notice"));
        Assert.DoesNotContain(patient.FamilyName, text, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Mrn, text, StringComparison.Ordinal);
        Assert.DoesNotContain("1988-04-12", text, StringComparison.Ordinal);
    }

    private static async Task<int> Disclosures(HttpClient staff, Guid patientId) =>
        (await (await staff.GetAsync($"/api/v1/patients/{patientId}/disclosures?limit=200", Ct)).Read<JsonElement>()).GetProperty("items").GetArrayLength();

    [Fact]
    public async Task Partner_without_consent_gets_404_exactly_like_a_missing_patient()
    {
        var staff = Api.ClientAs("clinician");
        var partner = Api.ClientAsPartner(Guid.CreateVersion7());
        var patient = await Seed.Patient(staff);

        var response = await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct);
        var missing = await (await partner.GetAsync($"/api/v1/patients/{Guid.CreateVersion7()}", Ct)).Problem(HttpStatusCode.NotFound);

        await AssertNothingDisclosed(response, patient);
        Assert.Equal("Not found", missing.GetProperty("title").GetString());
        var search = await (await partner.GetAsync($"/api/v1/patients?identifier={patient.Mrn}", Ct)).Read<JsonElement>();
        Assert.Equal(0, search.GetProperty("items").GetArrayLength());
        Assert.Equal(0, await Disclosures(staff, patient.Id));
    }

    [Fact]
    public async Task Partner_with_consent_gets_the_record_with_notice_and_the_disclosure_is_accounted()
    {
        var staff = Api.ClientAs("clinician");
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var patient = await Seed.Patient(staff);
        var consent = await Consent(staff, patient.Id, ConsentBody(partnerId));

        var now = Api.Clock.GetUtcNow();
        var response = await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct);

        Assert.Equal(patient.Mrn, (await response.Read<PatientDto>()).Mrn);
        Assert.Equal(Notice, Assert.Single(response.Headers.GetValues("X-Redisclosure-Notice")));
        var accounting = await (await staff.GetAsync($"/api/v1/patients/{patient.Id}/disclosures", Ct)).ReadItems<DisclosureDto>();
        var entry = Assert.Single(accounting);
        Assert.Equal(partnerId, entry.RecipientApiClientId);
        Assert.Equal(consent.Id, entry.ConsentId);
        Assert.Equal("demographics", entry.Category);
        Assert.Equal(now, entry.DisclosedAt);
        var staffRead = await staff.GetAsync($"/api/v1/patients/{patient.Id}", Ct);
        Assert.False(staffRead.Headers.Contains("X-Redisclosure-Notice"));
        Assert.Equal(1, await Disclosures(staff, patient.Id));
    }

    [Fact]
    public async Task Partner_list_holds_only_consented_patients()
    {
        var staff = Api.ClientAs("clinician");
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var family = "Lister" + Guid.NewGuid().ToString("N")[..6];
        var consented = await Seed.Patient(staff, family: family);
        await Seed.Patient(staff, family: family);
        await Consent(staff, consented.Id, ConsentBody(partnerId));

        var response = await partner.GetAsync($"/api/v1/patients?name={family}", Ct);
        var page = await response.Read<JsonElement>();

        Assert.Equal(consented.Id, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.True(response.Headers.Contains("X-Redisclosure-Notice"));
        var staffPage = await (await staff.GetAsync($"/api/v1/patients?name={family}", Ct)).Read<JsonElement>();
        Assert.Equal(2, staffPage.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task After_revocation_the_partner_receives_nothing_and_revoking_twice_is_409()
    {
        var staff = Api.ClientAs("case_manager");
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var patient = await Seed.Patient(staff);
        var consent = await Consent(staff, patient.Id, ConsentBody(partnerId));
        await (await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct)).Read<PatientDto>();

        var now = Api.Clock.GetUtcNow();
        var revoked = await (await staff.PostJson($"/api/v1/consents/{consent.Id}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();

        Assert.Equal(now, revoked.RevokedAt);
        Assert.True(revoked.RevokedInWriting);
        await AssertNothingDisclosed(await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct), patient);
        await (await staff.PostJson($"/api/v1/consents/{consent.Id}/revoke", new { revokedBy = "Dana", inWriting = true, receivedVia = "mail" })).Problem(HttpStatusCode.Conflict);
        Assert.Equal(1, await Disclosures(staff, patient.Id));
    }

    [Fact]
    public async Task Expired_consent_discloses_nothing()
    {
        var staff = Api.ClientAs("clinician");
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var patient = await Seed.Patient(staff);
        var tomorrow = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        await Consent(staff, patient.Id, ConsentBody(partnerId, expiresOn: tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Api.Clock.Advance(TimeSpan.FromDays(1));
        await (await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct)).Read<PatientDto>();

        // The clock only moves forward; other tests of the class compare with the clock, not with Start.
        Api.Clock.Advance(TimeSpan.FromDays(1));

        await AssertNothingDisclosed(await partner.GetAsync($"/api/v1/patients/{patient.Id}", Ct), patient);
    }

    [Fact]
    public async Task Consent_covers_only_its_categories_and_its_recipients()
    {
        var staff = Api.ClientAs("clinician");
        var partnerId = Guid.CreateVersion7();
        var patient = await Seed.Patient(staff);
        await Consent(staff, patient.Id, ConsentBody(partnerId, categories: ["enrollment"]));
        var empty = await Api.ClientAsPartner(partnerId).GetAsync($"/api/v1/patients/{patient.Id}/enrollments", Ct);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.False(empty.Headers.Contains("X-Redisclosure-Notice"));
        await Seed.Referral(staff, patient.Id, (await Seed.Program(Api.Admin())).Id);

        await AssertNothingDisclosed(await Api.ClientAsPartner(partnerId).GetAsync($"/api/v1/patients/{patient.Id}", Ct), patient);
        await AssertNothingDisclosed(await Api.ClientAsPartner(Guid.CreateVersion7()).GetAsync($"/api/v1/patients/{patient.Id}", Ct), patient);
        var enrollments = await Api.ClientAsPartner(partnerId).GetAsync($"/api/v1/patients/{patient.Id}/enrollments", Ct);
        Assert.Equal(HttpStatusCode.OK, enrollments.StatusCode);
        Assert.True(enrollments.Headers.Contains("X-Redisclosure-Notice"));
    }

    [Fact]
    public async Task Tpo_consent_discloses_only_to_tpo_recipients_and_ends_for_good_at_end_of_treatment()
    {
        var staff = Api.ClientAs("clinician");
        var program = await Seed.Program(Api.Admin());
        var patient = await Seed.Patient(staff);
        var tpo = await Consent(staff, patient.Id, ConsentBody(null, expiresOn: null, expiryEvent: "end_of_treatment", tpo: true));
        var active = await Seed.ActiveEnrollment(staff, patient.Id, program.Id);
        var plainPartner = await Api.PartnerClientAsync();
        var tpoPartner = await Api.TpoPartnerClientAsync();
        await using var scope = Api.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        DiscloseRecordsCommand Ask(Guid client) => new(patient.Id, "enrollment", []) { RecipientApiClientId = client };

        Assert.Equal(tpo.Id, (await mediator.Send(Ask(tpoPartner.ClientId), Ct)).ConsentId);
        Assert.False((await mediator.Send(Ask(plainPartner.ClientId), Ct)).Allowed);

        await (await Seed.Transition(staff, active, "discharge", new { reason = "left_before_completion" })).Read<EnrollmentDto>();
        Assert.False((await mediator.Send(Ask(tpoPartner.ClientId), Ct)).Allowed);
        var ended = Assert.Single(await (await staff.GetAsync($"/api/v1/patients/{patient.Id}/consents", Ct)).ReadItems<ConsentDto>());
        Assert.NotNull(ended.EndedAt);

        // Referred again: a new episode is new treatment, not the old consent back.
        await Seed.Referral(staff, patient.Id, program.Id);
        Assert.False((await mediator.Send(Ask(tpoPartner.ClientId), Ct)).Allowed);
        await AssertNothingDisclosed(await tpoPartner.Http.GetAsync($"/api/v1/patients/{patient.Id}", Ct), patient);
    }

    [Fact]
    public async Task Consent_missing_elements_or_with_past_expiry_is_400()
    {
        var staff = Api.ClientAs("clinician");
        var patient = await Seed.Patient(staff);

        var problem = await (await staff.PostJson($"/api/v1/patients/{patient.Id}/consents", new
        {
            disclosingParty = "", informationCategories = new[] { "demographics", "counselling_notes" }, recipientApiClientIds = Array.Empty<Guid>(),
            treatmentPaymentOperations = false, purpose = "", expiresOn = "2026-03-01", signedBy = "", signedAt = "2026-03-05T00:00:00Z", revocationRightAcknowledged = false,
        })).Problem(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors("disclosingParty"));
        Assert.Contains("never disclosed under a general consent", Assert.Single(problem.FieldErrors("informationCategories[1]")), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("recipientApiClientIds"));
        Assert.NotEmpty(problem.FieldErrors("purpose"));
        Assert.Contains("after today", Assert.Single(problem.FieldErrors("expiresOn")), StringComparison.Ordinal);
        Assert.NotEmpty(problem.FieldErrors("signedBy"));
        Assert.NotEmpty(problem.FieldErrors("signedAt"));
        Assert.NotEmpty(problem.FieldErrors("revocationRightAcknowledged"));
        var list = await (await staff.GetAsync($"/api/v1/patients/{patient.Id}/consents", Ct)).Read<JsonElement>();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Partners_cannot_manage_consents_or_read_the_accounting()
    {
        var staff = Api.ClientAs("clinician");
        var partnerId = Guid.CreateVersion7();
        var partner = Api.ClientAsPartner(partnerId);
        var patient = await Seed.Patient(staff);

        Assert.Equal(HttpStatusCode.Forbidden, (await partner.PostJson($"/api/v1/patients/{patient.Id}/consents", ConsentBody(partnerId))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync($"/api/v1/patients/{patient.Id}/disclosures", Ct)).StatusCode);
    }
}

public sealed class ConsentTestsOnSqlite(SqliteApi api) : ConsentTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class ConsentTestsOnPostgres(PostgresApi api) : ConsentTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class ConsentTestsOnSqlServer(SqlServerApi api) : ConsentTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
