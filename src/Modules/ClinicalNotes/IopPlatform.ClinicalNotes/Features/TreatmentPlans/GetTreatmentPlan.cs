namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record GetTreatmentPlanQuery(Guid EnrollmentId) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetTreatmentPlanHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetTreatmentPlanQuery, TreatmentPlanDto>
{
    public async Task<TreatmentPlanDto> Handle(GetTreatmentPlanQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var plan = await PlanStore.FindByEnrollmentAsync(connection, request.EnrollmentId, cancellationToken)
            ?? throw new NotFoundException("Treatment plan of enrollment", request.EnrollmentId);
        audit.TouchedPatient(plan.PatientId);
        audit.Resource($"treatment-plan/{plan.Id}");
        return await PlanStore.ToDtoAsync(connection, plan, cancellationToken);
    }
}

internal static class GetTreatmentPlanEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/enrollments/{enrollmentId:guid}/treatment-plan", async (Guid enrollmentId, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var plan = await mediator.Send(new GetTreatmentPlanQuery(enrollmentId), ct);
                ETag.Set(response, plan.Version);
                return TypedResults.Ok(plan);
            })
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetTreatmentPlan")
            .WithSummary("Read the treatment plan")
            .WithDescription("The plan with its goals (current status), reviews and due and next-review times.")
            .Produces<TreatmentPlanDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
