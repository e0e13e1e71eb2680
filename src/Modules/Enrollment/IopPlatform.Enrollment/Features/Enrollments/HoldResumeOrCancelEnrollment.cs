using FluentValidation;
using IopPlatform.Enrollment.Contracts;
using MediatR;
using Microsoft.AspNetCore.Routing;

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
        transition.RunAsync(request, (_, _) => Task.CompletedTask, (row, scope) =>
        {
            INotification? reaction = request.Verb switch
            {
                Transitions.Hold => new EnrollmentOnHold(row.Id, row.PatientId, row.ProgramId, scope.Now),
                Transitions.Resume => new EnrollmentResumed(row.Id, row.PatientId, row.ProgramId, scope.Now),
                Transitions.Cancel => new EnrollmentCancelled(row.Id, row.PatientId, row.ProgramId, scope.Now),
                _ => null,
            };
            return reaction is null ? Task.CompletedTask : transition.Reactions.EnqueueAsync(scope.Connection, scope.Transaction, reaction, row.Id, cancellationToken);
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
