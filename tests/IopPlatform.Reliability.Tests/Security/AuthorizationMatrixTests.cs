using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Reliability.Tests.Security;

/// <summary>
/// Every endpoint × every kind of caller. The expected answer is derived from the endpoint's own authorization metadata
/// (the roles of <c>RequireRoles</c>), so a new endpoint is in the matrix the moment it is mapped; the test then checks
/// that the HTTP behaviour matches: a permitted role is never refused with 401/403, any other role gets a 403
/// ProblemDetails, and callers without valid credentials (revoked key, expired token) get 401. A partner holding no
/// consent never receives a 2xx from a patient's or enrollment's route.
/// (Anonymous → 401 on every endpoint is in IopPlatform.Api.Tests/Security/SecurityMatrixTests.)
/// </summary>
public abstract partial class AuthorizationMatrixTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ReliabilityApi
{
    private static readonly string[] StaffRoles = [Roles.Admin, Roles.Clinician, Roles.Supervisor, Roles.CaseManager];

    /// <summary>
    /// Known gap, found by this matrix: Outcomes lets the partner role read these lists without checking a disclosure
    /// consent (OutcomesRoles.Readers: "consent is enforced by the consent issue"). Listed exactly, so the test fails
    /// both when another route leaks and when one of these is fixed (then delete its line).
    /// </summary>
    // Empty since Outcomes checks consent; a route listed here would be a known leak awaiting its fix.
    private static readonly HashSet<string> PartnerConsentNotYetEnforced = new(StringComparer.Ordinal);

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_its_role_metadata_declares()
    {
        var world = await World.CreateAsync(Api);
        var endpoints = Endpoints();
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} endpoints");

        var callers = new List<(string Name, string? Role, HttpClient Client)>();
        // Staff callers have known subjects: routes about "my" resources ({userId}) are called with the caller's own id,
        // so the matrix tests the role rule, not the ownership rule (tested by each module).
        callers.AddRange(StaffRoles.Select(r => (r, (string?)r, Api.ClientAs(r, MatrixSubject(r)))));
        callers.Add(("partner without consent", Roles.Partner, world.Partner.Http));
        callers.Add(("revoked api key", null, await RevokedKeyClient()));
        callers.Add(("expired token", null, ExpiredTokenClient()));

        var violations = new List<string>();
        var leaks = new HashSet<string>(StringComparer.Ordinal);
        var cells = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        // Endpoints that change state run last, so a cancel or revoke does not turn later reads into 404s.
        foreach (var endpoint in endpoints.OrderBy(e => e.Method == "GET" ? 0 : 1))
        {
            foreach (var (name, role, client) in callers)
            {
                cells++;
                var route = role is null ? endpoint.Route : endpoint.Route.Replace("{userId}", MatrixSubject(role), StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), Concrete(route, world.Ids));
                if (endpoint.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                }
                using var response = await client.SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                var verdict = role is null ? "no credentials" : endpoint.Allows(role) ? "allowed" : "forbidden";
                counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
                var expected = verdict switch
                {
                    "no credentials" => status == 401,
                    "allowed" => status is not (401 or 403) && status < 500,
                    _ => status == 403,
                };
                if (!expected)
                {
                    violations.Add($"{endpoint.Method} {endpoint.Route} as {name}: {verdict} but {status} {Short(await response.Content.ReadAsStringAsync(Ct))}");
                }
                else if (status is 401 or 403 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    violations.Add($"{endpoint.Method} {endpoint.Route} as {name}: {status} without ProblemDetails");
                }
                if (role == Roles.Partner && status is >= 200 and < 300 && PatientRoute().IsMatch(endpoint.Route))
                {
                    leaks.Add($"{endpoint.Method} {endpoint.Route}");
                }
            }
        }

        violations.AddRange(leaks.Except(PartnerConsentNotYetEnforced).Select(l => $"{l}: patient data to a partner without consent"));
        violations.AddRange(PartnerConsentNotYetEnforced.Except(leaks).Select(l => $"{l}: no longer leaks; remove it from {nameof(PartnerConsentNotYetEnforced)}"));
        var summary = $"{endpoints.Count} endpoints × {callers.Count} callers = {cells} cells ({string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}); " +
            $"violations {violations.Count}; known partner-consent gaps {PartnerConsentNotYetEnforced.Count}";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Assert.True(violations.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, violations));
        // The matrix is not all "allowed": role checks really are exercised.
        Assert.True(counts.GetValueOrDefault("forbidden") > 50, summary);
    }

    private static string MatrixSubject(string role) => $"matrix-{role}";

    private sealed record Endpoint(string Method, string Route, IReadOnlyList<string[]> RoleSets)
    {
        /// <summary>Every authorize entry with roles must be met (ASP.NET Core combines them with AND).</summary>
        public bool Allows(string role) => RoleSets.All(set => set.Contains(role, StringComparer.Ordinal));
    }

    private List<Endpoint> Endpoints() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e =>
            {
                var roleSets = e.Metadata.GetOrderedMetadata<IAuthorizeData>()
                    .Where(a => !string.IsNullOrWhiteSpace(a.Roles))
                    .Select(a => a.Roles!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    .ToList();
                return (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Endpoint(m, e.RoutePattern.RawText!, roleSets));
            })
            .ToList();

    private async Task<HttpClient> RevokedKeyClient()
    {
        var partner = await Api.PartnerClientAsync();
        var revoke = await Api.Admin().PostAsync($"/api/v1/api-clients/{partner.ClientId}/revoke", null, Ct);
        Assert.True(revoke.IsSuccessStatusCode, $"revoke answered {(int)revoke.StatusCode}");
        return partner.Http;
    }

    private HttpClient ExpiredTokenClient()
    {
        var token = new JwtSecurityToken(
            TestTokens.Issuer,
            TestTokens.Audience,
            [new Claim(CallerClaims.Subject, "expired-admin"), new Claim(CallerClaims.Name, "Expired"), new Claim(CallerClaims.Role, Roles.Admin)],
            notBefore: DateTime.UtcNow.AddHours(-3),
            expires: DateTime.UtcNow.AddHours(-2),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256));
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new JwtSecurityTokenHandler().WriteToken(token));
        return client;
    }

    /// <summary>Route parameters become the seeded rows' ids where the name matches, a new Guid otherwise.</summary>
    private static string Concrete(string route, IReadOnlyDictionary<string, Guid> ids) =>
        RouteParameter().Replace(route, m =>
        {
            var name = m.Groups["name"].Value.Replace("Id", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
            if (!m.Value.Contains(":guid", StringComparison.Ordinal))
            {
                return "user-1";
            }
            return (ids.TryGetValue(name, out var id) ? id : Guid.CreateVersion7()).ToString();
        });

    private static string Short(string text) => text.Length > 200 ? text[..200] + "…" : text;

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\{(patientId|enrollmentId)")]
    private static partial Regex PatientRoute();
}

public sealed class AuthorizationMatrixTestsOnSqlite(ReliabilitySqliteApi api) : AuthorizationMatrixTests<ReliabilitySqliteApi>(api), IClassFixture<ReliabilitySqliteApi>;

public sealed class AuthorizationMatrixTestsOnPostgres(ReliabilityPostgresApi api) : AuthorizationMatrixTests<ReliabilityPostgresApi>(api), IClassFixture<ReliabilityPostgresApi>;

public sealed class AuthorizationMatrixTestsOnSqlServer(ReliabilitySqlServerApi api) : AuthorizationMatrixTests<ReliabilitySqlServerApi>(api), IClassFixture<ReliabilitySqlServerApi>;
