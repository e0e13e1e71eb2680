namespace IopPlatform.Integration.Contracts;

/// <summary>A partner application allowed to call the API with an API key. The key itself is never returned again.</summary>
public sealed record ApiClientDto
{
    /// <summary>API client id; also the actor id recorded in the audit trail for its calls.</summary>
    public required Guid Id { get; init; }

    /// <summary>Display name, e.g. "Riverside EHR bridge".</summary>
    public required string Name { get; init; }

    /// <summary>Roles the key grants, e.g. ["partner"].</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>The key's first characters, so an operator can tell keys apart; not enough to use it.</summary>
    public required string KeyPrefix { get; init; }

    /// <summary>When the client was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Actor id of whoever created it ("system" for the bootstrap admin key).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the key was revoked (UTC); null while it is active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Actor id of whoever revoked it.</summary>
    public string? RevokedBy { get; init; }

    /// <summary>Roughly when the key was last used (UTC; refreshed at most every few minutes).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }
}

/// <summary>A newly created API client with its key: the only response that ever contains the key.</summary>
public sealed record CreatedApiClientDto
{
    /// <summary>The API client.</summary>
    public required ApiClientDto Client { get; init; }

    /// <summary>
    /// The API key, shown once. Send it as <c>X-Api-Key: &lt;key&gt;</c> or <c>Authorization: ApiKey &lt;key&gt;</c>.
    /// Only its SHA-256 hash is stored, so a lost key cannot be recovered: revoke it and create another.
    /// </summary>
    public required string Key { get; init; }
}
