namespace IopPlatform.BuildingBlocks.Data;

/// <summary>One pending row of a module's staff-notifying outbox (see <see cref="StaffOutbox"/>).</summary>
public sealed class StaffOutboxRow
{
    public Guid Id { get; init; }

    public string EventType { get; init; } = string.Empty;

    public string Payload { get; init; } = string.Empty;

    public Guid? PatientId { get; init; }

    public IReadOnlyList<string> NotifyUserIds { get; init; } = [];

    public string? Severity { get; init; }

    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The outbox shape of modules whose events may also mail staff (columns id, event_type, aggregate_id, patient_id,
/// notify_user_ids, severity, payload, occurred_at, dispatched_at): the row is written in the caller's transaction, so an
/// event exists exactly when the change it announces was committed; the dispatcher reads it through the owning
/// module's Contracts query, which calls <see cref="PendingAsync"/>. Each module passes only its own table's name.
/// </summary>
public static class StaffOutbox
{
    public static Task<int> WriteAsync(
        DbConnection connection, DbTransaction tx, string table, string eventType, Guid aggregateId, Guid? patientId, object payload, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<string>? notify = null, string? severity = null) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO {OutboxDispatch.Checked(table)} (id, event_type, aggregate_id, patient_id, notify_user_ids, severity, payload, occurred_at, dispatched_at)
            VALUES (@Id, @EventType, @AggregateId, @PatientId, @NotifyUserIds, @Severity, @Payload, @OccurredAt, NULL)
            """, new
        {
            Id = Guid.CreateVersion7(),
            EventType = eventType,
            AggregateId = aggregateId,
            PatientId = patientId,
            NotifyUserIds = ColumnJson.Write(notify ?? []),
            Severity = severity,
            Payload = ColumnJson.Write(payload),
            OccurredAt = at,
        }, tx, cancellationToken: ct));

    /// <summary>The oldest undispatched rows, oldest first.</summary>
    public static async Task<IReadOnlyList<StaffOutboxRow>> PendingAsync(IDbConnectionFactory db, ISqlDialect dialect, string table, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dialect);
        var sql = $"""
            SELECT id, event_type AS EventType, payload, patient_id AS PatientId, notify_user_ids AS NotifyUserIds, severity, occurred_at AS OccurredAt
            FROM {OutboxDispatch.Checked(table)} WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new StaffOutboxRow
        {
            Id = r.Id,
            EventType = r.EventType,
            Payload = r.Payload,
            PatientId = r.PatientId,
            NotifyUserIds = ColumnJson.Read<List<string>>(r.NotifyUserIds, []),
            Severity = r.Severity,
            OccurredAt = r.OccurredAt,
        }).ToList();
    }

    /// <summary>
    /// The oldest undispatched rows as <typeparamref name="T"/>, the module's Contracts record with the properties of
    /// <see cref="StaffOutboxRow"/> (same names; a required one missing fails loudly rather than dropping a value).
    /// </summary>
    public static async Task<IReadOnlyList<T>> PendingAsync<T>(IDbConnectionFactory db, ISqlDialect dialect, string table, int limit, CancellationToken ct) =>
        ColumnJson.Read<List<T>>(ColumnJson.Write(await PendingAsync(db, dialect, table, limit, ct)), []);

    private sealed class Row
    {
        public Guid Id { get; init; }

        public string EventType { get; init; } = string.Empty;

        public string Payload { get; init; } = string.Empty;

        public Guid? PatientId { get; init; }

        public string NotifyUserIds { get; init; } = "[]";

        public string? Severity { get; init; }

        public DateTimeOffset OccurredAt { get; init; }
    }
}
