namespace IopPlatform.Outcomes.Features.Milestones;

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
