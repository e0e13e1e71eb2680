namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal static class PlanStore
{
    public const string PlanColumns = """
        id AS Id, enrollment_id AS EnrollmentId, patient_id AS PatientId, problems AS Problems, due_at AS DueAt, created_by AS CreatedBy,
        created_at AS CreatedAt, last_reviewed_at AS LastReviewedAt, next_review_at AS NextReviewAt, version AS Version
        """;

    public const string GoalColumns = """
        id AS Id, plan_id AS PlanId, enrollment_id AS EnrollmentId, problem AS Problem, category AS Category, description AS Description,
        measurable_target AS MeasurableTarget, objectives AS Objectives, interventions AS Interventions, status AS Status,
        status_changed_at AS StatusChangedAt, version AS Version
        """;

    public const string InsertGoal = """
        INSERT INTO clinical_notes_goal (id, plan_id, enrollment_id, problem, category, description, measurable_target, objectives,
            interventions, status, status_changed_at, version)
        VALUES (@Id, @PlanId, @EnrollmentId, @Problem, @Category, @Description, @MeasurableTarget, @Objectives, @Interventions, @Status, @Now, 1)
        """;

    public const string InsertGoalStatus = """
        INSERT INTO clinical_notes_goal_status (id, goal_id, status, comment, changed_by, changed_at)
        VALUES (@Id, @GoalId, @Status, @Comment, @ChangedBy, @ChangedAt)
        """;

    private const string ByEnrollment = $"SELECT {PlanColumns} FROM clinical_notes_treatment_plan WHERE enrollment_id = @EnrollmentId";

    private const string ById = $"SELECT {PlanColumns} FROM clinical_notes_treatment_plan WHERE id = @Id";

    private const string Goals = $"SELECT {GoalColumns} FROM clinical_notes_goal WHERE plan_id = @PlanId ORDER BY id";

    private const string Reviews = """
        SELECT reviewed_by AS ReviewedBy, reviewed_at AS ReviewedAt, summary AS Summary FROM clinical_notes_plan_review WHERE plan_id = @PlanId ORDER BY reviewed_at, id
        """;

    public static Task<PlanRow?> FindByEnrollmentAsync(DbConnection connection, Guid enrollmentId, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<PlanRow>(new CommandDefinition(ByEnrollment, new { EnrollmentId = enrollmentId }, cancellationToken: ct));

    public static async Task<PlanRow> RequireAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<PlanRow>(new CommandDefinition(ById, new { Id = id }, cancellationToken: ct))
        ?? throw new NotFoundException("Treatment plan", id);

    public static Task AddGoalAsync(DbConnection connection, DbTransaction? tx, Guid planId, Guid enrollmentId, GoalBody goal, string actor, DateTimeOffset now, CancellationToken ct) =>
        AddGoalCoreAsync(connection, tx, Guid.CreateVersion7(), planId, enrollmentId, goal, actor, now, ct);

    public static async Task AddGoalCoreAsync(DbConnection connection, DbTransaction? tx, Guid id, Guid planId, Guid enrollmentId, GoalBody goal, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(InsertGoal, new
        {
            Id = id,
            PlanId = planId,
            EnrollmentId = enrollmentId,
            goal.Problem,
            goal.Category,
            goal.Description,
            goal.MeasurableTarget,
            Objectives = NotesJson.Write(goal.Objectives ?? []),
            Interventions = NotesJson.Write(goal.Interventions ?? []),
            Status = GoalStatuses.InProgress,
            Now = now,
        }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertGoalStatus, new
        {
            Id = Guid.CreateVersion7(),
            GoalId = id,
            Status = GoalStatuses.InProgress,
            Comment = (string?)null,
            ChangedBy = actor,
            ChangedAt = now,
        }, tx, cancellationToken: ct));
    }

    public static async Task<TreatmentPlanDto> ToDtoAsync(DbConnection connection, PlanRow plan, CancellationToken ct)
    {
        var goals = (await connection.QueryAsync<GoalRow>(new CommandDefinition(Goals, new { PlanId = plan.Id }, cancellationToken: ct))).Select(g => g.ToDto()).ToList();
        var reviews = (await connection.QueryAsync<PlanReviewDto>(new CommandDefinition(Reviews, new { PlanId = plan.Id }, cancellationToken: ct))).AsList();
        return new TreatmentPlanDto
        {
            Id = plan.Id,
            EnrollmentId = plan.EnrollmentId,
            PatientId = plan.PatientId,
            Problems = NotesJson.Read<List<string>>(plan.Problems),
            Goals = goals,
            DueAt = plan.DueAt,
            CompletedLate = plan.DueAt is { } due && plan.CreatedAt > due,
            CreatedBy = plan.CreatedBy,
            CreatedAt = plan.CreatedAt,
            LastReviewedAt = plan.LastReviewedAt,
            NextReviewAt = plan.NextReviewAt,
            Reviews = reviews,
            Version = plan.Version,
        };
    }

    private const string SelectGoal = $"SELECT {GoalColumns} FROM clinical_notes_goal WHERE id = @Id";

    public static async Task<GoalRow> RequireGoalAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<GoalRow>(new CommandDefinition(SelectGoal, new { Id = id }, cancellationToken: ct))
        ?? throw new NotFoundException("Goal", id);
}
