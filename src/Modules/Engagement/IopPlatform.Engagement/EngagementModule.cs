using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Engagement.Features.Drift;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.Engagement;

/// <summary>
/// The Engagement module (drift rules and job, dropout and safety alerts, the case manager's inbox, outreach,
/// escalation): its registration and endpoints; the host calls only these two methods.
/// </summary>
public static class EngagementModule
{
    public const string Tag = "Engagement";

    public const string DetectDriftJobId = "engagement:detect-drift";
    public const string EscalateAlertsJobId = "engagement:escalate-alerts";

    public static ModuleDescriptor AddEngagementModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoped<DriftFactsReader>();
        var drift = DriftSchedule.From(configuration);
        services.AddSingleton(drift);
        // Often (every 15 minutes): each program is evaluated once per local day of its site, after its drift time there.
        // Escalation hourly so a 24 h window is kept to the hour.
        services.AddSingleton(RecurringJobDefinition.For<RunDueDriftScansCommand>(DetectDriftJobId, drift.Cron));
        services.AddSingleton(RecurringJobDefinition.For<EscalateAlertsCommand>(EscalateAlertsJobId, configuration["Engagement:EscalateAlertsCron"] ?? "7 * * * *"));
        return new ModuleDescriptor("engagement", typeof(EngagementModule).Assembly, MigrationOrder: 5);
    }

    public static IEndpointRouteBuilder MapEngagementModule(this IEndpointRouteBuilder api)
    {
        api.MapFeatureEndpoints(typeof(EngagementModule).Assembly, Tag);
        return api;
    }
}
