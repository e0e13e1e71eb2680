using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace IopPlatform.Integration.Features.ApiClients;

internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>last_used_at is refreshed at most this often, so a busy partner does not turn every read into a write.</summary>
    public TimeSpan LastUsedResolution { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Partner apps authenticate with <c>Authorization: ApiKey &lt;key&gt;</c> or <c>X-Api-Key</c>. Every request looks the
/// key's hash up in the database (an indexed read), so a revoked key is refused on its very next request.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbConnectionFactory db,
    TimeProvider clock,
    IProblemDetailsService problems)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string ActorType = "api_client";

    private const string Lookup = """
        SELECT id, name, roles, kind, revoked_at AS RevokedAt, last_used_at AS LastUsedAt
        FROM integration_api_client WHERE key_hash = @KeyHash
        """;

    // Not a change of the client's settings, so the version (ETag) stays as it is.
    private const string Touch = "UPDATE integration_api_client SET last_used_at = @Now WHERE id = @Id";

    private const string AuthorizationPrefix = "ApiKey ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (key.Length is 0 or > ApiKeys.MaximumLength)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var ct = Context.RequestAborted;
        await using var connection = await db.OpenAsync(ct);
        var client = await connection.QuerySingleOrDefaultAsync<KeyOwner>(new CommandDefinition(Lookup, new { KeyHash = ApiKeys.Hash(key) }, cancellationToken: ct));
        if (client is null || client.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var now = clock.GetUtcNow();
        if (client.LastUsedAt is null || now - client.LastUsedAt.Value >= Options.LastUsedResolution)
        {
            await connection.ExecuteAsync(new CommandDefinition(Touch, new { client.Id, Now = now }, cancellationToken: ct));
        }

        var id = client.Id.ToString("D");
        var claims = new List<Claim>
        {
            new(CallerClaims.Subject, id),
            new(CallerClaims.Name, client.Name),
            new(CallerClaims.ActorType, ActorType),
            new(CallerClaims.ApiClientId, id),
            new(CallerClaims.ApiClientKind, client.Kind ?? ApiClientKinds.Partner),
        };
        claims.AddRange(ApiClientRoles.Effective(client.Kind, ApiKeys.SplitRoles(client.Roles)).Select(r => new Claim(CallerClaims.Role, r)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, CallerClaims.Name, CallerClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "ApiKey realm=\"iop-platform\"");
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = result.Failure?.Message ?? "This endpoint needs an API key (X-Api-Key) or a bearer token.",
            },
        });
    }

    /// <summary>The key from <c>Authorization: ApiKey</c> first, then <c>X-Api-Key</c>; null when neither is sent.</summary>
    private static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[AuthorizationPrefix.Length..].Trim();
        }
        return request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var header) ? header.ToString().Trim() : null;
    }

    private sealed class KeyOwner
    {
        public required Guid Id { get; init; }

        public required string Name { get; init; }

        public required string Roles { get; init; }

        public string? Kind { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public DateTimeOffset? LastUsedAt { get; init; }
    }
}
