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
    public async Task Unknown_route_is_a_404_problem()
    {
        await (await Api.Admin().GetAsync("/api/v1/no-such-thing", Ct)).Problem(HttpStatusCode.NotFound);
    }
}

public sealed class HealthAndSwaggerTestsOnSqlite(SqliteApi api) : HealthAndSwaggerTests<SqliteApi>(api), IClassFixture<SqliteApi>;

public sealed class HealthAndSwaggerTestsOnPostgres(PostgresApi api) : HealthAndSwaggerTests<PostgresApi>(api), IClassFixture<PostgresApi>;
