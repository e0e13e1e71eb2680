using IopPlatform.Fhir.Features.Pipeline;

namespace IopPlatform.Fhir.Features.Metadata;

/// <summary>The CapabilityStatement, made from the registration table the routes are mapped from, so it lists exactly what is served.</summary>
internal static class CapabilityStatementEndpoint
{
    public static CapabilityStatement Build(FhirResourceCatalog catalog, string baseUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = "Read and search over the IOP Platform modules. Partner apps receive only what a 42 CFR Part 2 consent covers (see the README, FHIR clients).",
            Security = new CapabilityStatement.SecurityComponent
            {
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                Description = "API key (X-Api-Key) or bearer token. A token carrying SMART scopes (system/Patient.read, system/Patient.rs, system/*.read) " +
                              "must cover the resource type and interaction. Partner apps must send X-Purpose-Of-Use.",
            },
        };
        foreach (var source in catalog.Sources)
        {
            rest.Resource.Add(new CapabilityStatement.ResourceComponent
            {
                Type = source.Type,
                Profile = $"http://hl7.org/fhir/StructureDefinition/{source.Type}",
                SupportedProfile = [.. source.Profiles],
                Interaction =
                [
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                ],
                SearchParam = [.. source.SearchParameters.Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Name, Type = p.Type, Documentation = p.Documentation })],
            });
        }
        return new CapabilityStatement
        {
            Id = "iop-platform",
            Status = PublicationStatus.Active,
            Date = now.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "IOP Platform",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "IOP Platform" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "IOP Platform FHIR R4 facade", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest = [rest],
        };
    }

    public static void Map(IEndpointRouteBuilder fhir) =>
        fhir.MapGet("/metadata", (FhirResourceCatalog catalog, HttpRequest request, TimeProvider clock) =>
                new FhirResult(Build(catalog, FhirEndpoints.BaseUrl(request), clock.GetUtcNow())))
            .RequireRoles([.. Roles.All])
            .CarriesNoPatientData("The server's CapabilityStatement: what is implemented, no patient data.")
            .WithName("FhirCapabilityStatement")
            .WithSummary("FHIR CapabilityStatement")
            .WithDescription("The FHIR R4 CapabilityStatement of /fhir/R4: resource types, interactions and search parameters actually served.");
}
