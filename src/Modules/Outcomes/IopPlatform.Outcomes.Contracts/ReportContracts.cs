namespace IopPlatform.Outcomes.Contracts;

/// <summary>Retention at one day mark: of the enrollments whose day N has come, how many were still in treatment (or had completed).</summary>
public sealed record RetentionDto
{
    /// <summary>The day mark (30, 60 or 90).</summary>
    public required int Day { get; init; }

    /// <summary>Enrollments admitted at least <see cref="Day"/> days before the report date.</summary>
    public required int Eligible { get; init; }

    /// <summary>Of those, not discharged before day N other than by completing.</summary>
    public required int Retained { get; init; }

    /// <summary>Retained / eligible (4 decimals), null with no eligible enrollment.</summary>
    public decimal? Rate { get; init; }
}

/// <summary>Length of stay of the discharges with one reason.</summary>
public sealed record LengthOfStayByReasonDto
{
    /// <summary>TEDS-aligned discharge reason (completed, left_before_completion, administrative, ...).</summary>
    public required string Reason { get; init; }

    /// <summary>Discharges with this reason (the median's count).</summary>
    public required int Discharges { get; init; }

    /// <summary>Median length of stay in days (admission to discharge date); null without any discharge.</summary>
    public decimal? MedianDays { get; init; }
}

/// <summary>The outcome figures of one group of enrollments (the whole program, one site, or one admission month).</summary>
public sealed record OutcomeFiguresDto
{
    /// <summary>"program", "site" or "admission_month".</summary>
    public required string GroupBy { get; init; }

    /// <summary>The group: program id, site id, or "yyyy-MM".</summary>
    public required string Key { get; init; }

    /// <summary>Enrollments admitted (the cohort).</summary>
    public required int Admitted { get; init; }

    /// <summary>Still active or on hold.</summary>
    public required int Active { get; init; }

    /// <summary>Discharged as completed.</summary>
    public required int Completed { get; init; }

    /// <summary>Discharged as left_before_completion.</summary>
    public required int DroppedOut { get; init; }

    /// <summary>Discharged for any other reason (administrative, transfer, step-down, ...).</summary>
    public required int OtherDischarges { get; init; }

    /// <summary>Retention at day 30, 60 and 90.</summary>
    public required IReadOnlyList<RetentionDto> Retention { get; init; }

    /// <summary>Median length of stay in days (admission to discharge date) of completers; null without any.</summary>
    public decimal? MedianLengthOfStayCompleted { get; init; }

    /// <summary>Median length of stay in days of dropouts; null without any.</summary>
    public decimal? MedianLengthOfStayDroppedOut { get; init; }

    /// <summary>Mean over enrollments of attended hours per week in treatment (2 decimals); null for an empty cohort.</summary>
    public decimal? MeanAttendedHoursPerWeek { get; init; }

    /// <summary>Enrollments observed for at least 30 days (admission to discharge, or to the report date while in treatment): the denominator of <see cref="Abstinent30DaysShare"/>.</summary>
    public required int ObservedAtLeast30Days { get; init; }

    /// <summary>Of <see cref="ObservedAtLeast30Days"/>, those that met milestone 1 (≥ 30 days abstinence, tested weekly) as of discharge or the report time.</summary>
    public required int Abstinent30Days { get; init; }

    /// <summary>Abstinent30Days / ObservedAtLeast30Days (4 decimals); null when nobody was observed 30 days (an episode shorter than that cannot show 30 days of abstinence).</summary>
    public decimal? Abstinent30DaysShare { get; init; }

    /// <summary>Discharges for any reason: the denominator of <see cref="CompletionRate"/> and <see cref="DropoutRate"/>.</summary>
    public required int Discharged { get; init; }

    /// <summary>Completed / Discharged (4 decimals); null without a discharge.</summary>
    public decimal? CompletionRate { get; init; }

    /// <summary>DroppedOut (left_before_completion) / Discharged (4 decimals); null without a discharge.</summary>
    public decimal? DropoutRate { get; init; }

    /// <summary>Median length of stay by discharge reason, every TEDS-aligned reason in a fixed order.</summary>
    public required IReadOnlyList<LengthOfStayByReasonDto> LengthOfStayByDischargeReason { get; init; }

    /// <summary>Enrollments with a baseline and a later PHQ-9 or GAD-7 score.</summary>
    public required int WithFollowUpScore { get; init; }

    /// <summary>Of those, with reliable improvement on PHQ-9 (≥ 5 points) or GAD-7 (≥ 4 points) at the latest score.</summary>
    public required int ReliablyImproved { get; init; }

    /// <summary>ReliablyImproved / WithFollowUpScore (4 decimals); null when nobody has a follow-up score.</summary>
    public decimal? ReliablyImprovedShare { get; init; }
}

/// <summary>A program's outcome report over the enrollments admitted in a period.</summary>
public sealed record ProgramOutcomeReportDto
{
    /// <summary>The program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>First admission date included, if bounded.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last admission date included, if bounded.</summary>
    public DateOnly? To { get; init; }

    /// <summary>When the report was computed (UTC): active enrollments are measured up to it.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The whole cohort.</summary>
    public required OutcomeFiguresDto Program { get; init; }

    /// <summary>By site.</summary>
    public required IReadOnlyList<OutcomeFiguresDto> BySite { get; init; }

    /// <summary>By admission month, oldest first.</summary>
    public required IReadOnlyList<OutcomeFiguresDto> ByAdmissionMonth { get; init; }
}

/// <summary>One active enrollment of a program with its scheduled measures.</summary>
public sealed record EnrollmentMeasuresDueDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>True when at least one instrument is due now.</summary>
    public required bool AnyDue { get; init; }

    /// <summary>Each scheduled instrument with its due date.</summary>
    public required IReadOnlyList<MeasureDueDto> Measures { get; init; }
}
