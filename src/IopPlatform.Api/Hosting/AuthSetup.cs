using System.Text;
using IopPlatform.Integration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// Every endpoint requires an authenticated caller unless it opts out (health). Partner apps present API keys (the
/// Integration module validates them); staff present JWTs from the organisation's identity provider.
/// </summary>
internal static class AuthSetup
{
    private const string ApiKeyChallenge = "ApiKey realm=\"iop-platform\"";

    public static void AddAuth(this WebApplicationBuilder builder)
    {
        var jwt = builder.Configuration.GetSection("Auth:Jwt");
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ICurrentCaller, HttpCurrentCaller>();
        builder.Services
            .AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "API key or bearer token", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(AuthSchemes.Bearer, o =>
            {
                o.MapInboundClaims = false;
                // Validated tokens are reused until they expire (CachingJsonWebTokenHandler.cs).
                o.TokenHandlers.Clear();
                o.TokenHandlers.Add(new CachingJsonWebTokenHandler());
                // A caller without credentials learns both ways in; the handler appends its Bearer challenge after this.
                o.Events = new JwtBearerEvents
                {
                    OnChallenge = c =>
                    {
                        c.Response.Headers.Append(HeaderNames.WWWAuthenticate, ApiKeyChallenge);
                        return Task.CompletedTask;
                    },
                };
                var authority = jwt["Authority"];
                if (!string.IsNullOrWhiteSpace(authority))
                {
                    o.Authority = authority;
                    o.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                }
                var signingKey = jwt["SigningKey"];
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateAudience = true,
                    ValidAudience = jwt["Audience"] ?? "iop-platform",
                    ValidateIssuer = true,
                    ValidIssuer = jwt["Issuer"] ?? authority ?? "iop-platform",
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromMinutes(1),
                    RoleClaimType = CallerClaims.Role,
                    NameClaimType = CallerClaims.Name,
                    // A symmetric key is for development and tests only; production validates the provider's published keys.
                    IssuerSigningKey = string.IsNullOrWhiteSpace(signingKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
                };
            });
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, RoleProblemResponses>();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AuthSchemes.Default).RequireAuthenticatedUser().Build());
    }

    public static void UseAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseSmartReadOnlyTokens();
        app.UseAuthorization();
    }

    private static string SelectScheme(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("ApiKey ", StringComparison.OrdinalIgnoreCase) || context.Request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader))
        {
            return AuthSchemes.ApiKey;
        }
        return IsSmartToken(authorization) ? AuthSchemes.SmartBearer : AuthSchemes.Bearer;
    }

    /// <summary>A bearer token the platform issued itself at /connect/token (by its issuer; the SMART scheme then checks its signature).</summary>
    private static bool IsSmartToken(string authorization)
    {
        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var token = authorization[prefix.Length..].Trim();
        try
        {
            return new JsonWebTokenHandler().CanReadToken(token) && new JsonWebToken(token).Issuer == IntegrationModule.SmartTokenIssuer;
        }
        catch (ArgumentException)
        {
            // Not a readable JWT: the staff scheme refuses it as before.
            return false;
        }
    }
}
