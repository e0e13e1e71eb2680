namespace IopPlatform.Scheduling.Contracts;

/// <summary>A family-therapy group session an enrollment attended (present, late or left early).</summary>
public sealed record FamilySessionAttendedDto
{
    /// <summary>The enrollment.</summary>
    public required Guid EnrollmentId { get; init; }

    /// <summary>The attendance record.</summary>
    public required Guid AttendanceId { get; init; }

    /// <summary>The session.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>The session's group (session kind <c>family_therapy</c>).</summary>
    public required Guid GroupId { get; init; }

    /// <summary>Session start (UTC).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Session end (UTC).</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary><c>present</c>, <c>late</c> or <c>left_early</c>.</summary>
    public required string Status { get; init; }
}

/// <summary>
/// Family or significant-other involvement of a set of enrollments: every <c>family_therapy</c> group session each one
/// attended, oldest first per enrollment. One set-based query (chunked), never one per patient. Individual
/// family-therapy appointments are not included: Scheduling records no attendance for appointments.
/// </summary>
/// <param name="EnrollmentIds">The enrollments (any number; queried in chunks).</param>
public sealed record GetFamilyInvolvementQuery(IReadOnlyCollection<Guid> EnrollmentIds) : IRequest<IReadOnlyList<FamilySessionAttendedDto>>;
