namespace IopPlatform.Enrollment.Contracts;

/// <summary>An event Enrollment wrote to its outbox in the same transaction as the change it announces (status changes, consent revocations).</summary>
public sealed record EnrollmentOutboxEventDto
{
    /// <summary>Event id (time-ordered); the dispatcher's idempotency key and the webhook id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Partner-facing event type, e.g. <c>enrollment.status_changed</c>, <c>consent.revoked</c>.</summary>
    public required string EventType { get; init; }

    /// <summary>JSON payload for partners: ids and minimal data only.</summary>
    public required string Payload { get; init; }

    /// <summary>The patient the event is about (partners receive it only with a consent in force).</summary>
    public Guid? PatientId { get; init; }

    /// <summary>Staff user ids to notify by email (case manager, supervisor); empty when no email is due.</summary>
    public required IReadOnlyList<string> NotifyUserIds { get; init; }

    /// <summary>Severity of the alert, for the email subject (<c>info</c>, <c>amber</c>, <c>red</c>); null for other events.</summary>
    public string? Severity { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The oldest undispatched Enrollment outbox events, for the dispatcher (Integration).</summary>
/// <param name="Limit">At most this many (1–500).</param>
public sealed record GetPendingEnrollmentEventsQuery(int Limit) : IRequest<IReadOnlyList<EnrollmentOutboxEventDto>>;

/// <summary>Marks Enrollment outbox events dispatched; answers how many were still pending.</summary>
/// <param name="EventIds">Event ids.</param>
public sealed record MarkEnrollmentEventsDispatchedCommand(IReadOnlyCollection<Guid> EventIds) : IRequest<int>;
