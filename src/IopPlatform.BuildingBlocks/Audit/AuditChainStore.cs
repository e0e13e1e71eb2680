using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// Appends entries to the chain and reads it back. Several API instances may append at once: each batch runs in one
/// transaction that first takes an exclusive lock, then continues from the last stored (sequence, hash).
/// </summary>
public sealed class AuditChainStore(IDbConnectionFactory db, ISqlDialect dialect, AuditCheckpoints checkpoints)
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

    internal sealed class ChainHead
    {
        public long Sequence { get; init; }

        public string Hash { get; init; } = string.Empty;
    }

    /// <summary>
    /// The chain's counter (platform_audit_head), not the newest stored row: after the newest rows are deleted the
    /// next entry still continues from the counter, so the deletion stays a visible gap and no sequence is reused.
    /// </summary>
    internal static async Task<ChainHead> ReadHeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<ChainHead>(new CommandDefinition(
            "SELECT sequence AS Sequence, hash AS Hash FROM platform_audit_head WHERE id = 1",
            transaction: transaction,
            cancellationToken: ct)).ConfigureAwait(false)
        ?? throw new InvalidOperationException("platform_audit_head has no row: the database was changed outside the migrations.");

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
        var head = await ReadHeadAsync(connection, transaction, ct).ConfigureAwait(false);

        var sequence = head.Sequence;
        var previous = head.Hash.Trim();
        var chained = new List<AuditEvent>(entries.Count);
        foreach (var entry in entries)
        {
            var hash = AuditHash.Compute(entry, ++sequence, previous);
            chained.Add(entry with { Sequence = sequence, PreviousHash = previous, Hash = hash });
            previous = hash;
        }
        switch (connection)
        {
            case NpgsqlConnection postgres:
                await CopyAsync(postgres, chained, ct).ConfigureAwait(false);
                break;
            case SqliteConnection sqlite:
                await InsertPreparedAsync(sqlite, (SqliteTransaction)transaction, chained, ct).ConfigureAwait(false);
                break;
            default:
                await connection.ExecuteAsync(new CommandDefinition(InsertOne, chained, transaction, cancellationToken: ct)).ConfigureAwait(false);
                break;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE platform_audit_head SET sequence = @Sequence, hash = @Hash WHERE id = 1",
            new { chained[^1].Sequence, chained[^1].Hash },
            transaction,
            cancellationToken: ct)).ConfigureAwait(false);
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
            // Synchronous writes: they fill Npgsql's buffer and only touch the socket when it is full (a Task per field
            // was most of this loop's allocations).
            importer.StartRow();
            importer.Write(r.Id, NpgsqlDbType.Uuid);
            importer.Write(r.Sequence, NpgsqlDbType.Bigint);
            importer.Write(r.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            WriteText(importer, r.ActorId);
            WriteText(importer, r.ActorType);
            WriteText(importer, r.ActorName);
            WriteText(importer, r.Roles);
            if (r.PatientId is { } patient)
            {
                importer.Write(patient, NpgsqlDbType.Uuid);
            }
            else
            {
                importer.WriteNull();
            }
            WriteText(importer, r.DataCategory);
            WriteText(importer, r.Action);
            WriteText(importer, r.Resource);
            WriteText(importer, r.ResourceId);
            WriteText(importer, r.Outcome);
            importer.Write(r.StatusCode, NpgsqlDbType.Integer);
            WriteText(importer, r.ClientAddress);
            WriteText(importer, r.Purpose);
            importer.Write(r.BreakGlass, NpgsqlDbType.Boolean);
            WriteText(importer, r.BreakGlassReason);
            WriteText(importer, r.TraceId);
            WriteText(importer, r.PreviousHash);
            WriteText(importer, r.Hash);
        }
        await importer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }

    /// <summary>
    /// SQLite: one statement prepared once per batch, its 21 parameters created once and only their values set per row.
    /// Single-row: this transaction holds SQLite's only write lock, and a many-row INSERT took longer to bind than the
    /// rows took to write (build/bench: other writers waited seconds). Values as the Dapper type handlers write them.
    /// </summary>
    private static async Task InsertPreparedAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<AuditEvent> rows, CancellationToken ct)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertOne;
        var p = new SqliteParameter[InsertParameters.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = insert.Parameters.Add(InsertParameters[i], SqliteTypeOf(InsertParameters[i]));
        }
        insert.Prepare();
        foreach (var r in rows)
        {
            p[0].Value = r.Id.ToString("D");
            p[1].Value = r.Sequence;
            p[2].Value = r.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);
            p[3].Value = r.ActorId;
            p[4].Value = r.ActorType;
            p[5].Value = (object?)r.ActorName ?? DBNull.Value;
            p[6].Value = r.Roles;
            p[7].Value = (object?)r.PatientId?.ToString("D") ?? DBNull.Value;
            p[8].Value = r.DataCategory;
            p[9].Value = r.Action;
            p[10].Value = r.Resource;
            p[11].Value = (object?)r.ResourceId ?? DBNull.Value;
            p[12].Value = r.Outcome;
            p[13].Value = r.StatusCode;
            p[14].Value = (object?)r.ClientAddress ?? DBNull.Value;
            p[15].Value = r.Purpose;
            p[16].Value = r.BreakGlass;
            p[17].Value = (object?)r.BreakGlassReason ?? DBNull.Value;
            p[18].Value = (object?)r.TraceId ?? DBNull.Value;
            p[19].Value = r.PreviousHash;
            p[20].Value = r.Hash;
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static readonly string[] InsertParameters =
    [
        "@Id", "@Sequence", "@OccurredAt", "@ActorId", "@ActorType", "@ActorName", "@Roles", "@PatientId", "@DataCategory", "@Action",
        "@Resource", "@ResourceId", "@Outcome", "@StatusCode", "@ClientAddress", "@Purpose", "@BreakGlass", "@BreakGlassReason", "@TraceId",
        "@PreviousHash", "@Hash",
    ];

    private static SqliteType SqliteTypeOf(string parameter) =>
        parameter is "@Sequence" or "@StatusCode" or "@BreakGlass" ? SqliteType.Integer : SqliteType.Text;

    /// <summary>
    /// Walks the whole chain in sequence order, a page at a time, and reports the first broken entry; then compares its
    /// end with the counter and with the latest signed checkpoint, so entries removed from the end are reported too.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        const int page = 1000;
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        // Read before the rows: entries appended meanwhile only make the walked chain longer than these.
        var head = await ReadHeadAsync(connection, null, ct).ConfigureAwait(false);
        var checkpoint = await checkpoints.LatestAsync(connection, ct).ConfigureAwait(false);
        long expected = 1;
        var previous = AuditHash.Genesis;
        string? hashAtCheckpoint = null;
        while (true)
        {
            var rows = await ReadAfterAsync(connection, expected - 1, page, ct).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var broken = Check(row, expected, previous);
                if (broken is not null)
                {
                    var gap = row.Sequence > expected ? new MissingRange(expected, row.Sequence - 1) : null;
                    return new AuditVerification(false, expected - 1, row.Sequence, row.Id, broken, gap?.From, gap?.To, checkpoint?.Sequence);
                }
                if (row.Sequence == checkpoint?.Sequence)
                {
                    hashAtCheckpoint = row.Hash;
                }
                previous = row.Hash;
                expected++;
            }
            if (rows.Count < page)
            {
                return CheckEnd(expected - 1, previous, head, checkpoint, hashAtCheckpoint);
            }
        }
    }

    private sealed record MissingRange(long From, long To);

    private AuditVerification CheckEnd(long last, string lastHash, ChainHead head, AuditCheckpoint? checkpoint, string? hashAtCheckpoint)
    {
        if (checkpoint is not null && !checkpoints.Verifies(checkpoint))
        {
            return new AuditVerification(false, last, checkpoint.Sequence, null,
                $"The latest checkpoint (sequence {checkpoint.Sequence}) does not carry a valid signature of this deployment's key ({checkpoint.KeyId}): it was forged or altered, or the signing key was lost.",
                null, null, checkpoint.Sequence);
        }
        var signedEnd = checkpoint?.Sequence ?? 0;
        var end = Math.Max(head.Sequence, signedEnd);
        if (end > last)
        {
            var witness = signedEnd >= head.Sequence ? $"the signed checkpoint of {checkpoint!.CreatedAt:u} reached {signedEnd}" : $"the chain's counter is at {head.Sequence}";
            return new AuditVerification(false, last, last + 1, null,
                $"Entries {last + 1} to {end} are missing: the stored chain ends at {last} but {witness}.",
                last + 1, end, checkpoint?.Sequence);
        }
        if (checkpoint is not null && !string.Equals(hashAtCheckpoint?.Trim(), checkpoint.Hash.Trim(), StringComparison.Ordinal))
        {
            return new AuditVerification(false, last, checkpoint.Sequence, null,
                $"Entry {checkpoint.Sequence} does not have the hash its signed checkpoint recorded: the chain was rewritten from there.",
                null, null, checkpoint.Sequence);
        }
        if (head.Sequence == last && !string.Equals(head.Hash.Trim(), lastHash, StringComparison.Ordinal))
        {
            return new AuditVerification(false, last, last, null, "The chain's counter does not hold the hash of its last entry.", null, null, checkpoint?.Sequence);
        }
        return new AuditVerification(true, last, null, null, null, null, null, checkpoint?.Sequence);
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
