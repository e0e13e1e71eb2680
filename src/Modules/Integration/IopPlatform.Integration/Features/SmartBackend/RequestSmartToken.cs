using IopPlatform.Integration.Features.ApiClients;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>A client-credentials token request with a private_key_jwt client assertion (SMART Backend Services, RFC 7523).</summary>
internal sealed record RequestSmartTokenRequest(
    string? GrantType, string? ClientAssertionType, string? ClientAssertion, string? ClientId, string? Scope, string TokenEndpoint) : IRequest<SmartTokenOutcome>;

/// <summary>An access token, or an OAuth error (RFC 6749 §5.2) with its HTTP status.</summary>
internal sealed record SmartTokenOutcome(string? AccessToken, int ExpiresIn, string? Scope, string? Error, string? ErrorDescription)
{
    public int Status => Error switch
    {
        null => StatusCodes.Status200OK,
        SmartTokenErrors.InvalidClient => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status400BadRequest,
    };

    public static SmartTokenOutcome Refused(string error, string description) => new(null, 0, null, error, description);
}

/// <summary>The OAuth 2.0 error codes this endpoint answers (RFC 6749 §5.2).</summary>
internal static class SmartTokenErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidScope = "invalid_scope";
    public const string UnsupportedGrantType = "unsupported_grant_type";
}

