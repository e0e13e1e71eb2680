namespace IopPlatform.Scheduling.Contracts;

/// <summary>Attended minutes of one local day.</summary>
public sealed record AttendedDayDto
{
    /// <summary>Local date in the site's zone.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Attended minutes that day.</summary>
    public required int Minutes { get; init; }
}

/// <summary>An enrollment's attended hours in one ISO week (in its site's zone) against what the program requires.</summary>
public sealed record WeeklyHoursDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>ISO week-numbering year.</summary>
    public required int IsoYear { get; init; }

    /// <summary>ISO week (1–53).</summary>
    public required int IsoWeek { get; init; }

    /// <summary>Monday of the week (local).</summary>
    public required DateOnly WeekStart { get; init; }

    /// <summary>IANA zone the week is measured in (the enrollment's site).</summary>
    public required string TimeZone { get; init; }

    /// <summary>Attended minutes in the week.</summary>
    public required int AttendedMinutes { get; init; }

    /// <summary>Required minutes per week.</summary>
    public required int RequiredMinutes { get; init; }

    /// <summary>Days with attended minutes.</summary>
    public required IReadOnlyList<AttendedDayDto> Days { get; init; }

    /// <summary>Attended less than required.</summary>
    public required bool BelowRequiredIntensity { get; init; }

    /// <summary>H0015 at risk: fewer than 3 attended days, or an attended day under 3 hours.</summary>
    public required bool BillingRisk { get; init; }

    /// <summary>Why <see cref="BillingRisk"/> is set: <c>fewer_than_3_days</c>, <c>day_under_3_hours</c>.</summary>
    public required IReadOnlyList<string> BillingRiskReasons { get; init; }
}

/// <summary>Weekly attended hours of a set of enrollments (a caseload) in one ISO week; unknown enrollments are left out.</summary>
/// <param name="EnrollmentIds">The enrollments.</param>
/// <param name="IsoYear">ISO week-numbering year.</param>
/// <param name="IsoWeek">ISO week (1–53).</param>
public sealed record GetWeeklyHoursQuery(IReadOnlyCollection<Guid> EnrollmentIds, int IsoYear, int IsoWeek)
    : IRequest<IReadOnlyList<WeeklyHoursDto>>;
