namespace IopPlatform.Outcomes.Contracts;

/// <summary>A record a milestone is based on.</summary>
public sealed record MilestoneEvidenceDto
{
    /// <summary><c>drug_test</c>, <c>self_report</c>, <c>measure</c>, <c>goal</c>, <c>session</c>, <c>relapse_prevention_plan</c>, <c>recovery_check</c>, <c>aftercare_plan</c>, <c>support_activity</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The record's id, when it has one.</summary>
    public Guid? Id { get; init; }

    /// <summary>When it happened, when known.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>What it shows, in words.</summary>
    public required string Detail { get; init; }
}

/// <summary>One of the six completion milestones, computed from data.</summary>
public sealed record MilestoneDto
{
    /// <summary>1 to 6, as in the program's completion criteria.</summary>
    public required int Number { get; init; }

    /// <summary><c>sustained_abstinence</c>, <c>emotional_wellbeing</c>, <c>relationships</c>, <c>coping_skills</c>, <c>stable_living</c>, <c>support_and_aftercare</c>.</summary>
    public required string Code { get; init; }

    /// <summary>True when met now.</summary>
    public required bool Met { get; init; }

    /// <summary>True when a source module cannot be asked, so the milestone cannot be met (every source answers today; kept so clients need not change).</summary>
    public required bool EvidenceUnavailable { get; init; }

    /// <summary>Why it is met or not.</summary>
    public required string Basis { get; init; }

    /// <summary>The records used.</summary>
    public required IReadOnlyList<MilestoneEvidenceDto> Evidence { get; init; }

    /// <summary>When it was first achieved in this enrollment, if ever.</summary>
    public DateTimeOffset? FirstAchievedAt { get; init; }
}

/// <summary>The six milestones of an enrollment.</summary>
public sealed record MilestonesDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>When they were computed (UTC).</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>The six, in order.</summary>
    public required IReadOnlyList<MilestoneDto> Milestones { get; init; }
}

/// <summary>Published once per milestone per enrollment, the first time it is met.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
/// <param name="PatientId">Patient id.</param>
/// <param name="Milestone">Milestone code.</param>
/// <param name="AchievedAt">When it was first found met.</param>
public sealed record MilestoneAchieved(Guid EnrollmentId, Guid PatientId, string Milestone, DateTimeOffset AchievedAt) : INotification;

/// <summary>Whether an enrollment may be discharged as completed.</summary>
public sealed record CompletionReadinessDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>True when all six milestones are met or a clinician has overridden with a reason.</summary>
    public required bool Ready { get; init; }

    /// <summary>The basis of each milestone not met, or the override's reason.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>True when readiness comes from a clinician override.</summary>
    public required bool Overridden { get; init; }

    /// <summary>Who overrode, if anyone.</summary>
    public string? OverriddenBy { get; init; }

    /// <summary>When the override was recorded.</summary>
    public DateTimeOffset? OverriddenAt { get; init; }
}

/// <summary>Asks Outcomes whether an enrollment is ready to be discharged as completed (Enrollment's discharge uses it).</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetCompletionReadinessQuery(Guid EnrollmentId) : IRequest<CompletionReadinessDto>;
