using MediatR;

namespace IopPlatform.Outcomes.Contracts;

/// <summary>Is the patient of this enrollment ready to be discharged as "completed"? Answered by the Outcomes module.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
public sealed record GetCompletionReadinessQuery(Guid EnrollmentId) : IRequest<CompletionReadiness>;

/// <summary>Completion readiness with the reasons behind it.</summary>
/// <param name="Ready">True when the completion criteria are met.</param>
/// <param name="Reasons">What is met or missing, in words.</param>
public sealed record CompletionReadiness(bool Ready, IReadOnlyList<string> Reasons);
