using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using IopPlatform.BuildingBlocks.Security;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Testing;

/// <summary>Tests sign their own staff tokens with a symmetric key the test host is configured to trust.</summary>
public static class TestTokens
{
    public const string SigningKey = "iop-tests-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string Issuer = "iop-tests";
    public const string Audience = "iop-platform";

    public static string Create(string subject, string name, params string[] roles)
    {
        var claims = new List<Claim> { new(CallerClaims.Subject, subject), new(CallerClaims.Name, name) };
        claims.AddRange(roles.Select(r => new Claim(CallerClaims.Role, r)));
        var token = new JwtSecurityToken(
            Issuer,
            Audience,
            claims,
            notBefore: DateTime.UtcNow.AddMinutes(-5),
            expires: DateTime.UtcNow.AddHours(1),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
