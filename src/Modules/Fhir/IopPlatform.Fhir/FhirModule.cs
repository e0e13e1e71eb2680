using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Fhir.Features.EpisodesOfCare;
using IopPlatform.Fhir.Features.Metadata;
using IopPlatform.Fhir.Features.Observations;
using IopPlatform.Fhir.Features.Patients;
using IopPlatform.Fhir.Features.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Fhir;

/// <summary>The FHIR R4 facade: read and search over the other modules' Contracts, under <c>/fhir/R4</c>. No tables of its own.</summary>
public static class FhirModule
{
    public const string Tag = "FHIR";

    public static ModuleDescriptor AddFhirModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // The registration table, most valuable first; the routes and the CapabilityStatement are both made from it.
        services.AddSingleton<IFhirResourceSource, PatientSource>();
        services.AddSingleton<IFhirResourceSource, EpisodeOfCareSource>();
        services.AddSingleton<IFhirResourceSource, ObservationSource>();
        services.AddSingleton<FhirResourceCatalog>();
        // Problem writers are asked in registration order and the platform's JSON writer accepts everything: go first.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, FhirOutcomeWriter>());
        return new ModuleDescriptor("fhir", typeof(FhirModule).Assembly, MigrationOrder: 100);
    }

    public static IEndpointRouteBuilder MapFhirModule(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var fhir = app.MapGroup(FhirCodeSystems.BasePath).WithTags(Tag).ExcludeFromDescription().AddEndpointFilter(new SmartScopeFilter());
        CapabilityStatementEndpoint.Map(fhir);
        foreach (var source in app.ServiceProvider.GetRequiredService<FhirResourceCatalog>().Sources)
        {
            FhirEndpoints.Map(fhir, source);
        }
        return app;
    }
}
