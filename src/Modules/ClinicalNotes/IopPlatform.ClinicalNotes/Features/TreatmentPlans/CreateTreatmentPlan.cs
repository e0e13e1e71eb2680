namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record CreateTreatmentPlanRequest(Guid EnrollmentId, CreateTreatmentPlanBody Body) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
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

internal sealed class CreateTreatmentPlanHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options) : IRequestHandler<CreateTreatmentPlanRequest, TreatmentPlanDto>
{
    private const string InsertPlan = """
        INSERT INTO clinical_notes_treatment_plan (id, enrollment_id, patient_id, problems, due_at, created_by, created_at, last_reviewed_at, next_review_at, version)
        VALUES (@Id, @EnrollmentId, @PatientId, @Problems, @DueAt, @CreatedBy, @CreatedAt, NULL, @NextReviewAt, 1)
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
}

internal static class CreateTreatmentPlanEndpoint
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
    }
}
