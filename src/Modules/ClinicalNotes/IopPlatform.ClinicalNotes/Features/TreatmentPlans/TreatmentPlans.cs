using System.Data.Common;
using Dapper;
using FluentValidation;
using IopPlatform.BuildingBlocks.Audit;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.BuildingBlocks.Errors;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.ClinicalNotes.Contracts;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

/// <summary>A measurable treatment-plan goal.</summary>
/// <param name="Problem">The problem it addresses.</param>
/// <param name="Category">substance_use, emotional_health, relationships, coping_skills, living_financial_stability or aftercare.</param>
/// <param name="Description">The goal in the patient's words where possible.</param>
/// <param name="MeasurableTarget">How achievement is measured, e.g. "4 negative drug screens in a row".</param>
/// <param name="Objectives">Short-term, measurable steps.</param>
/// <param name="Interventions">What staff will do.</param>
internal sealed record GoalBody(string Problem, string Category, string Description, string MeasurableTarget, IReadOnlyList<string>? Objectives, IReadOnlyList<string>? Interventions);

/// <summary>A treatment plan.</summary>
/// <param name="Problems">Problems identified at assessment.</param>
/// <param name="Goals">Goals with objectives and interventions.</param>
internal sealed record CreateTreatmentPlanBody(IReadOnlyList<string>? Problems, IReadOnlyList<GoalBody>? Goals);

/// <summary>A periodic review.</summary>
/// <param name="Summary">What was reviewed and decided.</param>
internal sealed record ReviewPlanBody(string Summary);

/// <summary>A goal's new achievement status.</summary>
/// <param name="Status">in_progress, improving, worsening, no_change, achieved, sustaining or not_achieved.</param>
/// <param name="Comment">Why, briefly.</param>
internal sealed record GoalStatusBody(string Status, string? Comment);

internal sealed record GoalDto
{
    public required Guid Id { get; init; }

    public required string Problem { get; init; }

    public required string Category { get; init; }

    public required string Description { get; init; }

    public required string MeasurableTarget { get; init; }

    public required IReadOnlyList<string> Objectives { get; init; }

    public required IReadOnlyList<string> Interventions { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset StatusChangedAt { get; init; }

    public required int Version { get; init; }
}

internal sealed record GoalStatusChangeDto
{
    public required string Status { get; init; }

    public string? Comment { get; init; }

    public required string ChangedBy { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }
}

internal sealed record PlanReviewDto
{
    public required string ReviewedBy { get; init; }

    public required DateTimeOffset ReviewedAt { get; init; }

