namespace IopPlatform.Enrollment.Contracts;

/// <summary>Status of an episode of care (aligned with FHIR EpisodeOfCare.status).</summary>
public enum EnrollmentStatus
{
    /// <summary>Referred, not yet screened.</summary>
    Referred,

    /// <summary>Screened; waiting for admission (or for detox to complete).</summary>
    Screened,

    /// <summary>Admitted and in treatment.</summary>
    Active,

    /// <summary>Paused (e.g. hospital stay); resumes to active.</summary>
    OnHold,

    /// <summary>Ended with a discharge reason.</summary>
    Discharged,

    /// <summary>Withdrawn before admission.</summary>
    Cancelled,
}

/// <summary>Whether medically supervised detox comes first.</summary>
public enum DetoxStatus
{
    /// <summary>No detox needed.</summary>
    NotNeeded,

    /// <summary>Detox needed and not yet completed: the referral cannot be admitted.</summary>
    Needed,

    /// <summary>Detox completed (the date is recorded).</summary>
    Completed,
}

/// <summary>Age group: decides the required weekly hours (adult 9, adolescent 6 by default).</summary>
public enum AgeGroup
{
    /// <summary>Adult.</summary>
    Adult,

    /// <summary>Adolescent.</summary>
    Adolescent,
}

/// <summary>Discharge reasons aligned with SAMHSA TEDS.</summary>
public enum DischargeReason
{
    /// <summary>Treatment completed.</summary>
    Completed,

    /// <summary>Left before completion (dropout).</summary>
    LeftBeforeCompletion,

    /// <summary>Discharged by the program for administrative reasons.</summary>
    Administrative,

    /// <summary>Transferred to a higher level of care.</summary>
    TransferredHigherLevel,

    /// <summary>Stepped down to level 1 or aftercare.</summary>
    SteppedDown,

    /// <summary>Incarcerated.</summary>
    Incarcerated,

    /// <summary>Deceased.</summary>
    Deceased,

    /// <summary>Other.</summary>
    Other,
}

/// <summary>Who referred the patient.</summary>
public sealed record ReferralSourceDto
{
    /// <summary>The partner app (API client) that sent the referral, when a partner did.</summary>
    public Guid? ApiClientId { get; init; }

    /// <summary>The referring clinician (name or identifier), when a clinician did.</summary>
    public string? Clinician { get; init; }
}

/// <summary>Intake screening of a referral.</summary>
public sealed record ScreeningDto
{
    /// <summary>Detox status.</summary>
    public DetoxStatus? DetoxStatus { get; init; }

    /// <summary>When detox was completed (required when completed).</summary>
    public DateOnly? DetoxCompletedOn { get; init; }

    /// <summary>The licensed clinician who recommended IOP.</summary>
    public string? RecommendedBy { get; init; }

    /// <summary>When the recommendation was made.</summary>
    public DateOnly? RecommendedOn { get; init; }

    /// <summary>Level of care the assessment recommends (versioned code, e.g. "asam-3:2.1").</summary>
    public string? RecommendedLevelOfCare { get; init; }

    /// <summary>Level of care actually provided.</summary>
    public string? ActualLevelOfCare { get; init; }

    /// <summary>Why the actual level differs from the recommended one (required when they differ).</summary>
    public string? LevelOfCareDifferenceReason { get; init; }

    /// <summary>Co-occurring mental-health disorder.</summary>
    public bool DualDiagnosis { get; init; }

    /// <summary>ICD-10 codes of the co-occurring diagnoses.</summary>
    public IReadOnlyList<string> DiagnosisCodes { get; init; } = [];

    /// <summary>Analytes a drug test is expected to find because they are prescribed (e.g. buprenorphine).</summary>
    public IReadOnlyList<string> ExpectedPositiveAnalytes { get; init; } = [];

    /// <summary>Age group.</summary>
    public AgeGroup? AgeGroup { get; init; }
}

/// <summary>One finding of the eligibility rules.</summary>
/// <param name="Rule">Stable rule code, e.g. "detox_pending".</param>
/// <param name="Explanation">Why it blocks admission, in words a clinician checks.</param>
public sealed record EligibilityFinding(string Rule, string Explanation);

