using IopPlatform.BuildingBlocks.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Outcomes;

/// <summary>The Outcomes module's registration and endpoints; the host calls only these two methods.</summary>
public static class OutcomesModule
{
    public const string Tag = "Outcomes";

    public static ModuleDescriptor AddOutcomesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(OutcomesSettings.From(configuration));
        services.AddScoped<Features.Recovery.EnrollmentRecordPage>();
        return new ModuleDescriptor("outcomes", typeof(OutcomesModule).Assembly, MigrationOrder: 4);
    }

    public static IEndpointRouteBuilder MapOutcomesModule(this IEndpointRouteBuilder api)
    {
        api.MapFeatureEndpoints(typeof(OutcomesModule).Assembly, Tag);
        return api;
    }
}
