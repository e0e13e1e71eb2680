using System.Text.RegularExpressions;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>What every module's outbox reader shares: marking events dispatched once the dispatcher has stored them.</summary>
public static partial class OutboxDispatch
{
    /// <summary>
    /// Runs <paramref name="markPrefix"/> (an <c>UPDATE {module}_outbox SET dispatched_at = @Now WHERE dispatched_at IS NULL AND </c>
    /// the module owns) for the ids, in chunks; answers how many were still pending.
    /// </summary>
    public static async Task<int> MarkAsync(IDbConnectionFactory db, TimeProvider clock, string markPrefix, IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return 0;
        }
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        var marked = 0;
        foreach (var chunk in eventIds.Distinct().Chunk(SqlList.ChunkSize))
        {
            var parameters = new DynamicParameters(new { Now = clock.GetUtcNow() });
            marked += await connection.ExecuteAsync(new CommandDefinition(markPrefix + SqlList.In("id", chunk, "Id", parameters), parameters, cancellationToken: ct)).ConfigureAwait(false);
        }
        return marked;
    }

    /// <summary>Marks the rows of a module's own outbox table dispatched; answers how many were still pending.</summary>
    public static Task<int> MarkDispatchedAsync(IDbConnectionFactory db, TimeProvider clock, string table, IReadOnlyCollection<Guid> eventIds, CancellationToken ct) =>
        MarkAsync(db, clock, $"UPDATE {Checked(table)} SET dispatched_at = @Now WHERE dispatched_at IS NULL AND ", eventIds, ct);

    /// <summary>The table name, refused unless it is an outbox table's (it is put into SQL text).</summary>
    internal static string Checked(string table) =>
        TableName().IsMatch(table) ? table : throw new ArgumentException($"'{table}' is not an outbox table name.", nameof(table));

    [GeneratedRegex("^[a-z][a-z_]*_outbox$")]
    private static partial Regex TableName();
}
