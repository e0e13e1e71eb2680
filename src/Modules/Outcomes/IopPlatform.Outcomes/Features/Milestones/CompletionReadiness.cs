namespace IopPlatform.Outcomes.Features.Milestones;

/// <summary>Answers Enrollment's discharge: ready when all six milestones are met or a clinician has overridden with a reason.</summary>
internal sealed class GetCompletionReadinessHandler(IDbConnectionFactory db, ISqlDialect dialect, IMediator mediator)
    : IRequestHandler<GetCompletionReadinessQuery, CompletionReadinessDto>
{
    private sealed class OverrideRow
    {
        public string Reason { get; init; } = string.Empty;

        public string OverriddenBy { get; init; } = string.Empty;

        public DateTimeOffset OverriddenAt { get; init; }
    }

    public async Task<CompletionReadinessDto> Handle(GetCompletionReadinessQuery request, CancellationToken cancellationToken)
    {
        var milestones = await mediator.Send(new EvaluateMilestonesQuery(request.EnrollmentId), cancellationToken);
        var sql = $"""
            SELECT reason, overridden_by AS OverriddenBy, overridden_at AS OverriddenAt FROM outcomes_completion_override
            WHERE enrollment_id = @EnrollmentId ORDER BY overridden_at DESC, id DESC {dialect.Limit("@One")}
            """;
        OverrideRow? latest;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            latest = await connection.QuerySingleOrDefaultAsync<OverrideRow>(new CommandDefinition(sql, new { request.EnrollmentId, One = 1 }, cancellationToken: cancellationToken));
        }
        var unmet = milestones.Milestones.Where(m => !m.Met).Select(m => $"{m.Number}. {m.Basis}").ToList();
        if (unmet.Count == 0)
        {
            return new CompletionReadinessDto { EnrollmentId = request.EnrollmentId, Ready = true, Reasons = ["All six milestones are met."], Overridden = false };
        }
        if (latest is not null)
        {
            return new CompletionReadinessDto
            {
                EnrollmentId = request.EnrollmentId,
                Ready = true,
                Reasons = [$"Clinician override: {latest.Reason}", .. unmet],
                Overridden = true,
                OverriddenBy = latest.OverriddenBy,
                OverriddenAt = latest.OverriddenAt,
            };
        }
        return new CompletionReadinessDto { EnrollmentId = request.EnrollmentId, Ready = false, Reasons = unmet, Overridden = false };
    }
}

/// <summary>The HTTP face of <see cref="GetCompletionReadinessQuery"/>, audited.</summary>
internal sealed record GetCompletionReadinessRequest(Guid EnrollmentId) : IRequest<CompletionReadinessDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Milestone;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

internal sealed class GetCompletionReadinessRequestHandler(IMediator mediator) : IRequestHandler<GetCompletionReadinessRequest, CompletionReadinessDto>
{
    public Task<CompletionReadinessDto> Handle(GetCompletionReadinessRequest request, CancellationToken cancellationToken) =>
        mediator.Send(new GetCompletionReadinessQuery(request.EnrollmentId), cancellationToken);
}

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

internal static class GetCompletionReadinessEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/completion-readiness", (Guid enrollmentId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new GetCompletionReadinessRequest(enrollmentId), ct))
            .RequireRoles(Roles.Staff)
            .WithName("GetCompletionReadiness")
            .WithSummary("Completion readiness")
            .WithDescription("Ready when all six milestones are met, or when a clinician has overridden with a reason; the reasons list each milestone not met. Enrollment's discharge as completed asks the same question.")
            .Produces<CompletionReadinessDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
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