/// <summary>A staff member on the care team.</summary>
/// <param name="UserId">Identity-provider user id.</param>
/// <param name="DisplayName">Name shown in the UI and on alerts.</param>
public sealed record StaffRefDto(string UserId, string DisplayName);

/// <summary>The current care team of an enrollment.</summary>
public sealed record CareTeamDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Primary counsellor.</summary>
    public StaffRefDto? PrimaryCounsellor { get; init; }

    /// <summary>Case manager: alerts and outreach tasks go here.</summary>
    public StaffRefDto? CaseManager { get; init; }

    /// <summary>Supervisor: the escalation target.</summary>
    public StaffRefDto? Supervisor { get; init; }
}

/// <summary>One change of status.</summary>
public sealed record StatusChangeDto
{
    /// <summary>Status before (null for the referral itself).</summary>
    public EnrollmentStatus? From { get; init; }

    /// <summary>Status after.</summary>
    public required EnrollmentStatus To { get; init; }

    /// <summary>Who made the change (actor id).</summary>
    public required string ChangedBy { get; init; }

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}

/// <summary>An episode of care: a patient in a program.</summary>
public sealed record EnrollmentDto
{
    /// <summary>Enrollment id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Program id.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>Current status.</summary>
    public required EnrollmentStatus Status { get; init; }

    /// <summary>Transitions allowed from the current status (screen, admit, hold, resume, discharge, cancel).</summary>
    public IReadOnlyList<string> AllowedTransitions { get; init; } = [];

    /// <summary>Who referred.</summary>
    public required ReferralSourceDto ReferredBy { get; init; }

    /// <summary>Date of referral.</summary>
    public required DateOnly ReferralDate { get; init; }

    /// <summary>Screening answers.</summary>
    public required ScreeningDto Screening { get; init; }

    /// <summary>What blocks admission now; empty when eligible.</summary>
    public IReadOnlyList<EligibilityFinding> EligibilityFindings { get; init; } = [];

    /// <summary>Weekly hours required of this patient (from the program and the age group), once the age group is known.</summary>
    public decimal? RequiredHoursPerWeek { get; init; }

    /// <summary>Admission date.</summary>
    public DateOnly? AdmissionDate { get; init; }

    /// <summary>Discharge date.</summary>
    public DateOnly? DischargeDate { get; init; }

    /// <summary>Discharge reason.</summary>
    public DischargeReason? DischargeReason { get; init; }

    /// <summary>Discharge note.</summary>
    public string? DischargeNote { get; init; }

    /// <summary>Clinician's reason for discharging as completed without completion readiness.</summary>
    public string? ClinicianOverrideReason { get; init; }

    /// <summary>Care team.</summary>
    public required CareTeamDto CareTeam { get; init; }

    /// <summary>Status history, oldest first.</summary>
    public IReadOnlyList<StatusChangeDto> History { get; init; } = [];

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }

    /// <summary>Created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What other modules need of an enrollment.</summary>
public sealed record EnrollmentSummary
{
    /// <summary>Enrollment id.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>Patient id.</summary>
    public required Guid PatientId { get; init; }

    /// <summary>Program id.</summary>
    public required Guid ProgramId { get; init; }

    /// <summary>Status.</summary>
    public required EnrollmentStatus Status { get; init; }

    /// <summary>Age group, once screened.</summary>
    public AgeGroup? AgeGroup { get; init; }

    /// <summary>Weekly hours required of this patient.</summary>
    public decimal? RequiredHoursPerWeek { get; init; }

    /// <summary>Admission date.</summary>
    public DateOnly? AdmissionDate { get; init; }

    /// <summary>Discharge date.</summary>
    public DateOnly? DischargeDate { get; init; }

    /// <summary>Prescribed analytes: a positive drug test for these is expected, not a relapse signal.</summary>
    public IReadOnlyList<string> ExpectedPositiveAnalytes { get; init; } = [];
}

