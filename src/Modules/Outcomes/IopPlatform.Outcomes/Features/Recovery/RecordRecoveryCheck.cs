namespace IopPlatform.Outcomes.Features.Recovery;

/// <summary>A recovery-environment check.</summary>
/// <param name="CheckedAt">When the check was done; not in the future.</param>
/// <param name="Housing"><c>stable</c>, <c>unstable</c> or <c>homeless</c>.</param>
/// <param name="Employment"><c>employed_full_time</c>, <c>employed_part_time</c>, <c>unemployed</c>, <c>student</c>, <c>retired</c>, <c>disabled</c>, <c>benefits</c> or <c>other</c>.</param>
/// <param name="SubstanceFreeIncome">True when income does not come from, or depend on, substance use or its trade.</param>
/// <param name="SupportNetwork"><c>strong</c>, <c>some</c> or <c>none</c>.</param>
/// <param name="Notes">Free text, up to 2,000 characters.</param>
internal sealed record RecordRecoveryCheckBody(DateTimeOffset? CheckedAt, string? Housing, string? Employment, bool? SubstanceFreeIncome, string? SupportNetwork, string? Notes);

internal sealed record RecordRecoveryCheckRequest(Guid EnrollmentId, RecordRecoveryCheckBody Body) : IRequest<RecoveryCheckDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Recovery;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class RecordRecoveryCheckValidator : AbstractValidator<RecordRecoveryCheckRequest>
{
    public RecordRecoveryCheckValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.CheckedAt).Cascade(CascadeMode.Stop).NotNull()
            .Must(at => at <= clock.GetUtcNow()).WithMessage("Checked at must not be in the future.").OverridePropertyName("checkedAt");
        RuleFor(x => x.Body.Housing).Must(h => h is not null && RecoveryWords.Housing.Contains(h))
            .WithMessage($"Housing must be one of: {RecoveryWords.OneOf(RecoveryWords.Housing)}.").OverridePropertyName("housing");
        RuleFor(x => x.Body.Employment).Must(e => e is not null && RecoveryWords.Employment.Contains(e))
            .WithMessage($"Employment must be one of: {RecoveryWords.OneOf(RecoveryWords.Employment)}.").OverridePropertyName("employment");
        RuleFor(x => x.Body.SubstanceFreeIncome).NotNull().OverridePropertyName("substanceFreeIncome");
        RuleFor(x => x.Body.SupportNetwork).Must(s => s is not null && RecoveryWords.SupportNetwork.Contains(s))
            .WithMessage($"Support network must be one of: {RecoveryWords.OneOf(RecoveryWords.SupportNetwork)}.").OverridePropertyName("supportNetwork");
        RuleFor(x => x.Body.Notes).MaximumLength(2000).OverridePropertyName("notes");
    }
}

internal sealed class RecordRecoveryCheckHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<RecordRecoveryCheckRequest, RecoveryCheckDto>
{
    public const string Columns = """
        id, enrollment_id AS EnrollmentId, patient_id AS PatientId, checked_at AS CheckedAt, housing, employment,
        substance_free_income AS SubstanceFreeIncome, support_network AS SupportNetwork, notes, recorded_by AS RecordedBy, recorded_at AS RecordedAt
        """;

    private const string Insert = """
        INSERT INTO outcomes_recovery_check (id, enrollment_id, patient_id, checked_at, housing, employment, substance_free_income,
                                             support_network, notes, recorded_by, recorded_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @CheckedAt, @Housing, @Employment, @SubstanceFreeIncome,
                @SupportNetwork, @Notes, @RecordedBy, @RecordedAt)
        """;

    public async Task<RecoveryCheckDto> Handle(RecordRecoveryCheckRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var body = request.Body;
        var check = new RecoveryCheckDto
        {
            Id = Guid.CreateVersion7(),
            EnrollmentId = profile.EnrollmentId,
            PatientId = profile.PatientId,
            CheckedAt = body.CheckedAt!.Value.ToUniversalTime(),
            Housing = body.Housing!,
            Employment = body.Employment!,
            SubstanceFreeIncome = body.SubstanceFreeIncome!.Value,
            SupportNetwork = body.SupportNetwork!,
            Notes = string.IsNullOrWhiteSpace(body.Notes) ? null : body.Notes.Trim(),
            RecordedBy = caller.ActorId,
            RecordedAt = clock.GetUtcNow(),
        };
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, check, cancellationToken: cancellationToken));
        return check;
    }
}

internal static class RecordRecoveryCheckEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/recovery-checks", async (Guid enrollmentId, RecordRecoveryCheckBody body, IMediator mediator, CancellationToken ct) =>
            {
                var check = await mediator.Send(new RecordRecoveryCheckRequest(enrollmentId, body), ct);
                return TypedResults.Created($"/api/v1/enrollments/{enrollmentId}/recovery-checks", check);
            })
            .RequireRoles(OutcomesRoles.RecoveryWriters)
            .WithName("RecordRecoveryCheck")
            .WithSummary("Record a recovery-environment check")
            .WithDescription("Housing, income/employment (and whether income is free from substance influence) and support network at a point in time. The latest check feeds milestone 5 (stable financial and living conditions).")
            .Accepts<RecordRecoveryCheckBody>("application/json")
            .Produces<RecoveryCheckDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
