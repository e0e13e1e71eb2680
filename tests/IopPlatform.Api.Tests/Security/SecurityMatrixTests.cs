using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IopPlatform.BuildingBlocks.Security;
using IopPlatform.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Security;

/// <summary>Who may call what: every endpoint refuses anonymous callers, and role-restricted ones refuse other roles.</summary>
public abstract partial class SecurityMatrixTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Every_api_endpoint_refuses_anonymous_callers_with_401_problem()
    {
        var endpoints = ApiEndpoints();
        Assert.Contains(endpoints, e => e is { Method: "POST", Route: "/api/v1/api-clients" });
        Assert.Contains(endpoints, e => e is { Method: "GET", Route: "/api/v1/sites/{siteId:guid}" });

        var anonymous = Api.Anonymous();
        var failures = new List<string>();
        foreach (var (method, route) in endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(route));
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }
            using var response = await anonymous.SendAsync(request, Ct);
            var problem = await ProblemFailure(response, HttpStatusCode.Unauthorized);
            if (problem is not null)
            {
                failures.Add($"{method} {route}: {problem}");
            }
            else if (response.Headers.WwwAuthenticate.Count == 0)
            {
                failures.Add($"{method} {route}: 401 without WWW-Authenticate");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Anonymous_401_offers_both_bearer_and_api_key()
    {
        var response = await Api.Anonymous().GetAsync("/api/v1/sites", Ct);

        await response.Problem(HttpStatusCode.Unauthorized);
        var schemes = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("Bearer", schemes);
        Assert.Contains("ApiKey", schemes);
    }

    [Fact]
    public async Task Invalid_bearer_token_is_401_problem()
    {
        var client = Api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not.a.token");

        await (await client.GetAsync("/api/v1/sites", Ct)).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_role_gets_403_problem()
    {
        var clinician = Api.ClientAs(Roles.Clinician);
        var partner = (await Api.PartnerClientAsync()).Http;
        var newClient = new { name = "Sneaky", roles = new[] { Roles.Admin } };

        await (await clinician.PostJson("/api/v1/api-clients", newClient)).Problem(HttpStatusCode.Forbidden);
        await (await partner.PostJson("/api/v1/api-clients", newClient)).Problem(HttpStatusCode.Forbidden);
        await (await clinician.GetAsync("/api/v1/api-clients", Ct)).Problem(HttpStatusCode.Forbidden);
        await (await partner.PostAsync($"/api/v1/api-clients/{Guid.CreateVersion7()}/revoke", null, Ct)).Problem(HttpStatusCode.Forbidden);
        await (await clinician.PostJson("/api/v1/sites", new { name = "S", timeZone = "America/Chicago" })).Problem(HttpStatusCode.Forbidden);
        await (await partner.PostJson("/api/v1/programs", new { siteId = Guid.CreateVersion7(), name = "P", levelOfCare = "asam-3:2.1" })).Problem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Site_and_program_reads_are_open_to_any_authenticated_caller()
    {
        var partner = (await Api.PartnerClientAsync()).Http;
        foreach (var client in new[] { Api.ClientAs(Roles.Clinician), Api.ClientAs(Roles.CaseManager), partner })
        {
            await (await client.GetAsync("/api/v1/sites", Ct)).Read<JsonElement>();
            await (await client.GetAsync("/api/v1/programs", Ct)).Read<JsonElement>();
        }
    }

    [Fact]
    public async Task Hangfire_dashboard_admits_admins_only()
    {
        var anonymous = await Api.Anonymous().GetAsync("/hangfire", Ct);
        await anonymous.Problem(HttpStatusCode.Unauthorized);
        Assert.NotEmpty(anonymous.Headers.WwwAuthenticate);

        await (await Api.ClientAs(Roles.Clinician).GetAsync("/hangfire", Ct)).Problem(HttpStatusCode.Forbidden);
        await (await (await Api.PartnerClientAsync()).Http.GetAsync("/hangfire", Ct)).Problem(HttpStatusCode.Forbidden);
        await (await Api.ClientWithApiKey("iop_garbage-garbage-garbage-garbage-garbage").GetAsync("/hangfire/jobs/enqueued", Ct)).Problem(HttpStatusCode.Unauthorized);

        foreach (var admin in new[] { Api.Admin(), (await Api.PartnerClientAsync(Roles.Admin)).Http })
        {
            var page = await admin.GetAsync("/hangfire", Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Hangfire", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    private List<(string Method, string Route)> ApiEndpoints() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!)))
            .ToList();

    /// <summary>A URL that matches the route: ids become new Guids, integers 1.</summary>
    private static string Concrete(string route) =>
        RouteParameter().Replace(route, m => m.Value.Contains(":int", StringComparison.Ordinal) || m.Value.Contains(":long", StringComparison.Ordinal)
            ? "1"
            : Guid.CreateVersion7().ToString());

    /// <summary>Null when the response is a ProblemDetails of this status with a traceId; otherwise what is wrong.</summary>
    private static async Task<string?> ProblemFailure(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (response.StatusCode != expected)
        {
            return $"status {(int)response.StatusCode}: {text}";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType?.MediaType}";
        }
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        if (!body.TryGetProperty("status", out var status) || status.GetInt32() != (int)expected)
        {
            return $"body status: {text}";
        }
        return body.TryGetProperty("traceId", out var trace) && !string.IsNullOrEmpty(trace.GetString()) ? null : $"no traceId: {text}";
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}

public sealed class SecurityMatrixTestsOnSqlite(SqliteApi api) : SecurityMatrixTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class SecurityMatrixTestsOnPostgres(PostgresApi api) : SecurityMatrixTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class SecurityMatrixTestsOnSqlServer(SqlServerApi api) : SecurityMatrixTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
