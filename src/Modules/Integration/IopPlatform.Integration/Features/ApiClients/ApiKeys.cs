using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>
/// API keys are 32 random bytes, so a single fast SHA-256 is enough to store them: there is nothing to brute-force
/// that a slow hash would protect. Only the hash and a short display prefix are kept.
/// </summary>
internal static class ApiKeys
{
    public const string Prefix = "iop_";
    public const int MinimumLength = 32;

    /// <summary>Longer input is not a key of ours; refusing it early keeps hashing bounded.</summary>
    public const int MaximumLength = 256;

    private const int DisplayPrefixLength = 8;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string DisplayPrefix(string key) => key[..Math.Min(DisplayPrefixLength, key.Length / 4)];

    public static string JoinRoles(IEnumerable<string> roles) => string.Join(',', roles.Distinct(StringComparer.Ordinal));

    public static IReadOnlyList<string> SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One row of <c>integration_api_client</c> as Dapper reads it (roles as the stored comma list).</summary>
internal sealed class ApiClientRow
{
    public const string Columns = """
        id, name, roles, kind, tpo_agreement AS TpoAgreement, key_prefix AS KeyPrefix, created_at AS CreatedAt, created_by AS CreatedBy,
        revoked_at AS RevokedAt, revoked_by AS RevokedBy, last_used_at AS LastUsedAt, version, jwks
        """;

    public const string Insert = """
        INSERT INTO integration_api_client (id, name, roles, kind, tpo_agreement, key_prefix, key_hash, created_at, created_by, version)
        VALUES (@Id, @Name, @Roles, @Kind, @TpoAgreement, @KeyPrefix, @KeyHash, @CreatedAt, @CreatedBy, @Version)
        """;

    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Roles { get; init; }

    public string? Kind { get; init; }

    public string? TpoAgreement { get; init; }

    public required string KeyPrefix { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBy { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    public required int Version { get; init; }

    /// <summary>The registered JWKS (public keys only) for SMART Backend Services; null when none.</summary>
    public string? Jwks { get; init; }

    /// <summary>Parameters for <see cref="Insert"/> of a new client holding <paramref name="key"/>.</summary>
    public static object NewClient(Guid id, string name, IEnumerable<string> roles, string kind, string? tpoAgreement, string key, DateTimeOffset now, string createdBy) => new
    {
        Id = id,
        Name = name,
        Roles = ApiKeys.JoinRoles(roles),
        Kind = kind,
        TpoAgreement = tpoAgreement,
        KeyPrefix = ApiKeys.DisplayPrefix(key),
        KeyHash = ApiKeys.Hash(key),
        CreatedAt = now,
        CreatedBy = createdBy,
        Version = 1,
    };

    public ApiClientDto ToDto() => new()
    {
        Id = Id,
        Name = Name,
        Roles = ApiKeys.SplitRoles(Roles),
        Kind = Kind ?? ApiClientKinds.Partner,
        TpoAgreement = TpoAgreement,
        KeyPrefix = KeyPrefix,
        CreatedAt = CreatedAt,
        CreatedBy = CreatedBy,
        RevokedAt = RevokedAt,
        RevokedBy = RevokedBy,
        LastUsedAt = LastUsedAt,
        Version = Version,
        JwksKeyIds = SmartBackend.ClientJwks.KeyIds(Jwks),
    };
}
