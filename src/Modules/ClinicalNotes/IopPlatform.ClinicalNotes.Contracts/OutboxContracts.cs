using MediatR;

namespace IopPlatform.ClinicalNotes.Contracts;

/// <summary>An event ClinicalNotes wrote to its outbox in the same transaction as the change it announces.</summary>
public sealed record ClinicalNotesOutboxEventDto
{
    /// <summary>Event id (time-ordered); the dispatcher's idempotency key.</summary>
    public required Guid Id { get; init; }

    /// <summary>Partner-facing event type: <c>note.signed</c>, <c>note.addended</c> or <c>note.overdue</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>The note the event is about.</summary>
    public required Guid AggregateId { get; init; }

    /// <summary>JSON payload (camelCase), carrying <c>patientId</c> for consent checks.</summary>
    public required string Payload { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The oldest undispatched outbox events, for the webhook dispatcher (Integration).</summary>
/// <param name="Limit">At most this many (1–500).</param>
public sealed record GetPendingClinicalNotesEventsQuery(int Limit) : IRequest<IReadOnlyList<ClinicalNotesOutboxEventDto>>;

/// <summary>Marks outbox events dispatched; answers how many were still pending.</summary>
/// <param name="EventIds">Event ids.</param>
public sealed record MarkClinicalNotesEventsDispatchedCommand(IReadOnlyCollection<Guid> EventIds) : IRequest<int>;
