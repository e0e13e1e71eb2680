namespace IopPlatform.Integration.Contracts;

/// <summary>A partner application allowed to call the API with an API key. The key itself is never returned again.</summary>
public sealed record ApiClientDto
{
    /// <summary>API client id; also the actor id recorded in the audit trail for its calls.</summary>
    public required Guid Id { get; init; }

    /// <summary>Display name, e.g. "Riverside EHR bridge".</summary>
    public required string Name { get; init; }

    /// <summary>Roles the key grants: ["partner"] for a partner; staff roles only for an internal system.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>
    /// <c>partner</c>: an app outside the organisation, an external recipient under 42 CFR Part 2 that reads a patient's
    /// records only under a consent. <c>internal_system</c>: one of the organisation's own systems, not a recipient.
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>
    /// For a partner that is a Part 2 program, covered entity or business associate: the agreement (e.g. business
    /// associate agreement reference) an admin recorded. Only such partners receive records under a TPO consent (§2.33(a)(2)).
    /// </summary>
    public string? TpoAgreement { get; init; }

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

    /// <summary>
    /// The key ids of the public keys registered for SMART Backend Services (<c>PUT /api-clients/{id}/jwks</c>); null when
    /// none are registered and the client cannot request SMART tokens.
    /// </summary>
    public IReadOnlyList<string>? JwksKeyIds { get; init; }
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

/// <summary>How the consent door sees an API client as a recipient; null when the client does not exist.</summary>
/// <param name="ApiClientId">The API client.</param>
public sealed record GetRecipientProfileQuery(Guid ApiClientId) : MediatR.IRequest<RecipientProfileDto?>;

/// <summary>An API client as a recipient of disclosures.</summary>
/// <param name="ApiClientId">The API client.</param>
/// <param name="Kind"><c>partner</c> or <c>internal_system</c>.</param>
/// <param name="TpoAgreement">The agreement that makes it a TPO recipient (§2.33(a)(2)); null when it is not one.</param>
/// <param name="Revoked">Its key was revoked.</param>
public sealed record RecipientProfileDto(Guid ApiClientId, string Kind, string? TpoAgreement, bool Revoked);
