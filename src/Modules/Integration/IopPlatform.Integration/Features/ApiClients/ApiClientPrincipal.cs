using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace IopPlatform.Integration.Features.ApiClients;

/// <summary>
/// Who an authenticated API client is to the rest of the platform, whichever credential it used (API key or SMART token):
/// the same claims, so the consent door, accounting and audit see the same recipient.
/// </summary>
internal static class ApiClientPrincipal
{
    public static ClaimsPrincipal Create(ApiClientOwner client, string scheme, params Claim[] extra)
    {
        var id = client.Id.ToString("D");
        var claims = new List<Claim>
        {
            new(CallerClaims.Subject, id),
            new(CallerClaims.Name, client.Name),
            new(CallerClaims.ActorType, ApiKeyAuthenticationHandler.ActorType),
            new(CallerClaims.ApiClientId, id),
            new(CallerClaims.ApiClientKind, client.Kind ?? ApiClientKinds.Partner),
        };
        claims.AddRange(extra);
        claims.AddRange(ApiClientRoles.Effective(client.Kind, ApiKeys.SplitRoles(client.Roles)).Select(r => new Claim(CallerClaims.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, CallerClaims.Name, CallerClaims.Role));
    }

    /// <summary>A 401 ProblemDetails with the scheme's challenge.</summary>
    public static async Task ChallengeAsync(HttpContext context, IProblemDetailsService problems, string challenge, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = detail },
        });
    }
}

/// <summary>The columns of <c>integration_api_client</c> that sign-in reads.</summary>
internal sealed class ApiClientOwner
{
    public const string Columns = "id, name, roles, kind, revoked_at AS RevokedAt, last_used_at AS LastUsedAt";

    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Roles { get; init; }

    public string? Kind { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }
}
