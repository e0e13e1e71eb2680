using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.ClinicalNotes.Features.Notes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.ClinicalNotes;

/// <summary>The ClinicalNotes module's registration and endpoints; the host calls only these two methods.</summary>
public static class ClinicalNotesModule
{
    public const string Tag = "Clinical notes";

    public const string FlagOverdueNotesJobId = "clinical_notes:flag-overdue-notes";

    public static ModuleDescriptor AddClinicalNotesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ClinicalNotesOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(RecurringJobDefinition.For<FlagOverdueNotesCommand>(FlagOverdueNotesJobId, options.OverdueNotesCron));
        return new ModuleDescriptor("clinical_notes", typeof(ClinicalNotesModule).Assembly, MigrationOrder: 3);
    }

    public static IEndpointRouteBuilder MapClinicalNotesModule(this IEndpointRouteBuilder api)
    {
        api.MapFeatureEndpoints(typeof(ClinicalNotesModule).Assembly, Tag);
        return api;
    }
}
