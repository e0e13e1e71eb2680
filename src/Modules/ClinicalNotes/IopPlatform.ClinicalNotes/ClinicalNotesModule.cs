using IopPlatform.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.ClinicalNotes;

/// <summary>The ClinicalNotes module's registration and endpoints; the host calls only these two methods.</summary>
public static class ClinicalNotesModule
{
    public static ModuleDescriptor AddClinicalNotesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return new ModuleDescriptor("clinical_notes", typeof(ClinicalNotesModule).Assembly, MigrationOrder: 3);
    }

    public static IEndpointRouteBuilder MapClinicalNotesModule(this IEndpointRouteBuilder api) => api;
}
