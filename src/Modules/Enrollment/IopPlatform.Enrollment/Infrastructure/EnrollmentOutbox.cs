using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace IopPlatform.Enrollment.Infrastructure;

/// <summary>Partner-facing event types of Enrollment's own lifecycle (DOMAIN.md §8).</summary>
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
    private const string Insert = """
        INSERT INTO enrollment_outbox (id, event_type, aggregate_id, patient_id, notify_user_ids, severity, payload, occurred_at, dispatched_at)
        VALUES (@Id, @EventType, @AggregateId, @PatientId, @NotifyUserIds, @Severity, @Payload, @OccurredAt, NULL)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<int> WriteAsync(
        DbConnection connection, DbTransaction tx, string eventType, Guid aggregateId, Guid? patientId, object payload, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<string>? notify = null, string? severity = null) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Id = Guid.CreateVersion7(),
            EventType = eventType,
            AggregateId = aggregateId,
            PatientId = patientId,
            NotifyUserIds = JsonSerializer.Serialize(notify ?? [], Json),
            Severity = severity,
            Payload = JsonSerializer.Serialize(payload, Json),
            OccurredAt = at,
        }, tx, cancellationToken: ct));
}
