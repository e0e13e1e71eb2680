using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

    private const string Lookup = $"SELECT {ApiClientOwner.Columns} FROM integration_api_client WHERE key_hash = @KeyHash";

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
        var client = await connection.QuerySingleOrDefaultAsync<ApiClientOwner>(new CommandDefinition(Lookup, new { KeyHash = ApiKeys.Hash(key) }, cancellationToken: ct));
        if (client is null || client.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var now = clock.GetUtcNow();
        if (client.LastUsedAt is null || now - client.LastUsedAt.Value >= Options.LastUsedResolution)
        {
            await connection.ExecuteAsync(new CommandDefinition(Touch, new { client.Id, Now = now }, cancellationToken: ct));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(ApiClientPrincipal.Create(client, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await ApiClientPrincipal.ChallengeAsync(Context, problems, "ApiKey realm=\"iop-platform\"",
            result.Failure?.Message ?? "This endpoint needs an API key (X-Api-Key) or a bearer token.");
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
}
