namespace IopPlatform.ClinicalNotes.Features.TreatmentPlans;

/// <summary>A measurable treatment-plan goal.</summary>
/// <param name="Problem">The problem it addresses.</param>
/// <param name="Category">substance_use, emotional_health, relationships, coping_skills, living_financial_stability or aftercare.</param>
/// <param name="Description">The goal in the patient's words where possible.</param>
/// <param name="MeasurableTarget">How achievement is measured, e.g. "4 negative drug screens in a row".</param>
/// <param name="Objectives">Short-term, measurable steps.</param>
/// <param name="Interventions">What staff will do.</param>
internal sealed record GoalBody(string Problem, string Category, string Description, string MeasurableTarget, IReadOnlyList<string>? Objectives, IReadOnlyList<string>? Interventions);

/// <summary>A treatment plan.</summary>
/// <param name="Problems">Problems identified at assessment.</param>
/// <param name="Goals">Goals with objectives and interventions.</param>
internal sealed record CreateTreatmentPlanBody(IReadOnlyList<string>? Problems, IReadOnlyList<GoalBody>? Goals);

/// <summary>A periodic review.</summary>
/// <param name="Summary">What was reviewed and decided.</param>
internal sealed record ReviewPlanBody(string Summary);

/// <summary>A goal's new achievement status.</summary>
/// <param name="Status">in_progress, improving, worsening, no_change, achieved, sustaining or not_achieved.</param>
/// <param name="Comment">Why, briefly.</param>
internal sealed record GoalStatusBody(string Status, string? Comment);

internal sealed record GoalDto
{
    public required Guid Id { get; init; }

    public required string Problem { get; init; }

    public required string Category { get; init; }

    public required string Description { get; init; }

    public required string MeasurableTarget { get; init; }

    public required IReadOnlyList<string> Objectives { get; init; }

    public required IReadOnlyList<string> Interventions { get; init; }

    public required string Status { get; init; }

    public required DateTimeOffset StatusChangedAt { get; init; }

    public required int Version { get; init; }
}

internal sealed record GoalStatusChangeDto
{
    public required string Status { get; init; }

    public string? Comment { get; init; }

    public required string ChangedBy { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }
}

internal sealed record PlanReviewDto
{
    public required string ReviewedBy { get; init; }

    public required DateTimeOffset ReviewedAt { get; init; }

    public required string Summary { get; init; }
}

internal sealed record TreatmentPlanDto
{
    public required Guid Id { get; init; }

    public required Guid EnrollmentId { get; init; }

    public required Guid PatientId { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public required IReadOnlyList<GoalDto> Goals { get; init; }

    /// <summary>Admission + the configured number of days (null before admission).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The plan was written after it was due.</summary>
    public required bool CompletedLate { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastReviewedAt { get; init; }

    public required DateTimeOffset NextReviewAt { get; init; }

    public required IReadOnlyList<PlanReviewDto> Reviews { get; init; }

    public required int Version { get; init; }
}

internal sealed class GoalBodyValidator : AbstractValidator<GoalBody>
{
    public GoalBodyValidator()
    {
        RuleFor(x => x.Problem).NotEmpty().MaximumLength(1000);
        RuleFor(x => x.Category).Must(c => c is not null && GoalCategories.All.Contains(c))
            .WithMessage($"category must be one of {string.Join(", ", GoalCategories.All)}.");
        RuleFor(x => x.Description).NotEmpty().MaximumLength(2000);
        RuleFor(x => x.MeasurableTarget).NotEmpty().WithMessage("A goal needs a measurable target.").MaximumLength(1000);
        RuleForEach(x => x.Objectives).NotEmpty().MaximumLength(1000);
        RuleForEach(x => x.Interventions).NotEmpty().MaximumLength(1000);
    }
}

internal sealed class PlanRow
{
    public Guid Id { get; init; }

    public Guid EnrollmentId { get; init; }

    public Guid PatientId { get; init; }

    public string Problems { get; init; } = "[]";

    public DateTimeOffset? DueAt { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastReviewedAt { get; init; }

    public DateTimeOffset NextReviewAt { get; init; }

    public int Version { get; init; }
}

internal sealed class GoalRow
{
    public Guid Id { get; init; }

    public Guid PlanId { get; init; }

    public Guid EnrollmentId { get; init; }

    public string Problem { get; init; } = string.Empty;

    public string Category { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public string MeasurableTarget { get; init; } = string.Empty;

    public string Objectives { get; init; } = "[]";

    public string Interventions { get; init; } = "[]";

    public string Status { get; init; } = string.Empty;

    public DateTimeOffset StatusChangedAt { get; init; }

    public int Version { get; init; }

    public GoalDto ToDto() => new()
    {
        Id = Id,
        Problem = Problem,
        Category = Category,
        Description = Description,
        MeasurableTarget = MeasurableTarget,
        Objectives = NotesJson.Read<List<string>>(Objectives),
        Interventions = NotesJson.Read<List<string>>(Interventions),
        Status = Status,
        StatusChangedAt = StatusChangedAt,
        Version = Version,
    };
}
