namespace IopPlatform.Enrollment.Contracts;

/// <summary>
/// Patients' full records for another module's read API (the FHIR facade), ordered by id. It does not pass the
/// disclosure door: the sender passes each record through <see cref="DiscloseRecordsCommand"/> before it leaves.
/// </summary>
/// <param name="PatientId">One patient, or null for a search.</param>
/// <param name="Name">Case-insensitive part of the given or family name.</param>
/// <param name="BirthDate">Exact date of birth.</param>
/// <param name="Identifier">An MRN or an external identifier value; "system|value" narrows to one system.</param>
/// <param name="After">Only patients whose id is greater (the cursor).</param>
/// <param name="Limit">At most this many (1–201).</param>
public sealed record FindPatientRecordsQuery(Guid? PatientId, string? Name, DateOnly? BirthDate, string? Identifier, Guid? After, int Limit)
    : IRequest<IReadOnlyList<PatientDto>>;

/// <summary>
/// Episodes of care (enrollments) with status history and care team for another module's read API, ordered by id.
/// It does not pass the disclosure door: the sender passes each record through <see cref="DiscloseRecordsCommand"/>.
/// </summary>
/// <param name="EnrollmentId">One enrollment, or null for a search.</param>
/// <param name="PatientId">Only this patient's.</param>
/// <param name="Statuses">Only these statuses (empty: all).</param>
/// <param name="After">Only enrollments whose id is greater (the cursor).</param>
/// <param name="Limit">At most this many (1–201).</param>
public sealed record FindEpisodesQuery(Guid? EnrollmentId, Guid? PatientId, IReadOnlyList<EnrollmentStatus> Statuses, Guid? After, int Limit)
    : IRequest<IReadOnlyList<EnrollmentDto>>;
