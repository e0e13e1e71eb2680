namespace IopPlatform.Enrollment.Contracts;

/// <summary>An IOP program at a site: its level of care, intensity and length.</summary>
public sealed record ProgramDto
{
    /// <summary>Program id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The site that runs it.</summary>
    public required Guid SiteId { get; init; }

    /// <summary>Display name, e.g. "Evening Adult IOP".</summary>
    public required string Name { get; init; }

    /// <summary>Versioned level-of-care code, e.g. "asam-3:2.1" or "asam-4:2.1".</summary>
    public required string LevelOfCare { get; init; }

    /// <summary>Structured hours per week required of an adult (ASAM 2.1: at least 9).</summary>
    public required decimal RequiredHoursPerWeekAdult { get; init; }

    /// <summary>Structured hours per week required of an adolescent (ASAM 2.1: at least 6).</summary>
    public required decimal RequiredHoursPerWeekAdolescent { get; init; }

    /// <summary>Expected length of an episode in weeks (typically 8 to 12).</summary>
    public required int ExpectedLengthWeeks { get; init; }

    /// <summary>The core groups (Scheduling group ids) a newly admitted patient is booked into.</summary>
    public IReadOnlyList<Guid> CoreGroupIds { get; init; } = [];

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }

    /// <summary>When the program was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Asks Enrollment for one program; answers null when it does not exist.</summary>
/// <param name="ProgramId">Program id.</param>
public sealed record GetProgramQuery(Guid ProgramId) : IRequest<ProgramDto?>;