internal sealed class RequestSmartTokenHandler(
    IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, SmartAccessTokens tokens, ILogger<RequestSmartTokenHandler> logger)
    : IRequestHandler<RequestSmartTokenRequest, SmartTokenOutcome>
{
    public const string ClientCredentials = "client_credentials";
    public const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>SMART Backend Services: an assertion expires no more than five minutes after it is presented.</summary>
    public static readonly TimeSpan MaximumAssertionLifetime = TimeSpan.FromMinutes(5);

    private const int MaximumAssertionLength = 16_384;

    private const string SelectClient = "SELECT id, roles, kind, revoked_at AS RevokedAt, jwks FROM integration_api_client WHERE id = @Id";

    private const string PurgeUsedAssertions = "DELETE FROM integration_smart_assertion WHERE expires_at < @Now";

    private static readonly string[] AssertionColumns = ["api_client_id", "jti", "expires_at"];

    public async Task<SmartTokenOutcome> Handle(RequestSmartTokenRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.GrantType))
        {
            return SmartTokenOutcome.Refused(SmartTokenErrors.InvalidRequest, "grant_type is required: client_credentials.");
        }
        if (request.GrantType != ClientCredentials)
        {
            return SmartTokenOutcome.Refused(SmartTokenErrors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        }
        if (request.ClientAssertionType != JwtBearerAssertion || string.IsNullOrEmpty(request.ClientAssertion))
        {
            return SmartTokenOutcome.Refused(SmartTokenErrors.InvalidClient,
                $"Authenticate with private_key_jwt: client_assertion_type={JwtBearerAssertion} and a signed client_assertion.");
        }

        var client = await AuthenticateAsync(request, cancellationToken);
        if (client.Refusal is { } refusal)
        {
            logger.LogInformation("SMART token refused: {Error} {Description}", refusal.Error, refusal.ErrorDescription);
            return refusal;
        }
        if (string.IsNullOrWhiteSpace(request.Scope))
        {
            return SmartTokenOutcome.Refused(SmartTokenErrors.InvalidRequest, "scope is required, e.g. system/Patient.read or system/Patient.rs.");
        }
        var (granted, refused) = SmartScopes.Grant(request.Scope, client.Roles);
        if (refused is not null)
        {
            return SmartTokenOutcome.Refused(SmartTokenErrors.InvalidScope,
                $"'{Clip(refused)}' cannot be granted to this client: only read scopes (system/<Type>.read, .rs, .r, .s) for types its roles may read.");
        }
        var scope = string.Join(' ', granted);
        var token = await tokens.IssueAsync(client.Id, scope, cancellationToken);
        logger.LogInformation("SMART token issued to API client {ApiClientId} for {Scope}", client.Id, scope);
        return new SmartTokenOutcome(token, (int)tokens.Lifetime.TotalSeconds, scope, null, null);
    }

    private async Task<AuthenticatedClient> AuthenticateAsync(RequestSmartTokenRequest request, CancellationToken ct)
    {
        static AuthenticatedClient Refuse(string description) => new(Guid.Empty, [], SmartTokenOutcome.Refused(SmartTokenErrors.InvalidClient, description));

        JsonWebToken assertion;
        try
        {
            assertion = request.ClientAssertion!.Length > MaximumAssertionLength ? throw new ArgumentException("too long") : new JsonWebToken(request.ClientAssertion);
        }
        catch (ArgumentException)
        {
            return Refuse("client_assertion is not a JWT.");
        }
        if (!Guid.TryParse(assertion.Issuer, out var clientId) || assertion.Subject != assertion.Issuer)
        {
            return Refuse("The assertion's iss and sub must both be the client_id (the API client id).");
        }
        if (request.ClientId is not null && request.ClientId != assertion.Issuer)
        {
            return Refuse("client_id does not match the assertion's iss.");
        }

        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ClientRow>(new CommandDefinition(SelectClient, new { Id = clientId }, cancellationToken: ct));
        if (row is null || row.RevokedAt is not null)
        {
            return Refuse("Unknown or revoked client.");
        }
        if (row.Jwks is null)
        {
            return Refuse("The client has no registered JWKS (PUT /api/v1/api-clients/{id}/jwks).");
        }

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = assertion.Issuer,
            ValidAudience = request.TokenEndpoint,
            IssuerSigningKeys = ClientJwks.Load(row.Jwks),
            ValidAlgorithms = ClientJwks.Algorithms,
            // Lifetime is checked below against the platform's clock and the five-minute rule.
            ValidateLifetime = false,
            RequireExpirationTime = true,
        });
        if (!validation.IsValid)
        {
            return Refuse(validation.Exception switch
            {
                SecurityTokenInvalidAudienceException => $"The assertion's aud must be the token endpoint URL, {request.TokenEndpoint}.",
                SecurityTokenInvalidAlgorithmException => "The assertion must be signed with RS384 or ES384.",
                SecurityTokenNoExpirationException => "The assertion needs an exp.",
                _ => "The assertion's signature does not verify with the client's registered keys.",
            });
        }

        var now = clock.GetUtcNow();
        var expires = new DateTimeOffset(assertion.ValidTo, TimeSpan.Zero);
        if (expires <= now - SmartAccessTokens.ClockSkew)
        {
            return Refuse("The assertion has expired.");
        }
        if (expires > now + MaximumAssertionLifetime + SmartAccessTokens.ClockSkew)
        {
            return Refuse("The assertion's exp may be at most five minutes ahead.");
        }
        if (assertion.Id is not { Length: > 0 and <= 200 } jti)
        {
            return Refuse("The assertion needs a jti of 1–200 characters, never reused.");
        }

        // A used jti is kept until its assertion can no longer be valid, in the database so restarts and other servers see it.
        await connection.ExecuteAsync(new CommandDefinition(PurgeUsedAssertions, new { Now = now }, cancellationToken: ct));
        var recorded = await connection.ExecuteAsync(new CommandDefinition(
            dialect.InsertIgnoreDuplicate("integration_smart_assertion", AssertionColumns, ["api_client_id", "jti"]),
            new { ApiClientId = clientId, Jti = jti, ExpiresAt = expires + SmartAccessTokens.ClockSkew },
            cancellationToken: ct));
        if (recorded == 0)
        {
            return Refuse("This assertion's jti was already used; sign a new assertion for every token request.");
        }
        return new AuthenticatedClient(clientId, ApiClientRoles.Effective(row.Kind, ApiKeys.SplitRoles(row.Roles)), null);
    }

    private static string Clip(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private sealed record AuthenticatedClient(Guid Id, IReadOnlyList<string> Roles, SmartTokenOutcome? Refusal);

    private sealed class ClientRow
    {
        public required Guid Id { get; init; }

        public required string Roles { get; init; }

        public string? Kind { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public string? Jwks { get; init; }
    }
}

/// <summary>
/// <c>POST /connect/token</c>. Errors are OAuth JSON (<c>{"error", "error_description"}</c>, RFC 6749 §5.2), not
/// ProblemDetails: OAuth clients read those members (README decision on SMART Backend Services).
/// </summary>
internal static class RequestSmartTokenEndpoint
{
    public const string TokenPath = "/connect/token";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(TokenPath, async (HttpRequest request, HttpResponse response, IMediator mediator, SmartOptions options, CancellationToken ct) =>
            {
                // The token response must never be cached (RFC 6749 §5.1), refusals neither.
                response.Headers.CacheControl = "no-store";
                response.Headers.Pragma = "no-cache";
                if (!request.HasFormContentType)
                {
                    return Answer(SmartTokenOutcome.Refused(SmartTokenErrors.InvalidRequest, "Send the request as application/x-www-form-urlencoded."));
                }
                var form = await request.ReadFormAsync(ct);
                if (form.Any(f => f.Value.Count > 1))
                {
                    return Answer(SmartTokenOutcome.Refused(SmartTokenErrors.InvalidRequest, "Each parameter may be sent once."));
                }
                string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
                var outcome = await mediator.Send(new RequestSmartTokenRequest(
                    Field("grant_type"), Field("client_assertion_type"), Field("client_assertion"), Field("client_id"), Field("scope"), options.TokenEndpointFor(request)), ct);
                return Answer(outcome);
            })
            .AllowAnonymous()
            // An OAuth endpoint (form body, OAuth errors) described by /.well-known/smart-configuration, not by the OpenAPI document.
            .ExcludeFromDescription()
            .WithName("RequestSmartToken");

    private static IResult Answer(SmartTokenOutcome outcome) => outcome.Error is null
        ? Results.Json(new { access_token = outcome.AccessToken, token_type = "Bearer", expires_in = outcome.ExpiresIn, scope = outcome.Scope })
        : Results.Json(new { error = outcome.Error, error_description = outcome.ErrorDescription }, statusCode: outcome.Status);
}
