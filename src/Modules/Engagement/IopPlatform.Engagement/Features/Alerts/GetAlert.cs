using IopPlatform.Engagement.Features.Drift;

namespace IopPlatform.Engagement.Features.Alerts;

/// <summary>One alert with its history and outreach log.</summary>
/// <param name="AlertId">Alert id.</param>
internal sealed record GetAlertRequest(Guid AlertId) : IRequest<AlertDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Enrollment;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetAlertHandler(IDbConnectionFactory db, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<GetAlertRequest, AlertDto>
{
    public async Task<AlertDto> Handle(GetAlertRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await AlertStore.GetAsync(connection, request.AlertId, cancellationToken);
        AlertAccess.Ensure(caller, row);
        audit.TouchedPatient(row.PatientId);
        return await AlertMapping.DetailAsync(connection, row, cancellationToken);
    }
}

internal static class GetAlertEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/alerts/{alertId:guid}", async (Guid alertId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var alert = await mediator.Send(new GetAlertRequest(alertId), ct);
                ETag.Set(response, alert.Version);
                return alert;
            })
            .WithName("GetAlert")
            .WithSummary("One alert with its evidence, history and outreach log")
            .WithDescription("The alert's rule, severity, basis, inputs and evidence, the allowed transitions, its history and outreach attempts. ETag for the transitions.")
            .RequireRoles(Roles.CaseManager, Roles.Clinician, Roles.Supervisor, Roles.Admin)
            .Produces<AlertDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
