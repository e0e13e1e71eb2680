namespace IopPlatform.Enrollment.Contracts;

/// <summary>One admitted episode of care of a program, as outcome reporting needs it.</summary>
public sealed record ProgramEpisodeDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>The program.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>The program's site.</summary>
    public required Guid SiteId { get; init; }

    /// <summary>Current status: active, on_hold or discharged.</summary>
    public required string Status { get; init; }

    /// <summary>adult or adolescent.</summary>
    public string? AgeGroup { get; init; }

    /// <summary>Admission date (the date of record).</summary>
    public required DateOnly AdmissionDate { get; init; }

    /// <summary>When the admission was recorded (UTC): abstinence windows count from this instant.</summary>
    public DateTimeOffset? AdmittedAt { get; init; }

    /// <summary>Discharge date, once discharged.</summary>
    public DateOnly? DischargeDate { get; init; }

    /// <summary>When the discharge was recorded (UTC), once discharged.</summary>
    public DateTimeOffset? DischargedAt { get; init; }

    /// <summary>TEDS-aligned discharge reason code (completed, left_before_completion, ...), once discharged.</summary>
    public string? DischargeReason { get; init; }
}

/// <summary>
/// Every admitted enrollment of a program whose admission date falls in [<paramref name="From"/>, <paramref name="To"/>]
/// (either bound optional), oldest admission first: one set-based read for cohort reports.
/// </summary>
/// <param name="ProgramId">The program.</param>
/// <param name="From">First admission date included, when set.</param>
/// <param name="To">Last admission date included, when set.</param>
public sealed record GetProgramEpisodesQuery(Guid ProgramId, DateOnly? From, DateOnly? To) : IRequest<IReadOnlyList<ProgramEpisodeDto>>;

/// <summary>The §2.32 notice that must accompany records disclosed to a partner.</summary>
public static class RedisclosureNotice
{
    /// <summary>Response header carrying the notice.</summary>
    public const string Header = "X-Redisclosure-Notice";

    /// <summary>The 2024 rule's short notice (42 CFR §2.32(a)(1)).</summary>
    public const string Text = "42 CFR part 2 prohibits unauthorized use or disclosure of these records.";

    /// <summary>Response (and webhook) header carrying the §2.32(b) statement of the consent's scope.</summary>
    public const string ScopeHeader = "X-Consent-Scope";
}
