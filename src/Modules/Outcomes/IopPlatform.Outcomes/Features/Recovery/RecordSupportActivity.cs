namespace IopPlatform.Outcomes.Features.Recovery;

/// <summary>Self-reported attendance at a mutual-support or alumni activity.</summary>
/// <param name="Kind"><c>twelve_step</c>, <c>smart_recovery</c>, <c>alumni_mentorship</c>, <c>alumni_coaching</c> or <c>other</c>.</param>
/// <param name="Date">The day it took place; not after today (UTC).</param>
/// <param name="Notes">Free text, up to 2,000 characters.</param>
internal sealed record RecordSupportActivityBody(string? Kind, DateOnly? Date, string? Notes);

internal sealed record RecordSupportActivityRequest(Guid EnrollmentId, RecordSupportActivityBody Body) : IRequest<SupportActivityDto>, IAuditedRequest
{
    public string AuditCategory => AuditCategories.Recovery;

    public string AuditAction => "create";

    public Guid? AuditPatientId => null;
}

internal sealed class RecordSupportActivityValidator : AbstractValidator<RecordSupportActivityRequest>
{
    public RecordSupportActivityValidator(TimeProvider clock)
    {
        RuleFor(x => x.Body.Kind).Must(k => k is not null && RecoveryWords.ActivityKinds.Contains(k))
            .WithMessage($"Kind must be one of: {RecoveryWords.OneOf(RecoveryWords.ActivityKinds)}.").OverridePropertyName("kind");
        RuleFor(x => x.Body.Date).Cascade(CascadeMode.Stop).NotNull()
            .Must(d => d <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Date must not be in the future.")
            .OverridePropertyName("date");
        RuleFor(x => x.Body.Notes).MaximumLength(2000).OverridePropertyName("notes");
    }
}

internal sealed class RecordSupportActivityHandler(IDbConnectionFactory db, IMediator mediator, TimeProvider clock, ICurrentCaller caller, IAuditScope audit)
    : IRequestHandler<RecordSupportActivityRequest, SupportActivityDto>
{
    public const string Columns = """
        id, enrollment_id AS EnrollmentId, patient_id AS PatientId, kind, activity_date AS "Date", notes, recorded_by AS RecordedBy, recorded_at AS RecordedAt
        """;

    private const string Insert = """
        INSERT INTO outcomes_support_activity (id, enrollment_id, patient_id, kind, activity_date, notes, recorded_by, recorded_at)
        VALUES (@Id, @EnrollmentId, @PatientId, @Kind, @Date, @Notes, @RecordedBy, @RecordedAt)
        """;

    public async Task<SupportActivityDto> Handle(RecordSupportActivityRequest request, CancellationToken cancellationToken)
    {
        var profile = await mediator.RequireProfileAsync(request.EnrollmentId, audit, cancellationToken);
        var activity = new SupportActivityDto
        {
            Id = Guid.CreateVersion7(),
            EnrollmentId = profile.EnrollmentId,
            PatientId = profile.PatientId,
            Kind = request.Body.Kind!,
            Date = request.Body.Date!.Value,
            Notes = string.IsNullOrWhiteSpace(request.Body.Notes) ? null : request.Body.Notes.Trim(),
            RecordedBy = caller.ActorId,
            RecordedAt = clock.GetUtcNow(),
        };
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, activity, cancellationToken: cancellationToken));
        return activity;
    }
}

internal static class RecordSupportActivityEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/enrollments/{enrollmentId:guid}/support-activities", async (Guid enrollmentId, RecordSupportActivityBody body, IMediator mediator, CancellationToken ct) =>
            {
                var activity = await mediator.Send(new RecordSupportActivityRequest(enrollmentId, body), ct);
                return TypedResults.Created($"/api/v1/enrollments/{enrollmentId}/support-activities", activity);
            })
            .RequireRoles(OutcomesRoles.RecoveryWriters)
            .WithName("RecordSupportActivity")
            .WithSummary("Record mutual-support or alumni attendance")
            .WithDescription("Self-reported attendance at a 12-Step or SMART Recovery meeting or an alumni mentorship/coaching activity. Feeds milestone 6 (at least 2 in the last 14 days).")
            .Accepts<RecordSupportActivityBody>("application/json")
            .Produces<SupportActivityDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
