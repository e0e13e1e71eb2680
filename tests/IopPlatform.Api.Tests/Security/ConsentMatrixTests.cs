using System.Net;
using System.Text.Json;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Outcomes.Contracts;
using IopPlatform.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>
/// 42 CFR Part 2 through one door, checked from the host's own routes: every route a partner can reach either passes
/// the disclosure door or says it carries no patient data, and every disclosing read answers each consent situation
/// with the right status, the §2.32 headers and exactly one accounting entry per disclosure.
/// </summary>
public abstract class ConsentMatrixTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    /// <summary>Disclosing routes whose matrix lives with their module's world (notes need credentials and sessions, check-in a booking).</summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/notes/{noteId:guid}"] = "NotesTests.Case_managers_read_notes_and_partners_only_signed_notes_under_a_consent",
        ["GET /api/v1/enrollments/{enrollmentId:guid}/notes"] = "NotesTests.Case_managers_read_notes_and_partners_only_signed_notes_under_a_consent",
        ["POST /api/v1/sessions/{sessionId:guid}/check-ins"] = "ConsentMatrixTests.Check_in_by_a_partner_without_consent_is_404_before_anything_else",
        ["POST /api/v1/sessions/{sessionId:guid}/check-outs"] = "ConsentMatrixTests.Check_in_by_a_partner_without_consent_is_404_before_anything_else",
        ["POST /api/v1/enrollments"] = "LifecycleTests.Partner_may_refer_a_patient_it_registered_but_not_change_status (decides only: the answer is the partner's own referral)",
    };

    [Fact]
    public void Every_route_a_partner_can_reach_passes_the_door_or_carries_no_patient_data()
    {
        var routes = PartnerRoutes();
        Assert.Contains(routes, r => r.Key == "GET /api/v1/patients/{patientId:guid}");

        var unmarked = routes.Where(r => r.Discloses is null && r.NoPatientData is null).Select(r => r.Key).ToList();
        var both = routes.Where(r => r.Discloses is not null && r.NoPatientData is not null).Select(r => r.Key).ToList();

        Assert.True(unmarked.Count == 0, "Partner-reachable routes that neither pass the disclosure door (.DisclosesPatientRecords) nor say they carry no patient data (.CarriesNoPatientData):\n" + string.Join('\n', unmarked));
        Assert.Empty(both);
    }

    [Fact]
    public void Every_disclosing_route_is_in_the_consent_matrix()
    {
        var disclosing = PartnerRoutes().Where(r => r.Discloses is not null).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var inMatrix = Reads(new World(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

        var missing = disclosing.Except(inMatrix).Except(CoveredElsewhere.Keys).ToList();
        Assert.True(missing.Count == 0, "Disclosing routes without a consent-matrix row:\n" + string.Join('\n', missing));
        Assert.Empty(inMatrix.Except(disclosing));
    }

    [Theory]
    [MemberData(nameof(ConsentSituations.All), MemberType = typeof(ConsentSituations))]
    public async Task Every_disclosing_read_answers_each_consent_situation(string situation)
    {
        var world = await WorldAsync();
        var plain = await Api.PartnerClientAsync();
        var tpoPartner = await Api.TpoPartnerClientAsync();
        var caller = situation == "tpo_to_tpo_recipient" ? tpoPartner : plain;
        var allowed = situation is "in_force" or "tpo_to_tpo_recipient";
        var failures = new List<string>();

        foreach (var read in Reads(world))
        {
            await GrantAsync(situation, world.PatientId, read.Category, plain.ClientId);
            var before = await AccountingCountAsync(world.PatientId);
            var response = await caller.Http.GetAsync(read.Url, Ct);
            var entries = await AccountingCountAsync(world.PatientId) - before;
            var notice = response.Headers.Contains(DisclosureHeaders.Notice) && response.Headers.Contains(DisclosureHeaders.ConsentScope);
            var expected = allowed || read.Search ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            var disclosed = allowed && !read.Empty;
            if (response.StatusCode != expected || notice != disclosed || entries != (disclosed ? 1 : 0))
            {
                failures.Add($"{read.Key} [{situation}]: {(int)response.StatusCode}, notice {notice}, accounting entries {entries}");
            }
            await RevokeAllAsync(world.PatientId);
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Accounting_holds_exactly_the_disclosures_made_with_the_consents_purpose()
    {
        var world = await WorldAsync();
        var partner = await Api.PartnerClientAsync();
        var reads = Reads(world);
        foreach (var category in reads.Select(r => r.Category).Distinct())
        {
            await Api.GrantConsentAsync(world.PatientId, partner.ClientId, category);
        }

        foreach (var read in reads)
        {
            Assert.Equal(HttpStatusCode.OK, (await partner.Http.GetAsync(read.Url, Ct)).StatusCode);
        }
        var accounting = await (await Api.Admin().GetAsync($"/api/v1/patients/{world.PatientId}/disclosures", Ct)).ReadItems<DisclosureDto>();

        Assert.Equal(reads.Count(r => !r.Empty), accounting.Count);
        Assert.All(accounting, e => Assert.Equal("Care coordination", e.Purpose));
        Assert.All(accounting, e => Assert.Equal(PurposesOfUse.Treatment, e.PurposeOfUse));
        Assert.All(accounting, e => Assert.NotEmpty(e.Records));
        Assert.Contains(accounting, e => e.Records.Contains($"drug_test/{world.DrugTestId}"));
    }

    [Fact]
    public async Task A_read_that_returns_nothing_is_not_a_disclosure()
    {
        var world = await WorldAsync();
        var partner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(world.PatientId, partner.ClientId, InformationCategories.Outcomes);

        var response = await partner.Http.GetAsync($"/api/v1/enrollments/{world.EnrollmentId}/recovery-checks", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(DisclosureHeaders.Notice));
        Assert.Equal(0, await AccountingCountAsync(world.PatientId));
    }

    [Fact]
    public async Task A_partner_without_a_valid_purpose_of_use_gets_400_naming_the_header()
    {
        var world = await WorldAsync();
        var partner = await Api.PartnerClientAsync();
        await Api.GrantConsentAsync(world.PatientId, partner.ClientId, InformationCategories.Demographics);
        var silent = Api.ClientWithApiKey(partner.Key);
        var odd = Api.ClientWithApiKey(partner.Key);
        odd.DefaultRequestHeaders.Add(HttpCurrentCaller.PurposeHeader, "curiosity");

        var missing = await (await silent.GetAsync($"/api/v1/patients/{world.PatientId}", Ct)).Problem(HttpStatusCode.BadRequest);
        var invalid = await (await odd.GetAsync($"/api/v1/patients/{world.PatientId}", Ct)).Problem(HttpStatusCode.BadRequest);

        // The error is keyed like every field (camel case) and its message names the header exactly.
        Assert.Contains(HttpCurrentCaller.PurposeHeader, Assert.Single(missing.FieldErrors("x-Purpose-Of-Use")), StringComparison.Ordinal);
        Assert.Contains("curiosity", Assert.Single(invalid.FieldErrors("x-Purpose-Of-Use")), StringComparison.Ordinal);
        Assert.Equal(0, await AccountingCountAsync(world.PatientId));
    }

    [Fact]
    public async Task Check_in_by_a_partner_without_consent_is_404_before_anything_else()
    {
        var world = await WorldAsync();
        var partner = await Api.PartnerClientAsync();

        var checkIn = await partner.Http.PostJson($"/api/v1/sessions/{Guid.CreateVersion7()}/check-ins", new { enrollmentId = world.EnrollmentId });
        var checkOut = await partner.Http.PostJson($"/api/v1/sessions/{Guid.CreateVersion7()}/check-outs", new { enrollmentId = world.EnrollmentId });

        Assert.Equal("Enrollment", (await checkIn.Problem(HttpStatusCode.NotFound)).GetProperty("detail").GetString()?.Split(' ')[0]);
        await checkOut.Problem(HttpStatusCode.NotFound);
        Assert.Equal(0, await AccountingCountAsync(world.PatientId));
    }

    private sealed record World(Guid PatientId, Guid EnrollmentId, Guid MeasureId, Guid DrugTestId, string Mrn = "");

    /// <summary>One disclosing read. <paramref name="Empty"/>: allowed but returns nothing (no notice, no entry); <paramref name="Search"/>: a refusal is an empty 200.</summary>
    private sealed record Read(string Key, string Url, string Category, bool Empty = false, bool Search = false);

    private sealed record PartnerRoute(string Key, DisclosesPatientRecordsMetadata? Discloses, CarriesNoPatientDataMetadata? NoPatientData);

    private static List<Read> Reads(World w) =>
    [
        new("GET /api/v1/patients/{patientId:guid}", $"/api/v1/patients/{w.PatientId}", InformationCategories.Demographics),
        new("GET /api/v1/patients", $"/api/v1/patients?identifier={Uri.EscapeDataString(w.Mrn)}", InformationCategories.Demographics, Search: true),
        new("GET /api/v1/enrollments/{enrollmentId:guid}", $"/api/v1/enrollments/{w.EnrollmentId}", InformationCategories.Enrollment),
        new("GET /api/v1/patients/{patientId:guid}/enrollments", $"/api/v1/patients/{w.PatientId}/enrollments", InformationCategories.Enrollment),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/measures", $"/api/v1/enrollments/{w.EnrollmentId}/measures", InformationCategories.Outcomes),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/measures/{measureId:guid}", $"/api/v1/enrollments/{w.EnrollmentId}/measures/{w.MeasureId}", InformationCategories.Outcomes),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/measures/due", $"/api/v1/enrollments/{w.EnrollmentId}/measures/due", InformationCategories.Outcomes),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/recovery-checks", $"/api/v1/enrollments/{w.EnrollmentId}/recovery-checks", InformationCategories.Outcomes, Empty: true),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/support-activities", $"/api/v1/enrollments/{w.EnrollmentId}/support-activities", InformationCategories.Outcomes),
        new("GET /api/v1/enrollments/{enrollmentId:guid}/drug-tests", $"/api/v1/enrollments/{w.EnrollmentId}/drug-tests", InformationCategories.DrugTest),
        new("GET /api/v1/drug-tests/{drugTestId:guid}", $"/api/v1/drug-tests/{w.DrugTestId}", InformationCategories.DrugTest),
        new("GET /api/v1/drug-tests/{drugTestId:guid}/versions", $"/api/v1/drug-tests/{w.DrugTestId}/versions", InformationCategories.DrugTest),
        // The FHIR facade passes the same door (issue 22): the same world, the same situations, the same accounting.
        new("GET /fhir/R4/Patient/{id}", $"/fhir/R4/Patient/{w.PatientId}", InformationCategories.Demographics),
        new("GET /fhir/R4/Patient", $"/fhir/R4/Patient?identifier={Uri.EscapeDataString(w.Mrn)}", InformationCategories.Demographics, Search: true),
        new("GET /fhir/R4/EpisodeOfCare/{id}", $"/fhir/R4/EpisodeOfCare/{w.EnrollmentId}", InformationCategories.Enrollment),
        new("GET /fhir/R4/EpisodeOfCare", $"/fhir/R4/EpisodeOfCare?patient={w.PatientId}", InformationCategories.Enrollment, Search: true),
        new("GET /fhir/R4/Observation/{id}", $"/fhir/R4/Observation/drugtest-{w.DrugTestId}", InformationCategories.DrugTest),
        new("GET /fhir/R4/Observation/{id}", $"/fhir/R4/Observation/measure-{w.MeasureId}", InformationCategories.Outcomes),
        new("GET /fhir/R4/Observation", $"/fhir/R4/Observation?patient={w.PatientId}&category=laboratory", InformationCategories.DrugTest, Search: true),
        new("GET /fhir/R4/Observation", $"/fhir/R4/Observation?patient={w.PatientId}&category=survey", InformationCategories.Outcomes, Search: true),
    ];

    /// <summary>Routes under /api/v1 and /fhir/R4 whose authorization admits the partner role (or any authenticated caller).</summary>
    private List<PartnerRoute> PartnerRoutes() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } path && (path.StartsWith("/api/v1", StringComparison.Ordinal) || path.StartsWith("/fhir/R4", StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .All(a => string.IsNullOrEmpty(a.Roles) || a.Roles.Split(',').Contains(Roles.Partner, StringComparer.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new PartnerRoute(
                $"{m} {e.RoutePattern.RawText}", e.Metadata.GetMetadata<DisclosesPatientRecordsMetadata>(), e.Metadata.GetMetadata<CarriesNoPatientDataMetadata>())))
            .ToList();

    private async Task<World> WorldAsync()
    {
        var program = await Api.CreateProgramAsync();
        var enrollment = await Api.AdmitNewPatientAsync(program.Id);
        var clinician = Api.ClientAs(Roles.Clinician);
        var measure = await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/measures", new { instrument = "gad7", administeredAt = Api.Clock.GetUtcNow().AddHours(-1), answers = new int[7] }))
            .Read<MeasureResultDto>(HttpStatusCode.Created);
        var test = await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/drug-tests", new
        {
            specimen = "urine",
            method = "point_of_care",
            collectedAt = Api.Clock.GetUtcNow().AddHours(-1),
            analytes = new[] { new { analyte = "cocaine", result = "negative" } },
        })).Read<DrugTestDto>(HttpStatusCode.Created);
        await (await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/support-activities", new { kind = "twelve_step", date = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime).AddDays(-1) }))
            .Read<SupportActivityDto>(HttpStatusCode.Created);
        var patient = await (await Api.Admin().GetAsync($"/api/v1/patients/{enrollment.PatientId}", Ct)).Read<PatientDto>();
        return new World(enrollment.PatientId, enrollment.Id, measure.Id, test.Id, patient.Mrn);
    }

    /// <summary>Sets up the consent of <paramref name="situation"/> for <paramref name="category"/>; the plain partner is the named recipient where one is named.</summary>
    private async Task GrantAsync(string situation, Guid patientId, string category, Guid plainPartner)
    {
        var today = DateOnly.FromDateTime(Api.Clock.GetUtcNow().UtcDateTime);
        object Body(string[] categories, Guid[] recipients, bool tpo, DateOnly expiresOn) => new
        {
            disclosingParty = "Riverside IOP",
            informationCategories = categories,
            recipientApiClientIds = recipients,
            treatmentPaymentOperations = tpo,
            purpose = "Care coordination",
            expiresOn,
            signedBy = "Dana Whitfield",
            signerRelationship = "patient",
            signedAt = Api.Clock.GetUtcNow().AddDays(-2),
            revocationRightAcknowledged = true,
        };
        var other = category == InformationCategories.DrugTest ? InformationCategories.Enrollment : InformationCategories.DrugTest;
        var body = situation switch
        {
            "no_consent" => null,
            "other_category" => Body([other], [plainPartner], false, today.AddYears(1)),
            "other_recipient" => Body([category], [Guid.CreateVersion7()], false, today.AddYears(1)),
            "in_force" or "revoked" => Body([category], [plainPartner], false, today.AddYears(1)),
            "expired" => Body([category], [plainPartner], false, today.AddDays(1)),
            _ => Body([category], [], true, today.AddYears(1)),
        };
        if (body is null)
        {
            return;
        }
        var consent = await (await Api.Admin().PostJson($"/api/v1/patients/{patientId}/consents", body)).Read<ConsentDto>(HttpStatusCode.Created);
        if (situation == "revoked")
        {
            await (await Api.Admin().PostJson($"/api/v1/consents/{consent.Id}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();
        }
        if (situation == "expired")
        {
            Api.Clock.Advance(TimeSpan.FromDays(3));
        }
    }

    private async Task RevokeAllAsync(Guid patientId)
    {
        var admin = Api.Admin();
        foreach (var consent in await (await admin.GetAsync($"/api/v1/patients/{patientId}/consents", Ct)).ReadItems<ConsentDto>())
        {
            if (consent.RevokedAt is null)
            {
                await (await admin.PostJson($"/api/v1/consents/{consent.Id}/revoke", new { revokedBy = "Dana Whitfield", inWriting = true, receivedVia = "mail" })).Read<ConsentDto>();
            }
        }
    }

    private async Task<int> AccountingCountAsync(Guid patientId) =>
        (await (await Api.Admin().GetAsync($"/api/v1/patients/{patientId}/disclosures?limit=200", Ct)).Read<JsonElement>()).GetProperty("items").GetArrayLength();
}

/// <summary>The consent situations of the matrix.</summary>
public static class ConsentSituations
{
    public static TheoryData<string> All() =>
        ["no_consent", "other_category", "other_recipient", "in_force", "revoked", "expired", "tpo_to_plain_partner", "tpo_to_tpo_recipient"];
}

public sealed class ConsentMatrixTestsOnSqlite(SqliteApi api) : ConsentMatrixTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class ConsentMatrixTestsOnPostgres(PostgresApi api) : ConsentMatrixTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class ConsentMatrixTestsOnSqlServer(SqlServerApi api) : ConsentMatrixTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
