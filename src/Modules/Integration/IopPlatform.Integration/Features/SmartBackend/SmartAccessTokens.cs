using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>Settings of SMART Backend Services (<c>Integration:Smart</c>).</summary>
internal sealed class SmartOptions
{
    /// <summary>
    /// The absolute URL clients put in their assertion's <c>aud</c> and the discovery document advertises. Unset: derived
    /// from the request (scheme, host, path base), which is right only when no proxy rewrites them; set it in production.
    /// </summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Lifetime of an access token, in seconds (default 300).</summary>
    public int AccessTokenSeconds { get; set; } = 300;

    public string TokenEndpointFor(HttpRequest request) =>
        string.IsNullOrWhiteSpace(TokenEndpoint) ? $"{request.Scheme}://{request.Host}{request.PathBase}{RequestSmartTokenEndpoint.TokenPath}" : TokenEndpoint;
}

/// <summary>
/// The platform's SMART access tokens: ES256 JWTs signed by one platform key. The key is generated on first use and kept in
/// <c>integration_smart_signing_key</c>, so every server and every restart signs and checks with the same key.
/// </summary>
internal sealed class SmartAccessTokens(IDbConnectionFactory db, ISqlDialect dialect, TimeProvider clock, SmartOptions options)
{
    public const string Audience = "iop-platform";
    public const string TokenType = "at+jwt";
    public const string ScopeClaim = "scope";
    public const string ClientIdClaim = "client_id";

    /// <summary>The same leeway the staff bearer tokens get.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const string SelectKey = "SELECT key_id AS KeyId, private_key AS PrivateKey FROM integration_smart_signing_key WHERE id = 1";

    private static readonly string[] KeyColumns = ["id", "key_id", "private_key", "created_at"];

    private readonly Lock _gate = new();
    private Task<ECDsaSecurityKey>? _key;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(options.AccessTokenSeconds);

    public async Task<string> IssueAsync(Guid apiClientId, string scope, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var id = apiClientId.ToString("D");
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IntegrationModule.SmartTokenIssuer,
            Audience = Audience,
            TokenType = TokenType,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.Add(Lifetime),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = id,
                [ClientIdClaim] = id,
                [ScopeClaim] = scope,
                [JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>The API client and granted scope of a valid, unexpired token; null with the reason otherwise.</summary>
    public async Task<(Guid ApiClientId, string Scope)?> ValidateAsync(string token, CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = IntegrationModule.SmartTokenIssuer,
            ValidAudience = Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TokenType],
            // Lifetime against the platform's clock (below), not the machine's.
            ValidateLifetime = false,
            RequireExpirationTime = true,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (jwt.ValidTo <= now - ClockSkew || jwt.ValidFrom > now + ClockSkew
            || !Guid.TryParse(jwt.Subject, out var apiClientId)
            || !jwt.TryGetPayloadValue<string>(ScopeClaim, out var scope))
        {
            return null;
        }
        return (apiClientId, scope);
    }

    /// <summary>Loaded once per process and shared by every request; a failed load is retried by the next request.</summary>
    private Task<ECDsaSecurityKey> KeyAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_key is { IsFaulted: true } or { IsCanceled: true })
            {
                _key = null;
            }
            return (_key ??= LoadOrCreateAsync(CancellationToken.None)).WaitAsync(ct);
        }
    }

    private async Task<ECDsaSecurityKey> LoadOrCreateAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<StoredKey>(new CommandDefinition(SelectKey, cancellationToken: ct));
        if (stored is null)
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            // Another server may insert first; then its key is the one every server uses.
            await connection.ExecuteAsync(new CommandDefinition(dialect.InsertIgnoreDuplicate("integration_smart_signing_key", KeyColumns, ["id"]), new
            {
                Id = 1,
                KeyId = Guid.CreateVersion7().ToString("N"),
                PrivateKey = Convert.ToBase64String(fresh.ExportPkcs8PrivateKey()),
                CreatedAt = clock.GetUtcNow(),
            }, cancellationToken: ct));
            stored = await connection.QuerySingleAsync<StoredKey>(new CommandDefinition(SelectKey, cancellationToken: ct));
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(stored.PrivateKey), out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = stored.KeyId };
    }

    private sealed class StoredKey
    {
        public required string KeyId { get; init; }

        public required string PrivateKey { get; init; }
    }
}
