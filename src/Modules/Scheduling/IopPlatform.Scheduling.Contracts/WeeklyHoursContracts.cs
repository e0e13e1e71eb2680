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

    /// <summary>H0015 at risk: fewer attended days than the program's minimum (default 3), or an attended day under its minimum hours (default 3).</summary>
    public required bool BillingRisk { get; init; }

    /// <summary>Why <see cref="BillingRisk"/> is set: <c>fewer_than_3_days</c> (fewer days than the minimum), <c>day_under_3_hours</c> (a day under the minimum hours); the codes keep their names when a program sets other minimums.</summary>
    public required IReadOnlyList<string> BillingRiskReasons { get; init; }

    /// <summary>The program's H0015 minimum attended days a week (its rule pack in force; the drift job's billing-risk rule reads the same).</summary>
    public required int BillingMinDaysPerWeek { get; init; }

    /// <summary>The program's H0015 minimum hours on each attended day.</summary>
    public required decimal BillingMinHoursPerDay { get; init; }
}

/// <summary>Weekly attended hours of a set of enrollments (a caseload) in one ISO week; unknown enrollments are left out.</summary>
/// <param name="EnrollmentIds">The enrollments.</param>
/// <param name="IsoYear">ISO week-numbering year; null with <paramref name="IsoWeek"/> null: the week of today's date at each enrollment's site.</param>
/// <param name="IsoWeek">ISO week (1–53); null with <paramref name="IsoYear"/> null: the current local week.</param>
public sealed record GetWeeklyHoursQuery(IReadOnlyCollection<Guid> EnrollmentIds, int? IsoYear, int? IsoWeek)
    : IRequest<IReadOnlyList<WeeklyHoursDto>>;
