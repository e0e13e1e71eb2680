namespace IopPlatform.Enrollment.Features.Enrollments;

/// <summary>Hold, resume or cancel: a status change with a reason.</summary>
/// <param name="Reason">Why (required for hold and cancel).</param>
internal sealed record SimpleTransitionRequest(string? Reason) : TransitionRequest
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Verb { get; init; } = Transitions.Hold;

    public override string Action => Verb;
}

internal sealed class SimpleTransitionValidator : AbstractValidator<SimpleTransitionRequest>
{
    public SimpleTransitionValidator()
    {
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why (kept in the status history).").When(x => x.Verb is Transitions.Hold or Transitions.Cancel);
        RuleFor(x => x.Reason).MaximumLength(1000);
    }
}

internal sealed class SimpleTransitionHandler(EnrollmentTransition transition) : IRequestHandler<SimpleTransitionRequest, EnrollmentDto>
{
    public Task<EnrollmentDto> Handle(SimpleTransitionRequest request, CancellationToken cancellationToken) =>
        transition.RunAsync(request, (_, _) => Task.CompletedTask, (row, scope) => request.Verb switch
        {
            // One call per notification type, so the durable-reaction rules can read from the compiled code what is enqueued.
            Transitions.Hold => transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction, new EnrollmentOnHold(row.Id, row.PatientId, row.ProgramId, scope.Now), row.Id, cancellationToken),
            Transitions.Resume => transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction, new EnrollmentResumed(row.Id, row.PatientId, row.ProgramId, scope.Now), row.Id, cancellationToken),
            Transitions.Cancel => transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction, new EnrollmentCancelled(row.Id, row.PatientId, row.ProgramId, scope.Now), row.Id, cancellationToken),
            _ => Task.CompletedTask,
        }, request.Reason, cancellationToken);
}

internal static class HoldResumeOrCancelEnrollmentEndpoint
{
    public static void Map(IEndpointRouteBuilder group)
    {
        TransitionEndpoint.Map<SimpleTransitionRequest>(group, Transitions.Hold, "HoldEnrollment", "Put on hold", "active → on_hold; a reason is required. ", required: true);
        TransitionEndpoint.Map<SimpleTransitionRequest>(group, Transitions.Resume, "ResumeEnrollment", "Resume", "on_hold → active. ", required: false);
        TransitionEndpoint.Map<SimpleTransitionRequest>(group, Transitions.Cancel, "CancelEnrollment", "Cancel a referral", "referred or screened → cancelled; a reason is required. ", required: true);
    }
}
