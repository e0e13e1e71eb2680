namespace IopPlatform.Outcomes.Contracts;

/// <summary>One analyte of a drug test panel and its result.</summary>
public sealed record DrugTestAnalyteDto
{
    /// <summary>Panel code, e.g. <c>fentanyl</c>, <c>alcohol_etg</c>, <c>cannabis_thc</c>.</summary>
    public required string Analyte { get; init; }

    /// <summary><c>negative</c>, <c>positive</c> or <c>inconclusive</c>.</summary>
    public required string Result { get; init; }

    /// <summary>True when positive for a substance prescribed on the enrollment.</summary>
    public required bool Expected { get; init; }
}

/// <summary>A drug test at its current (latest) version.</summary>
public sealed record DrugTestDto
{
    /// <summary>Drug test id (stable across corrections).</summary>
    public required Guid Id { get; init; }

    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Version: 1 when recorded, +1 per correction; also the ETag.</summary>
    public required int Version { get; init; }

    /// <summary><c>urine</c>, <c>oral_fluid</c> or <c>breath</c>.</summary>
    public required string Specimen { get; init; }

    /// <summary><c>point_of_care</c> or <c>lab</c>.</summary>
    public required string Method { get; init; }

    /// <summary>When the specimen was collected (or the test was due, for refused/missed).</summary>
    public required DateTimeOffset CollectedAt { get; init; }

    /// <summary>Chain-of-custody form id, if any.</summary>
    public string? ChainOfCustodyId { get; init; }

    /// <summary><c>resulted</c>, <c>refused</c>, <c>missed</c> or <c>invalid</c>.</summary>
    public required string Status { get; init; }

    /// <summary>For <c>invalid</c>: <c>adulterated</c> or <c>substituted</c> (overall result <c>refused</c>), or <c>dilute</c> (overall result <c>recollect</c>).</summary>
    public string? InvalidReason { get; init; }

    /// <summary>The lab's dilute validity flag on a resulted specimen: a negative-dilute is <c>recollect</c>, a positive-dilute keeps its positives.</summary>
    public bool Dilute { get; init; }

    /// <summary>
    /// Computed: <c>negative</c>, <c>positive_expected</c>, <c>positive_unexpected</c>, <c>refused</c> (also an adulterated
    /// or substituted specimen), <c>missed</c>, <c>recollect</c> (negative-dilute: collect again; neither shows nor breaks
    /// abstinence); <c>invalid</c> only on versions stored before 2026-12.
    /// </summary>
    public required string OverallResult { get; init; }

    /// <summary>True while an analyte is inconclusive, or a point-of-care unexpected positive is presumptive until a lab confirms it (by a correction with method <c>lab</c>).</summary>
    public required bool NeedsConfirmation { get; init; }

    /// <summary>Analytes with results (empty unless <c>resulted</c>).</summary>
    public required IReadOnlyList<DrugTestAnalyteDto> Analytes { get; init; }

    /// <summary>Why this version corrects the previous one (null on version 1).</summary>
    public string? CorrectionReason { get; init; }

    /// <summary>Who recorded this version.</summary>
    public required string RecordedBy { get; init; }

    /// <summary>When this version was recorded (UTC).</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>Published after a drug test (or a correction of one) is stored.</summary>
/// <param name="DrugTestId">Drug test id.</param>
/// <param name="EnrollmentId">Enrollment id.</param>
/// <param name="PatientId">Patient id.</param>
/// <param name="Version">The version now current.</param>
/// <param name="OverallResult">Computed overall result.</param>
/// <param name="CollectedAt">When it was collected.</param>
public sealed record DrugTestRecorded(Guid DrugTestId, Guid EnrollmentId, Guid PatientId, int Version, string OverallResult, DateTimeOffset CollectedAt) : INotification;

/// <summary>A drug test's current overall result, for the drift rules.</summary>
public sealed record DrugTestSignalDto
{
    /// <summary>Drug test id.</summary>
    public required Guid DrugTestId { get; init; }

    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>When it was collected.</summary>
    public required DateTimeOffset CollectedAt { get; init; }

    /// <summary>Current overall result.</summary>
    public required string OverallResult { get; init; }

    /// <summary>
    /// True while an analyte is presumptive or inconclusive and awaits confirmation; a presumptive point-of-care
    /// positive counts as confirmed once <c>Outcomes:PresumptivePositiveCountsAfterDays</c> pass without a lab result.
    /// </summary>
    public bool NeedsConfirmation { get; init; }
}

/// <summary>Asks Outcomes for the drug tests of these enrollments collected in [From, To), at their current version.</summary>
/// <param name="EnrollmentIds">Enrollments to look at.</param>
/// <param name="From">Inclusive start (UTC).</param>
/// <param name="To">Exclusive end (UTC).</param>
public sealed record GetDrugTestSignalsQuery(IReadOnlyCollection<Guid> EnrollmentIds, DateTimeOffset From, DateTimeOffset To) : IRequest<IReadOnlyList<DrugTestSignalDto>>;
