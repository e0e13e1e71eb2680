using IopPlatform.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Scheduling;

/// <summary>The Scheduling module's registration and endpoints; the host calls only these two methods.</summary>
public static class SchedulingModule
{
    public static ModuleDescriptor AddSchedulingModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return new ModuleDescriptor("scheduling", typeof(SchedulingModule).Assembly, MigrationOrder: 2);
    }

    public static IEndpointRouteBuilder MapSchedulingModule(this IEndpointRouteBuilder api) => api;
}
