using System.Net;
using IopPlatform.Api.Hosting;
using IopPlatform.BuildingBlocks.Data;
using IopPlatform.Testing;
using Xunit;

namespace IopPlatform.Api.Tests.Host;

/// <summary>An API started before the deployment's migration step (MigrateOnStart off, empty database).</summary>
public sealed class UnmigratedApi : ApiFactory
{
    public const string BootstrapKey = "iop_unmigrated-bootstrap-key-0123456789abcdef";

    public UnmigratedApi()
        : base(DatabaseEngine.Sqlite)
    {
        Set("Database:MigrateOnStart", "false");
        Set("Auth:BootstrapAdminKey", BootstrapKey);
    }
}

public sealed class UnmigratedDatabaseTests(UnmigratedApi api) : EngineTest<UnmigratedApi>(api), IClassFixture<UnmigratedApi>
{
    [Fact]
    public async Task Calls_before_the_migration_step_are_503_problems_and_the_bootstrap_key_works_right_after_it()
    {
        var before = await Api.Admin().GetAsync("/api/v1/sites", Ct);
        var problem = await before.Problem(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("not migrated", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(before.Headers.RetryAfter);

        // The deployment's migration step, while this API keeps running.
        await MigrateCommand.RunAsync(Api.Services, Ct);

        Assert.Equal(HttpStatusCode.OK, (await Api.Admin().GetAsync("/api/v1/sites", Ct)).StatusCode);
        using var keyed = Api.Anonymous();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", UnmigratedApi.BootstrapKey);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/v1/api-clients", Ct)).StatusCode);
    }
}
