using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using IopPlatform.Api.Hosting;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>The validated-token cache never widens what a token may do: not past its expiry, not for an altered token.</summary>
public sealed class ValidatedTokenCacheTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes(TestTokens.SigningKey));

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = TestTokens.Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKey = Key,
        ClockSkew = TimeSpan.Zero,
        RoleClaimType = CallerClaims.Role,
    };

    private static string Token(DateTime expires) => new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
        TestTokens.Issuer, TestTokens.Audience, [new Claim(CallerClaims.Subject, "cache-test"), new Claim(CallerClaims.Role, Roles.Clinician)],
        notBefore: DateTime.UtcNow.AddMinutes(-5), expires: expires, signingCredentials: new SigningCredentials(Key, SecurityAlgorithms.HmacSha256)));

    [Fact]
    public async Task A_cached_token_is_refused_once_it_has_expired()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token(DateTime.UtcNow.AddSeconds(2));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task An_altered_token_is_refused_after_the_original_was_cached()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token(DateTime.UtcNow.AddHours(1));
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
    }

    [Fact]
    public async Task Each_request_gets_its_own_identity()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Token(DateTime.UtcNow.AddHours(1));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var first = (await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        first.AddClaim(new Claim(CallerClaims.Role, Roles.Admin));
        var second = (await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        Assert.NotSame(first, second);
        Assert.DoesNotContain(second.FindAll(CallerClaims.Role), c => c.Value == Roles.Admin);
    }
}

/// <summary>Through the host: the same bearer token keeps working, and an altered copy of it is refused.</summary>
public abstract class ValidatedTokenCacheHttpTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task A_repeated_token_is_accepted_and_its_altered_copy_refused()
    {
        var token = TestTokens.Create("cache-http", "Cache Test", Roles.Clinician);
        var client = Api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sites", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sites", Ct)).StatusCode);

        var signature = token.LastIndexOf('.') + 1;
        var forged = $"{token[..signature]}{(token[signature] == 'A' ? 'B' : 'A')}{token[(signature + 1)..]}";
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        await (await client.GetAsync("/api/v1/sites", Ct)).Problem(HttpStatusCode.Unauthorized);
    }
}

public sealed class ValidatedTokenCacheHttpTestsOnSqlite(SqliteApi api) : ValidatedTokenCacheHttpTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class ValidatedTokenCacheHttpTestsOnPostgres(PostgresApi api) : ValidatedTokenCacheHttpTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class ValidatedTokenCacheHttpTestsOnSqlServer(SqlServerApi api) : ValidatedTokenCacheHttpTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
