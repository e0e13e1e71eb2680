using System.Security.Claims;

namespace IopPlatform.BuildingBlocks.Security;

/// <summary>Who is calling: a staff user (JWT), a partner app (API key), or the system (a job).</summary>
public interface ICurrentCaller
{
    /// <summary>Stable id of the actor: the token's subject, the API client's id, or "system".</summary>
    string ActorId { get; }

    /// <summary><c>user</c>, <c>api_client</c> or <c>system</c>.</summary>
    string ActorType { get; }

    /// <summary>Display name for audit reports (never a patient's).</summary>
    string? ActorName { get; }

    IReadOnlyList<string> Roles { get; }

    /// <summary>The API client id when a partner app calls; null for staff and jobs.</summary>
    Guid? ApiClientId { get; }

    string? ClientAddress { get; }

    /// <summary>Purpose of use (HIPAA/Part 2) for the audit trail, from the <c>X-Purpose-Of-Use</c> header; treatment when not declared.</summary>
    string Purpose { get; }

    /// <summary>The purpose of use exactly as the caller declared it (trimmed, lower case); null when the header is absent.</summary>
    string? DeclaredPurpose { get; }

    /// <summary>For API clients: <c>partner</c> or <c>internal_system</c> (see <see cref="ApiClientKinds"/>); null for staff and jobs.</summary>
    string? ApiClientKind { get; }

    bool IsInRole(string role);
}

public static class CallerExtensions
{
    /// <summary>
    /// A recipient outside the organisation (42 CFR Part 2): a caller in the partner role, or any API client an admin has
    /// not registered as one of the organisation's own systems. Such callers see a patient's records only through the
    /// disclosure door, under a consent.
    /// </summary>
    public static bool IsExternalRecipient(this ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsInRole(Roles.Partner) || (caller.ApiClientId is not null && caller.ApiClientKind != ApiClientKinds.InternalSystem);
    }
}

public static class CallerClaims
{
    public const string ActorType = "iop:actor_type";
    public const string ApiClientId = "iop:api_client_id";
    public const string Role = "role";
    public const string Subject = "sub";
    public const string Name = "name";
    public const string ApiClientKind = "iop:api_client_kind";
}

/// <summary>What an API client is to the organisation; set by an admin when the client is created.</summary>
public static class ApiClientKinds
{
    /// <summary>An app outside the organisation: an external recipient under 42 CFR Part 2, holding only the partner role.</summary>
    public const string Partner = "partner";

    /// <summary>One of the organisation's own systems (not a recipient): may hold staff roles, never the partner role.</summary>
    public const string InternalSystem = "internal_system";

    public static readonly IReadOnlyList<string> All = [Partner, InternalSystem];
}

/// <summary>The caller of the current HTTP request; outside a request (a job) it is the system.</summary>
/// <remarks>
/// The claims are read once per request (per principal: a principal replaced later in the request is read again), not
/// on every property: the audit entry, the consent door and the role checks each asked several times (build/bench).
/// </remarks>
public sealed class HttpCurrentCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    public const string PurposeHeader = "X-Purpose-Of-Use";
    public const string DefaultPurpose = "treatment";

    private static readonly Resolved SystemCaller = new("system", "system", null, [], null, null);

    private ClaimsPrincipal? _principal;
    private Resolved? _resolved;

    private Resolved Caller
    {
        get
        {
            var user = accessor.HttpContext?.User is { Identity.IsAuthenticated: true } u ? u : null;
            if (user is null)
            {
                return SystemCaller;
            }
            if (!ReferenceEquals(user, _principal) || _resolved is null)
            {
                _resolved = Resolve(user);
                _principal = user;
            }
            return _resolved;
        }
    }

    public string ActorId => Caller.ActorId;

    public string ActorType => Caller.ActorType;

    public string? ActorName => Caller.ActorName;

    public IReadOnlyList<string> Roles => Caller.Roles;

    public Guid? ApiClientId => Caller.ApiClientId;

    public string? ClientAddress => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public string Purpose => DeclaredPurpose ?? DefaultPurpose;

    public string? DeclaredPurpose
    {
        get
        {
            var header = accessor.HttpContext?.Request.Headers[PurposeHeader].ToString();
            return string.IsNullOrWhiteSpace(header) ? null : header.Trim().ToLowerInvariant();
        }
    }

    public string? ApiClientKind => Caller.ApiClientKind;

    public bool IsInRole(string role) => Caller.Roles.Contains(role, StringComparer.Ordinal);

    private static Resolved Resolve(ClaimsPrincipal u) => new(
        u.FindFirstValue(CallerClaims.Subject) ?? u.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown",
        u.FindFirstValue(CallerClaims.ActorType) ?? "user",
        u.FindFirstValue(CallerClaims.Name) ?? u.Identity?.Name,
        u.FindAll(c => c.Type is CallerClaims.Role or ClaimTypes.Role).Select(c => c.Value).Distinct().ToArray(),
        Guid.TryParse(u.FindFirstValue(CallerClaims.ApiClientId), out var id) ? id : null,
        u.FindFirstValue(CallerClaims.ApiClientKind));

    private sealed record Resolved(string ActorId, string ActorType, string? ActorName, IReadOnlyList<string> Roles, Guid? ApiClientId, string? ApiClientKind);
}
