using System.Globalization;
using System.Net;
using System.Text;
using IopPlatform.Api.Hosting;
using IopPlatform.BuildingBlocks.Http;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IopPlatform.Api.Tests.Http;

/// <summary>Body size and content type: no database effect beyond "nothing was written", so SQLite only.</summary>
public sealed class RequestShapeTests(HttpSqliteApi api) : EngineTest<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>
{
    [Fact]
    public async Task Oversized_body_is_413_problem()
    {
        var padding = new string('x', (int)HttpProtectionSetup.DefaultMaxRequestBodyBytes);
        var json = $"{{\"name\":\"Huge\",\"timeZone\":\"Europe/London\",\"padding\":\"{padding}\"}}";

        var response = await Api.Admin().PostAsync("/api/v1/sites", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        var problem = await response.Problem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("larger than the limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_of_exactly_the_limit_is_accepted()
    {
        var prefix = "{\"name\":\"At the limit\",\"timeZone\":\"Europe/London\",\"padding\":\"";
        var suffix = "\"}";
        var json = prefix + new string('x', (int)HttpProtectionSetup.DefaultMaxRequestBodyBytes - prefix.Length - suffix.Length) + suffix;
        Assert.Equal(HttpProtectionSetup.DefaultMaxRequestBodyBytes, Encoding.UTF8.GetByteCount(json));

        var response = await Api.Admin().PostAsync("/api/v1/sites", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await response.Read<SiteDto>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Creating_posts_document_the_optional_idempotency_key()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<System.Text.Json.JsonElement>();

        foreach (var path in new[] { "/api/v1/sites", "/api/v1/programs" })
        {
            var post = doc.GetProperty("paths").GetProperty(path).GetProperty("post");
            var header = post.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
            Assert.Equal("header", header.GetProperty("in").GetString());
            Assert.False(header.TryGetProperty("required", out var required) && required.GetBoolean());
            Assert.True(post.GetProperty("responses").TryGetProperty("409", out _));
            Assert.True(post.GetProperty("responses").TryGetProperty("422", out _));
        }
    }

    [Fact]
    public async Task Document_states_the_validators_limits_and_bounds_everything_else()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<System.Text.Json.JsonElement>();
        var schemas = doc.GetProperty("components").GetProperty("schemas");

        // From CreateSiteValidator: Name MaximumLength(200), TimeZone MaximumLength(64).
        var createSite = schemas.GetProperty("CreateSiteRequest").GetProperty("properties");
        Assert.Equal(200, createSite.GetProperty("name").GetProperty("maxLength").GetInt32());
        Assert.Equal(64, createSite.GetProperty("timeZone").GetProperty("maxLength").GetInt32());
        var site = schemas.GetProperty("SiteDto").GetProperty("properties");
        Assert.Equal(36, site.GetProperty("id").GetProperty("maxLength").GetInt32());
        Assert.True(site.GetProperty("version").TryGetProperty("maximum", out _));
        Assert.Equal(Cursor.MaxLimit, schemas.GetProperty("CursorPageOfSiteDto").GetProperty("properties").GetProperty("items").GetProperty("maxItems").GetInt32());
        var list = doc.GetProperty("paths").GetProperty("/api/v1/sites").GetProperty("get");
        var limit = list.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal(1, limit.GetProperty("minimum").GetInt32());
        Assert.Equal(Cursor.MaxLimit, limit.GetProperty("maximum").GetInt32());
        Assert.True(list.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("X-RateLimit-Limit", out _));
        Assert.True(list.GetProperty("responses").GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.StartsWith("/", doc.GetProperty("servers")[0].GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem()
    {
        var response = await Api.Admin().PostAsync("/api/v1/programs", new StringContent("<program/>", Encoding.UTF8, "application/xml"), Ct);

        await response.Problem(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/api/v1/programs")]
    [InlineData("/api/v1/sites")]
    [InlineData("/api/v1/patients")]
    public async Task A_json_body_with_an_unknown_charset_is_415_problem_and_changes_nothing(string path)
    {
        var before = await (await Api.Admin().GetAsync("/api/v1/sites", Ct)).Content.ReadAsStringAsync(Ct);
        var content = new StringContent("""{"name":"Charset site","timeZone":"America/Chicago"}""");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=bogus");

        var response = await Api.Admin().PostAsync(path, content, Ct);

        await response.Problem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await (await Api.Admin().GetAsync("/api/v1/sites", Ct)).Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Null_items_in_any_list_of_a_body_are_400_naming_the_item()
    {
        var program = await Api.CreateProgramAsync();
        var enrollment = await Api.AdmitNewPatientAsync(program.Id);
        var clinician = Api.ClientAs(IopPlatform.BuildingBlocks.Security.Roles.Clinician, "null-items-clinician");

        var plan = await clinician.PostJson($"/api/v1/enrollments/{enrollment.Id}/treatment-plan", new { problems = new[] { "Alcohol use" }, goals = new object?[] { null } });
        var relapse = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(clinician, $"/api/v1/enrollments/{enrollment.Id}/relapse-prevention-plan", new { supportContacts = new object?[] { null }, lapsePlan = "Call my sponsor" }, Ct);
        var nested = await Api.Admin().PostJson("/api/v1/patients", new { mrn = "MRN-NULLS", externalIds = new object?[] { null, null }, givenName = "N", familyName = "U", dateOfBirth = "1990-01-01" });

        Assert.NotEmpty((await plan.Problem(HttpStatusCode.BadRequest)).FieldErrors("goals[0]"));
        Assert.NotEmpty((await relapse.Problem(HttpStatusCode.BadRequest)).FieldErrors("supportContacts[0]"));
        var both = await nested.Problem(HttpStatusCode.BadRequest);
        Assert.NotEmpty(both.FieldErrors("externalIds[1]"));
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync($"/api/v1/enrollments/{enrollment.Id}/treatment-plan", Ct)).StatusCode);
    }
}

public sealed class RateLimitTests(RateLimitedApi api) : EngineTest<RateLimitedApi>(api), IClassFixture<RateLimitedApi>
{
    [Fact]
    public async Task Client_over_its_budget_gets_429_with_retry_after_while_others_and_health_pass()
    {
        var greedy = Api.ClientAs("admin", "greedy-client");
        for (var i = 0; i < RateLimitedApi.Permits; i++)
        {
            var ok = await greedy.GetAsync("/api/v1/sites", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(RateLimitedApi.Permits.ToString(CultureInfo.InvariantCulture), Header(ok, "X-RateLimit-Limit"));
            Assert.Equal((RateLimitedApi.Permits - i - 1).ToString(CultureInfo.InvariantCulture), Header(ok, "X-RateLimit-Remaining"));
        }

        var rejected = await greedy.GetAsync("/api/v1/sites", Ct);
        Assert.Equal("0", Header(rejected, "X-RateLimit-Remaining"));

        var problem = await rejected.Problem(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Api.ClientAs("admin", "patient-client").GetAsync("/api/v1/sites", Ct)).StatusCode);
        for (var i = 0; i < RateLimitedApi.Permits + 2; i++)
        {
            var health = await Api.Anonymous().GetAsync("/health/live", Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.False(health.Headers.Contains("X-RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task A_401_also_tells_the_caller_its_budget()
    {
        var response = await Api.Anonymous().GetAsync("/api/v1/sites", Ct);

        await response.Problem(HttpStatusCode.Unauthorized);
        Assert.Equal(RateLimitedApi.Permits.ToString(CultureInfo.InvariantCulture), Header(response, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Preflight_from_an_allowed_origin_is_answered_and_others_get_no_cors_headers()
    {
        using var allowed = new HttpRequestMessage(HttpMethod.Options, "/api/v1/sites");
        allowed.Headers.Add("Origin", RateLimitedApi.AllowedOrigin);
        allowed.Headers.Add("Access-Control-Request-Method", "POST");
        allowed.Headers.Add("Access-Control-Request-Headers", "x-api-key,content-type");
        var preflight = await Api.Anonymous().SendAsync(allowed, Ct);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(RateLimitedApi.AllowedOrigin, Header(preflight, "Access-Control-Allow-Origin"));

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sites");
        other.Headers.Add("Origin", "https://elsewhere.example");
        var response = await Api.ClientAs("admin", "cors-client").SendAsync(other, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}

/// <summary>Headers every response carries, and error bodies that name the problem without echoing the input (issue 19).</summary>
public sealed class ResponseHardeningTests(HttpSqliteApi api) : EngineTest<HttpSqliteApi>(api), IClassFixture<HttpSqliteApi>
{
    [Theory]
    [InlineData("/api/v1/sites", HttpStatusCode.OK)]
    [InlineData("/api/v1/sites/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    public async Task Api_responses_forbid_sniffing_and_caching_errors_included(string path, HttpStatusCode status)
    {
        var response = await Api.Admin().GetAsync(path, Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.False(response.Headers.Contains("Server"));
        if (status != HttpStatusCode.OK)
        {
            await response.Problem(status);
        }
    }

    [Fact]
    public async Task A_nul_in_the_path_is_refused_by_the_server_before_any_application_code()
    {
        // The server's URL decoder refuses it (Kestrel: a bodiless 400 and a closed connection; the test host: this
        // exception), so no route, handler or database ever sees a NUL from a path. No middleware can add a body.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Api.Admin().GetAsync("/api/v1/sites/%00", Ct));
        Assert.Contains("null characters", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kestrel_sends_no_server_header() =>
        Assert.False(Api.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value.AddServerHeader);

    [Fact]
    public async Task Ten_thousand_invalid_roles_get_a_short_error_not_an_echo()
    {
        var roles = Enumerable.Range(0, 10_000).Select(i => $"not-a-role-{i:D5}-{new string('r', 40)}").ToArray();

        var response = await Api.Admin().PostJson("/api/v1/api-clients", new { name = "Echo probe", roles });

        var text = await response.Content.ReadAsStringAsync(Ct);
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.True(text.Length < 16 * 1024, $"{text.Length} characters");
        Assert.InRange(problem.GetProperty("errors").EnumerateObject().Count(), 1, ProblemEcho.MaxErrors);
        Assert.True(problem.GetProperty("moreErrorsOmitted").GetBoolean());
    }

    [Theory]
    [InlineData("Production", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", null, true)]
    [InlineData("Staging", "false", false)]
    public void Swagger_is_off_in_production_unless_configured(string environment, string? setting, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SwaggerSetup.EnabledSetting] = setting })
            .Build();
        var host = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment };

        Assert.Equal(expected, SwaggerSetup.Enabled(configuration, host));
    }
}

public sealed class SwaggerOffApi : ApiFactory
{
    public SwaggerOffApi()
        : base(BuildingBlocks.Data.DatabaseEngine.Sqlite) => Set(SwaggerSetup.EnabledSetting, "false");
}

public sealed class SwaggerOffTests(SwaggerOffApi api) : EngineTest<SwaggerOffApi>(api), IClassFixture<SwaggerOffApi>
{
    [Theory]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/swagger/index.html")]
    public async Task Swagger_switched_off_serves_nothing(string path)
    {
        await (await Api.Anonymous().GetAsync(path, Ct)).Problem(HttpStatusCode.Unauthorized);
        await (await Api.Admin().GetAsync(path, Ct)).Problem(HttpStatusCode.NotFound);
    }
}
