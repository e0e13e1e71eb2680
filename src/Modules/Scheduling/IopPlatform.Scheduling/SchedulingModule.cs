using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Scheduling.Features.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Scheduling;

/// <summary>The Scheduling module's registration and endpoints; the host calls only these two methods.</summary>
public static class SchedulingModule
{
    public const string Tag = "Scheduling";

    public const string MaterializeSessionsJobId = "scheduling:materialize-sessions";
    public const string FlagMissedSessionsJobId = "scheduling:flag-missed-sessions";

    public static ModuleDescriptor AddSchedulingModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection("Scheduling").Get<SchedulingOptions>() ?? new SchedulingOptions();
        services.AddSingleton(options);
        services.AddSingleton(RecurringJobDefinition.For<MaterializeSessionsCommand>(MaterializeSessionsJobId, options.MaterializeSessionsCron));
        services.AddSingleton(RecurringJobDefinition.For<FlagMissedSessionsCommand>(FlagMissedSessionsJobId, options.MissedSessionsCron));
        return new ModuleDescriptor("scheduling", typeof(SchedulingModule).Assembly, MigrationOrder: 2);
    }

    public static IEndpointRouteBuilder MapSchedulingModule(this IEndpointRouteBuilder api)
    {
        api.MapFeatureEndpoints(typeof(SchedulingModule).Assembly, Tag);
        return api;
    }
}
