namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record AddGoalRequest(Guid PlanId, GoalBody Body) : IRequest<GoalDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class AddGoalValidator : AbstractValidator<AddGoalRequest>
{
    public AddGoalValidator() => RuleFor(x => x.Body).SetValidator(new GoalBodyValidator());
}

internal sealed class AddTreatmentGoalHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<AddGoalRequest, GoalDto>
{
    public async Task<GoalDto> Handle(AddGoalRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var plan = await PlanStore.RequireAsync(connection, request.PlanId, cancellationToken);
        audit.TouchedPatient(plan.PatientId);
        var id = Guid.CreateVersion7();
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await PlanStore.AddGoalCoreAsync(connection, tx, id, plan.Id, plan.EnrollmentId, request.Body, caller.ActorId, clock.GetUtcNow(), cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        audit.Resource($"goal/{id}");
        return (await PlanStore.RequireGoalAsync(connection, id, cancellationToken)).ToDto();
    }
}

internal static class AddTreatmentGoalEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/treatment-plans/{planId:guid}/goals", async (Guid planId, GoalBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var goal = await mediator.Send(new AddGoalRequest(planId, body), ct);
                ETag.Set(response, goal.Version);
                return TypedResults.Created($"/api/v1/goals/{goal.Id}", goal);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("AddTreatmentGoal")
            .WithSummary("Add a goal to a plan")
            .WithDescription("Adds a measurable goal with objectives and interventions.")
            .Accepts<GoalBody>("application/json")
            .Produces<GoalDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
