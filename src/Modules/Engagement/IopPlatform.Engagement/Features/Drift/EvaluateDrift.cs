using IopPlatform.Engagement.Features.Alerts;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.Engagement.Features.Drift;

/// <summary>Every rule's verdict for one enrollment, without raising anything.</summary>
/// <param name="EnrollmentId">The enrollment.</param>
internal sealed record EvaluateDriftRequest(Guid EnrollmentId) : IRequest<DriftEvaluationDto>, IAuditedRequest
{
    public string AuditCategory => InformationCategories.Attendance;

    public string AuditAction => "read";

    public Guid? AuditPatientId => null;
}

/// <summary>A dry run of the drift rules: each rule's inputs, result and basis.</summary>
internal sealed record DriftEvaluationDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Its program (whose rule pack applies).</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>True when the enrollment is active and was evaluated; false for on-hold or not-yet-admitted enrollments.</summary>
    public required bool Evaluated { get; init; }

    /// <summary>The dropout-risk verdict (the strongest attendance rule that fired, with any clinical severity raise); null when none fired.</summary>
    public RuleResult? DropoutRisk { get; init; }

    /// <summary>Clinical and program flags that fired (review list, not inbox).</summary>
    public IReadOnlyList<RuleResult> Flags { get; init; } = [];

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>Every rule in the pack, fired or not, with inputs, evidence and basis.</summary>
    public required IReadOnlyList<RuleResult> Rules { get; init; }
}

internal sealed class EvaluateDriftHandler(IMediator mediator, DriftFactsReader reader, TimeProvider clock, IAuditScope audit) : IRequestHandler<EvaluateDriftRequest, DriftEvaluationDto>
{
    public async Task<DriftEvaluationDto> Handle(EvaluateDriftRequest request, CancellationToken cancellationToken)
    {
        var enrollment = await mediator.Send(new GetEnrollmentSummaryQuery(request.EnrollmentId), cancellationToken)
            ?? throw new NotFoundException("Enrollment", request.EnrollmentId);
        audit.TouchedPatient(enrollment.PatientId);
        var now = clock.GetUtcNow();
        var item = (await reader.ReadAsync([enrollment], now, cancellationToken)).SingleOrDefault();
        if (item is null)
        {
            return new DriftEvaluationDto { EnrollmentId = enrollment.EnrollmentId, ProgramId = enrollment.ProgramId, Evaluated = false, EvaluatedAt = now, Rules = [] };
        }
        var verdict = DriftRules.Evaluate(item.Program.RulePack, item.Facts, now);
        return new DriftEvaluationDto
        {
            EnrollmentId = enrollment.EnrollmentId,
            ProgramId = enrollment.ProgramId,
            Evaluated = true,
            EvaluatedAt = now,
            DropoutRisk = verdict.Attendance,
            Flags = verdict.Flags,
            Rules = verdict.Rules,
        };
    }
}

internal static class EvaluateDriftEndpoint
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/enrollments/{enrollmentId:guid}/drift-evaluation", (Guid enrollmentId, IMediator mediator, CancellationToken ct) =>
                mediator.Send(new EvaluateDriftRequest(enrollmentId), ct))
            .WithName("EvaluateEnrollmentDrift")
            .WithSummary("Dry run of the drift rules for one enrollment")
            .WithDescription("Shows every rule of the program's rule pack for this enrollment: whether it is switched on, the inputs it compared, " +
                             "whether it fires and at which severity, the evidence (sessions, drug tests, measures) and its basis. Raises nothing.")
            .RequireRoles(Roles.Clinician, Roles.CaseManager, Roles.Supervisor, Roles.Admin)
            .Produces<DriftEvaluationDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
