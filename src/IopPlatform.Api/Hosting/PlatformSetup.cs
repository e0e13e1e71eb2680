using IopPlatform.Integration;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Messaging;
using IopPlatform.BuildingBlocks.Reactions;

namespace IopPlatform.Api.Hosting;

/// <summary>Composes the host: shared mechanisms first, then the modules, then the HTTP pipeline.</summary>
internal static class PlatformSetup
{
    public static void AddIopPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        builder.AddDatabase();
        builder.AddJson();
        builder.AddErrorHandling();
        builder.AddAuth();
        var modules = ModuleCatalog.AddModules(services, builder.Configuration);
        services.AddIopAudit();
        services.AddReactions(builder.Configuration);
        // The fast path of reactions outside the audit: a reaction's handlers are not part of the caller's request.
        services.AddIopMediator(modules.Select(m => m.Assembly), ReactionRegistration.FastPathBehaviour, typeof(AuditBehavior<,>));
        builder.AddHangfireJobs();
        builder.AddSwagger();
        builder.AddHealth();

        // HTTP conventions and observability (Platform safety).
        builder.AddObservability();
        builder.AddHttpProtection();
        services.AddIdempotency(builder.Configuration);
    }

    public static void UseIopPlatform(this WebApplication app)
    {
        if (app.Services.GetRequiredService<DatabaseOptions>().MigrateOnStart)
        {
            app.Services.GetRequiredService<DatabaseMigrator>().MigrateAll();
        }
        app.UseSecurityHeaders();
        app.UseErrorHandling();
        app.UseRequestBodyLimit();
        app.UseSwaggerDocs();
        app.UseRateLimitHeaders();
        app.UseCrossOrigin();
        app.UseAuth();
        // After authentication so the budget is per actor; before the endpoints it protects.
        app.UseRateLimiter();
        app.MapHealth();
        app.MapSmartBackendServices();
        app.UseHangfireJobs();
        var api = app.MapGroup("/api/v1").RejectNullCollectionItems();
        api.MapAuditEndpoints();
        api.MapReactionEndpoints();
        ModuleCatalog.MapModules(api);
        ModuleCatalog.MapRootModules(app);
    }
}
