namespace IopPlatform.Fhir.Features.Pipeline;

/// <summary>
/// SMART on FHIR scopes on top of roles. A principal that carries a <c>scope</c> claim (a SMART access token) must
/// hold a scope covering the resource type and interaction; one without (API key, staff token) is judged by roles alone.
/// v1: <c>system/Patient.read</c>, <c>system/*.read</c>, <c>.*</c>; v2: <c>system/Patient.rs</c> (r for read, s for
/// search). Only <c>system/</c> and <c>user/</c> scopes count: <c>patient/</c> scopes need a launch context this
/// server does not issue, and v2 scopes with a query (<c>?category=…</c>) are not honoured rather than half-honoured.
/// </summary>
internal static class SmartScopes
{
    public const string Claim = "scope";

    public static bool Allows(string scopes, string type, string interaction)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var letter = interaction == "read" ? 'r' : 's';
        foreach (var scope in scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var slash = scope.IndexOf('/', StringComparison.Ordinal);
            var dot = scope.LastIndexOf('.');
            if (slash < 0 || dot < slash || scope.Contains('?', StringComparison.Ordinal))
            {
                continue;
            }
            var context = scope[..slash];
            var resource = scope[(slash + 1)..dot];
            var permission = scope[(dot + 1)..];
            if (context is not ("system" or "user") || (resource != "*" && resource != type))
            {
                continue;
            }
            if (permission is "read" or "*" || (IsV2(permission) && permission.Contains(letter, StringComparison.Ordinal)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A v2 permission: some of c, r, u, d, s, in that order.</summary>
    private static bool IsV2(string permission)
    {
        var at = 0;
        foreach (var c in permission)
        {
            var index = "cruds".IndexOf(c, at);
            if (index < 0)
            {
                return false;
            }
            at = index + 1;
        }
        return permission.Length > 0;
    }
}

/// <summary>Applies <see cref="SmartScopes"/> to every FHIR interaction route: 403 with <c>insufficient_scope</c> when the token's scopes fall short.</summary>
internal sealed class SmartScopeFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteractionMetadata>();
        var scopes = http.User.FindAll(SmartScopes.Claim).Select(c => c.Value).ToList();
        if (interaction is not null && scopes.Count > 0 && !SmartScopes.Allows(string.Join(' ', scopes), interaction.Type, interaction.Interaction))
        {
            var needed = interaction.Interaction == "read" ? "read (v1) or r (v2)" : "read (v1) or s (v2)";
            throw new ForbiddenException($"insufficient_scope: this {interaction.Interaction} of {interaction.Type} needs a scope system/{interaction.Type}.{needed} or system/*; the token grants '{string.Join(' ', scopes)}'.");
        }
        return next(context);
    }
}
