using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Enrollment.Features.Enrollments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Enrollment;

/// <summary>The Enrollment module's registration and endpoints; the host calls only these two methods.</summary>
public static class EnrollmentModule
{
    public const string Tag = "Enrollment";

    public static ModuleDescriptor AddEnrollmentModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoped<DisclosureResponse>();
        services.AddScoped<EnrollmentTransition>();
        return new ModuleDescriptor("enrollment", typeof(EnrollmentModule).Assembly, MigrationOrder: 1);
    }

    public static IEndpointRouteBuilder MapEnrollmentModule(this IEndpointRouteBuilder api)
    {
        api.MapFeatureEndpoints(typeof(EnrollmentModule).Assembly, Tag);
        return api;
    }
}
