using MediatR;

namespace IopPlatform.Enrollment.Contracts;

/// <summary>An enrollment became active (admission): other modules start serving the patient.</summary>
/// <param name="EnrollmentId">The enrollment (episode of care).</param>
/// <param name="PatientId">The patient.</param>
/// <param name="ProgramId">The program the patient is admitted to.</param>
/// <param name="SiteId">The program's site.</param>
/// <param name="AgeGroup"><c>adult</c> or <c>adolescent</c>.</param>
/// <param name="RequiredHoursPerWeek">Structured hours per week the patient must attend (9 adult / 6 adolescent by default).</param>
/// <param name="CoreGroupIds">The program's core groups the patient is booked into.</param>
/// <param name="At">When it happened (UTC).</param>
public sealed record EnrollmentActivated(
    Guid EnrollmentId,
    Guid PatientId,
    Guid ProgramId,
    Guid SiteId,
    string AgeGroup,
    decimal RequiredHoursPerWeek,
    IReadOnlyList<Guid> CoreGroupIds,
    DateTimeOffset At) : INotification;

/// <summary>An active enrollment was put on hold.</summary>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="At">When it happened (UTC).</param>
public sealed record EnrollmentPutOnHold(Guid EnrollmentId, DateTimeOffset At) : INotification;

/// <summary>An enrollment on hold became active again.</summary>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="At">When it happened (UTC).</param>
public sealed record EnrollmentResumed(Guid EnrollmentId, DateTimeOffset At) : INotification;

/// <summary>An enrollment ended with a TEDS-aligned discharge reason.</summary>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="Reason">Discharge reason, e.g. <c>completed</c>, <c>left_before_completion</c>.</param>
/// <param name="At">When it happened (UTC).</param>
public sealed record EnrollmentDischarged(Guid EnrollmentId, string Reason, DateTimeOffset At) : INotification;

/// <summary>A referral or enrollment was cancelled before or instead of treatment.</summary>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="At">When it happened (UTC).</param>
public sealed record EnrollmentCancelled(Guid EnrollmentId, DateTimeOffset At) : INotification;
