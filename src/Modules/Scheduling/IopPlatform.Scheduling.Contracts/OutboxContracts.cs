namespace IopPlatform.Scheduling.Contracts;

/// <summary>An event Scheduling wrote to its outbox in the same transaction as the change it announces.</summary>
public sealed record SchedulingOutboxEventDto
{
    /// <summary>Event id (time-ordered); the dispatcher's idempotency key.</summary>
    public required Guid Id { get; init; }

    /// <summary>Partner-facing event type, e.g. <c>session.missed</c>, <c>attendance.recorded</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>JSON payload: ids and minimal data only.</summary>
    public required string Payload { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The oldest undispatched outbox events, for the webhook dispatcher (Integration).</summary>
/// <param name="Limit">At most this many (1–500).</param>
public sealed record GetPendingSchedulingEventsQuery(int Limit) : IRequest<IReadOnlyList<SchedulingOutboxEventDto>>;

/// <summary>Marks outbox events dispatched; answers how many were still pending.</summary>
/// <param name="EventIds">Event ids.</param>
public sealed record MarkSchedulingEventsDispatchedCommand(IReadOnlyCollection<Guid> EventIds) : IRequest<int>;
