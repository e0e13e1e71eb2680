using System.Text.RegularExpressions;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>
/// Which SMART system scopes an API client may be granted, from its roles (README "SMART Backend Services", Scopes).
/// Only reads exist: <c>system/&lt;Type&gt;.read</c> (SMART v1) and <c>system/&lt;Type&gt;.rs</c>, <c>.r</c>, <c>.s</c> (v2),
/// with <c>*</c> for every type. Every role reads; <see cref="StaffOnlyTypes"/> need a staff role (an internal system),
/// never the partner role. <c>system/*.…</c> means "every type this client's roles may read": the per-type rule and
/// the consent door still apply on every request. Any other scope (writes, user/ or patient/ scopes, unknown types)
/// is refused with invalid_scope.
/// </summary>
internal static partial class SmartScopes
{
    /// <summary>The FHIR resource types a scope may name (those the FHIR facade serves).</summary>
    public static readonly IReadOnlyList<string> ResourceTypes =
    [
        "Patient", "EpisodeOfCare", "Encounter", "Observation", "QuestionnaireResponse", "CarePlan", "Goal", "Flag", "Consent",
        "DocumentReference", "Organization", "Location", "Group",
    ];

    /// <summary>Types only staff roles read: open dropout and safety alerts are internal working data, not a disclosure.</summary>
    public static readonly IReadOnlyList<string> StaffOnlyTypes = ["Flag"];

    /// <summary>The read permissions a scope may carry: v1 <c>read</c>, v2 <c>rs</c>, <c>r</c>, <c>s</c>.</summary>
    public static readonly IReadOnlyList<string> ReadPermissions = ["read", "rs", "r", "s"];

    /// <summary>For the discovery document: every grantable scope in both SMART versions.</summary>
    public static readonly IReadOnlyList<string> Supported =
        [.. ResourceTypes.Prepend("*").SelectMany(t => (string[])[$"system/{t}.read", $"system/{t}.rs"])];

    /// <summary>
    /// The scopes granted for a space-separated request, or the first scope that cannot be granted to a client holding
    /// <paramref name="roles"/>. Duplicates are granted once, in the order asked.
    /// </summary>
    public static (IReadOnlyList<string> Granted, string? Refused) Grant(string requested, IReadOnlyList<string> roles)
    {
        var granted = new List<string>();
        foreach (var scope in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal))
        {
            if (!Allows(scope, roles))
            {
                return ([], scope);
            }
            granted.Add(scope);
        }
        return (granted, null);
    }

    private static bool Allows(string scope, IReadOnlyList<string> roles)
    {
        var match = ScopePattern().Match(scope);
        if (!match.Success)
        {
            return false;
        }
        var type = match.Groups["type"].Value;
        var staff = roles.Any(r => r != Roles.Partner);
        return type == "*"
            ? roles.Count > 0
            : ResourceTypes.Contains(type, StringComparer.Ordinal) && (staff || (roles.Count > 0 && !StaffOnlyTypes.Contains(type, StringComparer.Ordinal)));
    }

    [GeneratedRegex(@"^system/(?<type>\*|[A-Za-z]{1,64})\.(?<permission>read|rs|r|s)$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();
}
