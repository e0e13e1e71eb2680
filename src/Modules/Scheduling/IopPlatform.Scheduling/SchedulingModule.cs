using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Scheduling.Features.Appointments;
using IopPlatform.Scheduling.Features.Attendance;
using IopPlatform.Scheduling.Features.Groups;
using IopPlatform.Scheduling.Features.Hours;
using IopPlatform.Scheduling.Features.Rosters;
using IopPlatform.Scheduling.Features.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // The audit behaviour registers the real scope; this keeps handlers resolvable in a host that lacks it.
        services.AddSingleton(RecurringJobDefinition.For<MaterializeSessionsCommand>(MaterializeSessionsJobId, options.MaterializeSessionsCron));
        services.AddSingleton(RecurringJobDefinition.For<FlagMissedSessionsCommand>(FlagMissedSessionsJobId, options.MissedSessionsCron));
        return new ModuleDescriptor("scheduling", typeof(SchedulingModule).Assembly, MigrationOrder: 2);
    }

    public static IEndpointRouteBuilder MapSchedulingModule(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup(string.Empty).WithTags(Tag);
        CreateGroupEndpoint.Map(group);
        GetGroupEndpoint.Map(group);
        ChangeRecurrenceEndpoint.Map(group);
        ListGroupSessionsEndpoint.Map(group);
        GetSessionEndpoint.Map(group);
        ChangeSessionEndpoint.Map(group);
        RostersEndpoint.Map(group);
        RecordAttendanceEndpoint.Map(group);
        CheckInEndpoint.Map(group);
        CorrectAttendanceEndpoint.Map(group);
        WeeklyHoursEndpoint.Map(group);
        AppointmentsEndpoint.Map(group);
        return api;
    }
}
