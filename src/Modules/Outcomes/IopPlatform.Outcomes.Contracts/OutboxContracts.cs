namespace IopPlatform.Outcomes.Contracts;

/// <summary>An event Outcomes wrote to its outbox in the same transaction as the change it announces.</summary>
public sealed record OutcomesOutboxEventDto
{
    /// <summary>Event id (time-ordered); the dispatcher's idempotency key.</summary>
    public required Guid Id { get; init; }

    /// <summary>Partner-facing event type, e.g. <c>drug_test.recorded</c>, <c>measure.scored</c>, <c>milestone.achieved</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The record the event is about (drug test, measure, enrollment for milestones).</summary>
    public required Guid AggregateId { get; init; }

    /// <summary>JSON payload (camelCase), carrying <c>patientId</c> for consent checks.</summary>
    public required string Payload { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The oldest undispatched outbox events, for the webhook dispatcher (Integration).</summary>
/// <param name="Limit">At most this many (1–500).</param>
public sealed record GetPendingOutcomesEventsQuery(int Limit) : IRequest<IReadOnlyList<OutcomesOutboxEventDto>>;

/// <summary>Marks outbox events dispatched; answers how many were still pending.</summary>
/// <param name="EventIds">Event ids.</param>
public sealed record MarkOutcomesEventsDispatchedCommand(IReadOnlyCollection<Guid> EventIds) : IRequest<int>;
