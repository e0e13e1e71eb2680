using System.Net;
using Hl7.Fhir.Model;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Fhir.Features.Pipeline;
using IopPlatform.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Task = System.Threading.Tasks.Task;

namespace IopPlatform.Fhir.Tests;

/// <summary>SMART scopes on top of roles, and the CapabilityStatement against the routes the running app maps.</summary>
public abstract class FhirScopeAndCapabilityTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Theory]
    [InlineData("system/Patient.read", true, false, false)]
    [InlineData("system/Patient.rs system/Observation.s", true, true, false)]
    [InlineData("system/Patient.r", true, false, false)]
    [InlineData("system/*.read", true, true, true)]
    [InlineData("system/*.rs", true, true, true)]
    [InlineData("system/Observation.read", false, true, true)]
    [InlineData("patient/Patient.read", false, false, false)]
    [InlineData("system/Patient.write", false, false, false)]
    public async Task A_token_with_scopes_needs_one_covering_the_type_and_interaction(string scope, bool readPatient, bool searchObservation, bool readObservation)
    {
        var records = await FhirPatientRecords.CreateAsync(Api);
        var partnerId = (await Api.PartnerClientAsync()).ClientId;
        await Api.GrantConsentAsync(records.PatientId, partnerId, InformationCategories.Demographics, InformationCategories.DrugTest);
        var client = Api.ClientWithScopes(scope, Roles.Partner, partnerId);

        async Task Expect(string url, bool allowed)
        {
            var response = await client.GetAsync(url, Ct);
            if (allowed)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return;
            }
            var outcome = await response.Outcome(HttpStatusCode.Forbidden);
            Assert.Equal(OperationOutcome.IssueType.Forbidden, outcome.Issue[0].Code);
            Assert.Contains("insufficient_scope", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        }

        await Expect($"{FhirHttp.Base}/Patient/{records.PatientId}", readPatient);
        await Expect($"{FhirHttp.Base}/Observation?patient={records.PatientId}", searchObservation);
        await Expect($"{FhirHttp.Base}/Observation/drugtest-{records.DrugTest.Id}", readObservation);
    }

    [Fact]
    public async Task Without_a_scope_claim_roles_alone_decide()
    {
        var records = await FhirPatientRecords.CreateAsync(Api);

        await (await Api.ClientAs(Roles.Supervisor).GetAsync($"{FhirHttp.Base}/Observation?patient={records.PatientId}", Ct)).Fhir<Bundle>();
        await (await Api.ClientAs("auditor").GetAsync($"{FhirHttp.Base}/Patient/{records.PatientId}", Ct)).Outcome(HttpStatusCode.Forbidden);
        // A staff token with scopes is held to them too.
        await (await Api.ClientWithScopes("user/Patient.read", Roles.Clinician).GetAsync($"{FhirHttp.Base}/Observation?patient={records.PatientId}", Ct)).Outcome(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_capability_statement_lists_exactly_the_mapped_interactions_and_search_parameters()
    {
        var statement = await (await Api.ClientAs(Roles.Clinician).GetAsync($"{FhirHttp.Base}/metadata", Ct)).Fhir<CapabilityStatement>();
        var endpoints = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(FhirHttp.Base, StringComparison.Ordinal) == true)
            .ToList();
        var mapped = endpoints.Select(e => e.Metadata.GetMetadata<FhirInteractionMetadata>()).OfType<FhirInteractionMetadata>()
            .Select(m => $"{m.Type}:{m.Interaction}").Order().ToList();
        var published = statement.Rest.Single().Resource
            .SelectMany(r => r.Interaction.Select(i => $"{r.Type}:{Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code!.Value)}")).Order().ToList();
        var catalog = Api.Services.GetRequiredService<FhirResourceCatalog>();

        Assert.Equal(mapped, published);
        // Besides the interactions: the CapabilityStatement itself and the SMART discovery document under the FHIR base.
        Assert.Equal(endpoints.Count - 2, mapped.Count);
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == $"{FhirHttp.Base}/metadata");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == $"{FhirHttp.Base}/.well-known/smart-configuration");
        foreach (var resource in statement.Rest.Single().Resource)
        {
            Assert.Equal(catalog.Get(resource.Type!).SearchParameters.Select(p => p.Name), resource.SearchParam.Select(p => p.Name));
        }
        Assert.Equal(["EpisodeOfCare", "Observation", "Patient"], statement.Rest.Single().Resource.Select(r => r.Type).Order());
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
    }
}

public sealed class FhirScopeAndCapabilityTestsOnSqlite(SqliteApi api) : FhirScopeAndCapabilityTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class FhirScopeAndCapabilityTestsOnPostgres(PostgresApi api) : FhirScopeAndCapabilityTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class FhirScopeAndCapabilityTestsOnSqlServer(SqlServerApi api) : FhirScopeAndCapabilityTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
