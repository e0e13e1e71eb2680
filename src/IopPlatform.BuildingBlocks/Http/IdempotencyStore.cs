using System.Security.Cryptography;
using System.Text;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>How long a stored response stays replayable (never under 24 hours: clients retry over a day).</summary>
public sealed class IdempotencyOptions
{
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(24);

    public TimeSpan Retention { get; init; } = MinimumRetention;
}

/// <summary>A row of <c>platform_idempotency_record</c>; <see cref="StatusCode"/> is null while the first request runs.</summary>
public sealed class IdempotencyRecord
{
    public required string CallerId { get; init; }

    public required string IdempotencyKey { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string RequestHash { get; init; }

    public int? StatusCode { get; init; }

    public string? ResponseHeaders { get; init; }

    public byte[]? ResponseBody { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>
/// Claims, completes and releases idempotency keys. The primary key (caller_id, idempotency_key) decides races: the
/// insert that lands owns the key; everyone else reads the row.
/// </summary>
public sealed class IdempotencyStore(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, IdempotencyOptions options)
{
    private const string Table = "platform_idempotency_record";

    private static readonly string[] InsertColumns =
        ["caller_id", "idempotency_key", "method", "path", "request_hash", "created_at", "expires_at"];

    private static readonly string[] KeyColumns = ["caller_id", "idempotency_key"];

    private const string Select = """
        SELECT caller_id AS CallerId, idempotency_key AS IdempotencyKey, method, path, request_hash AS RequestHash,
               status_code AS StatusCode, response_headers AS ResponseHeaders, response_body AS ResponseBody,
               created_at AS CreatedAt, expires_at AS ExpiresAt
        FROM platform_idempotency_record WHERE caller_id = @CallerId AND idempotency_key = @IdempotencyKey
        """;

    private const string DeleteExpiredKey =
        "DELETE FROM platform_idempotency_record WHERE caller_id = @CallerId AND idempotency_key = @IdempotencyKey AND expires_at <= @Now";

    private const string Delete = "DELETE FROM platform_idempotency_record WHERE caller_id = @CallerId AND idempotency_key = @IdempotencyKey";

    private const string Complete = """
        UPDATE platform_idempotency_record
        SET status_code = @StatusCode, response_headers = @ResponseHeaders, response_body = @ResponseBody, completed_at = @CompletedAt
        WHERE caller_id = @CallerId AND idempotency_key = @IdempotencyKey
        """;

    private const string PurgeExpired = "DELETE FROM platform_idempotency_record WHERE expires_at <= @Now";

    /// <summary>Longer caller ids (unusual subjects) are hashed so the key fits the column.</summary>
    public static string CallerKey(string actorType, string actorId)
    {
        var caller = $"{actorType}:{actorId}";
        return caller.Length <= 200 ? caller : "sha256:" + Hash(Encoding.UTF8.GetBytes(caller));
    }

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Null when this call now owns the key; otherwise the record another request made (to compare and replay).</summary>
    public async Task<IdempotencyRecord?> BeginAsync(string callerId, string key, string method, string path, string requestHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // The dialect names parameters after the columns in PascalCase (caller_id → @CallerId), like Dapper's members.
        var claim = new
        {
            CallerId = callerId,
            IdempotencyKey = key,
            Method = method,
            Path = path,
            RequestHash = requestHash,
            CreatedAt = now,
            ExpiresAt = now + options.Retention,
        };
        var id = new { CallerId = callerId, IdempotencyKey = key, Now = now };
        var insert = dialect.InsertIgnoreDuplicate(Table, InsertColumns, KeyColumns);
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        // A few rounds: the row we lost to can vanish (its request failed with a 5xx, or it expired) before we read it.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(insert, claim, cancellationToken: ct)).ConfigureAwait(false) == 1)
            {
                return null;
            }
            var existing = await connection.QuerySingleOrDefaultAsync<IdempotencyRecord>(
                new CommandDefinition(Select, id, cancellationToken: ct)).ConfigureAwait(false);
            if (existing is null)
            {
                continue;
            }
            if (existing.ExpiresAt > now)
            {
                return existing;
            }
            await connection.ExecuteAsync(new CommandDefinition(DeleteExpiredKey, id, cancellationToken: ct))
                .ConfigureAwait(false);
        }
        throw new Errors.ConflictException("The Idempotency-Key is being claimed and released repeatedly; retry shortly.");
    }

    public async Task CompleteAsync(string callerId, string key, int statusCode, string responseHeaders, byte[] responseBody)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(Complete, new
        {
            CallerId = callerId,
            IdempotencyKey = key,
            StatusCode = statusCode,
            ResponseHeaders = responseHeaders,
            ResponseBody = responseBody,
            CompletedAt = clock.GetUtcNow(),
        })).ConfigureAwait(false);
    }

    /// <summary>Forgets a key whose request failed, so the client's retry runs afresh.</summary>
    public async Task ReleaseAsync(string callerId, string key)
    {
        // Not the request's token: an aborted request must still let go of its key.
        await using var connection = await db.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(Delete, new { CallerId = callerId, IdempotencyKey = key })).ConfigureAwait(false);
    }

    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(PurgeExpired, new { Now = clock.GetUtcNow() }, cancellationToken: ct)).ConfigureAwait(false);
    }
}
