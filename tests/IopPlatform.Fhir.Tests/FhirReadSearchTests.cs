using System.Net;
using Hl7.Fhir.Model;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Fhir.Contracts;
using IopPlatform.Testing;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace IopPlatform.Fhir.Tests;

/// <summary>Read and search of every mapped resource type by staff; each resource read is validated against FHIR R4.</summary>
public abstract class FhirReadSearchTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Patient_is_read_and_found_by_identifier_name_and_birthdate_with_part2_labels()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var staff = Api.ClientAs(Roles.Clinician);
        var mrn = (await (await staff.GetAsync($"/api/v1/patients/{records.PatientId}", Ct)).Read<Enrollment.Contracts.PatientDto>()).Mrn;

        var patient = await (await staff.GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct)).Fhir<Patient>();

        Assert.Equal(records.PatientId.ToString(), patient.Id);
        Assert.Contains("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient", patient.Meta!.Profile);
        Assert.Equal(mrn, Assert.Single(patient.Identifier, i => i.System == FhirCodeSystems.Mrn).Value);
        Assert.Equal("Whitfield", patient.Name[0].Family);
        Assert.Equal("1988-04-12", patient.BirthDate);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Contains(patient.Meta!.Security, c => c.System == FhirSecurityLabels.ActCodeSystem && c.Code == FhirSecurityLabels.Part2);
        Assert.Contains(patient.Meta!.Security, c => c.System == FhirSecurityLabels.ConfidentialitySystem && c.Code == FhirSecurityLabels.Restricted);
        foreach (var query in new[] { $"identifier={FhirCodeSystems.Mrn}|{mrn}", $"identifier={mrn}", $"_id={records.PatientId}" })
        {
            var bundle = await (await staff.GetAsync($"{FhirHttp.Base}/Patient?{query}", Ct)).Fhir<Bundle>();
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            Assert.Equal(records.PatientId.ToString(), Assert.Single(bundle.Resources<Patient>()).Id);
        }
        var byNameAndBirth = await (await staff.GetAsync($"{FhirHttp.Base}/Patient?name=whitf&birthdate=1988-04-12&_count=200", Ct)).Fhir<Bundle>();
        Assert.Contains(byNameAndBirth.Resources<Patient>(), p => p.Id == records.PatientId.ToString());
        var wrongBirth = await (await staff.GetAsync($"{FhirHttp.Base}/Patient?identifier={mrn}&birthdate=1990-01-01", Ct)).Fhir<Bundle>();
        Assert.Empty(wrongBirth.Entry);
    }

    [Fact]
    public async Task Search_pages_with_count_and_a_next_link_that_continues_where_the_page_ended()
    {
        var family = "Pager" + Guid.NewGuid().ToString("N")[..6];
        var staff = Api.ClientAs(Roles.Clinician);
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await Api.CreatePatientAsync(family: family)).Id.ToString());
        }

        var seen = new List<string>();
        var url = $"{FhirHttp.Base}/Patient?name={family}&_count=2";
        var pages = 0;
        while (url is not null)
        {
            var bundle = await (await staff.GetAsync(url, Ct)).Fhir<Bundle>();
            Assert.True(bundle.Entry.Count <= 2);
            seen.AddRange(bundle.Resources<Patient>().Select(p => p.Id!));
            url = bundle.Next();
            pages++;
        }

        Assert.Equal(2, pages);
        Assert.Equal(created.Order(), seen.Order());
    }

    [Fact]
    public async Task EpisodeOfCare_carries_status_history_and_level_of_care_and_is_searched_by_patient_and_status()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var staff = Api.ClientAs(Roles.CaseManager);

        var episode = await (await staff.GetAsync($"{FhirHttp.Base}/EpisodeOfCare/{records.Enrollment.Id}", Ct)).Fhir<EpisodeOfCare>();

        Assert.Equal(EpisodeOfCare.EpisodeOfCareStatus.Active, episode.Status);
        Assert.Equal($"Patient/{records.PatientId}", episode.Patient.Reference);
        Assert.Equal(
            [EpisodeOfCare.EpisodeOfCareStatus.Planned, EpisodeOfCare.EpisodeOfCareStatus.Waitlist, EpisodeOfCare.EpisodeOfCareStatus.Active],
            episode.StatusHistory.Select(h => h.Status!.Value));
        Assert.Equal("asam-3:2.1", Assert.Single(episode.Type).Coding[0].Code);
        var active = await (await staff.GetAsync($"{FhirHttp.Base}/EpisodeOfCare?patient=Patient/{records.PatientId}&status=active", Ct)).Fhir<Bundle>();
        Assert.Equal(episode.Id, Assert.Single(active.Resources<EpisodeOfCare>()).Id);
        var finished = await (await staff.GetAsync($"{FhirHttp.Base}/EpisodeOfCare?patient={records.PatientId}&status=finished,cancelled", Ct)).Fhir<Bundle>();
        Assert.Empty(finished.Entry);
    }

    [Fact]
    public async Task Observations_give_drug_test_analytes_with_interpretation_and_measure_totals_with_loinc()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var staff = Api.ClientAs(Roles.Clinician);
        var base_ = $"{FhirHttp.Base}/Observation?patient={records.PatientId}";

        var all = await (await staff.GetAsync(base_, Ct)).Fhir<Bundle>();
        var labs = await (await staff.GetAsync(base_ + "&category=laboratory", Ct)).Fhir<Bundle>();
        var phq9 = await (await staff.GetAsync(base_ + "&code=http://loinc.org|44249-1", Ct)).Fhir<Bundle>();
        var gad7 = await (await staff.GetAsync(base_ + "&code=69737-5", Ct)).Fhir<Bundle>();
        var today = await (await staff.GetAsync(base_ + $"&date=ge{Api.Clock.GetUtcNow().AddHours(-3):yyyy-MM-ddTHH:mm:ssZ}", Ct)).Fhir<Bundle>();
        var tomorrow = await (await staff.GetAsync(base_ + $"&date=gt{Api.Clock.GetUtcNow():yyyy-MM-dd}", Ct)).Fhir<Bundle>();

        Assert.Equal(2, all.Entry.Count);
        var test = Assert.Single(labs.Resources<Observation>());
        Assert.Equal($"drugtest-{records.DrugTest.Id}", test.Id);
        var fentanyl = Assert.Single(test.Component, c => c.Code.Coding[0].Code == "fentanyl");
        Assert.Equal(["POS", "UNE"], fentanyl.Interpretation.Select(i => i.Coding[0].Code));
        var buprenorphine = Assert.Single(test.Component, c => c.Code.Coding[0].Code == "buprenorphine");
        Assert.Equal(["POS", "EXP"], buprenorphine.Interpretation.Select(i => i.Coding[0].Code));
        Assert.Equal(["NEG"], Assert.Single(test.Component, c => c.Code.Coding[0].Code == "cocaine").Interpretation.Select(i => i.Coding[0].Code));
        var measure = Assert.Single(phq9.Resources<Observation>());
        Assert.Equal(4, Assert.IsType<Integer>(measure.Value).Value);
        Assert.Equal("survey", measure.Category[0].Coding[0].Code);
        Assert.Empty(gad7.Entry);
        Assert.Equal(2, today.Entry.Count);
        Assert.Empty(tomorrow.Entry);
        await (await staff.GetAsync($"{FhirHttp.Base}/Observation/{test.Id}", Ct)).Fhir<Observation>();
        await (await staff.GetAsync($"{FhirHttp.Base}/Observation/measure-{records.Measure.Id}", Ct)).Fhir<Observation>();
    }

    [Fact]
    public async Task Observation_pages_run_through_drug_tests_then_measures()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var staff = Api.ClientAs(Roles.Clinician);

        var first = await (await staff.GetAsync($"{FhirHttp.Base}/Observation?patient={records.PatientId}&_count=1", Ct)).Fhir<Bundle>();
        var second = await (await staff.GetAsync(first.Next()!, Ct)).Fhir<Bundle>();

        Assert.Equal($"drugtest-{records.DrugTest.Id}", Assert.Single(first.Entry).Resource!.Id);
        Assert.Equal($"measure-{records.Measure.Id}", Assert.Single(second.Entry).Resource!.Id);
        Assert.Null(second.Next());
    }

    [Fact]
    public async Task Every_error_is_an_operation_outcome()
    {
        var staff = Api.ClientAs(Roles.Clinician);

        var missing = await (await staff.GetAsync($"{FhirHttp.Base}/Patient/{Guid.CreateVersion7()}", Ct)).Outcome(HttpStatusCode.NotFound);
        var badParam = await (await staff.GetAsync($"{FhirHttp.Base}/Patient?colour=blue", Ct)).Outcome(HttpStatusCode.BadRequest);
        var badDate = await (await staff.GetAsync($"{FhirHttp.Base}/Observation?date=yesterday", Ct)).Outcome(HttpStatusCode.BadRequest);
        var badCount = await (await staff.GetAsync($"{FhirHttp.Base}/Patient?_count=0", Ct)).Outcome(HttpStatusCode.BadRequest);
        var anonymous = await (await Api.Anonymous().GetAsync($"{FhirHttp.Base}/Patient", Ct)).Outcome(HttpStatusCode.Unauthorized);
        var unknownType = await (await staff.GetAsync($"{FhirHttp.Base}/Spaceship/1", Ct)).Outcome(HttpStatusCode.NotFound);

        Assert.Equal(OperationOutcome.IssueType.NotFound, missing.Issue[0].Code);
        Assert.Contains("colour", badParam.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal(OperationOutcome.IssueType.Invalid, badDate.Issue[0].Code);
        Assert.Equal(OperationOutcome.IssueType.Invalid, badCount.Issue[0].Code);
        Assert.Equal(OperationOutcome.IssueType.Login, anonymous.Issue[0].Code);
        Assert.Equal(OperationOutcome.IssueType.NotFound, unknownType.Issue[0].Code);
    }
}

public sealed class FhirReadSearchTestsOnSqlite(SqliteApi api) : FhirReadSearchTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class FhirReadSearchTestsOnPostgres(PostgresApi api) : FhirReadSearchTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class FhirReadSearchTestsOnSqlServer(SqlServerApi api) : FhirReadSearchTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
