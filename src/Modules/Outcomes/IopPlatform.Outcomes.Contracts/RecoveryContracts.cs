namespace IopPlatform.Outcomes.Contracts;

/// <summary>A periodic check of the patient's recovery environment.</summary>
public sealed record RecoveryCheckDto
{
    /// <summary>Check id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>When the check was done (UTC).</summary>
    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary><c>stable</c>, <c>unstable</c> or <c>homeless</c>.</summary>
    public required string Housing { get; init; }

    /// <summary><c>employed_full_time</c>, <c>employed_part_time</c>, <c>unemployed</c>, <c>student</c>, <c>retired</c>, <c>disabled</c>, <c>benefits</c>, <c>other</c>.</summary>
    public required string Employment { get; init; }

    /// <summary>True when income does not come from, or depend on, substance use or its trade.</summary>
    public required bool SubstanceFreeIncome { get; init; }

    /// <summary><c>strong</c>, <c>some</c> or <c>none</c>.</summary>
    public required string SupportNetwork { get; init; }

    /// <summary>Free-text note.</summary>
    public string? Notes { get; init; }

    /// <summary>Who recorded it.</summary>
    public required string RecordedBy { get; init; }

    /// <summary>When it was recorded (UTC).</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>Self-reported attendance at a mutual-support or alumni activity.</summary>
public sealed record SupportActivityDto
{
    /// <summary>Activity id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary><c>twelve_step</c>, <c>smart_recovery</c>, <c>alumni_mentorship</c>, <c>alumni_coaching</c> or <c>other</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The day it took place.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Free-text note.</summary>
    public string? Notes { get; init; }

    /// <summary>Who recorded it.</summary>
    public required string RecordedBy { get; init; }

    /// <summary>When it was recorded (UTC).</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}
