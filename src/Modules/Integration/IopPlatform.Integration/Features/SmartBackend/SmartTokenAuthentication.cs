using System.Security.Claims;
using System.Text.Encodings.Web;
using IopPlatform.Integration.Features.ApiClients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>
/// <c>Authorization: Bearer &lt;SMART access token&gt;</c> (the host picks this scheme by the token's issuer). The caller
/// becomes the API client with exactly the claims its API key gives, plus <c>scope</c>; the client is looked up on every
/// request, so a revoked client's token is refused on its next request.
/// </summary>
internal sealed class SmartTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbConnectionFactory db,
    SmartAccessTokens tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Lookup = $"SELECT {ApiClientOwner.Columns} FROM integration_api_client WHERE id = @Id";

    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var ct = Context.RequestAborted;
        if (await tokens.ValidateAsync(authorization[BearerPrefix.Length..].Trim(), ct) is not { } valid)
        {
            return AuthenticateResult.Fail("The SMART access token is not valid or has expired; request a new one at /connect/token.");
        }
        await using var connection = await db.OpenAsync(ct);
        var client = await connection.QuerySingleOrDefaultAsync<ApiClientOwner>(new CommandDefinition(Lookup, new { Id = valid.ApiClientId }, cancellationToken: ct));
        if (client is null || client.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The SMART access token's API client has been revoked.");
        }

        var principal = ApiClientPrincipal.Create(client, Scheme.Name, new Claim(SmartAccessTokens.ScopeClaim, valid.Scope));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await ApiClientPrincipal.ChallengeAsync(Context, problems, "Bearer error=\"invalid_token\"",
            result.Failure?.Message ?? "This endpoint needs a valid SMART access token.");
    }
}
