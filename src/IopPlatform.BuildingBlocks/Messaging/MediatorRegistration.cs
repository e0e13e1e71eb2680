namespace IopPlatform.BuildingBlocks.Messaging;

/// <summary>
/// MediatR 5.1.0 wired by hand (its DI package is not available). Kept in one place so an upgrade is one change.
/// </summary>
public static class MediatorRegistration
{
    public static IServiceCollection AddIopMediator(this IServiceCollection services, IEnumerable<Assembly> assemblies, params Type[] behaviours)
    {
        var scanned = assemblies.Distinct().ToArray();
        // Scoped, not singleton: a singleton factory cannot resolve scoped handlers.
        services.AddScoped<ServiceFactory>(sp => sp.GetService!);
        services.AddScoped<IMediator, Mediator>();

        foreach (var type in scanned.SelectMany(a => a.GetTypes()).Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(IsHandlerInterface))
            {
                services.AddTransient(contract, type);
            }
        }

        // First registered is outermost.
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(LoggingBehavior<,>));
        foreach (var behaviour in behaviours)
        {
            services.AddTransient(typeof(IPipelineBehavior<,>), behaviour);
        }
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));

        services.AddValidatorsFromAssemblies(scanned, ServiceLifetime.Transient, includeInternalTypes: true);
        return services;
    }

    private static bool IsHandlerInterface(Type i) =>
        i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) || i.GetGenericTypeDefinition() == typeof(INotificationHandler<>));
}
