namespace IopPlatform.Outcomes.Features.Milestones;

/// <summary>A clinician's decision that the patient completed treatment although not every milestone is met.</summary>
/// <param name="Reason">Why (required, up to 2,000 characters).</param>
internal sealed record OverrideCompletionReadinessBody(string? Reason);

internal sealed record OverrideCompletionReadinessRequest(Guid EnrollmentId, OverrideCompletionReadinessBody Body) : IRequest<CompletionReadinessDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Milestone;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class OverrideCompletionReadinessValidator : AbstractValidator<OverrideCompletionReadinessRequest>
{
    public OverrideCompletionReadinessValidator() =>
        RuleFor(x => x.Body.Reason).NotEmpty().WithMessage("An override needs a reason.").MaximumLength(2000)
            .Must(r => r is null || !r.Contains('\0', StringComparison.Ordinal)).WithMessage("The reason must not contain NUL characters.").OverridePropertyName("reason");
}

internal sealed class OverrideCompletionReadinessHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<OverrideCompletionReadinessRequest, CompletionReadinessDto>
{
    private const string Insert = """
        INSERT INTO outcomes_completion_override (id, enrollment_id, patient_id, reason, overridden_by, overridden_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @Reason, @OverriddenBy, @OverriddenAt)
        """;

    public async Task<CompletionReadinessDto> Handle(OverrideCompletionReadinessRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, new
            {
                Id = Guid.CreateVersion7(),
                profile.EnrollmentId,
                profile.PatientId,
                Reason = request.Body.Reason!.Trim(),
                OverriddenBy = caller.ActorId,
                OverriddenAt = clock.GetUtcNow(),
            }, cancellationToken: cancellationToken));
        }
        return await mediator.Send(new GetCompletionReadinessQuery(request.EnrollmentId), cancellationToken);
    }
}

internal static class OverrideCompletionReadinessEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/completion-readiness/override", async (Guid enrollmentId, OverrideCompletionReadinessBody body, IMediator mediator, CancellationToken ct) =>
            {
                var readiness = await mediator.Send(new OverrideCompletionReadinessRequest(enrollmentId, body), ct);
                return TypedResults.Created($"/api/v1/enrollments/{enrollmentId}/completion-readiness", readiness);
            })
            .RequireRoles(OutcomesRoles.ClinicalWriters)
            .WithName("OverrideCompletionReadiness")
            .WithSummary("Override completion readiness")
            .WithDescription("A clinician or supervisor declares the patient ready for completion despite unmet milestones, with a reason; the unmet milestones stay listed.")
            .Accepts<OverrideCompletionReadinessBody>("application/json")
            .Produces<CompletionReadinessDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
