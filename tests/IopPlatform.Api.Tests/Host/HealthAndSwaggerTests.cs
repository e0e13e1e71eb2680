using System.Net;
using System.Text.Json;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.Host;

public abstract class HealthAndSwaggerTests<TApi>(TApi api) : EngineTest<TApi>(api)
    where TApi : ApiFactory
{
    [Fact]
    public async Task Live_and_ready_answer_200_without_credentials()
    {
        var anonymous = Api.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", Ct)).StatusCode);

        var ready = await (await anonymous.GetAsync("/health/ready", Ct)).Read<JsonElement>();
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Swagger_document_lists_the_api_with_tags()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<JsonElement>();

        Assert.Equal("IOP Platform API", doc.GetProperty("info").GetProperty("title").GetString());
        var createProgram = doc.GetProperty("paths").GetProperty("/api/v1/programs").GetProperty("post");
        Assert.Equal("Enrollment", createProgram.GetProperty("tags")[0].GetString());
        Assert.False(string.IsNullOrWhiteSpace(createProgram.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task Every_json_body_and_response_has_an_example()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<JsonElement>();

        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var contents = new List<(string Where, JsonElement Content)>();
                if (operation.Value.TryGetProperty("requestBody", out var body))
                {
                    contents.Add(("request", body.GetProperty("content")));
                }
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject())
                {
                    if (response.Value.TryGetProperty("content", out var content))
                    {
                        contents.Add((response.Name, content));
                    }
                }
                foreach (var (where, content) in contents)
                {
                    foreach (var media in content.EnumerateObject().Where(m => m.Name.EndsWith("json", StringComparison.Ordinal)))
                    {
                        if (!media.Value.TryGetProperty("example", out _))
                        {
                            missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name} {where} {media.Name}");
                        }
                    }
                }
            }
        }
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));

        var createProgram = doc.GetProperty("paths").GetProperty("/api/v1/programs").GetProperty("post");
        var request = createProgram.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.True(Guid.TryParse(request.GetProperty("siteId").GetString(), out _));
        Assert.Equal("asam-3:2.1", request.GetProperty("levelOfCare").GetString());
        var notFound = createProgram.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetProperty("example");
        Assert.Equal(400, notFound.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Time_of_day_is_a_pattern_with_a_matching_example()
    {
        var doc = await (await Api.Anonymous().GetAsync("/swagger/v1/swagger.json", Ct)).Read<JsonElement>();

        var times = doc.GetProperty("components").GetProperty("schemas").EnumerateObject()
            .Where(s => s.Value.TryGetProperty("properties", out _))
            .SelectMany(s => s.Value.GetProperty("properties").EnumerateObject())
            .Where(p => p.Value.TryGetProperty("pattern", out var pattern) && pattern.GetString() == Hosting.SwaggerSetup.TimeOfDayPattern)
            .ToList();
        Assert.NotEmpty(times);
        Assert.All(times, t =>
        {
            Assert.False(t.Value.TryGetProperty("format", out _), t.Name);
            Assert.Equal("18:00:00", t.Value.GetProperty("example").GetString());
        });
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        await (await Api.Admin().GetAsync("/api/v1/no-such-thing", Ct)).Problem(HttpStatusCode.NotFound);
    }
}

public sealed class HealthAndSwaggerTestsOnSqlite(SqliteApi api) : HealthAndSwaggerTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class HealthAndSwaggerTestsOnPostgres(PostgresApi api) : HealthAndSwaggerTests<PostgresApi>(api), IClassFixture<PostgresApi>;

public sealed class HealthAndSwaggerTestsOnSqlServer(SqlServerApi api) : HealthAndSwaggerTests<SqlServerApi>(api), IClassFixture<SqlServerApi>;
