using IopPlatform.BuildingBlocks.Jobs;
using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Counselling;
using IopPlatform.ClinicalNotes.Features.GroupNotes;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.ClinicalNotes.Features.TreatmentPlans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IopPlatform.ClinicalNotes;

/// <summary>The ClinicalNotes module's registration and endpoints; the host calls only these two methods.</summary>
public static class ClinicalNotesModule
{
    public const string Tag = "Clinical notes";

    public const string FlagOverdueNotesJobId = "clinical_notes:flag-overdue-notes";

    public static ModuleDescriptor AddClinicalNotesModule(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ClinicalNotesOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(RecurringJobDefinition.For<FlagOverdueNotesCommand>(FlagOverdueNotesJobId, options.OverdueNotesCron));
        return new ModuleDescriptor("clinical_notes", typeof(ClinicalNotesModule).Assembly, MigrationOrder: 3);
    }

    public static IEndpointRouteBuilder MapClinicalNotesModule(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup(string.Empty).WithTags(Tag);
        CliniciansEndpoint.Map(group);
        CreateNoteEndpoint.Map(group);
        UpdateNoteEndpoint.Map(group);
        SignNoteEndpoint.Map(group);
        AddNoteEntryEndpoint.Map(group);
        ReadNotesEndpoint.Map(group);
        OverdueNotesEndpoint.Map(group);
        CreateGroupNoteEndpoint.Map(group);
        GetGroupNoteEndpoint.Map(group);
        CounsellingNotesEndpoint.Map(group);
        CreateTreatmentPlanEndpoint.Map(group);
        GetTreatmentPlanEndpoint.Map(group);
        AddTreatmentGoalEndpoint.Map(group);
        ChangeGoalStatusEndpoint.Map(group);
        GetGoalHistoryEndpoint.Map(group);
        ReviewTreatmentPlanEndpoint.Map(group);
        RelapsePreventionPlansEndpoint.Map(group);
        return api;
    }
}
