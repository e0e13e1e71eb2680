using System.Net;
using System.Text;
using IopPlatform.Api.Hosting;
using IopPlatform.Enrollment.Contracts;
using IopPlatform.Testing;
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
    public async Task Wrong_content_type_is_415_problem()
    {
        var response = await Api.Admin().PostAsync("/api/v1/programs", new StringContent("<program/>", Encoding.UTF8, "application/xml"), Ct);

        await response.Problem(HttpStatusCode.UnsupportedMediaType);
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
            Assert.Equal(HttpStatusCode.OK, (await greedy.GetAsync("/api/v1/sites", Ct)).StatusCode);
        }

        var rejected = await greedy.GetAsync("/api/v1/sites", Ct);

        var problem = await rejected.Problem(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Api.ClientAs("admin", "patient-client").GetAsync("/api/v1/sites", Ct)).StatusCode);
        for (var i = 0; i < RateLimitedApi.Permits + 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Api.Anonymous().GetAsync("/health/live", Ct)).StatusCode);
        }
    }
}
