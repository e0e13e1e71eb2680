using MediatR;

namespace IopPlatform.ClinicalNotes.Contracts;

/// <summary>A note was signed by its author (locked, or submitted for co-signature) or co-signed; published after commit.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="EnrollmentId">The enrollment it documents.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="SessionId">The session it documents, if any.</param>
/// <param name="Status"><c>signed</c>, <c>pending_cosign</c> or <c>cosigned</c>.</param>
/// <param name="SignedBy">Staff id of who signed.</param>
/// <param name="At">When (UTC).</param>
public sealed record NoteSigned(Guid NoteId, Guid EnrollmentId, Guid PatientId, Guid? SessionId, string Status, string SignedBy, DateTimeOffset At) : INotification;

/// <summary>A linked entry (addendum, late entry, amendment, entered in error) was added to a locked note; published after commit.</summary>
/// <param name="NoteId">The original note (unchanged).</param>
/// <param name="EntryId">The new entry.</param>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="Kind"><c>addendum</c>, <c>late_entry</c>, <c>amendment</c> or <c>entered_in_error</c>.</param>
/// <param name="At">When it was entered (UTC, never backdated).</param>
public sealed record NoteAddended(Guid NoteId, Guid EntryId, Guid EnrollmentId, Guid PatientId, string Kind, DateTimeOffset At) : INotification;

/// <summary>A note was not signed by its due time; published once per note by the overdue job.</summary>
/// <param name="NoteId">The note.</param>
/// <param name="EnrollmentId">The enrollment.</param>
/// <param name="AuthorId">Staff id of the author who owes it.</param>
/// <param name="DueAt">When it was due (UTC).</param>
/// <param name="FlaggedAt">When the job flagged it (UTC).</param>
public sealed record NoteOverdue(Guid NoteId, Guid EnrollmentId, string AuthorId, DateTimeOffset DueAt, DateTimeOffset FlaggedAt) : INotification;

/// <summary>Treatment-plan goal categories.</summary>
public static class GoalCategories
{
    /// <summary>Substance use.</summary>
    public const string SubstanceUse = "substance_use";

    /// <summary>Emotional health.</summary>
    public const string EmotionalHealth = "emotional_health";

    /// <summary>Relationships.</summary>
    public const string Relationships = "relationships";

    /// <summary>Coping skills.</summary>
    public const string CopingSkills = "coping_skills";

    /// <summary>Living situation and financial stability.</summary>
    public const string LivingFinancialStability = "living_financial_stability";

    /// <summary>Aftercare (continuing care after the program).</summary>
    public const string Aftercare = "aftercare";

    /// <summary>All categories.</summary>
    public static readonly IReadOnlyList<string> All = [SubstanceUse, EmotionalHealth, Relationships, CopingSkills, LivingFinancialStability, Aftercare];
}

/// <summary>Goal achievement status (FHIR goal-achievement value set, snake_case).</summary>
public static class GoalStatuses
{
    /// <summary>In progress.</summary>
    public const string InProgress = "in_progress";

    /// <summary>Improving.</summary>
    public const string Improving = "improving";

    /// <summary>Worsening.</summary>
    public const string Worsening = "worsening";

    /// <summary>No change.</summary>
    public const string NoChange = "no_change";

    /// <summary>Achieved.</summary>
    public const string Achieved = "achieved";

    /// <summary>Sustaining.</summary>
    public const string Sustaining = "sustaining";

    /// <summary>Not achieved.</summary>
    public const string NotAchieved = "not_achieved";

    /// <summary>All statuses.</summary>
    public static readonly IReadOnlyList<string> All = [InProgress, Improving, Worsening, NoChange, Achieved, Sustaining, NotAchieved];
}

/// <summary>One treatment-plan goal's category and current achievement status.</summary>
public sealed record GoalStatusDto
{
    /// <summary>Goal id.</summary>
    public required Guid GoalId { get; init; }

    /// <summary>A <see cref="GoalCategories"/> value (<c>aftercare</c> is the aftercare plan).</summary>
    public required string Category { get; init; }

    /// <summary>A <see cref="GoalStatuses"/> value.</summary>
    public required string Status { get; init; }

    /// <summary>When the status last changed (UTC).</summary>
    public required DateTimeOffset StatusChangedAt { get; init; }
}

/// <summary>The goals of an enrollment's treatment plan with their status (empty when there is no plan yet).</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetGoalStatusesQuery(Guid EnrollmentId) : IRequest<IReadOnlyList<GoalStatusDto>>;

/// <summary>Whether an enrollment has a relapse-prevention plan and when it was last reviewed.</summary>
public sealed record RelapsePreventionPlanStatusDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>A plan exists.</summary>
    public required bool Exists { get; init; }

    /// <summary>The plan's id, when it exists (evidence for Outcomes' coping-skills milestone).</summary>
    public Guid? PlanId { get; init; }

    /// <summary>When it was last written or reviewed (UTC), when it exists.</summary>
    public DateTimeOffset? ReviewedAt { get; init; }
}

/// <summary>Asks whether an enrollment has a relapse-prevention plan.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetRelapsePreventionPlanQuery(Guid EnrollmentId) : IRequest<RelapsePreventionPlanStatusDto>;
