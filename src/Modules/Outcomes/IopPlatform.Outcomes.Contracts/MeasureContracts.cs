namespace IopPlatform.Outcomes.Contracts;

/// <summary>A subscale of a measure (BAM: use, risk, protective) and whether it crosses its concern threshold.</summary>
public sealed record MeasureSubscaleDto
{
    /// <summary>Subscale name, e.g. <c>use</c>, <c>risk</c>, <c>protective</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Sum of the subscale's items.</summary>
    public required int Score { get; init; }

    /// <summary>True when the score is at the concern threshold (Use ≥ 1, Risk ≥ 12, Protective ≤ 12).</summary>
    public required bool Concern { get; init; }
}

/// <summary>A standardized measure as administered and scored by the server.</summary>
public sealed record MeasureResultDto
{
    /// <summary>Measure id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The enrollment (episode of care).</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The patient.</summary>
    public required Guid PatientId { get; init; }

    /// <summary><c>phq9</c>, <c>gad7</c>, <c>bam</c>, <c>audit_c</c> or <c>pcl5</c>.</summary>
    public required string Instrument { get; init; }

    /// <summary>When the patient answered (UTC).</summary>
    public required DateTimeOffset AdministeredAt { get; init; }

    /// <summary>The item answers in form order.</summary>
    public required IReadOnlyList<int> Answers { get; init; }

    /// <summary>Sex used for AUDIT-C cut-offs (<c>male</c>, <c>female</c>, <c>other</c>); null for other instruments.</summary>
    public string? Sex { get; init; }

    /// <summary>Total score; null for BAM, which is read by subscale.</summary>
    public int? Total { get; init; }

    /// <summary>Severity band, e.g. <c>moderately_severe</c>, <c>positive</c>, <c>provisional_ptsd</c>; null for BAM.</summary>
    public string? Band { get; init; }

    /// <summary>Subscales (BAM only; empty otherwise).</summary>
    public required IReadOnlyList<MeasureSubscaleDto> Subscales { get; init; }

    /// <summary>Flags such as <c>suicidal_ideation</c> (PHQ-9 item 9 &gt; 0), <c>bam_risk_concern</c>, <c>audit_c_positive</c>, <c>provisional_ptsd</c> (PCL-5 cut-off), <c>pcl5_dsm5_clusters_met</c> (PCL-5 DSM-5 cluster rule).</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>Reliable change against the enrollment's first score of this instrument (PHQ-9 5 points, GAD-7 4): <c>baseline</c>, <c>improved</c>, <c>worsened</c>, <c>no_reliable_change</c>; null where no rule is implemented (BAM, AUDIT-C, PCL-5).</summary>
    public string? ReliableChange { get; init; }

    /// <summary>PCL-5 only: the 10-point minimal clinically important difference against the first score: <c>baseline</c>, <c>improved</c>, <c>worsened</c>, <c>no_change</c>; null for other instruments. Not a reliable change (15–18 points in the literature).</summary>
    public string? ClinicallyMeaningfulChange { get; init; }

    /// <summary>BAM only: the patient's self-reported date of last use, when given.</summary>
    public DateOnly? LastUseOn { get; init; }

    /// <summary>Total of the baseline administration, when this instrument has one.</summary>
    public int? BaselineTotal { get; init; }

    /// <summary>Who recorded it.</summary>
    public required string RecordedBy { get; init; }

    /// <summary>When it was recorded (UTC).</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>How often a program administers an instrument; <c>IntervalDays</c> null means not scheduled.</summary>
public sealed record MeasureCadenceDto
{
    /// <summary>Instrument code.</summary>
    public required string Instrument { get; init; }

    /// <summary>Days between administrations, or null when the program does not schedule it.</summary>
    public int? IntervalDays { get; init; }
}

/// <summary>A program's measure cadence (defaults when the program has configured none).</summary>
public sealed record ProgramMeasureCadenceDto
{
    /// <summary>Program id.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>True when these are the platform defaults (PHQ-9 and GAD-7 every 14 days, BAM every 7).</summary>
    public required bool IsDefault { get; init; }

