using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace IopPlatform.Api.Tests.OpenApi;

/// <summary>
/// Who may call each operation is in the document (x-required-roles and the description), and it is what the server
/// enforces: a caller holding only a role outside the list gets a 403 whose detail names the allowed roles.
/// </summary>
public abstract class OpenApiRolesTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Every_operation_documents_its_roles_and_a_caller_outside_them_gets_a_403_naming_them()
    {
        var document = await ServedDocument.Read(Api);

        var wrong = new List<string>();
        var restricted = 0;
        foreach (var operation in ServedDocument.Operations(document).Where(o => o.Operation.TryGetProperty("security", out var s) is false || s.GetArrayLength() > 0))
        {
            if (!operation.Operation.TryGetProperty("x-required-roles", out var extension))
            {
                wrong.Add($"{operation}: no x-required-roles");
                continue;
            }
            var roles = extension.EnumerateArray().Select(r => r.GetString()!).ToList();
            if (roles.Count == 0 || roles.Except(Roles.All).Any()
                || operation.Operation.GetProperty("description").GetString()?.Contains($"Roles: {string.Join(", ", roles)}.", StringComparison.Ordinal) != true)
            {
                wrong.Add($"{operation}: roles [{string.Join(", ", roles)}] not stated as they should be");
                continue;
            }
            var outsider = Roles.All.Except(roles).FirstOrDefault();
            if (outsider is null)
            {
                continue;
            }
            restricted++;
            using var request = operation.Request(_ => Guid.CreateVersion7().ToString());
            using var response = await Api.ClientAs(outsider).SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.Forbidden || roles.Any(r => !body.Contains(r, StringComparison.Ordinal)))
            {
                wrong.Add($"{operation} as {outsider}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.True(restricted > 20, $"only {restricted} operations restrict roles");
    }

    [Theory]
    [InlineData("roles")]
    [InlineData(ClaimTypes.Role)]
    public async Task A_token_with_roles_in_a_claim_the_api_does_not_read_is_told_so(string claim)
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(new Claim(claim, Roles.Admin)));

        var problem = await (await client.GetAsync("/api/v1/audit-events", Ct)).Problem(HttpStatusCode.Forbidden);

        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("admin", detail, StringComparison.Ordinal);
        Assert.Contains($"'{claim}'", detail, StringComparison.Ordinal);
        Assert.Contains("'role'", detail, StringComparison.Ordinal);
    }

    private static string Token(Claim role)
    {
        var token = new JwtSecurityToken(
            TestTokens.Issuer,
            TestTokens.Audience,
            [new Claim(CallerClaims.Subject, "claims-test"), role],
            notBefore: DateTime.UtcNow.AddMinutes(-5),
            expires: DateTime.UtcNow.AddHours(1),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}

public sealed class OpenApiRolesTestsOnSqlite(SqliteApi api) : OpenApiRolesTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class OpenApiRolesTestsOnPostgres(PostgresApi api) : OpenApiRolesTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class OpenApiRolesTestsOnSqlServer(SqlServerApi api) : OpenApiRolesTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
