namespace IopPlatform.Enrollment.Infrastructure;

/// <summary>Partner-facing event types of Enrollment's own lifecycle (Integration module README, "Webhook subscriptions").</summary>
internal static class EnrollmentEvents
{
    public const string StatusChanged = "enrollment.status_changed";
    public const string ConsentRevoked = "consent.revoked";
}

/// <summary>
/// Writes one <c>enrollment_outbox</c> row inside the caller's transaction, so an event exists exactly when the change
/// it announces was committed. Payloads carry ids and codes only; a partner fetches details under its consent.
/// </summary>
internal static class EnrollmentOutbox
{
    public const string Table = "enrollment_outbox";

    public static Task<int> WriteAsync(
        DbConnection connection, DbTransaction tx, string eventType, Guid aggregateId, Guid? patientId, object payload, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<string>? notify = null, string? severity = null) =>
        StaffOutbox.WriteAsync(connection, tx, Table, eventType, aggregateId, patientId, payload, at, ct, notify, severity);
}
