using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;

namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>
/// A signed statement "the chain reached this sequence with this hash at this time". The signature's key is not in the
/// database, so someone who can rewrite the database (deleting the newest entries and resetting the counter) cannot
/// write a matching checkpoint; an exported copy (the log line, or GET /audit-events/checkpoints/latest) outlives even
/// a deleted checkpoint table.
/// </summary>
public sealed record AuditCheckpoint
{
    /// <summary>The chain's head sequence when signed.</summary>
    public long Sequence { get; init; }

    /// <summary>The hash of the entry at that sequence.</summary>
    public string Hash { get; init; } = string.Empty;

    /// <summary>When the checkpoint was written.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Which key signed it: <c>hmac:</c> and a key fingerprint, or <c>data-protection</c>.</summary>
    public string KeyId { get; init; } = string.Empty;

    /// <summary>HMAC-SHA256 (hex) or a Data Protection token over sequence, hash and time.</summary>
    public string Signature { get; init; } = string.Empty;

    internal string Payload() => string.Create(
        CultureInfo.InvariantCulture,
        $"iop-audit-checkpoint-v1|{Sequence}|{Hash.Trim()}|{AuditHash.Truncate(CreatedAt):yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}");
}

/// <summary>
/// Signs checkpoints with <c>Audit:CheckpointKey</c> (base64, at least 32 bytes; HMAC-SHA256) when configured, otherwise
/// with ASP.NET Core Data Protection (whose key ring must then be kept outside the database and across restarts).
/// </summary>
public sealed class AuditCheckpointSigner
{
    public const string KeySetting = "Audit:CheckpointKey";
    public const string DataProtectionKeyId = "data-protection";

    private readonly byte[]? _key;
    private readonly IDataProtector _protector;

    public AuditCheckpointSigner(IConfiguration configuration, IDataProtectionProvider dataProtection)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(dataProtection);
        if (configuration[KeySetting] is { Length: > 0 } configured)
        {
            _key = Convert.FromBase64String(configured);
            if (_key.Length < 32)
            {
                throw new InvalidOperationException($"{KeySetting} must be at least 32 bytes (base64).");
            }
            KeyId = "hmac:" + Convert.ToHexStringLower(SHA256.HashData(_key))[..16];
        }
        else
        {
            KeyId = DataProtectionKeyId;
        }
        _protector = dataProtection.CreateProtector("IopPlatform.Audit.Checkpoint.v1");
    }

    public string KeyId { get; }

    public string Sign(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var payload = checkpoint.Payload();
        return _key is null ? _protector.Protect(payload) : Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>True only when this deployment's key signed exactly these fields.</summary>
    public bool Verifies(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!string.Equals(checkpoint.KeyId, KeyId, StringComparison.Ordinal))
        {
            return false;
        }
        var payload = checkpoint.Payload();
        if (_key is not null)
        {
            var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload))));
            return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(checkpoint.Signature));
        }
        try
        {
            return string.Equals(_protector.Unprotect(checkpoint.Signature), payload, StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>Writes checkpoints of the chain's head (periodically after audit batches, and after a clean verify) and reads them.</summary>
public sealed class AuditCheckpoints(IDbConnectionFactory db, ISqlDialect dialect, AuditCheckpointSigner signer, TimeProvider clock, IConfiguration configuration, ILogger<AuditCheckpoints> logger)
{
    public const string IntervalSetting = "Audit:CheckpointIntervalSeconds";
    public const int DefaultIntervalSeconds = 300;

    private const string Select = "SELECT sequence AS Sequence, hash AS Hash, created_at AS CreatedAt, key_id AS KeyId, signature AS Signature FROM platform_audit_checkpoint";

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue(IntervalSetting, DefaultIntervalSeconds)));
    private long _lastWrittenTicks;

    /// <summary>Writes a checkpoint when the last one this process wrote is older than the interval.</summary>
    public async Task WriteIfDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWrittenTicks);
        if (last == 0 || now - last >= _interval.Ticks)
        {
            await WriteAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Signs the current head; nothing when a checkpoint of that head exists already.</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        var head = await AuditChainStore.ReadHeadAsync(connection, null, ct).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastWrittenTicks, clock.GetUtcNow().UtcTicks);
        if (head.Sequence == 0 || await LatestAsync(connection, ct).ConfigureAwait(false) is { } latest && latest.Sequence >= head.Sequence)
        {
            return null;
        }
        var unsigned = new AuditCheckpoint { Sequence = head.Sequence, Hash = head.Hash.Trim(), CreatedAt = AuditHash.Truncate(clock.GetUtcNow()), KeyId = signer.KeyId };
        var checkpoint = unsigned with { Signature = signer.Sign(unsigned) };
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO platform_audit_checkpoint (sequence, hash, created_at, key_id, signature) VALUES (@Sequence, @Hash, @CreatedAt, @KeyId, @Signature)",
                checkpoint,
                cancellationToken: ct)).ConfigureAwait(false);
        }
        catch (DbException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another instance signed the same head a moment ago.
            return null;
        }
        // The export that survives the database: operators ship logs elsewhere.
        logger.LogInformation(
            "Audit checkpoint {Sequence} {Hash} {CreatedAt} {KeyId} {Signature}",
            checkpoint.Sequence,
            checkpoint.Hash,
            checkpoint.CreatedAt,
            checkpoint.KeyId,
            checkpoint.Signature);
        return checkpoint;
    }

    public async Task<AuditCheckpoint?> LatestAsync(DbConnection connection, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<AuditCheckpoint>(new CommandDefinition(
            $"{Select} ORDER BY sequence DESC {dialect.Limit("1")}",
            cancellationToken: ct)).ConfigureAwait(false);

    public async Task<AuditCheckpoint?> LatestAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        return await LatestAsync(connection, ct).ConfigureAwait(false);
    }

    public bool Verifies(AuditCheckpoint checkpoint) => signer.Verifies(checkpoint);
}
