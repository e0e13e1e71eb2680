namespace IopPlatform.BuildingBlocks.Audit;

/// <summary>One entry of the audit trail: who did what to which patient's data, when, from where and why.</summary>
public sealed record AuditEvent
{
    public Guid Id { get; init; }

    /// <summary>Position in the hash chain: 1, 2, 3… without gaps, assigned by the writer.</summary>
    public long Sequence { get; init; }

    /// <summary>When the request finished (UTC, microsecond precision so every engine stores it exactly).</summary>
    public DateTimeOffset OccurredAt { get; init; }

    public string ActorId { get; init; } = string.Empty;

    /// <summary><c>user</c>, <c>api_client</c> or <c>system</c>.</summary>
    public string ActorType { get; init; } = string.Empty;

    public string? ActorName { get; init; }

    /// <summary>The caller's roles, comma separated.</summary>
    public string Roles { get; init; } = string.Empty;

    /// <summary>The patient whose data was touched; null when the request touched none (e.g. an empty search).</summary>
    public Guid? PatientId { get; init; }

    /// <summary>e.g. <c>demographics</c>, <c>clinical_note</c>, <c>audit_log</c>.</summary>
    public string DataCategory { get; init; } = string.Empty;

    /// <summary>e.g. <c>read</c>, <c>create</c>, <c>update</c>, <c>search</c>, <c>export</c>.</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>The HTTP route template (<c>GET /api/v1/patients/{id}</c>) or, outside HTTP, the request name.</summary>
    public string Resource { get; init; } = string.Empty;

    /// <summary>The id of the resource touched, when there is one.</summary>
    public string? ResourceId { get; init; }

    /// <summary><c>success</c>, <c>denied</c> or <c>failed</c>.</summary>
    public string Outcome { get; init; } = string.Empty;

    /// <summary>The HTTP status the outcome maps to (200 for any success).</summary>
    public int StatusCode { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>Purpose of use (HIPAA/Part 2), e.g. <c>treatment</c>.</summary>
    public string Purpose { get; init; } = string.Empty;

    /// <summary>An emergency access that overrode consent; always carries a reason and is flagged for review.</summary>
    public bool BreakGlass { get; init; }

    public string? BreakGlassReason { get; init; }

    public string? TraceId { get; init; }

    /// <summary>The hash of the previous entry (64 zeros for the first).</summary>
    public string PreviousHash { get; init; } = string.Empty;

    /// <summary>SHA-256 (hex) over this entry's fields and <see cref="PreviousHash"/>.</summary>
    public string Hash { get; init; } = string.Empty;
}

/// <summary>The outcome of walking the hash chain from the first entry to the last.</summary>
/// <param name="Verified">True when every entry links, hashes right, and the chain reaches its counter and latest signed checkpoint.</param>
/// <param name="CheckedRows">Entries checked before the first break (all of them when verified).</param>
/// <param name="FirstBrokenSequence">The first sequence that is wrong or missing.</param>
/// <param name="FirstBrokenId">The stored entry found broken, when there is one.</param>
/// <param name="Reason">What is wrong, in words.</param>
/// <param name="MissingFrom">First sequence of a run of missing entries (deleted rows), when that is the break.</param>
/// <param name="MissingTo">Last sequence of that run.</param>
/// <param name="CheckpointSequence">The latest signed checkpoint the chain was compared with.</param>
public sealed record AuditVerification(
    bool Verified,
    long CheckedRows,
    long? FirstBrokenSequence,
    Guid? FirstBrokenId,
    string? Reason,
    long? MissingFrom = null,
    long? MissingTo = null,
    long? CheckpointSequence = null);

/// <summary>The vocabulary the audit trail writes.</summary>
public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Failed = "failed";
}