    public required string Summary { get; init; }
}

internal sealed record TreatmentPlanDto
{
    public required Guid Id { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public required IReadOnlyList<GoalDto> Goals { get; init; }

    /// <summary>Admission + the configured number of days (null before admission).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The plan was written after it was due.</summary>
    public required bool CompletedLate { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastReviewedAt { get; init; }

    public required DateTimeOffset NextReviewAt { get; init; }

    public required IReadOnlyList<PlanReviewDto> Reviews { get; init; }

    public required int Version { get; init; }
}

internal sealed record CreateTreatmentPlanRequest(Guid EnrollmentId, CreateTreatmentPlanBody Body) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed record GetTreatmentPlanQuery(Guid EnrollmentId) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed record AddGoalRequest(Guid PlanId, GoalBody Body) : IRequest<GoalDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed record ChangeGoalStatusRequest(Guid GoalId, int Version, GoalStatusBody Body) : IRequest<GoalDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed record GetGoalHistoryQuery(Guid GoalId) : IRequest<IReadOnlyList<GoalStatusChangeDto>>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed record ReviewPlanRequest(Guid PlanId, int Version, string Summary) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class GoalBodyValidator : AbstractValidator<GoalBody>
{
    public GoalBodyValidator()
    {
        RuleFor(x => x.Problem).NotEmpty().MaximumLength(1000);
        RuleFor(x => x.Category).Must(c => c is not null && GoalCategories.All.Contains(c))
            .WithMessage($"category must be one of {string.Join(", ", GoalCategories.All)}.");
        RuleFor(x => x.Description).NotEmpty().MaximumLength(2000);
        RuleFor(x => x.MeasurableTarget).NotEmpty().WithMessage("A goal needs a measurable target.").MaximumLength(1000);
        RuleForEach(x => x.Objectives).NotEmpty().MaximumLength(1000);
        RuleForEach(x => x.Interventions).NotEmpty().MaximumLength(1000);
    }
}

internal sealed class CreateTreatmentPlanValidator : AbstractValidator<CreateTreatmentPlanRequest>
{
    public CreateTreatmentPlanValidator()
    {
        RuleFor(x => x.Body.Problems).NotEmpty().WithMessage("A plan names at least one problem.").OverridePropertyName("problems");
        RuleForEach(x => x.Body.Problems).NotEmpty().MaximumLength(1000).OverridePropertyName("problems");
        RuleFor(x => x.Body.Goals).NotEmpty().WithMessage("A plan has at least one goal.").OverridePropertyName("goals");
        RuleForEach(x => x.Body.Goals).SetValidator(new GoalBodyValidator()).OverridePropertyName("goals");
    }
}

internal sealed class AddGoalValidator : AbstractValidator<AddGoalRequest>
{
    public AddGoalValidator() => RuleFor(x => x.Body).SetValidator(new GoalBodyValidator());
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

internal sealed class ReviewPlanValidator : AbstractValidator<ReviewPlanRequest>
{
    public ReviewPlanValidator() => RuleFor(x => x.Summary).NotEmpty().MaximumLength(4000).OverridePropertyName("summary");
}

internal sealed class PlanRow
{
    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public string Problems { get; init; } = "[]";

    public DateTimeOffset? DueAt { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastReviewedAt { get; init; }

    public DateTimeOffset NextReviewAt { get; init; }

    public int Version { get; init; }
}

internal sealed class GoalRow
{
    public Guid Id { get; init; }

    public Guid PlanId { get; init; }

    public Guid EnrollmentId { get; init; }

    public string Problem { get; init; } = string.Empty;

    public string Category { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public string MeasurableTarget { get; init; } = string.Empty;

    public string Objectives { get; init; } = "[]";

    public string Interventions { get; init; } = "[]";

    public string Status { get; init; } = string.Empty;

    public DateTimeOffset StatusChangedAt { get; init; }

    public int Version { get; init; }

    public GoalDto ToDto() => new()
    {
        Id = Id,
        Problem = Problem,
        Category = Category,
        Description = Description,
        MeasurableTarget = MeasurableTarget,
        Objectives = NotesJson.Read<List<string>>(Objectives),
        Interventions = NotesJson.Read<List<string>>(Interventions),
        Status = Status,
        StatusChangedAt = StatusChangedAt,
        Version = Version,
    };
}

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
}

internal sealed class TreatmentPlansHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options)
    : IRequestHandler<CreateTreatmentPlanRequest, TreatmentPlanDto>,
      IRequestHandler<GetTreatmentPlanQuery, TreatmentPlanDto>,
      IRequestHandler<AddGoalRequest, GoalDto>,
      IRequestHandler<ChangeGoalStatusRequest, GoalDto>,
      IRequestHandler<GetGoalHistoryQuery, IReadOnlyList<GoalStatusChangeDto>>,
      IRequestHandler<ReviewPlanRequest, TreatmentPlanDto>
{
    private const string InsertPlan = """
        INSERT INTO clinical_notes_treatment_plan (id, enrollment_id, patient_id, problems, due_at, created_by, created_at, last_reviewed_at, next_review_at, version)
        VALUES (@Id, @EnrollmentId, @PatientId, @Problems, @DueAt, @CreatedBy, @CreatedAt, NULL, @NextReviewAt, 1)
        """;

    private const string SelectGoal = $"SELECT {PlanStore.GoalColumns} FROM clinical_notes_goal WHERE id = @Id";

    private const string UpdateGoalStatus = """
        UPDATE clinical_notes_goal SET status = @Status, status_changed_at = @Now, version = version + 1 WHERE id = @Id AND version = @Version
        """;

    private const string GoalHistory = """
        SELECT status AS Status, comment AS Comment, changed_by AS ChangedBy, changed_at AS ChangedAt FROM clinical_notes_goal_status WHERE goal_id = @GoalId ORDER BY changed_at, id
        """;

    private const string InsertReview = """
        INSERT INTO clinical_notes_plan_review (id, plan_id, reviewed_by, reviewed_at, summary) VALUES (@Id, @PlanId, @ReviewedBy, @ReviewedAt, @Summary)
        """;

    private const string UpdateReviewed = """
        UPDATE clinical_notes_treatment_plan SET last_reviewed_at = @Now, next_review_at = @NextReviewAt, version = version + 1 WHERE id = @Id AND version = @Version
        """;

    public async Task<TreatmentPlanDto> Handle(CreateTreatmentPlanRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await PlanStore.FindByEnrollmentAsync(connection, request.EnrollmentId, cancellationToken) is { } existing)
        {
            throw new ConflictException($"The enrollment already has treatment plan '{existing.Id}'; add goals or review it instead.");
        }
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertPlan, new
            {
                Id = id,
                request.EnrollmentId,
                profile.PatientId,
                Problems = NotesJson.Write(request.Body.Problems),
                DueAt = profile.AdmittedAt?.AddDays(options.TreatmentPlanDueDays),
                CreatedBy = caller.ActorId,
                CreatedAt = now,
                NextReviewAt = now.AddDays(options.PlanReviewIntervalDays),
            }, tx, cancellationToken: cancellationToken));
            foreach (var goal in request.Body.Goals!)
            {
                await PlanStore.AddGoalAsync(connection, tx, id, request.EnrollmentId, goal, caller.ActorId, now, cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }
        audit.Resource($"treatment-plan/{id}");
        return await PlanStore.ToDtoAsync(connection, await PlanStore.RequireAsync(connection, id, cancellationToken), cancellationToken);
    }

    public async Task<TreatmentPlanDto> Handle(GetTreatmentPlanQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var plan = await PlanStore.FindByEnrollmentAsync(connection, request.EnrollmentId, cancellationToken)
            ?? throw new NotFoundException("Treatment plan of enrollment", request.EnrollmentId);
        audit.TouchedPatient(plan.PatientId);
        audit.Resource($"treatment-plan/{plan.Id}");
        return await PlanStore.ToDtoAsync(connection, plan, cancellationToken);
    }

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
        return (await RequireGoalAsync(connection, id, cancellationToken)).ToDto();
    }

