namespace IopPlatform.Enrollment.Contracts;

/// <summary>A treatment site: where sessions happen, with the IANA time zone its wall-clock times are in.</summary>
public sealed record SiteDto
{
    /// <summary>Site id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Display name, e.g. "Riverside Recovery Center".</summary>
    public required string Name { get; init; }

    /// <summary>IANA time zone id, e.g. "America/Chicago".</summary>
    public required string TimeZone { get; init; }

    /// <summary>Concurrency version; also the ETag.</summary>
    public required int Version { get; init; }

    /// <summary>When the site was created (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Asks Enrollment for one site; answers null when it does not exist.</summary>
/// <param name="SiteId">Site id.</param>
public sealed record GetSiteQuery(Guid SiteId) : IRequest<SiteDto?>;
