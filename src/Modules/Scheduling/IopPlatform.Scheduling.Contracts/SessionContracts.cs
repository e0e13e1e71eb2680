namespace IopPlatform.Scheduling.Contracts;

/// <summary>One occurrence of a group: a session at a site's local wall-clock time, stored as UTC instants.</summary>
public sealed record SessionDto
{
    /// <summary>Session id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The group this session belongs to.</summary>
    public required Guid GroupId { get; init; }

    /// <summary>The local date the recurrence generated it for (the site's zone); stays the same when rescheduled.</summary>
    public required DateOnly LocalDate { get; init; }

    /// <summary>Start (UTC).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>End (UTC).</summary>
    public required DateTimeOffset EndsAt { get; init; }

    /// <summary>IANA zone of the site, to show local times.</summary>
    public required string TimeZone { get; init; }

    /// <summary><c>scheduled</c>, <c>cancelled</c> or <c>rescheduled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why the session was cancelled or rescheduled, when it was.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Session kind of the group, e.g. <c>group_recovery</c>.</summary>
    public required string SessionKind { get; init; }

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }
}

/// <summary>Asks Scheduling for one session; answers null when it does not exist.</summary>
/// <param name="SessionId">Session id.</param>
public sealed record GetSessionQuery(Guid SessionId) : IRequest<SessionDto?>;
