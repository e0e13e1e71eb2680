namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record GetGoalHistoryQuery(Guid GoalId) : IRequest<IReadOnlyList<GoalStatusChangeDto>>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetGoalHistoryHandler(IDbConnectionFactory db, IAuditScope audit) : IRequestHandler<GetGoalHistoryQuery, IReadOnlyList<GoalStatusChangeDto>>
{
    private const string GoalHistory = """
        SELECT status AS Status, comment AS Comment, changed_by AS ChangedBy, changed_at AS ChangedAt FROM clinical_notes_goal_status WHERE goal_id = @GoalId ORDER BY changed_at, id
        """;

    public async Task<IReadOnlyList<GoalStatusChangeDto>> Handle(GetGoalHistoryQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var goal = await PlanStore.RequireGoalAsync(connection, request.GoalId, cancellationToken);
        var plan = await PlanStore.RequireAsync(connection, goal.PlanId, cancellationToken);
        audit.TouchedPatient(plan.PatientId);
        return (await connection.QueryAsync<GoalStatusChangeDto>(new CommandDefinition(GoalHistory, new { GoalId = goal.Id }, cancellationToken: cancellationToken))).AsList();
    }
}

internal static class GetGoalHistoryEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/goals/{goalId:guid}/history", (Guid goalId, IMediator mediator, CancellationToken ct, int limit = Cursor.DefaultLimit, string? cursor = null) =>
                ListPage.Of(limit, cursor, () => mediator.Send(new GetGoalHistoryQuery(goalId), ct), (_, position) => ListPage.Key(position)))
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetGoalStatusHistory")
            .WithSummary("A goal's status history")
            .WithDescription("Every achievement status the goal had, with who set it and when.")
            .Produces<CursorPage<GoalStatusChangeDto>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
