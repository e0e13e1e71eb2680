using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Outcomes.Features;
using IopPlatform.Outcomes.Features.DrugTests;
using IopPlatform.Outcomes.Features.Measures;
using IopPlatform.Outcomes.Features.Milestones;
using IopPlatform.Outcomes.Features.Recovery;
using IopPlatform.Outcomes.Features.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // The audit behaviour registers the real scope; until it is present, handlers still get one to report to.
        return new ModuleDescriptor("outcomes", typeof(OutcomesModule).Assembly, MigrationOrder: 4);
    }

    public static IEndpointRouteBuilder MapOutcomesModule(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup(string.Empty).WithTags(Tag);
        SubmitMeasureEndpoint.Map(group);
        ListMeasuresEndpoint.Map(group);
        GetMeasuresDueEndpoint.Map(group);
        GetProgramMeasuresDueEndpoint.Map(group);
        GetMeasureCadenceEndpoint.Map(group);
        SetMeasureCadenceEndpoint.Map(group);
        GetProgramPcl5CutOffEndpoint.Map(group);
        SetProgramPcl5CutOffEndpoint.Map(group);
        RecordDrugTestEndpoint.Map(group);
        CorrectDrugTestEndpoint.Map(group);
        GetDrugTestEndpoint.Map(group);
        ListDrugTestsEndpoint.Map(group);
        RecordRecoveryCheckEndpoint.Map(group);
        ListRecoveryChecksEndpoint.Map(group);
        RecordSupportActivityEndpoint.Map(group);
        ListSupportActivitiesEndpoint.Map(group);
        GetMilestonesEndpoint.Map(group);
        GetCompletionReadinessEndpoint.Map(group);
        OverrideCompletionReadinessEndpoint.Map(group);
        GetProgramOutcomeReportEndpoint.Map(group);
        return api;
    }
}
