namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

internal sealed record ReviewPlanRequest(Guid PlanId, int Version, string Summary) : IRequest<TreatmentPlanDto>, IAuditedRequest
{
    public string AuditCategory => NotesAudit.TreatmentPlan;

    public string AuditAction => "update";

    public Guid? AuditPatientId => null;
}

internal sealed class ReviewPlanValidator : AbstractValidator<ReviewPlanRequest>
{
    public ReviewPlanValidator() => RuleFor(x => x.Summary).NotEmpty().MaximumLength(4000).OverridePropertyName("summary");
}

internal sealed class ReviewTreatmentPlanHandler(IDbConnectionFactory db, TimeProvider clock, ICurrentCaller caller, IAuditScope audit, ClinicalNotesOptions options) : IRequestHandler<ReviewPlanRequest, TreatmentPlanDto>
{
    private const string InsertReview = """
        INSERT INTO clinical_notes_plan_review (id, plan_id, reviewed_by, reviewed_at, summary) VALUES (@Id, @PlanId, @ReviewedBy, @ReviewedAt, @Summary)
        """;

    private const string UpdateReviewed = """
        UPDATE clinical_notes_treatment_plan SET last_reviewed_at = @Now, next_review_at = @NextReviewAt, version = version + 1 WHERE id = @Id AND version = @Version
        """;

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
}

internal static class ReviewTreatmentPlanEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
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
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
