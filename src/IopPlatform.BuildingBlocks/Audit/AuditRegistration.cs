using Microsoft.AspNetCore.DataProtection;

namespace IopPlatform.BuildingBlocks.Audit;

public static class AuditRegistration
{
    /// <summary>
    /// The audit trail's services. The host also passes <c>typeof(AuditBehavior&lt;,&gt;)</c> to AddIopMediator and maps
    /// <see cref="AuditEndpoints.MapAuditEndpoints"/>.
    /// </summary>
    public static IServiceCollection AddIopAudit(this IServiceCollection services)
    {
        services.AddScoped<IAuditScope, AuditScope>();
        services.AddSingleton<AuditTrailWriter>();
        services.AddSingleton<AuditChainStore>();
        services.AddDataProtection();
        services.AddSingleton<AuditCheckpointSigner>();
        services.AddSingleton<AuditCheckpoints>();
        services.AddHostedService<AuditTrailWriterService>();
        return services;
    }
}
