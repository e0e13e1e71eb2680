using System.Security.Claims;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// A 403 from a role requirement says which roles the operation allows and which the caller holds, and a token that
/// carries its roles in a claim the API does not read (<c>roles</c>, the WS-Federation role URI) is told so, instead
/// of an empty 403 whose reason only the log knows.
/// </summary>
internal sealed class RoleProblemResponses(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    /// <summary>Claims identity providers commonly use for roles, which the API does not read (it reads <see cref="CallerClaims.Role"/>).</summary>
    public static readonly string[] UnsupportedRoleClaims = ["roles", ClaimTypes.Role];

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || context.User.Identity?.IsAuthenticated != true)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var allowed = AllowedRoles(policy.Requirements);
        if (allowed is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var held = context.User.FindAll(CallerClaims.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        var detail = $"This operation is allowed to the roles {string.Join(", ", allowed)}; the caller holds {(held.Count == 0 ? "no role" : string.Join(", ", held))}.";
        var misplaced = UnsupportedRoleClaims.Where(t => context.User.HasClaim(c => c.Type == t)).ToList();
        if (misplaced.Count > 0)
        {
            detail += $" The token carries roles in the claim '{string.Join("', '", misplaced)}', which the API does not read: the identity provider must send each role as a '{CallerClaims.Role}' claim.";
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = detail },
        });
    }

    /// <summary>The roles that satisfy every role requirement of the policy (all must pass), or null when it has none.</summary>
    public static IReadOnlyList<string>? AllowedRoles(IEnumerable<IAuthorizationRequirement> requirements)
    {
        IEnumerable<string>? allowed = null;
        foreach (var roles in requirements.OfType<RolesAuthorizationRequirement>())
        {
            allowed = allowed is null ? roles.AllowedRoles : allowed.Intersect(roles.AllowedRoles, StringComparer.Ordinal);
        }
        return allowed?.Distinct(StringComparer.Ordinal).ToList();
    }
}
