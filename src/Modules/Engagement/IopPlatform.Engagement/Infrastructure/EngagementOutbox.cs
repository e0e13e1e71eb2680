namespace IopPlatform.Engagement.Infrastructure;

/// <summary>
/// Writes one <c>engagement_outbox</c> row inside the caller's transaction, so an alert event exists exactly when the
/// alert change was committed. Payloads carry ids and codes only; a partner fetches details under its consent.
/// </summary>
internal static class EngagementOutbox
{
    public const string Table = "engagement_outbox";

    public static Task<int> WriteAsync(
        DbConnection connection, DbTransaction tx, string eventType, Guid aggregateId, Guid? patientId, object payload, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<string>? notify = null, string? severity = null) =>
        StaffOutbox.WriteAsync(connection, tx, Table, eventType, aggregateId, patientId, payload, at, ct, notify, severity);
}
