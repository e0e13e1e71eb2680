using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.ClinicalNotes;
using IopPlatform.Engagement;
using IopPlatform.Enrollment;
using IopPlatform.Fhir;
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

    /// <summary>Modules with a base path of their own (a standard's, not /api/v1).</summary>
    public static void MapRootModules(IEndpointRouteBuilder app) => app.MapFhirModule();
}