/// <summary>One enrollment for other modules; null when it does not exist.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetEnrollmentSummaryQuery(Guid EnrollmentId) : IRequest<EnrollmentSummary?>;

/// <summary>Active and on-hold enrollments, a page at a time in id order (for jobs). Pass the last id seen as <paramref name="After"/>.</summary>
/// <param name="ProgramId">Only this program, when set.</param>
/// <param name="After">Keyset: enrollments with ids after this one.</param>
/// <param name="Limit">Page size (1–1000).</param>
public sealed record GetActiveEnrollmentsQuery(Guid? ProgramId, Guid? After, int Limit) : IRequest<IReadOnlyList<EnrollmentSummary>>;

/// <summary>The current care team of an enrollment (alerts route to the case manager, escalate to the supervisor); null when it does not exist.</summary>
/// <param name="EnrollmentId">Enrollment id.</param>
public sealed record GetCareTeamQuery(Guid EnrollmentId) : IRequest<CareTeamDto?>;

/// <summary>The current care teams of a set of enrollments in one query (for jobs); unknown ids are left out.</summary>
/// <param name="EnrollmentIds">Enrollments (any number; queried in chunks).</param>
public sealed record GetCareTeamsQuery(IReadOnlyCollection<Guid> EnrollmentIds) : IRequest<IReadOnlyList<CareTeamDto>>;

/// <summary>Published after any status change is committed.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="From">Status before.</param>
/// <param name="To">Status after.</param>
/// <param name="ChangedAt">When (UTC).</param>
/// <param name="ChangedBy">Actor id.</param>
public sealed record EnrollmentStatusChanged(Guid EnrollmentId, Guid PatientId, Guid ProgramId, EnrollmentStatus? From, EnrollmentStatus To, DateTimeOffset ChangedAt, string ChangedBy) : INotification;

/// <summary>Published after admission is committed: Scheduling books the program's core groups.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="SiteId">The program's site.</param>
/// <param name="AdmissionDate">Admission date.</param>
/// <param name="AgeGroup">Age group (decides required hours).</param>
/// <param name="RequiredHoursPerWeek">Structured hours per week this patient needs (from the program and age group).</param>
/// <param name="CoreGroupIds">The program's core groups, to book the patient into.</param>
/// <param name="At">When the admission was recorded (UTC).</param>
public sealed record EnrollmentActivated(
    Guid EnrollmentId,
    Guid PatientId,
    Guid ProgramId,
    Guid SiteId,
    DateOnly AdmissionDate,
    AgeGroup AgeGroup,
    decimal RequiredHoursPerWeek,
    IReadOnlyList<Guid> CoreGroupIds,
    DateTimeOffset At) : INotification;

/// <summary>Published after an enrollment is put on hold.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="At">When (UTC).</param>
public sealed record EnrollmentOnHold(Guid EnrollmentId, Guid PatientId, Guid ProgramId, DateTimeOffset At) : INotification;

/// <summary>Published after an on-hold enrollment resumes.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="At">When (UTC).</param>
public sealed record EnrollmentResumed(Guid EnrollmentId, Guid PatientId, Guid ProgramId, DateTimeOffset At) : INotification;

/// <summary>Published after discharge is committed.</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="DischargeDate">Discharge date.</param>
/// <param name="Reason">TEDS-aligned reason.</param>
/// <param name="ClinicianOverride">True when discharged as completed on a clinician override.</param>
/// <param name="At">When the discharge was recorded (UTC).</param>
public sealed record EnrollmentDischarged(Guid EnrollmentId, Guid PatientId, Guid ProgramId, DateOnly DischargeDate, DischargeReason Reason, bool ClinicianOverride, DateTimeOffset At) : INotification;

/// <summary>Published after a referral is cancelled (it never became active, or was screened out).</summary>
/// <param name="EnrollmentId">Enrollment.</param>
/// <param name="PatientId">Patient.</param>
/// <param name="ProgramId">Program.</param>
/// <param name="At">When (UTC).</param>
public sealed record EnrollmentCancelled(Guid EnrollmentId, Guid PatientId, Guid ProgramId, DateTimeOffset At) : INotification;
