namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// The outbox shape of modules whose events go to partners only (columns id, event_type, aggregate_id, payload,
/// occurred_at, dispatched_at): the row is written in the caller's transaction, so an event exists exactly when the
/// change it announces was committed; the dispatcher reads it through the owning module's Contracts query, which calls
/// <see cref="PendingAsync{T}"/>. Each module passes only its own table's name. Events that may also mail staff use
/// <see cref="StaffOutbox"/>.
/// </summary>
public static class EventOutbox
{
    public static Task WriteAsync(DbConnection connection, DbTransaction tx, string table, string eventType, Guid aggregateId, object payload, DateTimeOffset at, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO {OutboxDispatch.Checked(table)} (id, event_type, aggregate_id, payload, occurred_at, dispatched_at)
            VALUES (@Id, @EventType, @AggregateId, @Payload, @OccurredAt, NULL)
            """, new
        {
            Id = Guid.CreateVersion7(),
            EventType = eventType,
            AggregateId = aggregateId,
            Payload = ColumnJson.Write(payload),
            OccurredAt = at,
        }, tx, cancellationToken: ct));

    /// <summary>The oldest undispatched rows, oldest first, as the module's Contracts record (id, event type, aggregate id, payload, time).</summary>
    public static async Task<IReadOnlyList<T>> PendingAsync<T>(IDbConnectionFactory db, ISqlDialect dialect, string table, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dialect);
        var sql = $"""
            SELECT id, event_type AS EventType, aggregate_id AS AggregateId, payload, occurred_at AS OccurredAt FROM {OutboxDispatch.Checked(table)}
            WHERE dispatched_at IS NULL ORDER BY id {dialect.Limit("@Limit")}
            """;
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, new { Limit = limit }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
    }

}
