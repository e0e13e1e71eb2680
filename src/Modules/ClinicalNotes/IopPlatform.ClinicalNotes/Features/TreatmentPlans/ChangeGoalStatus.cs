namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record ChangeGoalStatusRequest(Guid GoalId, int Version, GoalStatusBody Body) : IRequest<GoalDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class ChangeGoalStatusValidator : AbstractValidator<ChangeGoalStatusRequest>
{
    public ChangeGoalStatusValidator()
    {
        RuleFor(x => x.Body.Status).Must(s => s is not null && GoalStatuses.All.Contains(s))
            .WithMessage($"status must be one of {string.Join(", ", GoalStatuses.All)}.").OverridePropertyName("status");
        RuleFor(x => x.Body.Comment).MaximumLength(2000).OverridePropertyName("comment");
    }
}

internal sealed class ChangeGoalStatusHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit) : IRequestHandler<ChangeGoalStatusRequest, GoalDto>
{
    private const string UpdateGoalStatus = """
        UPDATE clinical_notes_goal SET status = @Status, status_changed_at = @Now, version = version + 1 WHERE id = @Id AND version = @Version
        """;

    public async Task<GoalDto> Handle(ChangeGoalStatusRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var goal = await PlanStore.RequireGoalAsync(connection, request.GoalId, cancellationToken);
        var plan = await PlanStore.RequireAsync(connection, goal.PlanId, cancellationToken);
        audit.TouchedPatient(plan.PatientId);
        audit.Resource($"goal/{goal.Id}");
        if (goal.Version != request.Version)
        {
            throw new PreconditionFailedException($"The goal is at version {goal.Version}; read it again.");
        }
        var now = clock.GetUtcNow();
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateGoalStatus, new { request.Body.Status, Now = now, Id = goal.Id, request.Version }, tx, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new PreconditionFailedException("The goal changed since you read it; read it again.");
            }
            await connection.ExecuteAsync(new CommandDefinition(PlanStore.InsertGoalStatus, new
            {
                Id = Guid.CreateVersion7(),
                GoalId = goal.Id,
                request.Body.Status,
                Comment = request.Body.Comment?.Trim(),
                ChangedBy = caller.ActorId,
                ChangedAt = now,
            }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        return (await PlanStore.RequireGoalAsync(connection, goal.Id, cancellationToken)).ToDto();
    }
}

internal static class ChangeGoalStatusEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPut("/goals/{goalId:guid}/status", async (Guid goalId, GoalStatusBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var goal = await mediator.Send(new ChangeGoalStatusRequest(goalId, ETag.RequireIfMatch(request), body), ct);
                ETag.Set(response, goal.Version);
                return TypedResults.Ok(goal);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithName("ChangeGoalStatus")
            .WithSummary("Change a goal's achievement status")
            .WithDescription("Sets the FHIR achievement status (in_progress, improving, worsening, no_change, achieved, sustaining, not_achieved) with If-Match; every change is kept in the goal's history.")
            .Accepts<GoalStatusBody>("application/json")
            .Produces<GoalDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
