namespace IopPlatform.Enrollment.Contracts;

/// <summary>What other modules need to know about one enrollment (episode of care) to interpret clinical data.</summary>
public sealed record EnrollmentClinicalProfileDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>The program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>referred, screened, active, on_hold, discharged or cancelled.</summary>
    public required string Status { get; init; }

    /// <summary>adult or adolescent.</summary>
    public required string AgeGroup { get; init; }

    /// <summary>When the patient was admitted (status became active), if yet.</summary>
    public DateTimeOffset? AdmittedAt { get; init; }

    /// <summary>When the patient was discharged, if yet.</summary>
    public DateTimeOffset? DischargedAt { get; init; }

    /// <summary>Analyte codes a drug test may show positive because they are prescribed (e.g. buprenorphine, methadone).</summary>
    public required IReadOnlyList<string> PrescribedAnalytes { get; init; }

    /// <summary>Staff id of the case manager on the care team, if assigned.</summary>
    public string? CaseManagerId { get; init; }

    /// <summary>Staff id of the primary counsellor on the care team, if assigned.</summary>
    public string? PrimaryCounsellorId { get; init; }

    /// <summary>Staff id of the supervisor (escalation target), if assigned.</summary>
    public string? SupervisorId { get; init; }
}

/// <summary>Asks Enrollment for one enrollment's clinical profile; null when it does not exist.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetEnrollmentClinicalProfileQuery(Guid EnrollmentId) : IRequest<EnrollmentClinicalProfileDto?>;
