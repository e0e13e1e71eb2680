using System.Net;
using Hl7.Fhir.Model;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Fhir.Contracts;
using IopPlatform.Testing;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace IopPlatform.Fhir.Tests;

/// <summary>
/// The /api/v1 consent matrix (tests/IopPlatform.Enrollment.Tests Consents, tests/IopPlatform.Outcomes.Tests
/// PartnerConsentTests) on the FHIR routes: same door, same notice, same accounting entries.
/// </summary>
public abstract class FhirConsentTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    private async Task<List<DisclosureDto>> Disclosures(Guid patientId) =>
        await (await Api.Admin().GetAsync($"/api/v1/patients/{patientId}/disclosures?limit=200", Ct)).ReadItems<DisclosureDto>();

    private static async Task Hidden(HttpResponseMessage response)
    {
        var outcome = await response.Outcome(HttpStatusCode.NotFound);
        Assert.Equal(OperationOutcome.IssueType.NotFound, outcome.Issue[0].Code);
        Assert.False(response.Headers.Contains(DisclosureHeaders.Notice));
    }

    private static void Noticed(HttpResponseMessage response)
    {
        Assert.Equal(DisclosureHeaders.NoticeText, Assert.Single(response.Headers.GetValues(DisclosureHeaders.Notice)));
        Assert.True(response.Headers.Contains(DisclosureHeaders.ConsentScope));
    }

    [Fact]
    public async Task Partner_without_consent_gets_404_like_a_missing_patient_and_an_empty_search()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partner = await Api.PartnerClientAsync();

        var read = await partner.Http.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct);
        var missing = await (await partner.Http.GetAsync($"{FhirHttp.Base}/Patient/{Guid.CreateVersion7()}", Ct)).Outcome(HttpStatusCode.NotFound);
        var text = await read.Content.ReadAsStringAsync(Ct);
        await Hidden(read);
        Assert.DoesNotContain("Whitfield", text, StringComparison.Ordinal);
        Assert.Equal(missing.Issue[0].Details!.Text, (await read.Outcome(HttpStatusCode.NotFound)).Issue[0].Details!.Text);
        foreach (var search in new[] { $"Patient?_id={records.PatientId}", $"EpisodeOfCare?patient={records.PatientId}", $"Observation?patient={records.PatientId}" })
        {
            var response = await partner.Http.GetAsync($"{FhirHttp.Base}/{search}", Ct);
            Assert.Empty((await response.Fhir<Bundle>()).Entry);
            Assert.False(response.Headers.Contains(DisclosureHeaders.Notice));
        }
        await Hidden(await partner.Http.GetAsync($"{FhirHttp.Base}/EpisodeOfCare/{records.Enrollment.Id}", Ct));
        await Hidden(await partner.Http.GetAsync($"{FhirHttp.Base}/Observation/drugtest-{records.DrugTest.Id}", Ct));
        Assert.Empty(await Disclosures(records.PatientId));
    }

    [Fact]
    public async Task Partner_with_consent_gets_labelled_resources_with_the_notice_and_each_is_accounted_like_on_api_v1()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partner = await Api.PartnerClientAsync();
        var consent = await Api.GrantConsentAsync(records.PatientId, partner.ClientId, InformationCategories.Demographics, InformationCategories.Enrollment);

        var read = await partner.Http.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct);
        var patient = await read.Fhir<Patient>();
        var search = await partner.Http.GetAsync($"{FhirHttp.Base}/EpisodeOfCare?patient={records.PatientId}", Ct);
        var bundle = await search.Fhir<Bundle>();

        Noticed(read);
        Noticed(search);
        Assert.Contains(patient.Meta!.Security, c => c.Code == FhirSecurityLabels.Part2);
        Assert.Contains(bundle.Meta!.Security, c => c.Code == FhirSecurityLabels.Part2);
        Assert.All(bundle.Entry, e => Assert.Contains(e.Resource!.Meta!.Security, c => c.Code == FhirSecurityLabels.Restricted));
        Assert.Single(bundle.Entry);
        var accounting = await Disclosures(records.PatientId);
        Assert.Equal(2, accounting.Count);
        Assert.All(accounting, d => Assert.Equal((partner.ClientId, consent.Id, PurposesOfUse.Treatment), (d.RecipientApiClientId, d.ConsentId, d.PurposeOfUse)));
        Assert.Equal([$"enrollment/{records.Enrollment.Id}", $"patient/{records.PatientId}"], accounting.SelectMany(d => d.Records).Order());
        // Covered categories only: observations stay hidden.
        Assert.Empty((await (await partner.Http.GetAsync($"{FhirHttp.Base}/Observation?patient={records.PatientId}", Ct)).Fhir<Bundle>()).Entry);
    }

    [Fact]
    public async Task An_outcomes_consent_shows_measures_but_never_drug_tests()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(records.PatientId, partner.ClientId, InformationCategories.Outcomes);

        var response = await partner.Http.GetAsync($"{FhirHttp.Base}/Observation?patient={records.PatientId}", Ct);
        var bundle = await response.Fhir<Bundle>();

        Assert.Equal($"measure-{records.Measure.Id}", Assert.Single(bundle.Entry).Resource!.Id);
        Noticed(response);
        await Hidden(await partner.Http.GetAsync($"{FhirHttp.Base}/Observation/drugtest-{records.DrugTest.Id}", Ct));
        Noticed(await partner.Http.GetAsync($"{FhirHttp.Base}/Observation/measure-{records.Measure.Id}", Ct));
        var accounting = await Disclosures(records.PatientId);
        Assert.Equal(2, accounting.Count);
        Assert.All(accounting, d => Assert.Equal(InformationCategories.Outcomes, d.Category));
    }

    [Fact]
    public async Task After_revocation_the_partner_receives_nothing()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partner = await Api.PartnerClientAsync();
        var consent = await Api.GrantConsentAsync(records.PatientId, partner.ClientId, InformationCategories.Demographics);
        await (await partner.Http.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct)).Fhir<Patient>();

        await (await Api.Admin().PostJson($"/api/v1/consents/{consent.Id}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();

        await Hidden(await partner.Http.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct));
        Assert.Empty((await (await partner.Http.GetAsync($"{FhirHttp.Base}/Patient?_id={records.PatientId}", Ct)).Fhir<Bundle>()).Entry);
        Assert.Single(await Disclosures(records.PatientId));
    }

    [Fact]
    public async Task A_partner_must_declare_its_purpose_of_use_and_staff_reads_carry_no_notice()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(records.PatientId, partner.ClientId, InformationCategories.Demographics);
        var silent = Api.ClientWithApiKey(partner.Key);

        var outcome = await (await silent.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct)).Outcome(HttpStatusCode.BadRequest);
        var staffRead = await Api.ClientAs(Roles.Clinician).GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct);

        Assert.Contains(HttpCurrentCaller.PurposeHeader, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        await staffRead.Fhir<Patient>();
        Assert.False(staffRead.Headers.Contains(DisclosureHeaders.Notice));
        Assert.Empty(await Disclosures(records.PatientId));
    }
}

public sealed class FhirConsentTestsOnSqlite(SqliteApi api) : FhirConsentTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class FhirConsentTestsOnPostgres(PostgresApi api) : FhirConsentTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class FhirConsentTestsOnSqlServer(SqlServerApi api) : FhirConsentTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