    public async Task<GoalDto> Handle(ChangeGoalStatusRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var goal = await RequireGoalAsync(connection, request.GoalId, cancellationToken);
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
        return (await RequireGoalAsync(connection, goal.Id, cancellationToken)).ToDto();
    }

    public async Task<IReadOnlyList<GoalStatusChangeDto>> Handle(GetGoalHistoryQuery request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var goal = await RequireGoalAsync(connection, request.GoalId, cancellationToken);
        var plan = await PlanStore.RequireAsync(connection, goal.PlanId, cancellationToken);
        audit.TouchedPatient(plan.PatientId);
        return (await connection.QueryAsync<GoalStatusChangeDto>(new CommandDefinition(GoalHistory, new { GoalId = goal.Id }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<TreatmentPlanDto> Handle(ReviewPlanRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var plan = await PlanStore.RequireAsync(connection, request.PlanId, cancellationToken);
        audit.TouchedPatient(plan.PatientId);
        audit.Resource($"treatment-plan/{plan.Id}");
        var now = clock.GetUtcNow();
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(UpdateReviewed, new { Now = now, NextReviewAt = now.AddDays(options.PlanReviewIntervalDays), plan.Id, request.Version }, tx, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new PreconditionFailedException($"The plan is at version {plan.Version}; read it again.");
            }
            await connection.ExecuteAsync(new CommandDefinition(InsertReview, new { Id = Guid.CreateVersion7(), PlanId = plan.Id, ReviewedBy = caller.ActorId, ReviewedAt = now, Summary = request.Summary.Trim() }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        return await PlanStore.ToDtoAsync(connection, await PlanStore.RequireAsync(connection, plan.Id, cancellationToken), cancellationToken);
    }

    private static async Task<GoalRow> RequireGoalAsync(DbConnection connection, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<GoalRow>(new CommandDefinition(SelectGoal, new { Id = id }, cancellationToken: ct))
        ?? throw new NotFoundException("Goal", id);
}

internal static class TreatmentPlansEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/enrollments/{enrollmentId:guid}/treatment-plan", async (Guid enrollmentId, CreateTreatmentPlanBody body, IMediator mediator, HttpResponse response, CancellationToken ct) =>
            {
                var plan = await mediator.Send(new CreateTreatmentPlanRequest(enrollmentId, body), ct);
                ETag.Set(response, plan.Version);
                return TypedResults.Created($"/api/v1/enrollments/{enrollmentId}/treatment-plan", plan);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("CreateTreatmentPlan")
            .WithSummary("Write the treatment plan")
            .WithDescription("Problems and measurable goals (category, target, objectives, interventions; status starts in_progress). Due within a configurable number of days of admission (default 30): dueAt and completedLate say whether it was on time. 409 when the enrollment already has a plan.")
            .Accepts<CreateTreatmentPlanBody>("application/json")
            .Produces<TreatmentPlanDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

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

        group.MapGet("/goals/{goalId:guid}/history", (Guid goalId, IMediator mediator, CancellationToken ct) => mediator.Send(new GetGoalHistoryQuery(goalId), ct))
            .RequireRoles(NotesRoles.StaffReaders)
            .WithName("GetGoalStatusHistory")
            .WithSummary("A goal's status history")
            .WithDescription("Every achievement status the goal had, with who set it and when.")
            .Produces<IReadOnlyList<GoalStatusChangeDto>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/treatment-plans/{planId:guid}/reviews", async (Guid planId, ReviewPlanBody body, IMediator mediator, HttpRequest request, HttpResponse response, CancellationToken ct) =>
            {
                var plan = await mediator.Send(new ReviewPlanRequest(planId, ETag.RequireIfMatch(request), body.Summary), ct);
                ETag.Set(response, plan.Version);
                return TypedResults.Created($"/api/v1/enrollments/{plan.EnrollmentId}/treatment-plan", plan);
            })
            .RequireRoles(NotesRoles.Writers)
            .WithIdempotency()
            .WithName("ReviewTreatmentPlan")
            .WithSummary("Record a periodic review")
            .WithDescription("Records a review (date and reviewer) with If-Match and sets the next review a configurable number of days later (default 30).")
            .Accepts<ReviewPlanBody>("application/json")
            .Produces<TreatmentPlanDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}
