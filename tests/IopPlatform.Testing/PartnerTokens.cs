using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using IopPlatform.BuildingBlocks.Security;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Testing;

/// <summary>
/// Partner-app callers for tests until API-key helpers exist: a token with role partner, the API client id claim and
/// actor type api_client, which is what the API-key handler puts on the principal.
/// </summary>
public static class PartnerTokens
{
    public static string Create(Guid apiClientId)
    {
        var claims = new List<Claim>
        {
            new(CallerClaims.Subject, apiClientId.ToString()),
            new(CallerClaims.Name, $"Partner {apiClientId:N}"),
            new(CallerClaims.Role, Roles.Partner),
            new(CallerClaims.ApiClientId, apiClientId.ToString()),
            new(CallerClaims.ActorType, "api_client"),
        };
        var token = new JwtSecurityToken(
            TestTokens.Issuer,
            TestTokens.Audience,
            claims,
            notBefore: DateTime.UtcNow.AddMinutes(-5),
            expires: DateTime.UtcNow.AddHours(1),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>A client calling as partner app <paramref name="apiClientId"/>.</summary>
    public static HttpClient ClientAsPartner(this ApiFactory api, Guid apiClientId)
    {
        ArgumentNullException.ThrowIfNull(api);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Create(apiClientId));
        client.DefaultRequestHeaders.Add(HttpCurrentCaller.PurposeHeader, PurposesOfUse.Treatment);
        return client;
    }
}
