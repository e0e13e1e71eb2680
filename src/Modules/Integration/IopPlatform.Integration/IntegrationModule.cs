using IopPlatform.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Integration;

/// <summary>The Integration module's registration and endpoints; the host calls only these two methods.</summary>
public static class IntegrationModule
{
    public static ModuleDescriptor AddIntegrationModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return new ModuleDescriptor("integration", typeof(IntegrationModule).Assembly, MigrationOrder: 0);
    }

    public static IEndpointRouteBuilder MapIntegrationModule(this IEndpointRouteBuilder api) => api;
}
