using System.Net;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Outcomes.Tests.Consents;

/// <summary>Partner apps read outcomes and drug tests only under a consent in force for that category (42 CFR Part 2).</summary>
public abstract class PartnerConsentTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : OutcomesApiBase
{
    private async Task<List<DisclosureDto>> Disclosures(Guid patientId) =>
        await (await Api.Admin().GetAsync($"/api/v1/patients/{patientId}/disclosures", Ct)).ReadItems<DisclosureDto>();

    private static async Task Hidden(HttpResponseMessage response)
    {
        await response.Problem(HttpStatusCode.NotFound);
        Assert.False(response.Headers.Contains(RedisclosureNotice.Header));
    }

    private static void Noticed(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RedisclosureNotice.Text, Assert.Single(response.Headers.GetValues(RedisclosureNotice.Header)));
    }

    [Fact]
    public async Task Partner_sees_outcomes_and_drug_tests_only_under_a_consent_for_that_category_and_each_read_is_disclosed()
    {
        var e = await Api.EnrollAsync(3);
        var clinician = Api.ClientAs(Roles.Clinician);
        var measure = await (await clinician.PostJson($"/api/v1/enrollments/{e.EnrollmentId}/measures", new { instrument = "gad7", administeredAt = Api.Clock.GetUtcNow().AddHours(-1), answers = new int[7] }))
            .Read<MeasureResultDto>(HttpStatusCode.Created);
        var test = await (await clinician.PostJson($"/api/v1/enrollments/{e.EnrollmentId}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Api.Clock.GetUtcNow().AddHours(-1),
            analytes = new[] { new { analyte = "cocaine", result = "negative" } },
        })).Read<DrugTestDto>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{e.EnrollmentId}/support-activities", new { kind = "twelve_step", date = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime) }))
            .Read<SupportActivityDto>(HttpStatusCode.Created);
        var partner = await Api.PartnerClientAsync();
        var outcomesReads = new[]
        {
            $"/api/v1/enrollments/{e.EnrollmentId}/measures",
            $"/api/v1/enrollments/{e.EnrollmentId}/measures/{measure.Id}",
            $"/api/v1/enrollments/{e.EnrollmentId}/measures/due",
            $"/api/v1/enrollments/{e.EnrollmentId}/support-activities",
        };
        var drugTestReads = new[]
        {
            $"/api/v1/enrollments/{e.EnrollmentId}/drug-tests",
            $"/api/v1/drug-tests/{test.Id}",
            $"/api/v1/drug-tests/{test.Id}/versions",
        };

        // No consent: every read answers like a record that does not exist.
        foreach (var url in outcomesReads.Concat(drugTestReads))
        {
            await Hidden(await partner.Http.GetAsync(url, Ct));
        }
        Assert.Empty(await Disclosures(e.PatientId));

        // A consent naming the partner for outcomes: outcomes readable with the notice, drug tests still hidden.
        var outcomesConsent = await Api.GrantConsentAsync(e.PatientId, partner.ClientId, InformationCategories.Outcomes);
        foreach (var url in outcomesReads)
        {
            Noticed(await partner.Http.GetAsync(url, Ct));
        }
        foreach (var url in drugTestReads)
        {
            await Hidden(await partner.Http.GetAsync(url, Ct));
        }
        var disclosed = await Disclosures(e.PatientId);
        Assert.Equal(outcomesReads.Length, disclosed.Count);
        Assert.All(disclosed, d => Assert.Equal((partner.ClientId, outcomesConsent.Id, InformationCategories.Outcomes, "Care coordination", "treatment"), (d.RecipientApiClientId, d.ConsentId, d.Category, d.Purpose, d.PurposeOfUse)));

        // An empty list discloses nothing: no notice, no accounting entry.
        var empty = await partner.Http.GetAsync($"/api/v1/enrollments/{e.EnrollmentId}/recovery-checks", Ct);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.False(empty.Headers.Contains(RedisclosureNotice.Header));
        Assert.Equal(outcomesReads.Length, (await Disclosures(e.PatientId)).Count);
        var listed = await (await partner.Http.GetAsync(outcomesReads[0], Ct)).Read<Measures.CursorPageOf<MeasureResultDto>>();
        Assert.Equal(measure.Id, Assert.Single(listed.Items).Id);

        // A second consent for drug tests.
        await Api.GrantConsentAsync(e.PatientId, partner.ClientId, InformationCategories.DrugTest);
        foreach (var url in drugTestReads)
        {
            Noticed(await partner.Http.GetAsync(url, Ct));
        }
        Assert.Equal(drugTestReads.Length, (await Disclosures(e.PatientId)).Count(d => d.Category == InformationCategories.DrugTest));

        // Staff reads are not disclosures and carry no notice.
        var staffRead = await clinician.GetAsync(outcomesReads[0], Ct);
        Assert.Equal(HttpStatusCode.OK, staffRead.StatusCode);
        Assert.False(staffRead.Headers.Contains(RedisclosureNotice.Header));
        var before = (await Disclosures(e.PatientId)).Count;

        // Revoked: hidden again, nothing more disclosed.
        await (await Api.Admin().PostJson($"/api/v1/consents/{outcomesConsent.Id}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();
        foreach (var url in outcomesReads)
        {
            await Hidden(await partner.Http.GetAsync(url, Ct));
        }
        Noticed(await partner.Http.GetAsync(drugTestReads[1], Ct));
        Assert.Equal(before + 1, (await Disclosures(e.PatientId)).Count);
    }

    [Fact]
    public async Task A_consent_for_another_patient_or_partner_discloses_nothing()
    {
        var mine = await Api.EnrollAsync(1);
        var other = await Api.EnrollAsync(1);
        var partner = await Api.PartnerClientAsync();
        var otherPartner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(other.PatientId, partner.ClientId, InformationCategories.Outcomes);
        await Api.GrantConsentAsync(mine.PatientId, otherPartner.ClientId, InformationCategories.Outcomes);
        await (await Api.ClientAs(Roles.Clinician).PostJson($"/api/v1/enrollments/{other.EnrollmentId}/measures", new { instrument = "gad7", administeredAt = Api.Clock.GetUtcNow().AddHours(-1), answers = new int[7] }))
            .Read<MeasureResultDto>(HttpStatusCode.Created);

        await Hidden(await partner.Http.GetAsync($"/api/v1/enrollments/{mine.EnrollmentId}/measures", Ct));
        Noticed(await partner.Http.GetAsync($"/api/v1/enrollments/{other.EnrollmentId}/measures", Ct));
        Assert.Empty(await Disclosures(mine.PatientId));
    }

    [Fact]
    public async Task Scheduling_patient_data_stays_staff_only_for_partners()
    {
        var e = await Api.EnrollAsync(1);
        var partner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(e.PatientId, partner.ClientId, InformationCategories.Attendance);

        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.GetAsync($"/api/v1/enrollments/{e.EnrollmentId}/weekly-hours", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.Http.GetAsync($"/api/v1/weekly-hours?enrollmentId={e.EnrollmentId}", Ct)).StatusCode);
        Assert.Empty(await Disclosures(e.PatientId));
    }
}

public sealed class PartnerConsentTestsOnSqlite(OutcomesSqliteApi api) : PartnerConsentTests<OutcomesSqliteApi>(api), IClassFixture<OutcomesSqliteApi>;

public sealed class PartnerConsentTestsOnPostgres(OutcomesPostgresApi api) : PartnerConsentTests<OutcomesPostgresApi>(api), IClassFixture<OutcomesPostgresApi>;

public sealed class PartnerConsentTestsOnSqlServer(OutcomesSqlServerApi api) : PartnerConsentTests<OutcomesSqlServerApi>(api), IClassFixture<OutcomesSqlServerApi>;
