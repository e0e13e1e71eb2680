using IopPlatform.BuildingBlocks.Modules;
using IopPlatform.Enrollment.Features.Consents;
using IopPlatform.Enrollment.Features.Enrollments;
using IopPlatform.Enrollment.Features.Patients;
using IopPlatform.Enrollment.Features.Programs;
using IopPlatform.Enrollment.Features.Sites;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // The audit behaviour registers the scope for the whole platform; TryAdd keeps this module runnable without it.
        return new ModuleDescriptor("enrollment", typeof(EnrollmentModule).Assembly, MigrationOrder: 1);
    }

    public static IEndpointRouteBuilder MapEnrollmentModule(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup(string.Empty).WithTags(Tag);
        CreateSiteEndpoint.Map(group);
        GetSiteEndpoint.Map(group);
        ListSitesEndpoint.Map(group);
        CreateProgramEndpoint.Map(group);
        GetProgramEndpoint.Map(group);
        UpdateProgramEndpoint.Map(group);
        ListProgramsEndpoint.Map(group);
        SavePatientEndpoint.Map(group);
        GetPatientEndpoint.Map(group);
        SearchPatientsEndpoint.Map(group);
        ReferPatientEndpoint.Map(group);
        GetEnrollmentEndpoint.Map(group);
        ListPatientEnrollmentsEndpoint.Map(group);
        ScreenEnrollmentEndpoint.Map(group);
        AdmitEnrollmentEndpoint.Map(group);
        HoldResumeOrCancelEnrollmentEndpoint.Map(group);
        DischargeEnrollmentEndpoint.Map(group);
        SetCareTeamEndpoint.Map(group);
        GetCaseloadEndpoint.Map(group);
        RecordConsentEndpoint.Map(group);
        ListConsentsEndpoint.Map(group);
        RevokeConsentEndpoint.Map(group);
        ListDisclosuresEndpoint.Map(group);
        return api;
    }
}
