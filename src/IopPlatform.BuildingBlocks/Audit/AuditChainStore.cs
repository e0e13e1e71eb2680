using System.Data.Common;
using Dapper;
using IopPlatform.BuildingBlocks.Data;
using Npgsql;
using NpgsqlTypes;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// Appends entries to the chain and reads it back. Several API instances may append at once: each batch runs in one
/// transaction that first takes an exclusive lock, then continues from the last stored (sequence, hash).
/// </summary>
public sealed class AuditChainStore(IDbConnectionFactory db, ISqlDialect dialect)
{
    public const string LockName = "platform_audit_chain";

    internal const string Columns =
        "id, sequence, occurred_at, actor_id, actor_type, actor_name, roles, patient_id, data_category, action, resource, resource_id, " +
        "outcome, status_code, client_address, purpose, break_glass, break_glass_reason, trace_id, previous_hash, hash";

    internal const string SelectColumns =
        "id AS Id, sequence AS Sequence, occurred_at AS OccurredAt, actor_id AS ActorId, actor_type AS ActorType, actor_name AS ActorName, " +
        "roles AS Roles, patient_id AS PatientId, data_category AS DataCategory, action AS Action, resource AS Resource, resource_id AS ResourceId, " +
        "outcome AS Outcome, status_code AS StatusCode, client_address AS ClientAddress, purpose AS Purpose, break_glass AS BreakGlass, " +
        "break_glass_reason AS BreakGlassReason, trace_id AS TraceId, previous_hash AS PreviousHash, hash AS Hash";

    private const string InsertOne =
        "INSERT INTO platform_audit_event (" + Columns + ") VALUES (@Id, @Sequence, @OccurredAt, @ActorId, @ActorType, @ActorName, @Roles, " +
        "@PatientId, @DataCategory, @Action, @Resource, @ResourceId, @Outcome, @StatusCode, @ClientAddress, @Purpose, @BreakGlass, " +
        "@BreakGlassReason, @TraceId, @PreviousHash, @Hash)";

    private sealed class ChainHead
    {
        public long Sequence { get; init; }

        public string Hash { get; init; } = string.Empty;
    }

    /// <summary>Chains and inserts the entries in one transaction; returns them as stored.</summary>
    public async Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEvent> entries, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        // SQLite: the default transaction is BEGIN IMMEDIATE, which is itself the exclusive writer lock.
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (dialect.ExclusiveTransactionLock(LockName) is { } lockSql)
        {
            await connection.ExecuteAsync(new CommandDefinition(lockSql, transaction: transaction, cancellationToken: ct)).ConfigureAwait(false);
        }
        var head = await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            $"SELECT sequence AS Sequence, hash AS Hash FROM platform_audit_event ORDER BY sequence DESC {dialect.Limit("1")}",
            transaction: transaction,
            cancellationToken: ct)).ConfigureAwait(false);

        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditHash.Genesis;
        var chained = new List<AuditEvent>(entries.Count);
        foreach (var entry in entries)
        {
            var row = entry with { Sequence = ++sequence, PreviousHash = previous };
            row = row with { Hash = AuditHash.Compute(row, previous) };
            previous = row.Hash;
            chained.Add(row);
        }
        if (connection is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, chained, ct).ConfigureAwait(false);
        }
        else
        {
            // One reused single-row statement: on SQLite this transaction holds the only write lock, and a many-row
            // INSERT took longer to bind than the rows took to write (build/bench: other writers waited seconds).
            await connection.ExecuteAsync(new CommandDefinition(InsertOne, chained, transaction, cancellationToken: ct)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return chained;
    }

    /// <summary>
    /// PostgreSQL: binary COPY in the batch's transaction. Binding 21 parameters per row cost more than writing the row
    /// (build/bench: the audit write was the largest part of the API's overhead on a patient read).
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<AuditEvent> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY platform_audit_event ({Columns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var r in rows)
        {
            await importer.StartRowAsync(ct).ConfigureAwait(false);
            await importer.WriteAsync(r.Id, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
            await importer.WriteAsync(r.Sequence, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await importer.WriteAsync(r.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            foreach (var text in new[] { r.ActorId, r.ActorType, r.ActorName, r.Roles })
            {
                await WriteTextAsync(importer, text, ct).ConfigureAwait(false);
            }
            if (r.PatientId is { } patient)
            {
                await importer.WriteAsync(patient, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
            }
            else
            {
                await importer.WriteNullAsync(ct).ConfigureAwait(false);
            }
            foreach (var text in new[] { r.DataCategory, r.Action, r.Resource, r.ResourceId, r.Outcome })
            {
                await WriteTextAsync(importer, text, ct).ConfigureAwait(false);
            }
            await importer.WriteAsync(r.StatusCode, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await WriteTextAsync(importer, r.ClientAddress, ct).ConfigureAwait(false);
            await WriteTextAsync(importer, r.Purpose, ct).ConfigureAwait(false);
            await importer.WriteAsync(r.BreakGlass, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            foreach (var text in new[] { r.BreakGlassReason, r.TraceId, r.PreviousHash, r.Hash })
            {
                await WriteTextAsync(importer, text, ct).ConfigureAwait(false);
            }
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    /// <summary>Walks the whole chain in sequence order, a page at a time, and reports the first broken entry.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        const int page = 1000;
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        long expected = 1;
        var previous = AuditHash.Genesis;
        while (true)
        {
            var rows = await ReadAfterAsync(connection, expected - 1, page, ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var broken = Check(row, expected, previous);
                if (broken is not null)
                {
                    return new AuditVerification(false, expected - 1, row.Sequence, row.Id, broken);
                }
                previous = row.Hash;
                expected++;
            }
            if (rows.Count < page)
            {
                return new AuditVerification(true, expected - 1, null, null, null);
            }
        }
    }

    private static string? Check(AuditEvent row, long expectedSequence, string previousHash)
    {
        if (row.Sequence != expectedSequence)
        {
            return $"Sequence {expectedSequence} is missing: the next stored entry is {row.Sequence}.";
        }
        if (!string.Equals(row.PreviousHash, previousHash, StringComparison.Ordinal))
        {
            return "previous_hash does not match the hash of the entry before it.";
        }
        if (!string.Equals(row.Hash, AuditHash.Compute(row, row.PreviousHash), StringComparison.Ordinal))
        {
            return "The stored hash does not match the entry's contents.";
        }
        return null;
    }

    private async Task<List<AuditEvent>> ReadAfterAsync(DbConnection connection, long afterSequence, int take, CancellationToken ct)
    {
        var sql = $"SELECT {SelectColumns} FROM platform_audit_event WHERE sequence > @After ORDER BY sequence {dialect.Limit("@Take")}";
        var rows = await connection.QueryAsync<AuditEvent>(new CommandDefinition(sql, new { After = afterSequence, Take = take }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }
}
