using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.ClinicalNotes;
using IopPlatform.Engagement;
using IopPlatform.Enrollment;
using IopPlatform.Fhir;
using IopPlatform.Fhir.Contracts;
using IopPlatform.Integration;
using IopPlatform.Outcomes;
using IopPlatform.Scheduling;

namespace IopPlatform.Api.Hosting;

/// <summary>The only place that knows the modules exist.</summary>
internal static class ModuleCatalog
{
    public static IReadOnlyList<ModuleDescriptor> AddModules(IServiceCollection services, IConfiguration configuration)
    {
        ModuleDescriptor[] modules =
        [
            BuildingBlocks.PlatformModule.Descriptor,
            services.AddIntegrationModule(configuration),
            services.AddEnrollmentModule(configuration),
            services.AddSchedulingModule(configuration),
            services.AddClinicalNotesModule(configuration),
            services.AddOutcomesModule(configuration),
            services.AddEngagementModule(configuration),
            services.AddFhirModule(configuration),
        ];
        foreach (var module in modules)
        {
            services.AddSingleton(module);
        }
        return modules;
    }

    public static void MapModules(RouteGroupBuilder api)
    {
        api.MapIntegrationModule();
        api.MapEnrollmentModule();
        api.MapSchedulingModule();
        api.MapClinicalNotesModule();
        api.MapOutcomesModule();
        api.MapEngagementModule();
    }

    /// <summary>
    /// Modules with a base path of their own (a standard's, not /api/v1). SMART clients look for the discovery document
    /// under the FHIR base, so Integration's is mapped there too (the FHIR module cannot reference Integration).
    /// </summary>
    public static void MapRootModules(IEndpointRouteBuilder app)
    {
        app.MapFhirModule();
        app.MapGroup(FhirCodeSystems.BasePath).MapSmartConfiguration();
    }
}