    /// <summary>One entry per instrument.</summary>
    public required IReadOnlyList<MeasureCadenceDto> Cadence { get; init; }
}

/// <summary>Whether an instrument is due for an enrollment under its program's cadence.</summary>
public sealed record MeasureDueDto
{
    /// <summary>Instrument code.</summary>
    public required string Instrument { get; init; }

    /// <summary>Days between administrations.</summary>
    public required int IntervalDays { get; init; }

    /// <summary>The latest administration, if any.</summary>
    public DateTimeOffset? LastAdministeredAt { get; init; }

    /// <summary>When the next one is due: admission (or now) for a first one, else the last plus the interval.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>True when due now or overdue.</summary>
    public required bool Due { get; init; }
}

/// <summary>Published after a measure is stored and scored.</summary>
/// <param name="MeasureId">Measure id.</param>
/// <param name="EnrollmentId">Enrollment id.</param>
/// <param name="PatientId">Patient id.</param>
/// <param name="Instrument">Instrument code.</param>
/// <param name="Total">Total (null for BAM).</param>
/// <param name="Band">Band (null for BAM).</param>
/// <param name="Flags">Flags raised.</param>
/// <param name="AdministeredAt">When it was administered.</param>
public sealed record MeasureScored(Guid MeasureId, Guid EnrollmentId, Guid PatientId, string Instrument, int? Total, string? Band, IReadOnlyList<string> Flags, DateTimeOffset AdministeredAt) : INotification;

/// <summary>
/// Published after a PHQ-9 with item 9 above zero is stored: a safety concern for the clinician and case manager, separate
/// from dropout alerts. The alert row and its outbox event are committed with the measure.
/// </summary>
/// <param name="AlertId">Safety alert id.</param>
/// <param name="EnrollmentId">Enrollment id.</param>
/// <param name="PatientId">Patient id.</param>
/// <param name="MeasureId">The PHQ-9 that raised it.</param>
/// <param name="ItemScore">The answer to item 9 (1–3).</param>
/// <param name="CaseManagerId">Case manager to notify, if assigned.</param>
/// <param name="PrimaryCounsellorId">Primary counsellor to notify, if assigned.</param>
/// <param name="RaisedAt">When it was raised.</param>
public sealed record SafetyConcernRaised(Guid AlertId, Guid EnrollmentId, Guid PatientId, Guid MeasureId, int ItemScore, string? CaseManagerId, string? PrimaryCounsellorId, DateTimeOffset RaisedAt) : INotification;

/// <summary>The latest BAM of an enrollment with its subscales (for the drift rules).</summary>
public sealed record BamResultDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Measure id.</summary>
    public required Guid MeasureId { get; init; }

    /// <summary>When it was administered.</summary>
    public required DateTimeOffset AdministeredAt { get; init; }

    /// <summary>Use subscale (items 4–6); concern at 1 or more.</summary>
    public required int Use { get; init; }

    /// <summary>Risk subscale; concern at 12 or more.</summary>
    public required int Risk { get; init; }

    /// <summary>Protective subscale; concern at 12 or less.</summary>
    public required int Protective { get; init; }

    /// <summary>The enrollment's first BAM (its intake baseline); the same measure when only one was given.</summary>
    public BamResultDto? Intake { get; init; }
}

/// <summary>Asks Outcomes for the latest BAM of each of these enrollments with its intake BAM (one answer per enrollment that has one).</summary>
/// <param name="EnrollmentIds">Enrollments to look at.</param>
/// <param name="AsOf">Only BAMs administered up to this instant (the latest as it was then); null: all.</param>
public sealed record GetLatestBamQuery(IReadOnlyCollection<Guid> EnrollmentIds, DateTimeOffset? AsOf = null) : IRequest<IReadOnlyList<BamResultDto>>;

/// <summary>A program's PCL-5 provisional-PTSD cut-off (the platform's <c>Outcomes:Pcl5ProvisionalPtsdThreshold</c> when the program set none).</summary>
public sealed record ProgramPcl5CutOffDto
{
    /// <summary>Program id.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>PCL-5 total at or above which PTSD is provisional: 31–33 (Bovin et al. 2016).</summary>
    public required int ProvisionalPtsdThreshold { get; init; }

    /// <summary>True while the platform-wide cut-off applies.</summary>
    public required bool IsDefault { get; init; }
}
